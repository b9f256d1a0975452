import { checkDocumentPath } from './document-path';

describe('checkDocumentPath', () => {
  it.each(['notes.md', 'docs/guide/intro.md', 'a b/c-d_e.f.txt', '.github/workflows/ci.yml', 'x'.repeat(300), 'ünïcödé/文件.md'])('accepts %s', (path) => {
    expect(checkDocumentPath(path)).toBeNull();
  });

  it.each([
    ['', 'the path is empty'],
    ['x'.repeat(301), 'the path is longer than 300 characters'],
    ['/etc/passwd', 'the path must be relative to the project (no leading /)'],
    ['../secrets.txt', 'the path must not contain ".." segments'],
    ['a/../../b', 'the path must not contain ".." segments'],
    ['a/..', 'the path must not contain ".." segments'],
    ['./notes.md', 'the path is not normalized: use "notes.md"'],
    ['a//b.md', 'the path is not normalized: use "a/b.md"'],
    ['dir/', 'the path is not normalized: use "dir"'],
    ['.', 'the path names no file'],
    ['a\\b.md', 'the path contains a backslash: separate folders with /'],
    ['a\nb', 'the path contains a control character'],
    ['a\u0000b', 'the path contains a control character'],
  ])('refuses %j: %s', (path, problem) => {
    expect(checkDocumentPath(path)).toBe(problem);
  });
});
