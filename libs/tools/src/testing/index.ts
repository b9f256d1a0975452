export * from './loopback-web';
export * from './tool-harness';
export * from './mcp-server';
export * from './research-web';
export * from './everything-server';
