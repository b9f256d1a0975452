// Lint is part of `npm test`. Two jobs: module boundaries between projects (Nx tags, see DESIGN.md) and the house
// rules (no floating promises anywhere; nothing but deterministic code inside workflows/).
import nx from '@nx/eslint-plugin';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'module',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];

const ZOD_FREE = 'Workflow and console code must not bundle zod: import contracts with `import type`, and values from `@omniai/contracts/pure`.';

const BY_NAME = 'Send Temporal messages with the definitions in @omniai/workflow-api (e.g. `handle.signal(resumeRunSignal, …)`), never by name.';
const SEND_BY_NAME = [
  ...['Literal', 'TemplateLiteral'].map((type) => ({
    selector: `CallExpression[callee.property.name=/^(signal|signalWithStart|executeUpdate|startUpdate)$/][arguments.0.type='${type}']`,
    message: BY_NAME,
  })),
  {
    selector: "CallExpression[callee.property.name='signalWithStart'] Property[key.name='signal'][value.type=/^(Literal|TemplateLiteral)$/]",
    message: BY_NAME,
  },
  { selector: "MemberExpression[object.name='SIGNALS']", message: BY_NAME },
];
const DEFINE_MESSAGE = [
  {
    selector: 'ImportSpecifier[imported.name=/^define(Signal|Query|Update)$/], CallExpression[callee.property.name=/^define(Signal|Query|Update)$/]',
    message: 'Signals, queries and updates are defined once, in libs/workflow-api, and imported from there by the workflow and the API.',
  },
];

// Module boundaries between projects (Nx tags).
const BOUNDARIES = {
  enforceBuildableLibDependency: false,
  allow: [],
  depConstraints: [
    // contracts: zod only, nothing of ours
    { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'], allowedExternalImports: ['zod', 'zod/*'] },
    // the graph language (libs/graphs): contracts and JSON Logic only; deterministic, so the workflow sandbox, the API,
    // the worker and the console (live validation) all evaluate graphs with the same code (D48)
    { sourceTag: 'scope:graph', onlyDependOnLibsWithTags: ['scope:shared'], allowedExternalImports: ['json-logic-js'] },
    // research (libs/research): citation checks, the report and the research graph; pure and deterministic, so the
    // workflow, the worker, the API and the console all share them
    { sourceTag: 'scope:research', onlyDependOnLibsWithTags: ['scope:shared'], allowedExternalImports: [] },
    // the Temporal contract (libs/workflow-api): zod-free contracts and the workflow SDK's message definitions; its
    // `codec` subpath (outside the sandbox, never imported by workflows) serializes payloads with @temporalio/proto
    {
      sourceTag: 'scope:workflow-api',
      onlyDependOnLibsWithTags: ['scope:shared'],
      allowedExternalImports: ['@temporalio/workflow', '@temporalio/common', '@temporalio/proto'],
    },
    // workflow sandbox: contracts, the Temporal contract and the workflow SDK only
    {
      sourceTag: 'scope:workflow',
      onlyDependOnLibsWithTags: ['scope:shared', 'scope:graph', 'scope:research', 'scope:workflow-api'],
      allowedExternalImports: ['@temporalio/workflow', '@temporalio/common'],
    },
    // console: contracts only (a browser bundle must never pull server code)
    {
      sourceTag: 'scope:console',
      onlyDependOnLibsWithTags: ['scope:shared', 'scope:graph', 'scope:research'],
      allowedExternalImports: ['@angular/*', 'rxjs', 'rxjs/*', 'tslib', '@playwright/test', 'ngx-vflow', '@dagrejs/dagre', 'marked', 'dompurify', 'diff'],
    },
    // server-side libs (store, tools): contracts and each other; the API and the worker may import them
    { sourceTag: 'scope:server', onlyDependOnLibsWithTags: ['scope:shared', 'scope:graph', 'scope:research', 'scope:server'] },
    // API: never workflow implementations or sandbox adapters; it starts workflows by typed name
    { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:shared', 'scope:graph', 'scope:research', 'scope:server', 'scope:workflow-api'] },
    // worker: the composition root
    {
      sourceTag: 'scope:worker',
      onlyDependOnLibsWithTags: ['scope:shared', 'scope:graph', 'scope:research', 'scope:server', 'scope:worker', 'scope:workflow', 'scope:workflow-api'],
    },
    // nobody imports an app
    { sourceTag: 'type:app', notDependOnLibsWithTags: ['type:app'] },
    { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
  ],
};

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.tools/**',
      '.data/**',
      '.angular/**',
      '.nx/**',
      'test-results/**',
      'playwright-report/**',
      'bench/results/**',
    ],
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    plugins: { '@nx': nx },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@nx/enforce-module-boundaries': ['error', BOUNDARIES],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...NODE_BUILTINS.map((name) => ({ name, message: 'Workflow code runs in the deterministic sandbox: no Node built-ins. Do I/O in an activity.' })),
            ...['pg', 'typeorm', 'dockerode', 'axios', 'undici', '@temporalio/activity', '@temporalio/client', '@temporalio/worker'].map((name) => ({
              name,
              message: 'Workflow code must not do I/O: call an activity instead.',
            })),
            { name: '@omniai/workflow-api/codec', message: 'The payload codec runs outside the sandbox (clients and the worker), never in workflow code.' },
          ],
          patterns: [{ group: ['node:*'], message: 'Workflow code runs in the deterministic sandbox: no Node built-ins.' }],
        },
      ],
    },
  },
  {
    // The workflow bundle and the browser bundle must stay zod-free: contracts as types, values from the pure subpath.
    // libs/graphs is imported by both; only its `./parse` subpath (API, worker) may use zod.
    files: ['workflows/**/*.ts', 'apps/console/**/*.ts', 'libs/workflow-api/**/*.ts', 'libs/graphs/**/*.ts', 'libs/research/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', 'libs/graphs/src/parse.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@omniai/contracts', allowTypeImports: true, message: ZOD_FREE },
            { name: 'zod', message: ZOD_FREE },
          ],
          patterns: [{ group: ['zod/*'], message: ZOD_FREE }],
        },
      ],
    },
  },
  {
    // Temporal messages have one definition (libs/workflow-api), used by the workflow's handlers and by every sender.
    files: ['**/*.ts'],
    ignores: ['bench/**'],
    rules: { 'no-restricted-syntax': ['error', ...SEND_BY_NAME, ...DEFINE_MESSAGE] },
  },
  {
    files: ['libs/workflow-api/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...SEND_BY_NAME] },
  },
  {
    // File-level import cycles (tools/lib/folder-cycles.mjs refuses folder-level ones on a full run).
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': undefined,
      'import-x/resolver-next': [createTypeScriptImportResolver()],
    },
    rules: { 'import-x/no-cycle': 'error' },
  },
  {
    // Test code, including the system tests' helpers (apps/api/test/support), wires real pieces of other projects.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/testing/**/*.ts', '**/test/support/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
);
