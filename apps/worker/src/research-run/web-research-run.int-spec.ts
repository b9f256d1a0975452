import { randomBytes } from 'node:crypto';
import type { ResearchRequest } from '@omniai/contracts';
import { SearchBackendStore, SecretBox } from '@omniai/store';
import { ResearchWeb } from '@omniai/tools/testing';
import { READ_POLICY } from '../graph-run/graph-test-kit';
import { RESEARCH_PINS, ResearchKit } from './research-kit';

// A research run over the web, end to end on a real worker: a SearXNG backend configured in the store, searches and
// page reads through safeFetch and the egress allowlist (a stand-in network lands them on the local research web),
// robots.txt obeyed, each page fetched once, claims anchored in the snapshots of the pages as read.

const QUESTION = 'How do workflow engines replay their histories?';
const SUB_QUESTION = 'How are workflow histories replayed?';
const PAGES = 'pages.research.test';
const SEARX = 'searx.research.test';

let web: ResearchWeb;
let kit: ResearchKit;

beforeAll(async () => {
  web = await ResearchWeb.start({ pageHost: PAGES });
  const page = (slug: string) => web.pageUrl(slug);
  kit = await ResearchKit.start('webresearch', { webConnect: { unsafeTestNetwork: web.network([PAGES, SEARX]) } }, [
    { match: `RESEARCH PLAN · ${QUESTION}`, reply: JSON.stringify({ sub_questions: [SUB_QUESTION] }) },
    {
      match: `RESEARCH EXTRACT · ${page('event-sourcing')}`,
      reply: JSON.stringify({
        claims: [
          {
            text: 'After a restart the engine replays the history to rebuild the workflow state.',
            quote: 'When a worker restarts, the engine replays the history to rebuild the workflow state without running side effects again.',
            sub_question: 1,
          },
        ],
      }),
    },
    {
      match: `RESEARCH EXTRACT · ${page('activity-retries')}`,
      reply: JSON.stringify({
        claims: [{ text: 'Activities may run more than once.', quote: 'they may run more than once', sub_question: 1 }],
      }),
    },
    { match: `RESEARCH SYNTHESIZE · ${QUESTION}`, reply: '## Replay\n\nEngines replay the history after a restart.' },
  ]);
  await kit.graph.policy({ ...READ_POLICY, egress_allow: [PAGES, SEARX] });
});

afterAll(async () => {
  await kit?.stop();
  await web?.close();
});

it('searches through the configured backend, reads each page once, skips what robots.txt disallows', async () => {
  const backend = await new SearchBackendStore(kit.graph.ds, new SecretBox(kit.graph.ds, randomBytes(32))).create({
    kind: 'searxng',
    name: 'Local SearXNG',
    baseUrl: `http://${SEARX}`,
    apiKey: null,
    createdBy: 'test',
  });
  const request: ResearchRequest = {
    question: QUESTION,
    sources: { documents: false, web: { backend_id: backend.id, kind: 'searxng', hosts: [SEARX] }, mcp_tools: [] },
    depth: 2,
    max_sources: 12,
    plan_review: false,
  };
  const { runId, handle } = await kit.start(request, RESEARCH_PINS);
  // A run that reads the web always waits for its plan review, whatever the request says: nothing is fetched before.
  expect((await kit.graph.pendingApproval(runId)).tool_id).toBe('research.plan_review');
  expect([web.count('/search'), web.count('/robots.txt')]).toEqual([0, 0]);
  await kit.graph.decide(runId, 'approve');
  expect((await handle.result()).status).toBe('completed');

  expect(web.count('/search')).toBe(1);
  const rows = await kit.sources.list(runId);
  const byLocator = new Map(rows.map((r) => [r.locator, r]));
  expect([...byLocator.keys()].sort()).toEqual([web.pageUrl('activity-retries'), web.pageUrl('event-sourcing'), web.pageUrl('roadmap')].sort());
  for (const r of rows) expect(r.fetches).toBe(1);
  // The pages themselves: each read once, the disallowed one never.
  expect([web.count('/pages/event-sourcing'), web.count('/pages/activity-retries'), web.count('/private/roadmap')]).toEqual([1, 1, 0]);

  const view = await kit.view(runId, request);
  const source = (slug: string) => view.sources.find((s) => s.locator === web.pageUrl(slug))!;
  expect(source('roadmap')).toMatchObject({ kind: 'web', status: 'failed', snapshot: null, error: { code: 'E_ROBOTS_DISALLOWED' } });
  expect(source('event-sourcing')).toMatchObject({ kind: 'web', status: 'read', via: 'searxng', error: null });
  const snapshot = source('event-sourcing').snapshot!;
  expect(snapshot.final_locator).toBe(web.pageUrl('event-sourcing'));
  const text = await kit.snapshotText(snapshot.sha256);
  expect(text).toMatch(/^A workflow engine that uses event sourcing records every decision/);
  // The claim's quote is anchored at its offsets in the snapshot as read.
  const claim = view.claims.find((c) => c.evidence[0]!.source_id === source('event-sourcing').source_id)!;
  const { start, end, quote } = claim.evidence[0]!;
  expect(text.slice(start, end)).toBe(quote);
});
