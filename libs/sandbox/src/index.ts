export * from './sandbox-image';
export * from './docker-sandbox';
export * from './egress-relay';
export * from './docker-client';
export * from './engine-preflight';
