import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import type { RunEvent } from '@omniai/contracts';
import { renderMarkdown } from '../../shared/markdown';
import { contentText } from '../../core/run-session';
import { ArtifactViewer } from '../../core/artifact-viewer';
import { JsonTreeComponent } from '../../shared/json-tree.component';
import { inlineValue, isDiff, isTable } from './card-payload';

@Component({
  selector: 'omni-markdown-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div class="markdown" data-testid="card-markdown" [innerHTML]="html()"></div>`,
})
export class MarkdownCardComponent {
  readonly event = input.required<RunEvent>();
  protected readonly html = computed(() => {
    const e = this.event();
    if (e.kind === 'user_message' || e.kind === 'assistant_message') return renderMarkdown(contentText(e.payload.content));
    const v = inlineValue(e);
    return renderMarkdown(typeof v === 'string' ? v : '');
  });
}

@Component({
  selector: 'omni-json-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [JsonTreeComponent],
  template: `<div class="json-card" data-testid="card-json"><omni-json-tree [value]="value()" /></div>`,
})
export class JsonCardComponent {
  readonly event = input.required<RunEvent>();
  protected readonly value = computed(() => {
    const e = this.event();
    return e.kind === 'tool_call' || e.kind === 'tool_result' ? inlineValue(e) : e.payload;
  });
}

@Component({
  selector: 'omni-table-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="table-wrap" data-testid="card-table">
      <table>
        <thead>
          <tr>
            @for (c of columns(); track c) {
              <th>{{ c }}</th>
            }
          </tr>
        </thead>
        <tbody>
          @for (row of rows(); track $index) {
            <tr>
              @for (c of columns(); track c) {
                <td>{{ cell(row[c]) }}</td>
              }
            </tr>
          }
        </tbody>
      </table>
    </div>
  `,
})
export class TableCardComponent {
  readonly event = input.required<RunEvent>();
  protected readonly rows = computed(() => inlineValue(this.event()) as Array<Record<string, unknown>>);
  protected readonly columns = computed(() => [...new Set(this.rows().flatMap((r) => Object.keys(r)))]);
  protected cell(v: unknown): string {
    return typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
  }
}

@Component({
  selector: 'omni-diff-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<pre class="diff" data-testid="card-diff">@for (l of lines(); track $index) {<span [class]="l.cls">{{ l.text }}
</span>}</pre>`,
})
export class DiffCardComponent {
  readonly event = input.required<RunEvent>();
  protected readonly lines = computed(() =>
    String(inlineValue(this.event()))
      .split('\n')
      .map((text) => ({ text, cls: text.startsWith('+') ? 'add' : text.startsWith('-') ? 'del' : text.startsWith('@@') ? 'hunk' : '' })),
  );
}

@Component({
  selector: 'omni-error-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div class="error-card" data-testid="card-error" role="alert">
    <strong>{{ code() }}</strong> {{ message() }}
  </div>`,
})
export class ErrorCardComponent {
  readonly event = input.required<RunEvent>();
  protected readonly code = computed(() => {
    const e = this.event();
    return e.kind === 'tool_error' || e.kind === 'run_failed' ? e.payload.code : '';
  });
  protected readonly message = computed(() => {
    const e = this.event();
    return e.kind === 'tool_error' || e.kind === 'run_failed' ? e.payload.message : '';
  });
}

@Component({
  selector: 'omni-system-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [JsonTreeComponent],
  template: `
    <div class="system-card" data-testid="card-system">
      @if (event().kind === 'system_event') {
        <span class="badge">{{ type() }}</span> {{ message() }}
        @if (data()) {
          <omni-json-tree [value]="data()" />
        }
      } @else {
        <omni-json-tree [value]="event().payload" />
      }
    </div>
  `,
})
export class SystemCardComponent {
  readonly event = input.required<RunEvent>();
  protected readonly type = computed(() => (this.event().kind === 'system_event' ? (this.event().payload as { type: string }).type : ''));
  protected readonly message = computed(() => (this.event().kind === 'system_event' ? (this.event().payload as { message: string }).message : ''));
  protected readonly data = computed(() => (this.event().kind === 'system_event' ? (this.event().payload as { data?: unknown }).data : undefined));
}

@Component({
  selector: 'omni-artifact-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="artifact-card" data-testid="card-artifact">
      <span>{{ label() }}</span>
      <button type="button" class="btn small" (click)="viewer.open(event().run_id, sha())" data-testid="open-artifact">Open ({{ size() }} bytes)</button>
    </div>
  `,
})
export class ArtifactCardComponent {
  readonly event = input.required<RunEvent>();
  protected readonly viewer = inject(ArtifactViewer);
  private readonly ref = computed(() => {
    const e = this.event();
    if ((e.kind === 'user_message' || e.kind === 'assistant_message') && 'artifact' in e.payload.content)
      return { ...e.payload.content.artifact, label: 'message' };
    if (e.kind === 'tool_result' && 'artifact' in e.payload.result) return { ...e.payload.result.artifact, label: 'result' };
    if (e.kind === 'tool_call' && 'artifact' in e.payload.arguments) return { ...e.payload.arguments.artifact, label: 'arguments' };
    return null;
  });
  protected readonly sha = computed(() => this.ref()?.sha256 ?? '');
  protected readonly size = computed(() => (this.ref()?.size_bytes ?? 0).toLocaleString());
  protected readonly label = computed(() => `${this.ref()?.label ?? ''} · ${this.ref()?.media_type ?? ''}`);
}

const hasArtifact = (e: RunEvent) =>
  ((e.kind === 'user_message' || e.kind === 'assistant_message') && 'artifact' in e.payload.content) ||
  (e.kind === 'tool_result' && 'artifact' in e.payload.result) ||
  (e.kind === 'tool_call' && 'artifact' in e.payload.arguments);

/** Built-in renderers, most specific first. Apps add their own with provideCardRenderer (checked before these). */
export const BUILTIN_RENDERERS = [
  { id: 'artifact', matches: hasArtifact, component: ArtifactCardComponent },
  { id: 'error', matches: (e: RunEvent) => e.kind === 'tool_error' || e.kind === 'run_failed', component: ErrorCardComponent },
  { id: 'table', matches: (e: RunEvent) => e.kind === 'tool_result' && isTable(inlineValue(e)), component: TableCardComponent },
  { id: 'diff', matches: (e: RunEvent) => e.kind === 'tool_result' && isDiff(inlineValue(e)), component: DiffCardComponent },
  {
    id: 'markdown',
    matches: (e: RunEvent) => e.kind === 'user_message' || e.kind === 'assistant_message' || (e.kind === 'tool_result' && typeof inlineValue(e) === 'string'),
    component: MarkdownCardComponent,
  },
  { id: 'json', matches: (e: RunEvent) => e.kind === 'tool_call' || e.kind === 'tool_result', component: JsonCardComponent },
  { id: 'system', matches: () => true, component: SystemCardComponent },
];
