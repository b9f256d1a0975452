export * from './loopback-web';
export * from './tool-harness';
