// `@omniai/contracts/pure`: the values of the contracts without zod. The workflow bundle and the console import
// values only from here (lint enforces it); the zod schemas in the parent folder build on these same values.
export * from './errors';
export * from './identity';
export * from './run-events';
export * from './run-status';
export * from './temporal';
export * from './tools';
export * from './storable-text';
export * from './canonical-json';
export * from './approval-arguments';
export * from './egress';
export * from './graphs';
export * from './research';
