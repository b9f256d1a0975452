export * from './sandbox-image';
export * from './docker-sandbox';
export * from './egress-relay';
export * from './docker-client';
export * from './engine-preflight';
export * from './mcp-node-image';
export * from './sandbox-session';
