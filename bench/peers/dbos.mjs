// DBOS Transact peer: a three-step durable workflow with a human-approval pause, on the bench's Postgres.
//   step1 (checkpointed step) → setEvent('awaiting_approval') → recv('approval') → step3 (checkpointed step)
// The approver (this process, standing in for a human who answers at once) waits for the event with DBOS.getEvent,
// then DBOS.send(workflowID, 'approved', 'approval'). One run = startWorkflow → … → handle.getResult().
// DBOS keeps everything in its own system database, created on pgUrl's server and dropped afterwards.
//   node bench/peers/dbos.mjs --pg postgres://… --runs 20 --concurrency 4
import { randomUUID } from 'node:crypto';
import { peerRequire, peerResult, quoteIdent, registerCleanup, runStandalone, uniqueName, warmAndMeasure, withAdmin, withDatabase } from './lib.mjs';

const TOPIC = 'approval';

export async function measure({ pgUrl, runs = 50, concurrency = 5, log = () => undefined, warmup = Math.min(10, runs) } = {}) {
  if (!pgUrl) throw new Error('dbos peer: pgUrl (--pg) is required');
  const req = peerRequire('dbos');
  const pg = req('pg');
  const { DBOS } = req('@dbos-inc/dbos-sdk');
  const version = req.versions['@dbos-inc/dbos-sdk'];

  const sysDb = uniqueName('omni_peer_dbos');
  await withAdmin(pg, pgUrl, (c) => c.query(`CREATE DATABASE ${quoteIdent(sysDb)}`));
  let launched = false;
  const cleanup = async () => {
    if (launched) await DBOS.shutdown({ deregister: true }).catch((err) => log(`dbos: shutdown: ${err.message}`));
    launched = false;
    await withAdmin(pg, pgUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(sysDb)} WITH (FORCE)`)).catch((err) =>
      log(`dbos: could not drop ${sysDb}: ${err.message}`),
    );
  };
  const unregister = registerCleanup(cleanup);
  try {
    const step1 = async (input) => ({ ...input, step1: true });
    const step3 = async (state) => ({ ...state, step3: true });
    const approvalWorkflow = DBOS.registerWorkflow(
      async (input) => {
        const s1 = await DBOS.runStep(() => step1(input), { name: 'step1' });
        await DBOS.setEvent('awaiting_approval', true);
        const decision = await DBOS.recv(TOPIC, 60);
        if (decision !== 'approved') throw new Error(`approval not received (got ${decision})`);
        return DBOS.runStep(() => step3({ ...s1, decision }), { name: 'step3' });
      },
      { name: 'omniPeerApprovalWorkflow' },
    );

    const t0 = performance.now();
    DBOS.setConfig({
      name: 'omniai-bench-peer',
      systemDatabaseUrl: withDatabase(pgUrl, sysDb),
      applicationVersion: 'bench',
      logLevel: 'error',
      enableOTLP: false,
    });
    await DBOS.launch();
    launched = true;
    const startupMs = performance.now() - t0;
    log(`dbos ${version}: launched in ${startupMs.toFixed(0)} ms (system database ${sysDb})`);

    const oneRun = async () => {
      const workflowID = randomUUID();
      const handle = await DBOS.startWorkflow(approvalWorkflow, { workflowID })({ message: 'bench' });
      const waiting = await DBOS.getEvent(workflowID, 'awaiting_approval', 60);
      if (waiting !== true) throw new Error(`workflow ${workflowID} never reached its approval pause`);
      await DBOS.send(workflowID, 'approved', TOPIC);
      const out = await handle.getResult();
      if (!out?.step3 || out.decision !== 'approved') throw new Error(`unexpected result ${JSON.stringify(out)}`);
    };

    const summary = await warmAndMeasure('dbos', { runs, concurrency, warmup, log }, oneRun);
    return peerResult('dbos', version, summary, { concurrency, warmup }, startupMs, {
      notes:
        'DBOS Transact in this process (library, no separate server); system database on the same Postgres server. ' +
        'Run = startWorkflow → step1 (checkpointed) → setEvent → recv(approval) → step3 (checkpointed) → getResult; ' +
        'the approver waits for the event with DBOS.getEvent and answers at once with DBOS.send. Each step, the event, ' +
        'the message and the workflow status are durable rows in Postgres. No HTTP and no model call, unlike OmniAI ' +
        '(API + SSE + Temporal); steps are no-ops.',
    });
  } finally {
    unregister();
    await cleanup();
  }
}

runStandalone(import.meta.url, measure);
