import { writeFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { ProviderConfigStore, RunStore, SecretBox, parseMasterKey, runCli, withDataSource } from '@omniai/store';
import { AesGcmPayloadCodec, omniDataConverter, openHistoryPayloads } from '@omniai/workflow-api/codec';
import { loadWorkerConfig } from '../worker-config';
import { verifyRun } from '../verify/verify-run';

/**
 * `npm run omni -- verify-run <runId>`: rebuilds the run's events from Temporal history and diffs them against the
 * Postgres projection. `export-history <runId> <file>` saves the history (for replay tests).
 */
async function main(): Promise<number> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const [command, runId, file] = process.argv.slice(2);
  const config = loadWorkerConfig();
  if (command === 'rotate-secrets-key') return rotateSecretsKey(config);
  if (!runId || (command !== 'verify-run' && command !== 'export-history')) {
    console.error('usage: omni verify-run <runId> | omni export-history <runId> <file.json> | omni rotate-secrets-key');
    return 2;
  }
  return withDataSource({ url: config.databaseUrl, applicationName: 'omniai-cli' }, async (db) => {
    const connection = await Connection.connect({ address: config.temporalAddress, tls: config.temporalTls });
    // Without OMNI_PAYLOAD_KEYS only histories recorded before the codec open; sealed ones name the missing key.
    const dataConverter = omniDataConverter(config.payloadKeys ?? { activeId: '', keys: new Map() });
    try {
      const client = new Client({ connection, namespace: config.namespace, dataConverter });
      const runs = new RunStore(db);
      if (command === 'export-history') {
        const run = await runs.getRun(runId);
        if (!run) throw new Error(`no run ${runId}`);
        // Written opened: a history committed for replay tests must not need this install's key.
        const sealed = await client.workflow.getHandle(run.workflow_id).fetchHistory();
        const history = await openHistoryPayloads(sealed, new AesGcmPayloadCodec(config.payloadKeys ?? { activeId: '', keys: new Map() }));
        writeFileSync(file!, `${JSON.stringify(history, null, 1)}\n`);
        console.log(`wrote ${history.events?.length ?? 0} history events of ${run.workflow_id} to ${file}`);
        return 0;
      }
      const result = await verifyRun({ client, runs, dataConverter }, runId);
      console.log(`run ${result.runId} (${result.workflowId}): history rebuilds ${result.fromHistory} events, Postgres has ${result.inProjection}`);
      if (result.differences.length === 0) {
        console.log('no difference between history and projection');
        return 0;
      }
      result.differences.forEach((d) => console.log(`  ✖ ${d}`));
      return 1;
    } finally {
      await connection.close();
    }
  });
}

/** Re-seals every provider key from OMNI_SECRETS_KEY to OMNI_NEW_SECRETS_KEY in one transaction (tools/omni.mjs). */
async function rotateSecretsKey(config: ReturnType<typeof loadWorkerConfig>): Promise<number> {
  const { secretsKey, newSecretsKey } = config;
  if (!secretsKey || !newSecretsKey) throw new Error('rotate-secrets-key needs OMNI_SECRETS_KEY (current) and OMNI_NEW_SECRETS_KEY');
  return withDataSource({ url: config.databaseUrl, applicationName: 'omniai-cli' }, async (db) => {
    const store = new ProviderConfigStore(db, new SecretBox(db, parseMasterKey(secretsKey)));
    const count = await store.resealKeys(parseMasterKey(newSecretsKey));
    console.log(`re-sealed ${count} provider key(s) under the new secrets key`);
    return 0;
  });
}

runCli(main);
