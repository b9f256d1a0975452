import { type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ResolvedAddress, UnsafeTestNetwork } from '../egress/safe-fetch';

/** Public-looking addresses that test names resolve to. Nothing is ever sent to them: see {@link LoopbackWeb.network}. */
export const PUBLIC_V4 = '93.184.215.14';
export const PUBLIC_V6 = '2606:2800:21f:cb07:6820:80da:af6b:8b2c';

export interface SeenRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

/**
 * A web server on 127.0.0.1 for egress tests, and the stand-in network that lets `safeFetch` reach it without
 * exempting loopback from the address policy: test names resolve (fake DNS) to public-looking addresses, the policy
 * vets those, and only then is the connection routed here.
 */
export class LoopbackWeb {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    /** Every request the server received, in order. */
    readonly seen: readonly SeenRequest[],
  ) {}

  static async start(routes: Readonly<Record<string, Route>>): Promise<LoopbackWeb> {
    const seen: SeenRequest[] = [];
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://loopback.invalid');
      seen.push({ path: `${url.pathname}${url.search}`, headers: req.headers });
      const route = routes[url.pathname];
      if (route) route(req, res, url);
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new LoopbackWeb(server, (server.address() as AddressInfo).port, seen);
  }

  /** Paths requested so far. */
  paths(): string[] {
    return this.seen.map((r) => r.path);
  }

  /**
   * A network where each name in `dns` resolves to its addresses (other names fail like NXDOMAIN) and every
   * connection that passed the policy lands on this server. `lookups` and `routed` record what happened.
   */
  network(dns: Readonly<Record<string, readonly string[]>>): UnsafeTestNetwork & { lookups: string[]; routed: ResolvedAddress[] } {
    const lookups: string[] = [];
    const routed: ResolvedAddress[] = [];
    return {
      lookups,
      routed,
      resolve: async (hostname) => {
        lookups.push(hostname);
        const answers = dns[hostname];
        if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
        return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      },
      loopbackPortFor: (vetted) => {
        routed.push(vetted);
        return this.port;
      },
    };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
