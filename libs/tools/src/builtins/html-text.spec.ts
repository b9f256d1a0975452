import { ToolError } from '../tool';
import { MAX_NESTING, extractReadableText } from './html-text';

const SAMPLE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>  Caf&eacute; &amp; Co. &mdash; Opening   hours </title>
  <style>body { color: red } .secret::after { content: "STYLE-LEAK" }</style>
  <script>window.SCRIPT_LEAK_HEAD = 1;</script>
  <link rel="stylesheet" href="/x.css">
</head>
<body>
  <header><a href="/">Home</a> <span>HEADER-CHROME</span></header>
  <nav><ul><li>NAV-LINK one</li><li>NAV-LINK two</li></ul></nav>
  <main>
    <p>MAIN-INTRO outside the article</p>
    <article>
      <h1>Opening hours</h1>
      <p>We open at <b>8&nbsp;am</b> and close at 6&#160;pm &lt;sharp&gt;.</p>
      <script>document.write("SCRIPT-LEAK-BODY")</script>
      <script type="application/ld+json">{"LDJSON": "LEAK"}</script>
      <noscript><p>NOSCRIPT-LEAK enable JavaScript</p></noscript>
      <template><p>TEMPLATE-LEAK</p></template>
      <iframe src="https://ads.example/">IFRAME-LEAK</iframe>
      <svg><title>SVG-TITLE-LEAK</title><text>SVG-TEXT-LEAK</text></svg>
      <p hidden>HIDDEN-LEAK</p>
      <p aria-hidden="true">ARIA-HIDDEN-LEAK</p>
      <p style="color: blue; display : none">DISPLAY-NONE-LEAK</p>
      <!-- COMMENT-LEAK -->
      <ul><li>Monday   to
        Friday</li><li>Saturday<br>by appointment</li></ul>
      <table><tr><th>Day</th><th>Hours</th></tr><tr><td>Sun</td><td>closed</td></tr></table>
      <pre>
line one
  indented line two</pre>
    </article>
  </main>
  <aside>ASIDE-CHROME</aside>
  <footer>FOOTER-CHROME</footer>
  <script>window.SCRIPT_LEAK_TAIL = 1;</script>
</body>
</html>`;

describe('extractReadableText', () => {
  const { title, text } = extractReadableText(SAMPLE);

  it('takes the title, entities decoded and whitespace collapsed', () => {
    expect(title).toBe('Café & Co. — Opening hours');
  });

  it("returns the article's text, one block per line", () => {
    expect(text).toBe(
      [
        'Opening hours',
        'We open at 8 am and close at 6 pm <sharp>.',
        'Monday to Friday',
        'Saturday',
        'by appointment',
        'Day Hours',
        'Sun closed',
        'line one\n  indented line two',
      ].join('\n'),
    );
  });

  it('never lets script, style, template, embedded or hidden content through', () => {
    expect(`${title}\n${text}`).not.toMatch(/LEAK/);
  });

  it('falls back to <main>, then to <body> without its chrome', () => {
    const main = extractReadableText('<title>t</title><nav>NAV</nav><main><h2>Main part</h2><p>body</p></main><footer>F</footer>');
    expect(main.text).toBe('Main part\nbody');
    const body = extractReadableText(
      '<body><header>Site name</header><nav>Menu</nav><div><p>First</p><p>Second</p></div><aside>Ad</aside><footer>(c)</footer></body>',
    );
    expect(body.text).toBe('First\nSecond');
  });

  it('picks the article with the most text when there are several', () => {
    const { text } = extractReadableText('<article><p>teaser</p></article><article><p>the real, much longer story</p></article>');
    expect(text).toBe('the real, much longer story');
  });

  it('moves on when the preferred element is empty', () => {
    expect(extractReadableText('<article><script>x()</script></article><main>Main text</main>').text).toBe('Main text');
  });

  it('uses the first <h1> when there is no <title>, and an empty title when neither exists', () => {
    expect(extractReadableText('<body><h1>Heading  <em>one</em></h1><p>x</p></body>').title).toBe('Heading one');
    expect(extractReadableText('<p>no title</p>').title).toBe('');
    expect(extractReadableText('<svg><title>icon</title></svg><p>x</p>').title).toBe('');
  });

  it('is not fooled by markup that tries to end a script early', () => {
    const tricky = [
      '<p>before</p>',
      '<script>var s = "</p><p>LEAK-1"; /* <\\/script> */</script>',
      '<script>if (a < b) { document.write("<p>LEAK-2</p>") }</script>',
      '<style>p::before { content: "</style-not>LEAK-3" }</style>',
      '<p>after</p>',
      '<script>never closed <p>LEAK-4</p>',
    ].join('');
    expect(extractReadableText(tricky).text).toBe('before\nafter');
    // Inside `<!--<script>` a browser keeps reading script until a second `</script>`, and so does the parser.
    const escaped = '<p>before</p><script><!--<script>x</script><p>LEAK-5</p></script><p>after</p>';
    expect(extractReadableText(escaped).text).toBe('before\nafter');
  });

  it('handles empty, plain and malformed input without throwing', () => {
    expect(extractReadableText('')).toEqual({ title: '', text: '' });
    expect(extractReadableText('just text &amp; more').text).toBe('just text & more');
    expect(extractReadableText('<p>unclosed <b>bold <i>both</p> tail').text).toBe('unclosed bold both\ntail');
  });

  it('reads nesting up to the cap, iteratively', () => {
    const depth = MAX_NESTING - 10; // html, body and a few more are on the stack too
    const html = `${'<div>'.repeat(depth)}deep${'</div>'.repeat(depth)}`;
    expect(extractReadableText(html).text).toBe('deep');
  });

  it('refuses pages nested past the cap quickly instead of parsing them for minutes', () => {
    const started = Date.now();
    const hostile = '<div>'.repeat(400_000); // 2 MB; unbounded, parse5 would need tens of minutes
    let error: unknown;
    try {
      extractReadableText(hostile);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).code).toBe('E_TOOL_RESOURCE_LIMIT');
    expect(Date.now() - started).toBeLessThan(2000);
    // The cap counts the parser's own stack: misnested markup that never gets deep is fine.
    expect(extractReadableText('<b><p>x</b></p>'.repeat(2000)).text).toContain('x');
  });
});
