import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, ElementRef, ViewEncapsulation, computed, effect, inject, input, signal, viewChild } from '@angular/core';
import { DomSanitizer } from '@angular/platform-browser';
import type { ResearchView, SourceText } from '@omniai/contracts';
import DOMPurify from 'dompurify';
import { ApiClient } from '../core/api-client';
import { errorText } from '../core/api-error';
import { citationChips, highlightSplit, reportFileName, reportHtml, spanMatchesQuote, verdictLabel } from './research-model';

type Claim = ResearchView['claims'][number];

/** The source text of one evidence item, as loaded for the citation panel. */
type Loaded = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; source: SourceText };

/**
 * The finished report: its Markdown rendered by marked (GFM) and sanitized by DOMPurify, each `[[c3-2]]` marker a chip
 * numbered like the bibliography and coloured by the claim's verdict. A chip opens the citation panel: the claim, its
 * checks, and the source snapshot scrolled to the quote, the span `text.slice(start, end)` marked. Export as Markdown
 * downloads the numbered report; Print uses the browser's print-to-PDF with a print stylesheet.
 */
@Component({
  selector: 'omni-research-report',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe],
  template: `
    @let r = view().report;
    @if (r) {
      <div class="report-head">
        <h2>Report</h2>
        <span class="spacer"></span>
        <button type="button" class="btn small" (click)="exportMarkdown()" data-testid="report-export-md">Export as Markdown</button>
        <button type="button" class="btn small" (click)="print()" data-testid="report-print" title="Print, or save as PDF from the print dialog">
          Print / PDF
        </button>
      </div>
      <div class="report-body" [class.with-panel]="open()">
        <article class="markdown report" data-testid="report" [innerHTML]="html()" (click)="onReportClick($event)" (keydown)="onReportKey($event)"></article>
        @if (open(); as c) {
          <aside class="citation" role="dialog" aria-label="Citation" data-testid="citation-panel" [attr.data-claim]="c.id">
            <div class="citation-head">
              <span class="cite-badge" [attr.data-verdict]="c.check?.verdict ?? 'unchecked'" data-testid="citation-verdict">{{
                verdict(c.check?.verdict ?? 'unchecked')
              }}</span>
              <code class="small">{{ c.id }}</code>
              <span class="spacer"></span>
              <button type="button" class="btn small ghost" (click)="close()" data-testid="citation-close" aria-label="Close the citation">✕</button>
            </div>
            <p class="claim" data-testid="citation-claim">{{ c.text }}</p>
            @if (c.check; as k) {
              @if (k.reason) {
                <p class="small reason" data-testid="citation-reason">{{ k.reason }}</p>
              }
              @if (k.judge; as j) {
                <p class="small muted">Judge: {{ verdict(j.verdict) }}. {{ j.reason }}</p>
              }
              <ul class="checks small">
                <li [class.ok]="k.quote_at_offsets">Quote at its offsets</li>
                <li [class.ok]="k.source_fetched">Source fetched by this run</li>
                <li [class.ok]="k.numbers_in_quote">Numbers in the quote</li>
              </ul>
            }
            @if (c.evidence.length > 1) {
              <div class="tabs small" role="tablist">
                @for (e of c.evidence; track $index) {
                  <button type="button" role="tab" [attr.aria-selected]="$index === evidenceIndex()" (click)="evidenceIndex.set($index)">
                    Quote {{ $index + 1 }}
                  </button>
                }
              </div>
            }
            @if (evidence(); as e) {
              <blockquote class="small" data-testid="citation-quote">{{ e.quote }}</blockquote>
              @if (source(); as src) {
                <div class="small source-meta" data-testid="citation-source">
                  <strong>[{{ numberOf(e.source_id) ?? '?' }}] {{ src.source.title }}</strong>
                  <div class="muted locator">{{ src.source.locator }}</div>
                  @if (src.source.snapshot; as snap) {
                    <div class="muted">
                      Read {{ snap.fetched_at | date: 'medium' }} · {{ snap.chars.toLocaleString() }} chars · <code>{{ snap.sha256.slice(0, 12) }}</code>
                      @if (snap.truncated) {
                        · truncated
                      }
                    </div>
                  }
                </div>
                @let parts = split(src.text, e.start, e.end);
                @if (!matches(parts.mark, e.quote)) {
                  <p class="small reason" data-testid="citation-offsets-differ">The text at the recorded offsets is not the quote.</p>
                }
                <pre
                  class="snapshot"
                  data-testid="citation-snapshot">{{ parts.before }}<mark #quoteMark data-testid="citation-highlight">{{ parts.mark }}</mark>{{ parts.after }}</pre>
              } @else if (sourceError(); as err) {
                <p class="error-text small" data-testid="citation-source-error">Could not load the source: {{ err }}</p>
              } @else {
                <p class="muted small">Loading the source…</p>
              }
            }
          </aside>
        }
      </div>
      <section class="bibliography" aria-label="Bibliography">
        <h3>Sources</h3>
        <ol data-testid="bibliography">
          @for (b of r.bibliography; track b.n) {
            <li [attr.value]="b.n" data-testid="bibliography-entry" [attr.data-source-id]="b.source_id">
              <strong>{{ b.title }}</strong>
              <span class="muted small locator">{{ b.locator }}</span>
              <span class="muted small"
                >read {{ b.fetched_at | date: 'medium' }} · <code>{{ b.sha256.slice(0, 12) }}</code></span
              >
            </li>
          }
        </ol>
      </section>
    }
  `,
  // No emulated encapsulation: the report's HTML comes from marked, not from this template, so scoped styles would
  // not reach its chips; every rule is scoped by the element name instead.
  encapsulation: ViewEncapsulation.None,
  styles: `
    omni-research-report {
      display: block;
    }
    omni-research-report .report-head {
      display: flex;
      align-items: center;
      gap: 8px;
    }
    omni-research-report .report-head h2 {
      margin: 0;
      font-size: 16px;
    }
    omni-research-report .spacer {
      flex: 1;
    }
    omni-research-report .report-body {
      display: grid;
      grid-template-columns: minmax(0, 1fr);
      gap: 16px;
      margin-top: 8px;
    }
    omni-research-report .report-body.with-panel {
      grid-template-columns: minmax(0, 1fr) minmax(320px, 420px);
    }
    omni-research-report .report {
      line-height: 1.6;
    }
    omni-research-report .report :is(table) {
      border-collapse: collapse;
    }
    omni-research-report .report :is(th, td) {
      border: 1px solid var(--border);
      padding: 4px 8px;
    }
    omni-research-report .report .cite {
      font: 600 10.5px/1 var(--font);
      padding: 2px 5px;
      margin: 0 1px;
      border-radius: 8px;
      vertical-align: super;
      border: 1px solid var(--border);
      background: var(--surface-2);
      color: var(--text);
      cursor: pointer;
    }
    omni-research-report .report .cite[data-verdict='supported'] {
      border-color: var(--ok);
      background: var(--ok-bg);
    }
    omni-research-report .report .cite[data-verdict='partial'] {
      border-color: var(--warn);
      background: var(--warn-bg);
    }
    omni-research-report .report .cite[data-verdict='unsupported'],
    omni-research-report .report .cite[data-verdict='unknown'] {
      border-color: var(--bad);
      background: var(--bad-bg);
    }
    omni-research-report .report .cite.active {
      outline: 2px solid var(--accent);
    }
    omni-research-report .report .flag {
      color: var(--warn);
      font-size: 0.9em;
    }
    omni-research-report .report :is(p, li):has(.flag) {
      background: var(--warn-bg);
      border-left: 3px solid var(--warn);
      padding-left: 8px;
    }
    omni-research-report .citation {
      border: 1px solid var(--border);
      border-radius: var(--radius);
      background: var(--surface);
      padding: 10px 12px;
      align-self: start;
      position: sticky;
      top: 8px;
      max-height: 80vh;
      display: flex;
      flex-direction: column;
      gap: 6px;
    }
    omni-research-report .citation-head {
      display: flex;
      align-items: center;
      gap: 8px;
    }
    omni-research-report .cite-badge {
      font-size: 12px;
      font-weight: 600;
      padding: 1px 8px;
      border-radius: 999px;
      border: 1px solid var(--border);
    }
    omni-research-report .cite-badge[data-verdict='supported'] {
      color: var(--ok);
      background: var(--ok-bg);
      border-color: var(--ok);
    }
    omni-research-report .cite-badge[data-verdict='partial'] {
      color: var(--warn);
      background: var(--warn-bg);
      border-color: var(--warn);
    }
    omni-research-report .cite-badge[data-verdict='unsupported'] {
      color: var(--bad);
      background: var(--bad-bg);
      border-color: var(--bad);
    }
    omni-research-report .claim {
      margin: 0;
      font-weight: 500;
    }
    omni-research-report .reason {
      color: var(--bad);
      margin: 0;
    }
    omni-research-report .checks {
      list-style: none;
      padding: 0;
      margin: 0;
      display: flex;
      flex-wrap: wrap;
      gap: 4px 10px;
      color: var(--bad);
    }
    omni-research-report .checks li::before {
      content: '✗ ';
    }
    omni-research-report .checks li.ok {
      color: var(--ok);
    }
    omni-research-report .checks li.ok::before {
      content: '✓ ';
    }
    omni-research-report blockquote {
      margin: 0;
      padding: 4px 8px;
      border-left: 3px solid var(--accent);
      background: var(--surface-2);
    }
    omni-research-report .locator {
      word-break: break-all;
    }
    omni-research-report .snapshot {
      position: relative;
      flex: 1;
      min-height: 120px;
      overflow: auto;
      white-space: pre-wrap;
      word-break: break-word;
      font-size: 12px;
      margin: 0;
      padding: 8px;
      background: var(--bg);
      border: 1px solid var(--border);
      border-radius: 8px;
    }
    omni-research-report mark {
      background: #fde047;
      color: #171923;
      padding: 0 1px;
      border-radius: 2px;
    }
    omni-research-report .bibliography h3 {
      font-size: 14px;
      margin: 16px 0 4px;
    }
    omni-research-report .bibliography li {
      margin-bottom: 4px;
    }
    /* Print (and save as PDF): the report and its bibliography only. */
    @media print {
      body * {
        visibility: hidden;
      }
      omni-research-report,
      omni-research-report * {
        visibility: visible;
      }
      omni-research-report {
        position: absolute;
        inset: 0 auto auto 0;
        width: 100%;
      }
      omni-research-report :is(.report-head button, .citation) {
        display: none;
      }
      omni-research-report .report-body.with-panel {
        grid-template-columns: minmax(0, 1fr);
      }
    }
    omni-research-report .bibliography li > span {
      display: block;
    }
  `,
})
export class ReportViewerComponent {
  readonly view = input.required<ResearchView>();
  private readonly api = inject(ApiClient);
  private readonly sanitizer = inject(DomSanitizer);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly quoteMark = viewChild<ElementRef<HTMLElement>>('quoteMark');
  /** Source texts by run and source id: a snapshot never changes, so it is fetched once. */
  private readonly sources = new Map<string, Promise<SourceText>>();

