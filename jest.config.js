// Unit tests (*.spec.ts) and integration tests (*.int-spec.ts) in one run. Integration tests talk to the real
// Postgres, Temporal dev server and Docker engine that tools/testing/jest-global-setup.mjs starts on free ports.
const ts = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
const js = { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } };

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/workflows', '<rootDir>/apps/api', '<rootDir>/apps/worker', '<rootDir>/apps/console/src', '<rootDir>/tools'],
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', ts],
    '^.+\\.m?js$': ['@swc/jest', js],
  },
  // NestJS 12 and Angular ship ESM only; Jest's module registry needs them as CommonJS (Angular for console code
  // that holds signals, e.g. core/form-state.ts; marked for the research report viewer). So does css-select and the
  // fb55 packages under it, which linkedom's CommonJS build requires (Node loads them natively with require(esm);
  // Jest's registry does not).
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|content-disposition|@angular|marked|css-select|css-what|boolbase|nth-check|domutils|domhandler|domelementtype|dom-serializer|entities|htmlparser2|cssomnom|unpdf)/)',
  ],
  // unpdf's PDF.js bundle is ESM only and loaded with import() (research/read-source.ts), which Jest's CommonJS
  // registry cannot do: the import becomes a require of the bundle, compiled like the packages above.
  moduleNameMapper: { '^unpdf/pdfjs$': '<rootDir>/node_modules/unpdf/dist/pdfjs.mjs' },
  testEnvironmentOptions: { customExportConditions: ['@omniai/source', 'node', 'require', 'default'] },
  globalSetup: '<rootDir>/tools/testing/jest-global-setup.mjs',
  globalTeardown: '<rootDir>/tools/testing/jest-global-teardown.mjs',
  testTimeout: 120_000,
  maxWorkers: 2,
};
