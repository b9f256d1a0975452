import type { CreateProviderRequest, FieldIssue, ProviderPresetInfo } from '@omniai/contracts';

/** What the "Add provider" form holds; the key is read from its field at submit time and never kept. */
export interface ProviderDraft {
  preset: string;
  name: string;
  apiKey: string;
  baseUrl: string;
  /** '' for the whole workspace. */
  projectId: string;
}

export type DraftField = 'preset' | 'name' | 'api_key' | 'base_url' | 'project_id';
export type DraftErrors = Partial<Record<DraftField, string>>;

const FIELDS: readonly DraftField[] = ['preset', 'name', 'api_key', 'base_url', 'project_id'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function httpUrl(text: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

/**
 * Client-side mirror of `CreateProviderRequest` plus the API's "this preset needs a key" rule (the console imports
 * contracts as types only, so the rules are restated here; the API validates again). Returns the request body, or
 * one message per failing field.
 */
export function validateDraft(
  draft: ProviderDraft,
  presets: readonly ProviderPresetInfo[],
): { ok: true; body: CreateProviderRequest } | { ok: false; errors: DraftErrors } {
  const errors: DraftErrors = {};
  const preset = presets.find((p) => p.id === draft.preset);
  const name = draft.name.trim();
  // Keys never carry surrounding whitespace; a pasted newline would otherwise be stored as part of the key.
  const apiKey = draft.apiKey.trim();
  const baseUrl = draft.baseUrl.trim();

  if (!preset) errors.preset = 'Pick a preset.';
  if (!name) errors.name = 'Give the provider a name.';
  else if (name.length > 120) errors.name = 'At most 120 characters.';
  if (preset?.requires_key && !apiKey) errors.api_key = `${preset.label} needs an API key.`;
  else if (apiKey.length > 1000) errors.api_key = 'At most 1000 characters.';
  if (baseUrl && !httpUrl(baseUrl)) errors.base_url = 'Enter an http:// or https:// URL.';
  else if (baseUrl.length > 500) errors.base_url = 'At most 500 characters.';
  if (draft.projectId && !UUID.test(draft.projectId)) errors.project_id = 'Pick a project or the whole workspace.';

  if (Object.keys(errors).length > 0 || !preset) return { ok: false, errors };
  return {
    ok: true,
    body: {
      name,
      preset: preset.id,
      ...(preset.requires_key && apiKey ? { api_key: apiKey } : {}),
      ...(baseUrl ? { base_url: baseUrl } : {}),
      ...(draft.projectId ? { project_id: draft.projectId } : {}),
    },
  };
}

/** Server field issues (`detail` of an E_VALIDATION envelope) that belong to a form field, by field. */
export function issuesByField(issues: readonly FieldIssue[]): DraftErrors {
  const out: DraftErrors = {};
  for (const issue of issues) {
    const field = FIELDS.find((f) => f === issue.path);
    if (field && !out[field]) out[field] = issue.message;
  }
  return out;
}
