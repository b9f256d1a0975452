import { Run, RunEvent } from '@omniai/contracts';
import { TemporalService } from '../src/temporal/temporal.service';
import type { TestApi } from './support/test-api';
import { startTestStack, type TestStack } from './support/test-stack';

const TURNS = 100;
const LIMIT_BYTES = 2 * 1024 * 1024;

describe('a 100-turn conversation with long messages keeps every workflow history small', () => {
  let stack: TestStack;
  let api: TestApi;

  beforeAll(async () => {
    stack = await startTestStack('long');
    api = stack.api;
  });
  afterAll(() => stack.stop());

  it(`${TURNS} turns of 20 KB in and ~10 KB out: each history stays under 2 MB while the context grows`, async () => {
    const project = (await api.post('/v1/projects', { name: 'Long conversation' })).body;
    const thread = (await api.post(`/v1/projects/${project.id}/threads`, {})).body;
    const temporal = api.app.get(TemporalService).client;
    const sizes: number[] = [];
    const inputTokens: number[] = [];
    for (let turn = 1; turn <= TURNS; turn++) {
      const message = `Turn ${turn}: ${'all work and no play makes a long conversation '.repeat(430)}`.slice(0, 20_000);
      const run = Run.parse((await api.post(`/v1/threads/${thread.id}/runs`, { message, pins: { params: { delay_ms: 0, reply_words: 1500 } } })).body);
      const handle = temporal.workflow.getHandle(run.workflow_id);
      await handle.result();
      const history = await handle.fetchHistory();
      // Temporal's own measure: historySizeBytes on the last workflow task.
      const started = history.events!.filter((e) => e.workflowTaskStartedEventAttributes).at(-1)!;
      sizes.push(Number(started.workflowTaskStartedEventAttributes!.historySizeBytes));
      const events = (await api.get(`/v1/runs/${run.id}/events`)).body.items as RunEvent[];
      const reply = events.find((e) => e.kind === 'assistant_message');
      inputTokens.push(reply?.kind === 'assistant_message' ? reply.payload.usage.input_tokens : 0);
    }
    const max = Math.max(...sizes);
    console.log(
      `history bytes per turn: first ${sizes[0]}, last ${sizes.at(-1)}, max ${max}; input tokens first ${inputTokens[0]}, last ${inputTokens.at(-1)}`,
    );
    expect(max).toBeLessThan(LIMIT_BYTES);
    // The conversation really grew: the last turn's prompt carried the previous 50 turns (the context window).
    expect(inputTokens.at(-1)!).toBeGreaterThan(inputTokens[0]! * 40);
  }, 420_000); // 100 sequential runs: ~60 s on an idle 2-core machine, far more when it is shared (a size check, not a timing one)
});
