// A run's events as the tests compare them (the kind, or a system event's type), for the shapes several suites
// expect: the API's system tests (apps/api/test/support/run-driver.ts) and the end-to-end tests.

/** A reviewed tool call that was approved and ran, between the run's two model calls. */
export const APPROVED_TOOL_RUN = Object.freeze([
  'run_created',
  'user_message',
  'assistant_message',
  'tool_call',
  'approval_requested',
  'approval_decided',
  'tool_result',
  'assistant_message',
  'run_completed',
]);

/** A tool call the policy denied: the model sees a tool_error and the run still completes. */
export const DENIED_TOOL_RUN = Object.freeze([
  'run_created',
  'user_message',
  'assistant_message',
  'tool_call',
  'policy_denied',
  'tool_error',
  'assistant_message',
  'run_completed',
]);

/** A reviewed tool call the reviewer denied: the denial is a policy_denied, then as above. */
export const REVIEWER_DENIED_TOOL_RUN = Object.freeze([...DENIED_TOOL_RUN.slice(0, 4), 'approval_requested', 'approval_decided', ...DENIED_TOOL_RUN.slice(4)]);
