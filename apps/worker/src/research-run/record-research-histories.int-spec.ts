import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AesGcmPayloadCodec, openHistoryPayloads } from '@omniai/workflow-api/codec';
import { testPayloadKeys } from '../testing';
import { researchRequest, ResearchKit, SAMPLE_QUESTION } from './research-kit';

// Records the committed replay histories of researchWorkflow (workflows/src/research/histories/) from real runs on the
// real worker, Postgres and Temporal dev server. Opt-in, because a recording replaces committed files:
//   OMNI_RECORD_HISTORIES=1 node node_modules/jest/bin/jest.js apps/worker/src/research-run/record-research-histories
const HISTORIES_DIR = join(__dirname, '..', '..', '..', '..', 'workflows', 'src', 'research', 'histories');
const recording = process.env['OMNI_RECORD_HISTORIES'] === '1' ? describe : describe.skip;

recording('recording the committed researchWorkflow histories', () => {
  let kit: ResearchKit;
  const save = async (history: unknown, file: string) => {
    // Committed opened (D45): replay tests must not need the recording run's payload key.
    writeFileSync(join(HISTORIES_DIR, file), `${JSON.stringify(await openHistoryPayloads(history, new AesGcmPayloadCodec(testPayloadKeys())), null, 1)}\n`);
  };

  beforeAll(async () => {
    kit = await ResearchKit.start('research_histories');
  }, 120_000);
  afterAll(() => kit?.stop());

  it('a reviewed plan (one sub-question reworded, one added), four sources, a verified report', async () => {
    const { runId, handle } = await kit.start(researchRequest(SAMPLE_QUESTION, { plan_review: true }));
    const approval = await kit.graph.pendingApproval(runId);
    expect(approval.tool_id).toBe('research.plan_review');
    await kit.graph.decide(runId, 'approve', null, {
      sub_questions: [
        'How do runs survive a crash of the worker?',
        'How are tool calls approved by a reviewer before they run?',
        'How are tools isolated from the system they run on?',
        'How are the citations of research reports verified?',
        'Which pricing tiers exist?',
      ],
    });
    expect((await handle.result()).status).toBe('completed');
    await save(await handle.fetchHistory(), 'research-reviewed-plan.json');
  });

  it('the planted report: two citations fail, the revision is refused, both are removed and flagged', async () => {
    const { handle } = await kit.start(researchRequest(`${SAMPLE_QUESTION} (planted)`));
    expect((await handle.result()).status).toBe('completed');
    await save(await handle.fetchHistory(), 'research-planted-citations.json');
  });
});
