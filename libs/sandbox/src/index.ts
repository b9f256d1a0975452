export * from './sandbox-image';
export * from './docker-sandbox';
