// n8n peer: the three-step workflow, webhook-triggered, on n8n from npm (SQLite, loopback only), in two forms:
//   approval (compared with OmniAI): Webhook → Set "step1" → Respond to Webhook (answers with the execution's resume
//     URL) → Wait "approval" (resumes on a call to that URL; the execution is saved to SQLite as waiting) → Set
//     "step3" → the resume call's response. One run = POST /webhook/… → POST <resume URL> → step3's JSON.
//   plain (the webhook-triggered three steps, no pause): Webhook → Set step1 → step2 → step3 → response.
// Both are imported and activated with n8n's own CLI before `n8n start`, in a throwaway N8N_USER_FOLDER. One n8n
// process serves both; its startup is reported separately.
//   node bench/peers/n8n.mjs --runs 20 --concurrency 4      (--pg is accepted and ignored: n8n uses SQLite here)
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageDir } from './install.mjs';
import { freePort, peerRequire, peerResult, registerCleanup, runStandalone, warmAndMeasure } from './lib.mjs';

const PLAIN_PATH = 'omni-bench-three-steps';
const APPROVAL_PATH = 'omni-bench-approval';

const node = (name, type, typeVersion, parameters, x, extra = {}) => ({ id: randomUUID(), name, type, typeVersion, position: [x, 0], parameters, ...extra });

/** A Set node adding boolean fields (`true`, or an n8n expression). */
function setNode(name, fields, x) {
  const assignments = Object.entries(fields).map(([field, value]) => ({ id: randomUUID(), name: field, value, type: 'boolean' }));
  return node(name, 'n8n-nodes-base.set', 3.4, { mode: 'manual', assignments: { assignments }, includeOtherFields: true, options: {} }, x);
}

const webhook = (path, responseMode) =>
  node('Webhook', 'n8n-nodes-base.webhook', 2, { httpMethod: 'POST', path, responseMode, responseData: 'firstEntryJson', options: {} }, 0, {
    webhookId: randomUUID(),
  });

/** A workflow whose nodes run one after another in the order given. */
function chain(id, name, nodes) {
  const connections = {};
  for (let i = 0; i + 1 < nodes.length; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
  return { id, name, active: false, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {} };
}

const workflowId = () => randomUUID().replaceAll('-', '').slice(0, 16);

function workflows() {
  const plain = chain(workflowId(), 'OmniAI bench: three steps', [
    webhook(PLAIN_PATH, 'lastNode'),
    setNode('step1', { step1_done: true }, 220),
    setNode('step2', { step2_done: true }, 440),
    setNode('step3', { step3_done: true }, 660),
  ]);
  const approval = chain(workflowId(), 'OmniAI bench: three steps with an approval pause', [
    webhook(APPROVAL_PATH, 'responseNode'),
    setNode('step1', { step1_done: true }, 220),
    node(
      'awaiting approval',
      'n8n-nodes-base.respondToWebhook',
      1.1,
      { respondWith: 'json', responseBody: '={{ { "resume_url": $execution.resumeUrl } }}', options: {} },
      440,
    ),
    node(
      'approval',
      'n8n-nodes-base.wait',
      1.1,
      { resume: 'webhook', httpMethod: 'POST', responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} },
      660,
      { webhookId: randomUUID() },
    ),
    // The Wait node passes on the resume call's data; step1's output comes back from the saved execution.
    setNode('step3', { step1_done: "={{ $('step1').item.json.step1_done }}", step3_done: true }, 880),
  ]);
  return [plain, approval];
}

function n8nEnv(userFolder, port) {
  // A clean environment: none of the caller's N8N_*/DB_* settings (or the bench's DATABASE_URL) leak in.
  const keep = Object.fromEntries(['HOME', 'TMPDIR', 'LANG', 'LC_ALL'].filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
  return {
    ...keep,
    PATH: `${join(process.execPath, '..')}:${process.env.PATH ?? ''}`,
    N8N_USER_FOLDER: userFolder,
    DB_TYPE: 'sqlite',
    // n8n's recommended SQLite setup (WAL with a pool of read connections; 0, the legacy default, is deprecated and
    // measured ~25% slower here).
    DB_SQLITE_POOL_SIZE: '4',
    N8N_PORT: String(port),
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_HOST: '127.0.0.1',
    N8N_PROTOCOL: 'http',
    WEBHOOK_URL: `http://127.0.0.1:${port}/`,
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_HIRING_BANNER_ENABLED: 'false',
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
    N8N_SECURE_COOKIE: 'false',
    N8N_LOG_LEVEL: 'warn',
    EXECUTIONS_MODE: 'regular',
    GENERIC_TIMEZONE: 'UTC',
    NODE_ENV: 'production',
    // No browser: n8n only offers to open one on an interactive terminal, and its stdin here is /dev/null.
  };
}

/** Runs an n8n CLI command to completion (import/activate); its output is returned for error messages. */
function n8nCli(bin, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out = (out + d).slice(-4000)));
    child.stderr.on('data', (d) => (out = (out + d).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`n8n ${args.join(' ')} exited with ${code}:\n${out.trim()}`))));
  });
}

