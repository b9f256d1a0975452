export const APPROVED_TOOL_RUN: readonly string[];
export const DENIED_TOOL_RUN: readonly string[];
export const REVIEWER_DENIED_TOOL_RUN: readonly string[];
