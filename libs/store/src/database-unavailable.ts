// Connection-level failures of Postgres (node codes and SQLSTATE classes 08/57P): the database is away, not the query
// wrong and not the caller's fault.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

/**
 * True when `err` (from pg or TypeORM) says Postgres cannot be reached: the API answers E_DEPENDENCY_UNAVAILABLE,
 * the worker's activities wait for the database instead of failing the run.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown; message?: unknown }; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  const codes = [e.code, e.driverError?.code].filter((c): c is string => typeof c === 'string');
  if (codes.some((c) => UNAVAILABLE_CODES.has(c))) return true;
  const text = `${String(e.message ?? '')} ${String(e.driverError?.message ?? '')}`;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(text);
}