async function stopProcessGroup(child, timeoutMs = 15_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  const kill = (sig) => {
    try {
      process.kill(-child.pid, sig); // n8n and its task runner(s)
    } catch {
      try {
        child.kill(sig);
      } catch {
        /* already gone */
      }
    }
  };
  kill('SIGTERM');
  const timer = setTimeout(() => kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

export async function measure({ runs = 50, concurrency = 5, log = () => undefined, warmup = Math.min(10, runs) } = {}) {
  const req = peerRequire('n8n');
  const version = req.versions.n8n;
  const bin = join(packageDir('n8n', 'n8n'), 'bin', 'n8n');
  const userFolder = mkdtempSync(join(tmpdir(), 'omni-peer-n8n-'));
  chmodSync(userFolder, 0o700);
  const port = await freePort();
  const env = n8nEnv(userFolder, port);
  const base = `http://127.0.0.1:${port}`;
  let child;
  let stderr = '';
  const cleanup = async () => {
    await stopProcessGroup(child);
    rmSync(userFolder, { recursive: true, force: true });
  };
  const unregister = registerCleanup(cleanup);
  try {
    // Import and activate before start (n8n's CLI boots its DB layer each time: counted as setup, not startup).
    const workflowFile = join(userFolder, 'workflows.json');
    writeFileSync(workflowFile, JSON.stringify(workflows()));
    const tImport = performance.now();
    await n8nCli(bin, ['import:workflow', `--input=${workflowFile}`], env);
    await n8nCli(bin, ['update:workflow', '--all', '--active=true'], env);
    const importMs = performance.now() - tImport;
    log(`n8n ${version}: workflows imported and activated in ${(importMs / 1000).toFixed(1)} s (user folder ${userFolder})`);

    const tStart = performance.now();
    child = spawn(process.execPath, [bin, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    // n8n logs to stdout; keep the tail of both for error messages.
    child.stdout.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    const post = (url) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"message":"bench"}' });
    const postJson = async (url) => {
      const res = await post(url);
      const body = await res.text();
      if (!res.ok) throw new Error(`${url} answered ${res.status}: ${body.slice(0, 500)}`);
      return JSON.parse(body);
    };
    const expectSteps = (out, fields) => {
      if (!fields.every((f) => out[f] === true)) throw new Error(`unexpected response ${JSON.stringify(out).slice(0, 500)}`);
    };
    const plainRun = async () => expectSteps(await postJson(`${base}/webhook/${PLAIN_PATH}`), ['step1_done', 'step2_done', 'step3_done']);
    const approvalRun = async () => {
      const { resume_url: resumeUrl } = await postJson(`${base}/webhook/${APPROVAL_PATH}`);
      if (!resumeUrl) throw new Error('the approval workflow answered without a resume URL');
      // The response leaves before the execution is saved as waiting: until then the resume URL answers 409, so the
      // approver retries every 10 ms (n8n pushes nothing it could wait on instead).
      for (const deadline = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 10))) {
        const res = await post(resumeUrl);
        const body = await res.text();
        if (res.status === 409 && Date.now() < deadline) continue;
        if (!res.ok) throw new Error(`${resumeUrl} answered ${res.status}: ${body.slice(0, 500)}`);
        return expectSteps(JSON.parse(body), ['step1_done', 'step3_done']);
      }
    };
    // Ready = /healthz answers and the production webhooks are registered (a first run of each goes through).
    const deadline = Date.now() + 180_000;
    for (let healthy = false; ; await new Promise((r) => setTimeout(r, 200))) {
      if (child.exitCode !== null) throw new Error(`n8n exited with ${child.exitCode} before it was ready:\n${stderr.trim()}`);
      if (Date.now() > deadline) throw new Error(`n8n was not ready within 180 s:\n${stderr.trim()}`);
      try {
        healthy ||= (await fetch(`${base}/healthz`)).ok;
        if (healthy && (await post(`${base}/webhook/${PLAIN_PATH}`).then((r) => r.arrayBuffer().then(() => r.ok)))) break;
      } catch {
        /* not listening yet */
      }
    }
    const startupMs = performance.now() - tStart;
    log(`n8n: started and serving the webhooks in ${(startupMs / 1000).toFixed(1)} s`);

    const sizes = { runs, concurrency, warmup, log };
    const withApproval = await warmAndMeasure('n8n with the approval pause', sizes, approvalRun);
    const plain = await warmAndMeasure('n8n plain three steps', sizes, plainRun);
    return peerResult('n8n', version, withApproval, sizes, startupMs, {
      plain_three_steps: plain,
      setup_ms: Math.round(importMs),
      notes:
        'n8n started from npm as its own process (regular mode, SQLite with WAL and DB_SQLITE_POOL_SIZE=4 in a throwaway ' +
        'user folder, loopback). Run = POST to the production webhook → Set step1 → Respond to Webhook (the ' +
        'execution\'s resume URL) → Wait node, saved to SQLite as waiting → the "approver" POSTs the resume URL at once ' +
        '→ Set step3 → its JSON as the response; every execution is saved to SQLite (n8n defaults). Also measured: the ' +
        `plain webhook-triggered three steps (Set step1 → step2 → step3, no pause): ${plain.runs_per_s} runs/s, ` +
        `p50 ${plain.p50_ms} ms, p95 ${plain.p95_ms} ms. No Postgres; regular mode does not resume an execution cut ` +
        'short by a crash (a waiting one survives). Two HTTP round trips per run, as OmniAI has (start + decide); steps ' +
        'are no-ops. Startup (startup_ms) and the CLI import + activation (setup_ms) are outside the measured window.',
    });
  } finally {
    unregister();
    await cleanup();
  }
}

runStandalone(import.meta.url, measure);
