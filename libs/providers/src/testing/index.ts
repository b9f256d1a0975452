export * from './anthropic-wire-server';
export * from './openai-wire-server';
export * from './wire-server';
