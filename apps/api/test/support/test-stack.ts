import { randomUUID } from 'node:crypto';
import { createTestDatabase } from '@omniai/store/testing';
import { startTestWorker, type TestWorker, type TestWorkerOptions } from '@omniai/worker/testing';
import { startTestApi, type TestApi } from './test-api';

type WorkerOptions = Omit<TestWorkerOptions, 'taskQueue'>;

/**
 * The stack a system test drives: its own database, the real API and a real worker (the composition root) wired
 * in-process on a new task queue.
 */
export interface TestStack {
  api: TestApi;
  worker: TestWorker;
  databaseUrl: string;
  taskQueue: string;
  /** Creates a project with one thread, as the admin; answers both ids. */
  newThread(projectName: string, title?: string): Promise<{ projectId: string; threadId: string }>;
  stop(): Promise<void>;
}

/**
 * Starts the stack for a suite (call it in `beforeAll`, with a long timeout: bundling the workflows takes most of it).
 * The API starts first, so that `worker` may depend on it (a fixture that must not reach the API's port).
 */
export async function startTestStack(
  name: string,
  options: { env?: Record<string, string>; worker?: WorkerOptions | ((api: TestApi) => WorkerOptions) } = {},
): Promise<TestStack> {
  const db = await createTestDatabase(name);
  const taskQueue = `test-${randomUUID()}`;
  const api = await startTestApi({ DATABASE_URL: db.url, OMNI_TASK_QUEUE: taskQueue, ...options.env });
  const workerOptions = typeof options.worker === 'function' ? options.worker(api) : options.worker;
  const worker = await startTestWorker(db.url, { ...workerOptions, taskQueue });
  return {
    api,
    worker,
    databaseUrl: db.url,
    taskQueue,
    newThread: async (projectName, title = 't') => {
      const projectId = (await api.post('/v1/projects', { name: projectName })).body.id as string;
      return { projectId, threadId: (await api.post(`/v1/projects/${projectId}/threads`, { title })).body.id as string };
    },
    stop: async () => {
      await api.close();
      await worker.stop();
      await db.drop();
    },
  };
}
