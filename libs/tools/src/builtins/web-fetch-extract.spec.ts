import { ToolManifest } from '@omniai/contracts';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { type ToolContext, ToolError } from '../tool';
import { webFetchExtract, webFetchExtractManifest } from './web-fetch-extract';

function ajv() {
  const instance = new Ajv2020({ strict: true, allErrors: true });
  addFormats(instance);
  return instance;
}

const ctx: ToolContext = {
  project_id: 'p',
  run_id: 'r',
  call_id: 'c',
  idempotency_key: 'r/c',
  signal: new AbortController().signal,
  heartbeat: () => undefined,
};

describe('web.fetch_extract manifest', () => {
  it('is a valid ToolManifest with the declared identity and risk', () => {
    expect(ToolManifest.parse(webFetchExtractManifest)).toEqual(webFetchExtractManifest);
    expect(webFetchExtractManifest).toMatchObject({
      id: 'web.fetch_extract',
      version: '1.0.0',
      risk: {
        side_effect: 'read',
        scopes: ['read_web'],
        egress_hosts: ['*'],
        limits: { timeout_ms: 20000, memory_mb: 256, cpus: 1 },
      },
      binding: { type: 'inproc_safe', builtin: 'web.fetch_extract' },
    });
  });

  it('has draft 2020-12 input and output schemas that compile strictly', () => {
    const input = ajv().compile(webFetchExtractManifest.input_schema);
    expect(input({ url: 'https://example.org/' })).toBe(true);
    expect(input({ url: 'https://example.org/', max_chars: 500 })).toBe(true);
    expect(input({ url: 'not a uri' })).toBe(false);
    expect(input({ url: 'https://example.org/', max_chars: 0 })).toBe(false);
    expect(input({ url: 'https://example.org/', max_chars: 1.5 })).toBe(false);
    expect(input({ url: 'https://example.org/', extra: true })).toBe(false);
    expect(input({})).toBe(false);

    const output = ajv().compile(webFetchExtractManifest.output_schema);
    expect(output({ url: 'u', final_url: 'u', status: 200, title: '', text: '', truncated: false })).toBe(true);
    expect(output({ url: 'u', final_url: 'u', status: 200, title: '', text: '' })).toBe(false);
  });
});

describe('web.fetch_extract input checks', () => {
  const tool = webFetchExtract({ allowHosts: [] });

  it.each([
    null,
    'https://example.org/',
    { url: 42 },
    { url: '' },
    { url: 'https://example.org/', max_chars: 0 },
    { url: 'https://example.org/', max_chars: 1.5 },
  ])('refuses %j with E_VALIDATION', async (input) => {
    await expect(tool.run(input, ctx)).rejects.toMatchObject({ name: 'ToolError', code: 'E_VALIDATION' });
  });

  it('denies every host when the grant lists none', async () => {
    const err: unknown = await tool.run({ url: 'https://example.org/' }, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolError);
    expect((err as ToolError).code).toBe('E_EGRESS_DENIED');
  });
});
