export * from './steps';
export * from './text';
export * from './markdown';
export * from './citations';
export * from './report';
export * from './projection';
