/**
 * Runs a command-line entry point (`npm run omni -- …`, tools/omni.mjs) and exits with the code it returns; a thrown
 * error prints `omni: <message>` (never a stack with row contents) and exits 1. Shared by the API's and the worker's
 * commands, which both work on the store.
 */
export function runCli(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`omni: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
