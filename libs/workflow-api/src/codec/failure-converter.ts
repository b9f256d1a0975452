// Loaded by path (`failureConverterPath`) in the clients, the worker and the workflow bundle: failure messages and
// stack traces go into an encoded payload, which the payload codec then seals (they can quote a tool's output).
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
