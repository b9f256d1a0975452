import { type DefaultTreeAdapterMap, type TreeAdapter, defaultTreeAdapter, parse } from 'parse5';
import { ToolError } from '../tool';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];
type TextNode = DefaultTreeAdapterMap['textNode'];

export interface ReadableText {
  /** The document's `<title>` (or, without one, its first `<h1>`), whitespace collapsed; '' when neither exists. */
  title: string;
  /** The readable text, one block (paragraph, heading, list item, …) per line. */
  text: string;
}

/**
 * Never rendered as text: code, styling, fallbacks for scripting, inert templates, embedded documents and media,
 * and form controls whose content is not prose.
 */
const ALWAYS_SKIPPED = new Set([
  'head',
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'math',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'canvas',
  'audio',
  'video',
  'picture',
  'select',
  'textarea',
  'button',
  'nav',
]);
/** Page chrome, skipped only when no `<article>`/`<main>` says where the content is. */
const CHROME = new Set(['header', 'footer', 'aside', 'form', 'dialog']);

/**
 * Deepest element nesting we parse (browsers cap theirs too; Chromium's parser at 512). Real pages stay far below
 * it. Parsing work grows with tokens × nesting depth (the tree builder scans its stack of open elements), so
 * without a cap a 2 MiB page of nested `<div>`s keeps the worker's CPU busy for many minutes.
 */
export const MAX_NESTING = 256;

/** Elements that start and end a line of text. */
const BLOCKS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'caption',
  'center',
  'dd',
  'details',
  'dialog',
  'dir',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'hr',
  'legend',
  'li',
  'listing',
  'main',
  'menu',
  'ol',
  'p',
  'plaintext',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'tfoot',
  'thead',
  'tr',
  'ul',
  'xmp',
]);
/** Table cells: kept on their row's line, separated by a space. */
const CELLS = new Set(['td', 'th']);
const HTML_NS = 'http://www.w3.org/1999/xhtml';

/**
 * Readable text of an HTML document, parsed (spec-compliant, parse5) and never executed: no script runs, no
 * resource loads, entities are decoded by the parser. Content comes from the `<article>` with the most text when
 * there is one, else `<main>`, else `<body>` without its header, footer, asides and forms. Hidden elements
 * (`hidden`, `aria-hidden="true"`, inline `display:none`) are left out: text a reader cannot see should not reach
 * the model either.
 */
export function extractReadableText(html: string): ReadableText {
  const document = parseBounded(html);
  const title = collapse(textOf(findFirst(document, 'title'), new Set())) || collapse(textOf(findFirst(document, 'h1'), ALWAYS_SKIPPED));
  const articles = findOutermost(document, 'article')
    .map((article) => textOf(article, ALWAYS_SKIPPED))
    .sort((a, b) => b.length - a.length);
  const candidates = [
    () => articles[0] ?? '',
    () => textOf(findFirst(document, 'main'), ALWAYS_SKIPPED),
    () => textOf(findFirst(document, 'body'), new Set([...ALWAYS_SKIPPED, ...CHROME])),
  ];
  for (const candidate of candidates) {
    const text = candidate();
    if (text !== '') return { title, text };
  }
  return { title, text: '' };
}

class NestingTooDeep extends Error {}

/**
 * `parse5.parse` with the open-element stack capped at {@link MAX_NESTING}, counted through the tree adapter's
 * push/pop hooks, i.e. the parser's own stack rather than a guess from the markup.
 * @throws ToolError `E_TOOL_RESOURCE_LIMIT` past the cap.
 */
function parseBounded(html: string): DefaultTreeAdapterMap['document'] {
  let depth = 0;
  const treeAdapter: TreeAdapter<DefaultTreeAdapterMap> = {
    ...defaultTreeAdapter,
    onItemPush: () => {
      depth += 1;
      if (depth > MAX_NESTING) throw new NestingTooDeep();
    },
    onItemPop: () => {
      depth -= 1;
    },
  };
  try {
    return parse(html, { treeAdapter });
  } catch (err) {
    if (err instanceof NestingTooDeep) {
      throw new ToolError('E_TOOL_RESOURCE_LIMIT', `the page nests HTML elements more than ${MAX_NESTING} levels deep`);
    }
    throw err;
  }
}

function isElement(node: Node): node is Element {
  return 'tagName' in node && node.namespaceURI === HTML_NS;
}

