// `@omniai/graphs`: the graph language, pure and deterministic (no zod, no I/O), so the workflow, the API, the worker
// and the console all read specs with the same code. Parsing untrusted input (zod) is the `./parse` subpath.
export * from './expressions';
export * from './plan';
export * from './projection';
export * from './validate';
export * from './diff';
export * from './templates';
