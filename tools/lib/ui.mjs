// Console output for setup/start: one line per step with its duration, and one clear line on failure.
import { spawn } from 'node:child_process';

/** A failure the user can fix: printed as one line (no stack trace) and the process exits non-zero. */
export class UserError extends Error {}

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, s) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
export const bold = (s) => paint('1', s);
export const dim = (s) => paint('2', s);
export const green = (s) => paint('32', s);
export const red = (s) => paint('31', s);
export const yellow = (s) => paint('33', s);

export function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Runs one named step, printing its outcome and how long it took. The step may return a note to print. */
export async function step(name, fn) {
  const started = Date.now();
  process.stdout.write(`${bold('▶')} ${name}\n`);
  const note = await fn();
  process.stdout.write(`${green('✔')} ${name} ${dim(`(${seconds(Date.now() - started)})`)}${note ? ` — ${note}` : ''}\n`);
  return note;
}

/** Top-level wrapper: a UserError prints one line and exits 1; anything else is a bug and keeps its stack. */
export async function main(fn) {
  try {
    await fn();
  } catch (err) {
    if (err instanceof UserError) {
      process.stderr.write(`${red('✖')} ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/**
 * Runs a command to completion. Output goes to the terminal when `inherit`, otherwise it is captured and its tail is
 * included in the UserError raised on failure.
 */
export function run(cmd, args, { inherit = false, env, cwd, what } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (d) => (out = (out + d).slice(-8000)));
    child.stderr?.on('data', (d) => (out = (out + d).slice(-8000)));
    child.on('error', (err) => reject(new UserError(`${what ?? cmd}: cannot run ${cmd} (${err.message})`)));
    child.on('exit', (code, signal) => {
      if (code === 0) return resolve(out);
      const tail = out.trim().split('\n').slice(-15).join('\n');
      reject(new UserError(`${what ?? `${cmd} ${args.join(' ')}`} failed (${signal ?? `exit ${code}`})${tail ? `:\n${tail}` : ''}`));
    });
  });
}

/** Whether an executable is on PATH; returns its path or null. */
export async function which(cmd, env = process.env) {
  try {
    const out = await run('sh', ['-c', `command -v ${cmd}`], { env });
    return out.trim() || null;
  } catch {
    return null;
  }
}
