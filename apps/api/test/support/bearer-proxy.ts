import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through HTTP proxy in front of the API that adds `Authorization: Bearer <token>` to every request: for MCP
 * tools that cannot send a header (the conformance runner has no option for one). Bodies stream both ways (SSE too).
 * A Host or Origin naming the proxy itself is rewritten to the API's address, as a reverse proxy in front of a
 * deployment would; any other value (a rebinding attacker's host) reaches the API untouched.
 */
export class BearerProxy {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(target: string, token: string): Promise<BearerProxy> {
    const upstream = new URL(target);
    let own = '';
    const server = createServer((req, res) => {
      const headers = { ...req.headers, authorization: `Bearer ${token}` };
      if (headers.host === own) headers.host = upstream.host;
      if (headers.origin === `http://${own}`) headers.origin = upstream.origin;
      const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.headersSent || res.writeHead(502).end());
      req.pipe(out);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    own = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    return new BearerProxy(server, `http://${own}`);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
