import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The built Angular console, served by the API at `/` with index.html as the fallback for client-side routes. */
export class ConsoleAssets {
  readonly indexHtml: string | null;

  constructor(readonly dir: string | undefined) {
    const index = dir ? join(dir, 'index.html') : null;
    this.indexHtml = index && existsSync(index) ? readFileSync(index, 'utf8') : null;
  }

  /** Whether a 404 for this request should be answered with the console's index.html (a deep link). */
  servesFallback(method: string, url: string): boolean {
    if (!this.indexHtml || (method !== 'GET' && method !== 'HEAD')) return false;
    // Normalized the way a path trick would try to slip past (`//v1`, `/V1`, `/%761`): those stay JSON 404s.
    let path = url.split('?')[0]!;
    try {
      path = decodeURIComponent(path);
    } catch {
      return false;
    }
    path = path.toLowerCase().replace(/[\\/]+/g, '/');
    return !path.startsWith('/v1') && path !== '/healthz' && !/\.[a-z0-9]+$/.test(path);
  }
}
