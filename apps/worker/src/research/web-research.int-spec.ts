import type { ResearchRequest } from '@omniai/contracts';
import { PolicyStore, SearchBackendStore, SecretBox } from '@omniai/store';
import { openTestDataSource } from '@omniai/store/testing';
import { randomBytes } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createWebResearch } from './web-research';

/** Inside an activity, as the research activities call it (database waits heartbeat). */
const inActivity = <T>(fn: () => Promise<T>): Promise<T> => new MockActivityEnvironment().run(fn);

// The worker's web research over the real stores: the backend's key is revealed for the search, the workspace egress
// allowlist of the moment decides what it may reach (nothing here, so no request leaves), and a removed backend is a
// failure the run records. The adapters themselves are tested against local wire servers in @omniai/tools.
describe('web research in the worker (real Postgres)', () => {
  let db: Awaited<ReturnType<typeof openTestDataSource>>;
  let backends: SearchBackendStore;
  let policies: PolicyStore;

  beforeAll(async () => {
    db = await openTestDataSource('webresearch');
    backends = new SearchBackendStore(db.ds, new SecretBox(db.ds, randomBytes(32)));
    policies = new PolicyStore(db.ds);
  });
  afterAll(() => db.close());

  const request = (backendId: string): ResearchRequest => ({
    question: 'q',
    sources: { documents: false, web: { backend_id: backendId, kind: 'brave', hosts: ['api.search.brave.com'] }, mcp_tools: [] },
    depth: 1,
    max_sources: 3,
    plan_review: true,
  });

  it('searches and reads only where the egress allowlist lets it, and never names the key', async () => {
    const backend = await backends.create({ kind: 'brave', name: 'B', baseUrl: 'https://api.search.brave.com', apiKey: 'sk-never-in-errors', createdBy: 't' });
    await policies.put({ ...(await policies.get()), egress_allow: ['docs.example.org'] });
    const web = createWebResearch({ backends, policies });
    const search = inActivity(() => web.search({ project_id: 'p', request: request(backend.id), query: 'x', limit: 3 }));
    await expect(search).rejects.toMatchObject({ code: 'E_EGRESS_DENIED', message: "api.search.brave.com is not in this call's egress allowlist" });
    await expect(search.catch((e: Error) => `${e.message} ${e.stack}`)).resolves.not.toContain('sk-never-in-errors');
    await expect(
      inActivity(() => web.read({ project_id: 'p', request: request(backend.id), url: 'https://elsewhere.example.org/page' })),
    ).rejects.toMatchObject({
      code: 'E_EGRESS_DENIED',
    });
  });

  it('records a backend removed since the run started', async () => {
    const web = createWebResearch({ backends, policies });
    const gone = '00000000-0000-4000-8000-000000000000';
    await expect(inActivity(() => web.search({ project_id: 'p', request: request(gone), query: 'x', limit: 3 }))).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
      message: `the search backend ${gone} was removed`,
    });
  });
});
