import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CodecPayloads } from '@omniai/contracts';
import { ZodPipe } from '../errors/zod.pipe';
import { RemoteCodec } from './remote-codec.service';

/** `/v1/temporal-codec/{encode,decode}`: admins only, CSRF by Origin (see API_ROUTES). */
@Controller('v1/temporal-codec')
export class TemporalCodecController {
  constructor(private readonly codec: RemoteCodec) {}

  @Post('decode')
  @HttpCode(200)
  decode(@Body(new ZodPipe(CodecPayloads)) body: CodecPayloads): Promise<CodecPayloads> {
    return this.codec.run('decode', body);
  }

  @Post('encode')
  @HttpCode(200)
  encode(@Body(new ZodPipe(CodecPayloads)) body: CodecPayloads): Promise<CodecPayloads> {
    return this.codec.run('encode', body);
  }
}
