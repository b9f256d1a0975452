import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, input, output, signal, untracked } from '@angular/core';
import type { SchedulePreview, Trigger } from '@omniai/contracts';
import { ApiClient } from '../core/api-client';
import { ApiError, errorText } from '../core/api-error';
import { FormState } from '../core/form-state';
import { FIELD } from '../shared/form-field.component';
import {
  OVERLAP_POLICIES,
  type ScheduleDraft,
  type ScheduleErrors,
  type TriggerOwner,
  blankScheduleDraft,
  createScheduleRequest,
  draftOfTrigger,
  errorsOfIssues,
  scheduleSpecOf,
  updateScheduleRequest,
} from './trigger-drafts';

const PREVIEW_DEBOUNCE_MS = 500;

/**
 * Create or edit a schedule: cron expressions (one a line) or an interval, the time zone, the overlap policy, the
 * catch-up window, pause on failure, and what it starts (the graph's input template, or the thread's message). A live
 * preview (Temporal's own reading, debounced) shows each expression's description and the next fire times; the API's
 * field errors show under their fields. Test ids: `schedule-*`.
 */
@Component({
  selector: 'omni-schedule-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, FIELD],
  template: `
    <form
      class="card form-card"
      (submit)="save($event)"
      novalidate
      [attr.aria-label]="trigger() ? 'Edit schedule' : 'New schedule'"
      data-testid="schedule-form"
    >
      <h3 class="section-title">{{ trigger() ? 'Edit schedule' : 'New schedule' }}</h3>
      @if (form.error(); as err) {
        <div class="form-error" role="alert" data-testid="schedule-form-error">{{ err }}</div>
      }
      <div class="cols">
        <div class="col">
          <omni-field label="Name" for="schedule-name" [form]="form" name="name">
            <input omniControl maxlength="200" [value]="draft().name" (input)="set('name', $any($event.target).value)" placeholder="e.g. Weekday digest" />
          </omni-field>
          <fieldset class="mode">
            <legend>When</legend>
            <label class="check"
              ><input type="radio" name="schedule-mode" [checked]="draft().mode === 'cron'" (change)="set('mode', 'cron')" data-testid="schedule-mode-cron" />
              Cron</label
            >
            <label class="check"
              ><input
                type="radio"
                name="schedule-mode"
                [checked]="draft().mode === 'interval'"
                (change)="set('mode', 'interval')"
                data-testid="schedule-mode-interval"
              />
              Every N seconds</label
            >
          </fieldset>
          @if (draft().mode === 'cron') {
            <omni-field
              label="Cron expressions"
              for="schedule-cron"
              [form]="form"
              name="cron"
              hint="One a line: minute hour day month weekday (or @daily, @hourly…)."
            >
              <textarea omniControl rows="2" spellcheck="false" [value]="draft().cron" (input)="set('cron', $any($event.target).value)"></textarea>
            </omni-field>
          } @else {
            <omni-field label="Interval (seconds)" for="schedule-interval" [form]="form" name="intervalSeconds">
              <input omniControl inputmode="numeric" [value]="draft().intervalSeconds" (input)="set('intervalSeconds', $any($event.target).value)" />
            </omni-field>
          }
          <omni-field label="Time zone" for="schedule-timezone" [form]="form" name="timezone" hint="IANA name; cron times are read in it.">
            <input omniControl list="schedule-zones" [value]="draft().timezone" (input)="set('timezone', $any($event.target).value)" />
          </omni-field>
          <datalist id="schedule-zones">
            @for (z of zones; track z) {
              <option [value]="z"></option>
            }
          </datalist>
        </div>
        <div class="col">
          <omni-field label="When a run is still going" for="schedule-overlap" [hint]="overlapHint()">
            <select omniControl [value]="draft().overlap" (change)="set('overlap', $any($event.target).value)">
              @for (o of overlaps; track o.value) {
                <option [value]="o.value" [selected]="o.value === draft().overlap">{{ o.label }}</option>
              }
            </select>
          </omni-field>
          <omni-field
            label="Catch-up window (minutes)"
            for="schedule-catchup"
            [form]="form"
            name="catchupMinutes"
            hint="Missed fires at most this old still run."
          >
            <input omniControl inputmode="numeric" [value]="draft().catchupMinutes" (input)="set('catchupMinutes', $any($event.target).value)" />
          </omni-field>
          <label class="check">
            <input
              type="checkbox"
              [checked]="draft().pauseOnFailure"
              (change)="set('pauseOnFailure', $any($event.target).checked)"
              data-testid="schedule-pause-on-failure"
            />
            Pause the schedule when a run fails
          </label>
          @if (owner().kind === 'graph') {
            <omni-field label="Input (JSON template)" for="schedule-input" [form]="form" name="input" [hint]="inputHint">
              <textarea
                omniControl
                rows="3"
                spellcheck="false"
                class="mono"
                [value]="draft().input"
                (input)="set('input', $any($event.target).value)"
              ></textarea>
            </omni-field>
          } @else {
            <omni-field label="Message template" for="schedule-message" [form]="form" name="message" [hint]="messageHint">
              <textarea omniControl rows="3" [value]="draft().message" (input)="set('message', $any($event.target).value)"></textarea>
            </omni-field>
          }
        </div>
      </div>

      <section class="preview" aria-live="polite" data-testid="schedule-preview" [attr.data-state]="previewState()">
        <strong class="small">Preview</strong>
        @if (previewState() === 'loading') {
          <span class="muted small">reading the schedule…</span>
        } @else if (previewError(); as e) {
          <p class="field-error" data-testid="schedule-preview-error">{{ e }}</p>
        } @else if (preview(); as p) {
          @for (d of p.descriptions; track $index) {
            <p class="desc" data-testid="schedule-preview-description">{{ d }}</p>
          }
          <ol class="fires small">
            @for (f of p.next_fires.slice(0, 5); track f) {
              <li data-testid="schedule-preview-fire">
                {{ f | date: 'EEE d MMM y, HH:mm:ss' : offsetOf(f) }} <span class="muted">({{ draft().timezone }})</span>
              </li>
            } @empty {
              <li class="muted">No fire within the next year.</li>
            }
          </ol>
        }
      </section>

      <div class="form-actions">
        <button type="button" class="btn small" (click)="cancelled.emit()" data-testid="schedule-cancel">Cancel</button>
        <button omniSubmit class="btn small primary" [busy]="form.busy()" busyLabel="Saving…" data-testid="schedule-save">
          {{ trigger() ? 'Save schedule' : 'Create schedule' }}
        </button>
      </div>
    </form>
  `,
  styles: `
    .cols {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(260px, 1fr));
      gap: 0 20px;
    }
    textarea {
      font: inherit;
      width: 100%;
      box-sizing: border-box;
      color: var(--text);
      background: var(--bg);
      border: 1px solid var(--border);
      border-radius: 8px;
      padding: 6px 8px;
    }
    .mono,
    #schedule-cron {
      font-family: var(--mono, monospace);
      font-size: 12.5px;
    }
    .col {
      display: flex;
      flex-direction: column;
      gap: 14px;
    }
    .form-actions {
      gap: 8px;
    }
    .mode {
      border: 0;
      margin: 0;
      padding: 0;
      display: flex;
      gap: 16px;
      align-items: center;
    }
    .mode legend {
      float: left;
      font-weight: 600;
      font-size: 13px;
      padding: 0;
    }
    .mode .check {
      margin: 0;
    }
    .check {
      display: flex;
      gap: 6px;
      align-items: center;
      font-size: 13px;
      margin: 0;
    }
    .preview {
      border: 1px dashed var(--border);
      border-radius: 8px;
      padding: 8px 12px;
      margin: 0;
    }
    .desc {
      margin: 4px 0 0;
      font-weight: 600;
    }
    .fires {
      margin: 4px 0 0;
      padding-left: 20px;
    }
  `,
})
export class ScheduleFormComponent {
  readonly owner = input.required<TriggerOwner>();
  /** The schedule to edit; none: a new one. */
  readonly trigger = input<Trigger | null>(null);
  readonly saved = output<Trigger>();
  readonly cancelled = output<void>();

