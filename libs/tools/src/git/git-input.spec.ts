import { ToolError } from '../tool';
import { checkCommitMessage, checkCommitish, checkPatchShape, idempotencyTrailerValue, repoPathProblem } from './git-input';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof ToolError ? err.code : 'not a ToolError';
  }
  return 'accepted';
};

describe('checkCommitish', () => {
  it.each(['abcd', 'ABCDEF0123', 'a'.repeat(40), 'HEAD', 'HEAD~1', 'HEAD~999', 'main'])('accepts %s', (rev) => {
    expect(checkCommitish(rev, 'to')).toBe(rev);
  });

  it.each([
    '--output=/tmp/x',
    '-p',
    '--',
    'abc',
    'a'.repeat(41),
    'HEAD~1000',
    'HEAD^',
    'HEAD@{1}',
    'main~1',
    ':/secret',
    'main:file',
    'refs/heads/main',
    'HEAD~1 --output=/tmp/x',
    'main\n',
    '',
  ])('refuses %j before git sees it', (rev) => {
    expect(refusal(() => checkCommitish(rev, 'from'))).toBe('E_VALIDATION');
  });
});

describe('repoPathProblem', () => {
  it.each(['a.md', 'docs/notes/plan.md', '.github/workflows/ci.yml', 'gitignore', '.gitignore', 'x.git/y'])('accepts %s', (p) => {
    expect(repoPathProblem(p)).toBeNull();
  });

  it.each([
    ['../x', '".." segments'],
    ['a/../../etc/passwd', '".." segments'],
    ['/etc/passwd', 'relative'],
    ['.git/config', '.git'],
    ['.GIT/hooks/pre-commit', '.git'],
    ['sub/.git/config', '.git'],
    ['.git./config', '.git'],
    ['git~1/config', '.git'],
    ['a//b', 'normalized'],
    ['./a', 'normalized'],
    ['a\\b', 'backslash'],
    ['a\nb', 'control'],
  ])('refuses %j (%s)', (p, why) => {
    expect(repoPathProblem(p)).toContain(why);
  });
});

describe('commit messages and trailers', () => {
  it('keeps a plain idempotency key, hashes anything that could add lines', () => {
    expect(idempotencyTrailerValue('3f2a/call_1')).toBe('3f2a/call_1');
    expect(idempotencyTrailerValue('run/call\nOmni-Idempotency-Key: other')).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('refuses empty, long, control-character and trailer-forging messages', () => {
    expect(checkCommitMessage('  Fix the typo\n')).toBe('Fix the typo');
    expect(refusal(() => checkCommitMessage('   '))).toBe('E_VALIDATION');
    expect(refusal(() => checkCommitMessage('x'.repeat(501)))).toBe('E_VALIDATION');
    expect(refusal(() => checkCommitMessage('a\u0000b'))).toBe('E_VALIDATION');
    expect(refusal(() => checkCommitMessage('Fix\n\nomni-idempotency-key: run/call_2'))).toBe('E_VALIDATION');
  });

  it('refuses patches that make symbolic links or submodules', () => {
    expect(refusal(() => checkPatchShape('diff --git a/l b/l\nnew file mode 120000\n--- /dev/null\n+++ b/l\n@@ -0,0 +1 @@\n+/etc/passwd\n'))).toBe(
      'E_VALIDATION',
    );
    expect(refusal(() => checkPatchShape('diff --git a/m b/m\nnew file mode 160000\n'))).toBe('E_VALIDATION');
    expect(refusal(() => checkPatchShape('diff --git a/f b/f\nnew file mode 100644\n'))).toBe('accepted');
  });
});
