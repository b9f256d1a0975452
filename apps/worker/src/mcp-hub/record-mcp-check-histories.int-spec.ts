import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { McpServerStore, PolicyStore } from '@omniai/store';
import { createTestDatabase } from '@omniai/store/testing';
import { PUBLIC_V4, startTestMcpServer } from '@omniai/tools/testing';
import { mcpCheckStart } from '@omniai/workflow-api';
import { AesGcmPayloadCodec, openHistoryPayloads } from '@omniai/workflow-api/codec';
import { startTestWorker, testDataConverter, testPayloadKeys } from '../testing';

// Records the committed replay histories of mcpCheckWorkflow (workflows/src/mcp-check/histories/) from real checks on
// the real worker, Postgres, Temporal dev server and a real MCP server. Opt-in, because a recording replaces files:
//   OMNI_RECORD_HISTORIES=1 node node_modules/jest/bin/jest.js apps/worker/src/mcp-hub/record-mcp-check-histories
const HISTORIES_DIR = join(__dirname, '..', '..', '..', '..', 'workflows', 'src', 'mcp-check', 'histories');
const recording = process.env['OMNI_RECORD_HISTORIES'] === '1' ? describe : describe.skip;

recording('recording the committed mcpCheckWorkflow histories', () => {
  it('a check that lists the server, and one that finds it gone from the allowlist', async () => {
    const mcp = await startTestMcpServer();
    const db = await createTestDatabase('mcp_histories');
    const taskQueue = `test-${randomUUID()}`;
    const worker = await startTestWorker(db.url, { taskQueue, mcpConnect: { unsafeTestNetwork: mcp.web.network({ 'mcp.test': [PUBLIC_V4] }) } });
    const connection = await Connection.connect({ address: process.env['OMNI_TEST_TEMPORAL_ADDRESS']! });
    try {
      const client = new Client({ connection, dataConverter: testDataConverter() });
      const policies = new PolicyStore(worker.db);
      await policies.put({ grants: [], kill_switch_external_writes: false, egress_allow: ['mcp.test'] });
      await new McpServerStore(worker.db).create({
        id: 'docs',
        name: 'docs',
        transport: { type: 'streamable_http', url: 'http://mcp.test/mcp' },
        auth: { type: 'none' },
      });
      const save = async (workflowId: string, file: string) => {
        const history = await client.workflow.getHandle(workflowId).fetchHistory();
        writeFileSync(join(HISTORIES_DIR, file), `${JSON.stringify(await openHistoryPayloads(history, new AesGcmPayloadCodec(testPayloadKeys())), null, 1)}\n`);
      };
      const listed = await client.workflow.execute(...mcpCheckStart({ server_id: 'docs', reason: 'manual' }, taskQueue, 'mcp-check-docs-listed'));
      expect(listed).toEqual({ status: 'ok', error: null, drifted: [] });
      await save('mcp-check-docs-listed', 'mcp-check-listed.json');
      await policies.put({ grants: [], kill_switch_external_writes: false, egress_allow: [] });
      const refused = await client.workflow.execute(...mcpCheckStart({ server_id: 'docs', reason: 'schedule' }, taskQueue, 'mcp-check-docs-refused'));
      expect(refused).toMatchObject({ status: 'error', error: { code: 'E_EGRESS_DENIED' } });
      await save('mcp-check-docs-refused', 'mcp-check-egress-refused.json');
    } finally {
      await connection.close();
      await worker.stop();
      await db.drop();
      await mcp.close();
    }
  }, 300_000);
});
