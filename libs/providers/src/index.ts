export * from './anthropic-adapter';
export * from './openai-adapter';
export * from './presets';
export * from './provider';
export * from './provider-error';
export * from './scripted-provider';
export * from './sdk-adapter';
export * from './scripted-fixtures';
