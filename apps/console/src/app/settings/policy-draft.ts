import type { EgressAllowEntry, Policy, RegisteredTool, Scope } from '@omniai/contracts';
import { egressEntryHost, parseEgressAllowEntry, SCOPES } from '@omniai/contracts/pure';

export { SCOPES, egressEntryHost };

type Grant = Policy['grants'][number];

/** One scope in the workspace-level editor. */
export interface ScopeRow {
  scope: Scope;
  granted: boolean;
  requireApproval: boolean;
}

/** The editable part of the policy: workspace grants per scope, the kill switch, the approval timeout, the egress allowlist. */
export interface PolicyDraft {
  rows: ScopeRow[];
  killSwitch: boolean;
  /** Seconds; null: the default (one day). */
  timeoutS: number | null;
  /** `egress_allow` as it will be saved, both entry forms. */
  egress: EgressAllowEntry[];
}

export const DEFAULT_APPROVAL_TIMEOUT_S = 86_400;
export const MAX_APPROVAL_TIMEOUT_S = 30 * 86_400;

/** Scopes to offer: the known ones, then any a tool or grant names that this console does not know yet. */
export function scopesToShow(policy: Policy, tools: readonly RegisteredTool[]): Scope[] {
  const extra = [...tools.flatMap((t) => t.manifest.risk.scopes), ...policy.grants.flatMap((g) => g.scopes)];
  return [...new Set<Scope>([...SCOPES, ...extra])];
}

/**
 * The workspace-level state of each scope. The engine applies the most specific grant, and among grants of one level
 * the first in the list (a stable sort), so a scope's "requires approval" is that of the first workspace grant naming it.
 */
export function draftOf(policy: Policy, scopes: readonly Scope[]): PolicyDraft {
  const workspace = policy.grants.filter((g) => g.level === 'workspace');
  return {
    rows: scopes.map((scope) => {
      const grant = workspace.find((g) => g.scopes.includes(scope));
      return { scope, granted: !!grant, requireApproval: !!grant?.require_approval };
    }),
    killSwitch: policy.kill_switch_external_writes,
    timeoutS: policy.approval_timeout_s ?? null,
    egress: [...(policy.egress_allow ?? [])],
  };
}

/**
 * The policy to save: project- and user-level grants exactly as they were, and the workspace grants rewritten from the
 * draft as at most two grants (scopes that run freely, scopes that need a reviewer), keeping their subject; the egress
 * allowlist from the draft (left out when it was absent and still is empty). Every field this page does not edit
 * (approval rules, and whatever the contracts add later) is written back unchanged.
 */
export function policyFrom(base: Policy, draft: PolicyDraft): Policy {
  const { grants, kill_switch_external_writes: _kill, approval_timeout_s: _timeout, egress_allow: before, ...untouched } = base;
  const subject = grants.find((g) => g.level === 'workspace')?.subject ?? '*';
  const granted = draft.rows.filter((r) => r.granted);
  const workspace: Grant[] = [false, true].flatMap((requireApproval) => {
    const scopes = granted.filter((r) => r.requireApproval === requireApproval).map((r) => r.scope);
    return scopes.length ? [{ level: 'workspace' as const, subject, scopes, require_approval: requireApproval }] : [];
  });
  return {
    ...untouched,
    grants: [...workspace, ...grants.filter((g) => g.level !== 'workspace')],
    kill_switch_external_writes: draft.killSwitch,
    ...(draft.timeoutS !== null ? { approval_timeout_s: draft.timeoutS } : {}),
    ...(before !== undefined || draft.egress.length > 0 ? { egress_allow: draft.egress } : {}),
  };
}

/** What the add-a-host form holds. */
export interface EgressEntryForm {
  host: string;
  allowPrivate: boolean;
  note: string;
}

/**
 * The entry the add-a-host form makes, or why it cannot: the same grammar the API applies (the API also refuses IP
 * addresses tools could never reach, such as metadata, and says so with the field). A host with the private flag is
 * saved in the object form; without it (and without a note) as the plain string.
 */
export function egressEntryFrom(
  form: EgressEntryForm,
  existing: readonly EgressAllowEntry[],
): { ok: true; entry: EgressAllowEntry } | { ok: false; error: string } {
  const host = form.host.trim();
  if (!host) return { ok: false, error: 'Enter a host: docs.example.org, *.example.org, or 127.0.0.1:3001 for a server you run.' };
  const note = form.note.trim();
  const entry: EgressAllowEntry = form.allowPrivate || note ? { host, allow_private: form.allowPrivate, ...(note ? { note: note.slice(0, 200) } : {}) } : host;
  const parsed = parseEgressAllowEntry(entry);
  if ('error' in parsed) return { ok: false, error: `Not a valid entry: ${parsed.error}.` };
  if (existing.some((e) => egressEntryHost(e).toLowerCase() === host.toLowerCase())) return { ok: false, error: `${host} is already in the list.` };
  return { ok: true, entry };
}

/** Whether an entry lets its host resolve to loopback or private addresses. */
export const allowsPrivate = (entry: EgressAllowEntry): boolean => typeof entry !== 'string' && entry.allow_private;

/** Whether two drafts would save the same policy. */
export const sameDraft = (a: PolicyDraft, b: PolicyDraft): boolean => JSON.stringify(a) === JSON.stringify(b);

/** A timeout typed as a number and a unit, in seconds; an error message when it is not a valid policy value. */
export function parseTimeout(value: string, unitS: number): { ok: true; seconds: number | null } | { ok: false; error: string } {
  const text = value.trim();
  if (!text) return { ok: true, seconds: null };
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) return { ok: false, error: 'Enter a positive number, or leave empty for the default (1 day).' };
  const seconds = Math.round(n * unitS);
  if (seconds < 1) return { ok: false, error: 'At least 1 second.' };
  if (seconds > MAX_APPROVAL_TIMEOUT_S) return { ok: false, error: 'At most 30 days.' };
  return { ok: true, seconds };
}

/** "1 day", "2 h 30 min", "90 s". */
export function durationText(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const parts = [d ? `${d} ${d === 1 ? 'day' : 'days'}` : '', h ? `${h} h` : '', m ? `${m} min` : '', s ? `${s} s` : ''].filter(Boolean);
  return parts.join(' ') || '0 s';
}
