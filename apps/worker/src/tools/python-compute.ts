import type { ToolManifest } from '@omniai/contracts';

/**
 * Runs inside the sandbox container, never in the worker: executes the model's code with its output captured and
 * prints one JSON object. Exit code 137 marks a MemoryError (the memory limit) like an OOM kill would.
 */
export const PYTHON_RUNNER = `
import sys, json, io, contextlib, traceback
args = json.loads(sys.argv[1])
out, err, code = io.StringIO(), io.StringIO(), 0
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    try:
        exec(compile(args["code"], "<python.compute>", "exec"), {"__name__": "__main__"})
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except MemoryError:
        err.write("MemoryError: the memory limit was reached\\n"); code = 137
    except BaseException:
        traceback.print_exc(); code = 1
sys.__stdout__.write(json.dumps({"stdout": out.getvalue()[-65536:], "stderr": err.getvalue()[-65536:], "exit_code": code}))
`;

/** `python.compute`: the model's Python in a fresh locked-down container (no network, read-only root, limits). */
export function pythonComputeManifest(imageRef: string, imageTag: string): ToolManifest {
  return {
    id: 'python.compute',
    // Build metadata pins the locally built image; a rebuilt image registers as a new version.
    version: `1.0.0+${imageTag}`,
    description:
      'Run a short Python 3 program and get its stdout, stderr and exit code. No network, no files persist, ' +
      'standard library only; print what you want to see. Time, memory and process limits apply.',
    input_schema: {
      type: 'object',
      properties: { code: { type: 'string', minLength: 1, maxLength: 100_000, description: 'Python 3 source to run' } },
      required: ['code'],
      additionalProperties: false,
    },
    output_schema: {
      type: 'object',
      properties: { stdout: { type: 'string' }, stderr: { type: 'string' }, exit_code: { type: 'integer' } },
      required: ['stdout', 'stderr', 'exit_code'],
      additionalProperties: false,
    },
    risk: { side_effect: 'read', scopes: ['python_exec'], egress_hosts: [], limits: { timeout_ms: 20_000, memory_mb: 128, cpus: 0.5 } },
    binding: { type: 'sandbox_job', image: imageRef, entrypoint: ['python3', '-I', '-c', PYTHON_RUNNER] },
  };
}