  protected readonly openId = signal<string | null>(null);
  protected readonly evidenceIndex = signal(0);
  protected readonly loaded = signal<Loaded | null>(null);
  protected readonly source = computed(() => {
    const l = this.loaded();
    return l?.state === 'ready' ? l.source : null;
  });
  protected readonly sourceError = computed(() => {
    const l = this.loaded();
    return l?.state === 'error' ? l.message : null;
  });

  private readonly chips = computed(() => citationChips(this.view()));
  protected readonly html = computed(() => {
    const md = this.view().report?.cited_markdown ?? '';
    // DOMPurify is the sanitizer; Angular's own would strip the chips' data attributes, so its result is trusted as is.
    return this.sanitizer.bypassSecurityTrustHtml(DOMPurify.sanitize(reportHtml(md, this.chips())));
  });
  protected readonly open = computed<Claim | null>(() => this.view().claims.find((c) => c.id === this.openId()) ?? null);
  protected readonly evidence = computed(() => this.open()?.evidence[this.evidenceIndex()] ?? null);
  private readonly numbers = computed(() => new Map((this.view().report?.bibliography ?? []).map((b) => [b.source_id, b.n])));

  constructor() {
    // Load the snapshot of the evidence shown.
    effect(() => {
      const e = this.evidence();
      const runId = this.view().run.id;
      if (!e) {
        this.loaded.set(null);
        return;
      }
      this.loaded.set({ state: 'loading' });
      const key = `${runId}/${e.source_id}`;
      let p = this.sources.get(key);
      if (!p) {
        p = this.api.getResearchSource(runId, e.source_id);
        this.sources.set(key, p);
        p.catch(() => this.sources.delete(key));
      }
      p.then(
        (source) => {
          if (this.evidence() === e) this.loaded.set({ state: 'ready', source });
        },
        (err: unknown) => {
          if (this.evidence() === e) this.loaded.set({ state: 'error', message: errorText(err) });
        },
      );
    });
    // Scroll the snapshot to the quote once it is shown.
    // (the snapshot box only: scrollIntoView would scroll the page as well).
    effect(() => {
      const mark = this.quoteMark()?.nativeElement;
      const box = mark?.parentElement;
      if (mark && box) box.scrollTop = Math.max(0, mark.offsetTop - box.clientHeight / 3);
    });
    // Mark the open chip in the report.
    effect(() => {
      const id = this.openId();
      this.html();
      const root = this.host.nativeElement;
      root.querySelectorAll('.cite.active').forEach((el) => el.classList.remove('active'));
      if (id) root.querySelectorAll(`.cite[data-claim="${CSS.escape(id)}"]`).forEach((el) => el.classList.add('active'));
    });
  }

  protected onReportClick(ev: MouseEvent): void {
    const chip = (ev.target as Element | null)?.closest<HTMLElement>('.cite[data-claim]');
    if (!chip) return;
    ev.preventDefault();
    this.show(chip.dataset['claim']!);
  }

  protected onReportKey(ev: KeyboardEvent): void {
    if (ev.key === 'Escape') this.close();
  }

  /** Opens a claim's citation (again: closes it). */
  show(claimId: string): void {
    this.evidenceIndex.set(0);
    this.openId.set(this.openId() === claimId ? null : claimId);
  }

  protected close(): void {
    this.openId.set(null);
  }

  protected exportMarkdown(): void {
    const r = this.view().report;
    if (!r) return;
    const url = URL.createObjectURL(new Blob([r.markdown], { type: 'text/markdown;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = reportFileName(this.view().request.question);
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  }

  protected print(): void {
    window.print();
  }

  protected verdict = verdictLabel;
  protected split = highlightSplit;
  protected matches = spanMatchesQuote;
  protected numberOf = (sourceId: string) => this.numbers().get(sourceId) ?? null;
}
