import { ChangeDetectionStrategy, Component, ElementRef, afterNextRender, inject, input, output, signal } from '@angular/core';
import type { JsonValue } from '@omniai/contracts';
import { ApiClient } from '../core/api-client';
import { ApiError, errorText } from '../core/api-error';
import { parseJsonText } from './node-fields';

/** "Run": the input as JSON (prefilled from the template's sample or the input schema), then start and go to the run. */
@Component({
  selector: 'omni-run-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="dialog-backdrop" (click)="closed.emit()">
      <div
        class="dialog run-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="run-dialog-title"
        (click)="$event.stopPropagation()"
        (keydown.escape)="closed.emit()"
        data-testid="run-dialog"
      >
        <div class="dialog-head">
          <h2 id="run-dialog-title">Run version {{ version() }}</h2>
          <button type="button" class="btn small" (click)="closed.emit()">Cancel</button>
        </div>
        <label for="run-input" class="small"><strong>Input</strong> (JSON, checked against the input schema)</label>
        <textarea
          id="run-input"
          #box
          rows="12"
          spellcheck="false"
          [value]="text()"
          (input)="text.set($any($event.target).value)"
          [attr.aria-invalid]="!!parseError()"
          data-testid="run-input"
        ></textarea>
        @if (parseError(); as err) {
          <p class="field-error" role="alert">Not JSON: {{ err }}</p>
        }
        @if (error(); as err) {
          <div class="form-error" role="alert" data-testid="run-error">
            {{ err }}
            @if (fieldErrors().length) {
              <ul>
                @for (f of fieldErrors(); track $index) {
                  <li>
                    <code>{{ f.path || '(input)' }}</code> {{ f.message }}
                  </li>
                }
              </ul>
            }
          </div>
        }
        <div class="form-actions">
          <button type="button" class="btn primary" (click)="start()" [disabled]="starting() || !!parseError()" data-testid="run-start">
            {{ starting() ? 'Starting…' : 'Start run' }}
          </button>
        </div>
      </div>
    </div>
  `,
  styles: `
    .run-dialog {
      width: min(640px, 92vw);
      gap: 8px;
    }
    textarea {
      font-family: var(--mono);
      font-size: 12.5px;
      color: var(--text);
      background: var(--bg);
      border: 1px solid var(--border);
      border-radius: 8px;
      padding: 8px;
      resize: vertical;
    }
  `,
})
export class RunDialogComponent {
  readonly graphId = input.required<string>();
  readonly version = input.required<number>();
  readonly initialInput = input<unknown>({});
  readonly closed = output<void>();
  readonly started = output<string>();
  private readonly api = inject(ApiClient);
  protected readonly text = signal('');
  protected readonly starting = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly fieldErrors = signal<{ path: string; message: string }[]>([]);

  constructor() {
    const host = inject<ElementRef<HTMLElement>>(ElementRef);
    afterNextRender(() => {
      this.text.set(JSON.stringify(this.initialInput() ?? {}, null, 2));
      host.nativeElement.querySelector('textarea')?.focus();
    });
  }

  protected parseError(): string | null {
    const p = parseJsonText(this.text());
    return p.ok ? null : p.message;
  }

  protected async start(): Promise<void> {
    const p = parseJsonText(this.text());
    if (!p.ok || this.starting()) return;
    this.starting.set(true);
    this.error.set(null);
    this.fieldErrors.set([]);
    try {
      const run = await this.api.startGraphRun(this.graphId(), { input: (p.value ?? {}) as JsonValue, version: this.version() });
      this.started.emit(run.id);
    } catch (err) {
      this.error.set(`Not started: ${errorText(err)}`);
      if (err instanceof ApiError) this.fieldErrors.set(err.issues);
    } finally {
      this.starting.set(false);
    }
  }
}
