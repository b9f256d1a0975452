import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGitApplyPatchTool } from '../builtins/git-apply-patch';
import { createGitDiffTool } from '../builtins/git-diff';
import { fakeToolContext, runChecked } from '../testing/tool-harness';
import { ToolError } from '../tool';
import { MAX_DIFF_BYTES, ProjectRepos } from './project-repos';

/** A patch that creates `path` with `lines`. */
const newFile = (path: string, lines: string[]) =>
  [
    `diff --git a/${path} b/${path}`,
    'new file mode 100644',
    '--- /dev/null',
    `+++ b/${path}`,
    `@@ -0,0 +1,${lines.length} @@`,
    ...lines.map((l) => `+${l}`),
    '',
  ].join('\n');

/** Rejection code of a promise (or 'resolved'). */
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (err: unknown) => (err instanceof ToolError ? err.code : `not a ToolError: ${String(err)}`),
  );

describe('project repositories (real git, temporary folders)', () => {
  let root: string;
  let repos: ProjectRepos;
  let project: string;
  const git = (...args: string[]) =>
    execFileSync('git', args, { env: { PATH: process.env['PATH'], GIT_DIR: repos.gitDirOf(project), HOME: root } })
      .toString('utf8')
      .trim();
  const commits = () => Number(git('rev-list', '--count', 'main'));

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'omniai-repos-'));
    repos = new ProjectRepos(root);
    project = randomUUID();
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates the repository on first use: bare, main, one empty commit by OmniAI', async () => {
    const first = await repos.diff(project, {});
    expect(first).toMatchObject({ diff: '', truncated: false, files_changed: [] });
    expect(git('rev-parse', '--is-bare-repository')).toBe('true');
    expect(git('log', '--format=%an <%ae>|%cn <%ce>|%s', 'main')).toBe('OmniAI <omniai@localhost>|OmniAI <omniai@localhost>|Create the project repository');
    expect(git('ls-tree', '-r', 'main')).toBe('');
    expect(first.to).toBe(git('rev-parse', 'main'));
    expect(first.from).toBe(git('hash-object', '-t', 'tree', '/dev/null'));
    // A second instance (another worker process) finds it as it is.
    await new ProjectRepos(root).diff(project, {});
    expect(commits()).toBe(1);
  });

  it('applies a patch as one commit with the idempotency trailer; the diff shows it', async () => {
    const tools = { apply: createGitApplyPatchTool({ repos }), diff: createGitDiffTool({ repos }) };
    const ctx = fakeToolContext(project);
    const patch = newFile('notes/plan.md', ['# Plan', '', 'Ship the git tools.']) + newFile('README.md', ['hello']);
    const out = (await runChecked(tools.apply, { patch, message: 'Add the plan\n\nSo that everyone knows.' }, ctx)) as {
      commit: string;
      files_changed: string[];
    };
    expect(out.files_changed).toEqual(['README.md', 'notes/plan.md']);
    expect(out.commit).toBe(git('rev-parse', 'main'));
    expect(git('show', '-s', '--format=%B', 'main')).toBe(`Add the plan\n\nSo that everyone knows.\n\nOmni-Idempotency-Key: ${ctx.idempotency_key}`);
    expect(git('show', 'main:notes/plan.md')).toBe('# Plan\n\nShip the git tools.');

    const diff = (await runChecked(tools.diff, {}, fakeToolContext(project))) as { diff: string; files_changed: string[]; from: string; to: string };
    expect(diff.to).toBe(out.commit);
    expect(diff.from).toBe(git('rev-parse', 'main~1'));
    expect(diff.files_changed).toEqual(['README.md', 'notes/plan.md']);
    expect(diff.diff).toContain('+++ b/notes/plan.md\n@@ -0,0 +1,3 @@\n+# Plan\n+\n+Ship the git tools.');
    const limited = (await runChecked(tools.diff, { from: 'HEAD~1', to: 'main', paths: ['notes'] }, fakeToolContext(project))) as {
      diff: string;
      files_changed: string[];
    };
    expect(limited.files_changed).toEqual(['notes/plan.md']);
    expect(limited.diff).not.toContain('README.md');
    const byHash = (await runChecked(tools.diff, { from: diff.from.slice(0, 7), to: out.commit }, fakeToolContext(project))) as { diff: string };
    expect(byHash.diff).toBe(diff.diff);
  });

  it('a retry of the same call returns the first commit and applies nothing twice, even from another process', async () => {
    const ctx = fakeToolContext(project);
    const request = { patch: newFile('a.txt', ['one']), message: 'Add a', idempotencyKey: ctx.idempotency_key };
    const first = await repos.applyPatch(project, request);
    const again = await repos.applyPatch(project, request);
    const elsewhere = await new ProjectRepos(root).applyPatch(project, request);
    expect(first.already_applied).toBe(false);
    expect([again, elsewhere]).toEqual([
      { commit: first.commit, files_changed: ['a.txt'], already_applied: true },
      { commit: first.commit, files_changed: ['a.txt'], already_applied: true },
    ]);
    expect(commits()).toBe(2);
    // A key that merely starts like this one is another call.
    const other = await codeOf(repos.applyPatch(project, { ...request, idempotencyKey: `${ctx.idempotency_key}0` }));
    expect(other).toBe('E_TOOL_FAILED'); // a.txt already exists: the same patch does not apply again
  });

  it('two workers retrying the same call at once make one commit; different calls queue up and both land', async () => {
    const key = `${randomUUID()}/call_x`;
    const request = { patch: newFile('same.txt', ['x']), message: 'Same call', idempotencyKey: key };
    const [a, b] = await Promise.all([repos.applyPatch(project, request), new ProjectRepos(root).applyPatch(project, request)]);
    expect(a.commit).toBe(b.commit);
    expect([a.already_applied, b.already_applied].sort()).toEqual([false, true]);
    const many = await Promise.all(
      [1, 2, 3, 4].map((i) => repos.applyPatch(project, { patch: newFile(`f${i}.txt`, [`${i}`]), message: `Add f${i}`, idempotencyKey: `${key}${i}` })),
    );
    expect(new Set(many.map((m) => m.commit)).size).toBe(4);
    expect(commits()).toBe(6);
    expect(git('ls-tree', '--name-only', 'main').split('\n').sort()).toEqual(['f1.txt', 'f2.txt', 'f3.txt', 'f4.txt', 'same.txt']);
  });

  it('a patch that does not apply fails with E_TOOL_FAILED and changes nothing', async () => {
    await repos.applyPatch(project, { patch: newFile('a.txt', ['one', 'two']), message: 'Add a', idempotencyKey: 'k/1' });
    const head = git('rev-parse', 'main');
    const wrongContext = ['diff --git a/a.txt b/a.txt', '--- a/a.txt', '+++ b/a.txt', '@@ -1,2 +1,2 @@', ' uno', '-two', '+three', ''].join('\n');
    // The first file would apply, the second does not: all or nothing.
    const partly = newFile('b.txt', ['b']) + wrongContext;
    for (const patch of [wrongContext, partly, 'this is not a patch\n']) {
      const err = await repos.applyPatch(project, { patch, message: 'Change a', idempotencyKey: `k/${randomUUID()}` }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ToolError);
      expect((err as ToolError).code).toBe('E_TOOL_FAILED');
      expect((err as ToolError).message).not.toContain(root);
    }
    expect(git('rev-parse', 'main')).toBe(head);
    expect(git('ls-tree', '--name-only', 'main')).toBe('a.txt');
  });

  it('refuses paths outside the repository or inside .git, whatever the patch header says', async () => {
    const head = (await repos.diff(project, {})).to;
    const patches = {
      'dot-dot': newFile('../escaped.txt', ['x']),
      'dot-dot inside': newFile('a/../../escaped.txt', ['x']),
      'git config': ['diff --git a/.git/config b/.git/config', '--- a/.git/config', '+++ b/.git/config', '@@ -1 +1 @@', '-x', '+[core]', ''].join('\n'),
      'new hook': newFile('.git/hooks/post-commit', ['#!/bin/sh', 'touch /tmp/pwned']),
      'upper-case GIT': newFile('.GIT/hooks/post-commit', ['#!/bin/sh']),
      absolute: ['--- /dev/null', '+++ /etc/omniai-escaped', '@@ -0,0 +1 @@', '+x', ''].join('\n'),
      'absolute git header': newFile('/tmp/omniai-escaped', ['x']),
      'rename into .git': ['diff --git a/a.txt b/.git/a.txt', 'similarity index 100%', 'rename from a.txt', 'rename to .git/a.txt', ''].join('\n'),
      symlink: [
        'diff --git a/link b/link',
        'new file mode 120000',
        '--- /dev/null',
        '+++ b/link',
        '@@ -0,0 +1 @@',
        '+/etc/passwd',
        '\\ No newline at end of file',
        '',
      ].join('\n'),
    };
    for (const [name, patch] of Object.entries(patches)) {
      const code = await codeOf(repos.applyPatch(project, { patch, message: name, idempotencyKey: `k/${randomUUID()}` }));
      expect([name, code]).toEqual([name, 'E_VALIDATION']);
    }
    expect(git('rev-parse', 'main')).toBe(head);
    expect(existsSync(join(root, 'escaped.txt')) || existsSync('/etc/omniai-escaped') || existsSync('/tmp/omniai-escaped')).toBe(false);
    expect(existsSync(join(repos.gitDirOf(project), 'hooks', 'post-commit'))).toBe(false);
    // Nothing is left in the scratch folder either.
    expect(readdirSync(join(root, '.tmp'))).toEqual([]);
  });

  it('refuses revision and path injection in git.diff before git runs', async () => {
    for (const input of [
      { from: '--output=/tmp/omniai-x' },
      { to: '-p' },
      { to: 'HEAD@{1}' },
      { from: 'main:secret' },
      { paths: ['../x'] },
      { paths: ['.git/config'] },
      { paths: ['/etc/passwd'] },
      { paths: [':(glob)**'] },
    ]) {
      const code = await codeOf(repos.diff(project, input));
      // `:(glob)**` is a legal file name: taken literally (no pathspec magic), it just matches nothing.
      if (input.paths?.[0] === ':(glob)**') expect(code).toBe('resolved');
      else expect([JSON.stringify(input), code]).toEqual([JSON.stringify(input), 'E_VALIDATION']);
    }
    expect(existsSync('/tmp/omniai-x')).toBe(false);
    expect(await codeOf(repos.diff(project, { from: 'deadbeef' }))).toBe('E_NOT_FOUND');
    expect(await codeOf(repos.diff(project, { to: 'HEAD~5' }))).toBe('E_NOT_FOUND');
  });

  it('cuts a diff longer than the cap at a line boundary and flags it', async () => {
    const lines = Array.from({ length: 12_000 }, (_, i) => `line ${i} ${'x'.repeat(30)}`);
    await repos.applyPatch(project, { patch: newFile('big.txt', lines), message: 'Big', idempotencyKey: 'k/big' });
    const d = await repos.diff(project, {});
    expect(d.truncated).toBe(true);
    expect(Buffer.byteLength(d.diff)).toBeLessThanOrEqual(MAX_DIFF_BYTES);
    expect(d.diff.endsWith('\n')).toBe(true);
    expect(d.files_changed).toEqual(['big.txt']);
  });
});
