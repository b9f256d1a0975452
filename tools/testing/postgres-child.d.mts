import type { ChildProcess } from 'node:child_process';

/** Resolves with the child, its URL and `stop()` once the server accepts connections; rejects if it exits first. */
export function startPostgresProcess(dir: string, port: number): Promise<{ child: ChildProcess; url: string; stop: () => Promise<void> }>;
