// A deliberately small Markdown renderer: everything is HTML-escaped first, then a few constructs are recognised.
// No raw HTML passes through, links must be http(s) and images become plain links (nothing loads by itself).
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function inline(text: string): string {
  return escapeHtml(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/!\[([^\]]*)\]\((https?:\/\/[^\s)]+)\)/g, '<a href="$2" rel="noopener noreferrer nofollow" target="_blank">image: $1</a>')
    .replace(/\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g, '<a href="$2" rel="noopener noreferrer nofollow" target="_blank">$1</a>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*])\*([^*]+)\*/g, '$1<em>$2</em>');
}

export function renderMarkdown(source: string): string {
  const out: string[] = [];
  // A leading newline lets a fence on the first line open a code block like any other.
  const blocks = `\n${source.replace(/\r\n/g, '\n')}`.split(/\n```/);
  blocks.forEach((block, i) => {
    if (i % 2 === 1) {
      const [, ...code] = block.split('\n');
      out.push(`<pre><code>${escapeHtml(code.join('\n').replace(/```\s*$/, ''))}</code></pre>`);
      return;
    }
    for (const para of block.split(/\n{2,}/)) {
      const lines = para.split('\n').filter((l) => l.trim() !== '');
      if (lines.length === 0) continue;
      if (lines.every((l) => /^\s*[-*] /.test(l))) {
        out.push(`<ul>${lines.map((l) => `<li>${inline(l.replace(/^\s*[-*] /, ''))}</li>`).join('')}</ul>`);
      } else if (/^#{1,4} /.test(lines[0]!)) {
        const level = Math.min(4, lines[0]!.indexOf(' ')) + 2;
        out.push(`<h${level}>${inline(lines[0]!.replace(/^#+ /, ''))}</h${level}>`);
        if (lines.length > 1) out.push(`<p>${lines.slice(1).map(inline).join('<br>')}</p>`);
      } else {
        out.push(`<p>${lines.map(inline).join('<br>')}</p>`);
      }
    }
  });
  return out.join('');
}
