// LangGraph JS peer: a three-node StateGraph with a human-in-the-loop pause, checkpointed in Postgres.
//   step1 → approval (interrupt()) → step3, compiled with PostgresSaver (its own schema on pgUrl's database, created by
//   setup() and dropped afterwards).
// One run = invoke with a new thread_id until the interrupt, then invoke(new Command({ resume: 'approved' })) at once,
// until the end. Latency = first invoke → end of the resumed invoke.
//   node bench/peers/langgraph.mjs --pg postgres://… --runs 20 --concurrency 4
import { randomUUID } from 'node:crypto';
import { peerRequire, peerResult, quoteIdent, registerCleanup, runStandalone, uniqueName, warmAndMeasure, withAdmin } from './lib.mjs';

export async function measure({ pgUrl, runs = 50, concurrency = 5, log = () => undefined, warmup = Math.min(10, runs), durability = 'sync' } = {}) {
  if (!pgUrl) throw new Error('langgraph peer: pgUrl (--pg) is required');
  const req = peerRequire('langgraph');
  const pg = req('pg');
  const { StateGraph, Annotation, START, END, interrupt, Command } = req('@langchain/langgraph');
  const { PostgresSaver } = req('@langchain/langgraph-checkpoint-postgres');
  const version = req.versions['@langchain/langgraph'];
  const saverVersion = req.versions['@langchain/langgraph-checkpoint-postgres'];

  const schema = uniqueName('omni_peer_langgraph');
  const pool = new pg.Pool({ connectionString: pgUrl, max: Math.max(10, concurrency * 2), application_name: 'omni-peer-langgraph' });
  pool.on('error', (err) => log(`langgraph: idle pool client error: ${err.message}`));
  const checkpointer = new PostgresSaver(pool, undefined, { schema });
  const cleanup = async () => {
    await withAdmin(pg, pgUrl, (c) => c.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`)).catch((err) =>
      log(`langgraph: could not drop schema ${schema}: ${err.message}`),
    );
    await pool.end().catch(() => undefined);
  };
  const unregister = registerCleanup(cleanup);
  try {
    const t0 = performance.now();
    await checkpointer.setup();

    const State = Annotation.Root({
      message: Annotation(),
      step1_done: Annotation(),
      decision: Annotation(),
      step3_done: Annotation(),
    });
    const graph = new StateGraph(State)
      .addNode('step1', () => ({ step1_done: true }))
      .addNode('approval', () => ({ decision: interrupt({ question: 'approve step3?' }) }))
      .addNode('step3', (s) => ({ step3_done: s.decision === 'approved' }))
      .addEdge(START, 'step1')
      .addEdge('step1', 'approval')
      .addEdge('approval', 'step3')
      .addEdge('step3', END)
      .compile({ checkpointer });
    const startupMs = performance.now() - t0;
    log(`langgraph ${version} (PostgresSaver ${saverVersion}): setup in ${startupMs.toFixed(0)} ms (schema ${schema}, durability ${durability})`);

    const oneRun = async () => {
      const config = { configurable: { thread_id: randomUUID() }, durability };
      const paused = await graph.invoke({ message: 'bench' }, config);
      if (!paused.__interrupt__?.length || paused.step3_done !== undefined) throw new Error(`run did not pause at the approval: ${JSON.stringify(paused)}`);
      const done = await graph.invoke(new Command({ resume: 'approved' }), config);
      if (done.step3_done !== true || done.decision !== 'approved') throw new Error(`unexpected end state ${JSON.stringify(done)}`);
    };

    const summary = await warmAndMeasure('langgraph', { runs, concurrency, warmup, log }, oneRun);
    return peerResult('langgraph', version, summary, { concurrency, warmup }, startupMs, {
      checkpointer: `@langchain/langgraph-checkpoint-postgres ${saverVersion}`,
      durability,
      notes:
        `LangGraph JS in this process (library, no server: not LangGraph Platform), PostgresSaver on the same Postgres ` +
        `(own schema). Run = invoke (step1 → approval node calls interrupt()) → invoke(Command{resume:'approved'}) ` +
        `→ step3 → end; the "approver" resumes as soon as the first invoke returns. durability '${durability}' ` +
        `(checkpoint written before the next step; LangGraph's default is 'async'). No HTTP, no model call, no worker ` +
        `or queue: the caller runs the graph itself, so nothing resumes it if the process dies mid-run until someone ` +
        `invokes the thread again. Steps are no-ops.`,
    });
  } finally {
    unregister();
    await cleanup();
  }
}

runStandalone(import.meta.url, measure);