  private readonly api = inject(ApiClient);
  protected readonly form = new FormState<ScheduleErrors>();
  protected readonly draft = signal<ScheduleDraft>(blankScheduleDraft());
  protected readonly overlaps = OVERLAP_POLICIES;
  protected readonly inputHint = "The run's input: JSON, where {{ fired_at }} and {{ trigger.name }} are filled in at fire time.";
  protected readonly messageHint = "The chat turn's message; {{ fired_at }} and {{ trigger.name }} are filled in at fire time.";
  protected readonly zones = supportedZones();
  protected readonly overlapHint = computed(() => OVERLAP_POLICIES.find((o) => o.value === this.draft().overlap)?.hint ?? null);
  protected readonly preview = signal<SchedulePreview | null>(null);
  protected readonly previewError = signal<string | null>(null);
  protected readonly previewState = signal<'idle' | 'loading' | 'ready' | 'error'>('idle');

  constructor() {
    effect(() => {
      const t = this.trigger();
      untracked(() => this.draft.set(t ? draftOfTrigger(t) : blankScheduleDraft()));
    });
    let timer: ReturnType<typeof setTimeout> | null = null;
    let seq = 0;
    effect(() => {
      const checked = scheduleSpecOf(this.draft());
      const projectId = this.owner().projectId;
      if (timer) clearTimeout(timer);
      if (!checked.ok) {
        this.previewState.set('error');
        this.previewError.set(Object.values(checked.errors)[0] ?? null);
        return;
      }
      this.previewState.set('loading');
      timer = setTimeout(() => {
        const mine = ++seq;
        this.api.previewSchedule(projectId, checked.body).then(
          (p) => {
            if (mine !== seq) return;
            this.preview.set(p);
            this.previewError.set(null);
            this.previewState.set('ready');
            for (const f of ['cron', 'intervalSeconds', 'timezone'] as const) this.form.clear(f);
          },
          (err: unknown) => {
            if (mine !== seq) return;
            this.previewState.set('error');
            this.previewError.set(err instanceof ApiError ? err.message : errorText(err));
            if (err instanceof ApiError && err.issues.length) {
              const { errors } = errorsOfIssues(err.issues, this.draft().mode);
              this.form.errors.update((e) => ({ ...e, ...errors }));
            }
          },
        );
      }, PREVIEW_DEBOUNCE_MS);
    });
    inject(DestroyRef).onDestroy(() => timer && clearTimeout(timer));
  }

