import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConsoleAssets } from '../console/console-assets';
import { toErrorEnvelope } from './error-envelope';

/** Global filter: every error leaves as the normalized envelope, never as a stack trace. */
@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  private readonly logger = new Logger('errors');

  constructor(private readonly consoleAssets: ConsoleAssets) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, body, internal } = toErrorEnvelope(exception, String(request.id));
    if (status === 404 && this.consoleAssets.servesFallback(request.method, request.url)) {
      void reply.status(200).type('text/html; charset=utf-8').send(this.consoleAssets.indexHtml);
      return;
    }
    if (internal) {
      this.logger.error(`${request.method} ${request.url} ${body.error.request_id}: ${exception instanceof Error ? exception.stack : String(exception)}`);
    }
    void reply.status(status).type('application/json; charset=utf-8').send(body);
  }
}
