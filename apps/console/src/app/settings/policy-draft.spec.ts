import type { Policy } from '@omniai/contracts';
import { SCOPES, draftOf, durationText, egressEntryFrom, parseTimeout, policyFrom, sameDraft, scopesToShow } from './policy-draft';

const project = { level: 'project' as const, subject: '00000000-0000-4000-8000-000000000001', scopes: ['read_web' as const], require_approval: true };
const user = { level: 'user' as const, subject: 'alice', scopes: ['python_exec' as const], require_approval: false };

describe('policy draft: workspace grants per scope, other levels kept', () => {
  it('reads each scope from the first workspace grant naming it (the engine applies that one)', () => {
    const policy: Policy = {
      grants: [
        project,
        { level: 'workspace', subject: '*', scopes: ['python_exec'], require_approval: true },
        { level: 'workspace', subject: '*', scopes: ['python_exec', 'read_files'], require_approval: false },
      ],
      kill_switch_external_writes: true,
      approval_timeout_s: 600,
    };
    const draft = draftOf(policy, SCOPES);
    expect(draft.rows.find((r) => r.scope === 'python_exec')).toEqual({ scope: 'python_exec', granted: true, requireApproval: true });
    expect(draft.rows.find((r) => r.scope === 'read_files')).toEqual({ scope: 'read_files', granted: true, requireApproval: false });
    // A project-level grant is not a workspace grant.
    expect(draft.rows.find((r) => r.scope === 'read_web')).toEqual({ scope: 'read_web', granted: false, requireApproval: false });
    expect(draft.killSwitch).toBe(true);
    expect(draft.timeoutS).toBe(600);
  });

  it('writes at most two workspace grants and leaves project and user grants untouched, in order', () => {
    const base: Policy = {
      grants: [project, { level: 'workspace', subject: 'ws', scopes: ['send_email'], require_approval: false }, user],
      kill_switch_external_writes: false,
    };
    const draft = draftOf(base, SCOPES);
    draft.rows = draft.rows.map((r) =>
      r.scope === 'python_exec'
        ? { ...r, granted: true, requireApproval: true }
        : r.scope === 'read_files'
          ? { ...r, granted: true }
          : r.scope === 'send_email'
            ? { ...r, granted: false }
            : r,
    );
    draft.timeoutS = 3600;
    expect(policyFrom(base, draft)).toEqual({
      grants: [
        { level: 'workspace', subject: 'ws', scopes: ['read_files'], require_approval: false },
        { level: 'workspace', subject: 'ws', scopes: ['python_exec'], require_approval: true },
        project,
        user,
      ],
      kill_switch_external_writes: false,
      approval_timeout_s: 3600,
    });
  });

  it('round-trips: saving an unchanged draft keeps what the engine decides, and an empty draft grants nothing', () => {
    const base: Policy = {
      grants: [{ level: 'workspace', subject: '*', scopes: ['python_exec'], require_approval: true }],
      kill_switch_external_writes: false,
    };
    const draft = draftOf(base, SCOPES);
    expect(sameDraft(draftOf(policyFrom(base, draft), SCOPES), draft)).toBe(true);
    const none = { ...draft, rows: draft.rows.map((r) => ({ ...r, granted: false })) };
    expect(policyFrom(base, none)).toEqual({ grants: [], kill_switch_external_writes: false });
  });

  it('writes the egress allowlist back as it was, both entry forms, unless the draft changed it', () => {
    const local = { host: '127.0.0.1:3001', allow_private: true, note: 'MCP server on this machine' };
    const base: Policy = { grants: [], kill_switch_external_writes: false, egress_allow: ['example.org', '*.example.com', local] };
    const draft = draftOf(base, SCOPES);
    draft.killSwitch = true;
    expect(policyFrom(base, draft)).toEqual({ grants: [], kill_switch_external_writes: true, egress_allow: ['example.org', '*.example.com', local] });
    draft.egress = draft.egress.filter((e) => e !== 'example.org');
    expect(policyFrom(base, draft).egress_allow).toEqual(['*.example.com', local]);
    // Absent and still empty: left out, as it was.
    const none: Policy = { grants: [], kill_switch_external_writes: false };
    expect(policyFrom(none, draftOf(none, SCOPES))).toEqual(none);
  });

  it('makes an egress entry from the add-a-host form: a string, or the object form with the private flag', () => {
    const form = (host: string, allowPrivate = false, note = '') => egressEntryFrom({ host, allowPrivate, note }, ['docs.example.org']);
    expect(form(' api.example.org:8443 ')).toEqual({ ok: true, entry: 'api.example.org:8443' });
    expect(form('127.0.0.1:3001', true, ' our MCP server ')).toEqual({
      ok: true,
      entry: { host: '127.0.0.1:3001', allow_private: true, note: 'our MCP server' },
    });
    expect(form('mcp.corp.example', true)).toEqual({ ok: true, entry: { host: 'mcp.corp.example', allow_private: true } });
    expect(form('*', true)).toEqual({ ok: false, error: expect.stringContaining('Not a valid entry: allow_private is only for one named host') });
    expect(form('*.corp.example', true)).toMatchObject({ ok: false });
    expect(form('https://example.org')).toEqual({ ok: false, error: expect.stringContaining('Not a valid entry: a scheme has no place') });
    expect(form('DOCS.example.org')).toEqual({ ok: false, error: 'DOCS.example.org is already in the list.' });
    expect(form('  ')).toMatchObject({ ok: false, error: expect.stringContaining('Enter a host') });
  });

  it('offers the known scopes and any scope a tool or grant names', () => {
    const policy = { grants: [{ ...user, scopes: ['future_scope' as never] }], kill_switch_external_writes: false };
    expect(scopesToShow(policy, [])).toEqual([...SCOPES, 'future_scope']);
  });

  it('parses the approval timeout with its unit and keeps it within the policy limits', () => {
    expect(parseTimeout('', 60)).toEqual({ ok: true, seconds: null });
    expect(parseTimeout('2', 3600)).toEqual({ ok: true, seconds: 7200 });
    expect(parseTimeout('31', 86_400)).toMatchObject({ ok: false, error: 'At most 30 days.' });
    expect(parseTimeout('-1', 1)).toMatchObject({ ok: false });
    expect(parseTimeout('abc', 1)).toMatchObject({ ok: false });
    expect(durationText(86_400)).toBe('1 day');
    expect(durationText(9000)).toBe('2 h 30 min');
  });
});
