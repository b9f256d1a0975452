import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { type SystemCheckReport, WORKFLOW_TYPES } from '@omniai/contracts';
import { createTestDatabase } from '@omniai/store/testing';
import { startTestWorker, testDataConverter, type TestWorker } from './testing';

describe('systemCheckWorkflow (real Temporal dev server + Docker)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let worker: TestWorker;
  let connection: Connection;

  beforeAll(async () => {
    db = await createTestDatabase('syscheck');
    worker = await startTestWorker(db.url);
    connection = await Connection.connect({ address: process.env['OMNI_TEST_TEMPORAL_ADDRESS']! });
  });

  afterAll(async () => {
    await worker.stop();
    await connection.close();
    await db.drop();
  });

  it('runs the sandbox probe through Temporal and reports a locked-down container', async () => {
    const client = new Client({ connection, dataConverter: testDataConverter() });
    const report = await client.workflow.execute<() => Promise<SystemCheckReport>>(WORKFLOW_TYPES.systemCheck, {
      taskQueue: worker.taskQueue,
      workflowId: `system-check-${randomUUID()}`,
    });
    expect(report.sandbox).toMatchObject({ uid: 65534, gid: 65534, cap_eff: '0000000000000000', no_new_privs: true, read_only_root: true, seccomp: 2 });
    expect(report.sandbox.network_interfaces).toEqual(['lo']);
    expect(report.sandbox_ms).toBeGreaterThan(0);
  });
});