  protected set<K extends keyof ScheduleDraft>(key: K, value: ScheduleDraft[K]): void {
    this.draft.update((d) => ({ ...d, [key]: value }));
    if (key !== 'mode' && key !== 'overlap' && key !== 'pauseOnFailure') this.form.clear(key as keyof ScheduleErrors);
  }

  /** The fire time's offset in the schedule's time zone, for the date pipe (the browser's own when unknown). */
  protected offsetOf(iso: string): string | undefined {
    try {
      const parts = new Intl.DateTimeFormat('en-US', { timeZone: this.draft().timezone, timeZoneName: 'longOffset' }).formatToParts(new Date(iso));
      const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
      const m = /GMT([+-]\d{2}):?(\d{2})?/.exec(name);
      return m ? `${m[1]}${m[2] ?? '00'}` : name === 'GMT' ? '+0000' : undefined;
    } catch {
      return undefined;
    }
  }

  protected async save(ev: Event): Promise<void> {
    const owner = this.owner();
    const existing = this.trigger();
    const failed = (err: unknown) => {
      if (err instanceof ApiError && err.issues.length) {
        const { errors, rest } = errorsOfIssues(err.issues, this.draft().mode);
        this.form.errors.set(errors);
        return rest.length ? `Not saved: ${err.message} (${rest.map((i) => `${i.path}: ${i.message}`).join('; ')})` : `Not saved: ${err.message}`;
      }
      return `Not saved: ${errorText(err)}`;
    };
    if (existing)
      await this.form.submit(ev, {
        check: () => updateScheduleRequest(owner, this.draft(), existing),
        send: async (body) => this.saved.emit(await this.api.updateTrigger(existing.id, body)),
        failed,
      });
    else
      await this.form.submit(ev, {
        check: () => createScheduleRequest(owner, this.draft()),
        send: async (body) => this.saved.emit((await this.api.createTrigger(owner.projectId, body)).trigger),
        failed,
      });
  }
}

/** The time zones the browser knows (for the field's suggestions). */
function supportedZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  try {
    return ['UTC', ...(intl.supportedValuesOf?.('timeZone') ?? [])];
  } catch {
    return ['UTC'];
  }
}
