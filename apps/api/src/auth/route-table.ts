import { API_ROUTES, type ApiRoute } from '@omniai/contracts';
import type { FastifyRequest } from 'fastify';

/** `/v1/runs/{runId}` → `/v1/runs/:runId`, the form Fastify reports as the matched route. */
export const routeKey = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
const ROUTES = new Map<string, ApiRoute>(API_ROUTES.map((r) => [routeKey(r.method, r.path), r]));

/** The contract entry of the route a request matched (HEAD answers as GET), if it has one. */
export function routeOf(req: FastifyRequest): ApiRoute | undefined {
  return ROUTES.get(routeKey(req.method === 'HEAD' ? 'GET' : req.method, req.routeOptions.url ?? ''));
}
