import { Injectable } from '@nestjs/common';
import type { CodecPayloads } from '@omniai/contracts';
import { AesGcmPayloadCodec, runRemoteCodec } from '@omniai/workflow-api/codec';
import { ValueError } from '@temporalio/common';
import { AppConfig } from '../config/app-config';
import { ApiException } from '../errors/api.exception';

/** The API's side of the Temporal remote codec protocol (the Temporal UI's codec endpoint, D45). */
@Injectable()
export class RemoteCodec {
  private readonly codec: AesGcmPayloadCodec;

  constructor(config: AppConfig) {
    this.codec = new AesGcmPayloadCodec(config.payloadKeys);
  }

  async run(direction: 'encode' | 'decode', body: CodecPayloads): Promise<CodecPayloads> {
    try {
      return { payloads: await runRemoteCodec(this.codec, direction, body.payloads) };
    } catch (err) {
      // An unknown key id or an altered payload is the caller's data; the messages name key ids, never keys.
      if (err instanceof ValueError) throw new ApiException('E_VALIDATION', err.message);
      throw err;
    }
  }
}
