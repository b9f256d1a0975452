import { randomUUID } from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020';
import type { BuiltinTool, ToolContext } from '../tool';

/**
 * What tool tests need of the runtime without the runtime: a ToolContext as a run would pass it, and a call that
 * holds input and output to the manifest's schemas the way the tool runtime does.
 */

/** A context for one call of a run in `projectId`; pass the same context again to simulate a retry of that call. */
export function fakeToolContext(projectId: string, runId: string = randomUUID()): ToolContext {
  const callId = `call_${randomUUID().slice(0, 8)}`;
  return {
    project_id: projectId,
    run_id: runId,
    call_id: callId,
    idempotency_key: `${runId}/${callId}`,
    signal: new AbortController().signal,
    heartbeat: () => undefined,
  };
}

/** Strict, like the runtime should be: unknown keywords or formats in a manifest are errors, not silently ignored. */
export function schemaValidator(): Ajv2020 {
  return new Ajv2020({ strict: true, allErrors: true });
}

/** Runs `tool` as the runtime would: input validated first, output validated after. Throws on either mismatch. */
export async function runChecked(tool: BuiltinTool, input: unknown, ctx: ToolContext): Promise<unknown> {
  const ajv = schemaValidator();
  const checkInput = ajv.compile(tool.manifest.input_schema);
  if (!checkInput(input)) throw new Error(`input does not match ${tool.manifest.id}'s input_schema: ${ajv.errorsText(checkInput.errors)}`);
  const output = await tool.run(input, ctx);
  const checkOutput = ajv.compile(tool.manifest.output_schema);
  if (!checkOutput(output)) throw new Error(`output does not match ${tool.manifest.id}'s output_schema: ${ajv.errorsText(checkOutput.errors)}`);
  return output;
}
