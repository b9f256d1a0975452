import { readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';
import { descendantsOf } from '../tools/testing/stack-process.mjs';

export const base = () => process.env['OMNI_E2E_BASE_URL']!;

/** JSON call to the running stack's API, as the admin that global setup signed in. */
export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base()}${path}`, {
    method,
    headers: {
      cookie: process.env['OMNI_E2E_COOKIE']!,
      ...(method === 'GET' ? {} : { 'x-csrf-token': process.env['OMNI_E2E_CSRF']! }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A project and thread made through the API, for tests that start elsewhere than the composer. */
export async function projectAndThread(name: string): Promise<{ projectId: string; threadId: string }> {
  const project = await api('POST', '/v1/projects', { name });
  const thread = await api('POST', `/v1/projects/${project.id}/threads`, { title: `${name} thread` });
  return { projectId: project.id, threadId: thread.id };
}

/** The API process under the stack that global setup started (found in the process table). */
export function apiPid(): number {
  const stack = Number(process.env['OMNI_E2E_STACK_PID']);
  for (const pid of descendantsOf(stack) as number[]) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('apps/api/dist/main.js')) return pid;
    } catch {
      // exited meanwhile
    }
  }
  throw new Error('no API process under the stack');
}

export async function waitForRunStatus(runId: string, statuses: string[], timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const run = await api('GET', `/v1/runs/${runId}`);
      if (statuses.includes(run.status)) return run;
    } catch {
      // the API may be restarting
    }
    if (Date.now() > deadline) throw new Error(`run ${runId} did not reach ${statuses.join('/')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function timelineSeqs(page: Page): Promise<number[]> {
  await expect(page.getByTestId('timeline')).toBeVisible();
  return page.getByTestId('timeline-event').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-seq'))));
}
