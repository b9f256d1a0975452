// `npm start`: brings up the whole local stack, prints where to go, and stops everything it started on Ctrl-C.
import { DATA_DIR } from './lib/paths.mjs';
import { startStack, stackSettings } from './lib/stack.mjs';
import { bold, green, main, step } from './lib/ui.mjs';

const signInLine = (s) =>
  s?.link
    ? `\n  Sign in      ${bold(s.link)}  (first start: one-time link to set the admin password; shown only now)`
    : s?.command
      ? `\n  Sign in      the admin has no password yet: ${bold(s.command)} prints a fresh one-time link`
      : '';

await main(async () => {
  const settings = stackSettings(process.env, DATA_DIR);
  const stack = await startStack(settings, { step });
  let stopping = false;
  const shutdown = async (reason) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${reason}; stopping what npm start started …`);
    await stack.stop();
    console.log('stopped.');
    process.exit(reason.startsWith('received') ? 0 : 1);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void shutdown(`received ${signal}`));
  for (const c of stack.children) {
    // The API and the worker are restarted when they crash; a component that cannot be restarted stops the stack.
    if (c.supervised) c.onFatal((code, signal) => void shutdown(`${c.name} keeps exiting (${signal ?? `code ${code}`})`));
    else c.child.once('exit', (code, signal) => void shutdown(`${c.name} exited (${signal ?? `code ${code}`})`));
  }
  // The API prints the link while it starts; give its output a moment to arrive before the banner.
  await new Promise((r) => setTimeout(r, 300));
  const signIn = stack.signInLink();
  console.log(`
${green('OmniAI is up.')}
  Console      ${bold(stack.urls.console)}${signInLine(signIn)}
  API          ${stack.urls.api}/v1/meta
  Temporal UI  ${stack.urls.temporalUi}
  Data         ${settings.dataDir}
Press Ctrl-C to stop.`);
});
