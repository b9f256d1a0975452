import { renderMarkdown } from './markdown';

describe('renderMarkdown', () => {
  it('escapes raw HTML instead of rendering it', () => {
    const html = renderMarkdown('<img src=x onerror=alert(1)> <script>alert(2)</script>');
    expect(html).not.toMatch(/<img|<script/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('turns images into plain links, so nothing remote loads by itself', () => {
    expect(renderMarkdown('![pic](https://example.com/a.png)')).toBe(
      '<p><a href="https://example.com/a.png" rel="noopener noreferrer nofollow" target="_blank">image: pic</a></p>',
    );
  });

  it('only links http(s) URLs', () => {
    expect(renderMarkdown('[x](javascript:alert(1))')).not.toContain('<a');
    expect(renderMarkdown('[x](https://ok.example)')).toContain('href="https://ok.example"');
  });

  it('renders emphasis, code, lists, headings and fenced code (escaped)', () => {
    expect(renderMarkdown('**b** *i* `c`')).toBe('<p><strong>b</strong> <em>i</em> <code>c</code></p>');
    expect(renderMarkdown('- a\n- b')).toBe('<ul><li>a</li><li>b</li></ul>');
    expect(renderMarkdown('# Title')).toBe('<h3>Title</h3>');
    expect(renderMarkdown('```\n<b>x</b>\n```')).toBe('<pre><code>&lt;b&gt;x&lt;/b&gt;</code></pre>');
  });
});
