/** A row as `query()` returns it: column name to value, read through the `to*` mappers of each store. */
export type Row = Record<string, unknown>;

/** A timestamp column as ISO 8601 (the driver gives a Date; a string is parsed). */
export const iso = (v: unknown): string => (v instanceof Date ? v : new Date(String(v))).toISOString();

/** A nullable timestamp column as ISO 8601, or null. */
export const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : iso(v));