function childrenOf(node: Node): readonly Node[] {
  return 'childNodes' in node ? node.childNodes : [];
}

/** Children in reverse, so popping visits them in document order (a loop: spreading 100k children would overflow). */
function pushChildren(stack: Node[], node: Node): void {
  const children = childrenOf(node);
  for (let i = children.length - 1; i >= 0; i -= 1) {
    const child = children[i];
    if (child) stack.push(child);
  }
}

function isHidden(element: Element): boolean {
  return element.attrs.some(
    ({ name, value }) =>
      name === 'hidden' ||
      (name === 'aria-hidden' && value.trim().toLowerCase() === 'true') ||
      (name === 'style' && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(value)),
  );
}

/** First HTML element named `tag` in document order, not inside a skipped subtree (so not an SVG `<title>`). */
function findFirst(root: Node, tag: string): Element | undefined {
  const stack: Node[] = [root];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (isElement(node)) {
      if (node.tagName === tag) return node;
      if (tag !== 'title' && ALWAYS_SKIPPED.has(node.tagName)) continue;
    } else if ('tagName' in node) continue; // SVG / MathML content
    pushChildren(stack, node);
  }
  return undefined;
}

/** Every `tag` element that is not inside another one (disjoint subtrees, so measuring them all stays linear). */
function findOutermost(root: Node, tag: string): Element[] {
  const found: Element[] = [];
  const stack: Node[] = [root];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (isElement(node)) {
      if (node.tagName === tag) {
        found.push(node);
        continue;
      }
      if (ALWAYS_SKIPPED.has(node.tagName) || isHidden(node)) continue;
    } else if ('tagName' in node) continue;
    pushChildren(stack, node);
  }
  return found;
}

type Step = { node: Node } | { leave: Element };

/** The text under `root`, one block per line. Iterative, so deeply nested markup cannot overflow the stack. */
function textOf(root: Element | undefined, skipped: ReadonlySet<string>): string {
  if (!root) return '';
  const out = new LineBuilder();
  const steps: Step[] = [{ node: root }];
  for (let step = steps.pop(); step; step = steps.pop()) {
    if ('leave' in step) {
      out.leave(step.leave.tagName);
      continue;
    }
    const { node } = step;
    if (node.nodeName === '#text') {
      out.text((node as TextNode).value);
      continue;
    }
    if (!isElement(node) || skipped.has(node.tagName) || isHidden(node)) continue;
    out.enter(node.tagName);
    steps.push({ leave: node });
    const children = childrenOf(node);
    for (let i = children.length - 1; i >= 0; i -= 1) {
      const child = children[i];
      if (child) steps.push({ node: child });
    }
  }
  return out.finish();
}

/** Accumulates inline text and cuts it into lines at block boundaries; `<pre>` keeps its own line breaks. */
class LineBuilder {
  private readonly lines: string[] = [];
  private buffer = '';
  private preDepth = 0;

  text(value: string): void {
    this.buffer += value;
  }

  enter(tag: string): void {
    if (tag === 'br') {
      if (this.preDepth > 0) this.buffer += '\n';
      else this.flush();
      return;
    }
    if (CELLS.has(tag)) this.buffer += ' ';
    if (BLOCKS.has(tag) && this.preDepth === 0) this.flush();
    if (tag === 'pre' || tag === 'listing' || tag === 'xmp' || tag === 'plaintext') this.preDepth += 1;
  }

  leave(tag: string): void {
    if (tag === 'pre' || tag === 'listing' || tag === 'xmp' || tag === 'plaintext') {
      this.preDepth -= 1;
      if (this.preDepth === 0) this.flushPreformatted();
      return;
    }
    if (CELLS.has(tag)) this.buffer += ' ';
    if (BLOCKS.has(tag) && this.preDepth === 0) this.flush();
  }

  finish(): string {
    this.flush();
    return this.lines.join('\n');
  }

  private flush(): void {
    const line = collapse(this.buffer);
    if (line) this.lines.push(line);
    this.buffer = '';
  }

  private flushPreformatted(): void {
    const block = this.buffer.replace(/\r\n?/g, '\n').replace(/^\n+/, '').trimEnd();
    if (block.trim()) this.lines.push(block);
    this.buffer = '';
  }
}

/** Runs of whitespace (newlines and no-break spaces included) become one space. */
function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
