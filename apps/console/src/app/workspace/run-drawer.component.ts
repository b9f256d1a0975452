import { DatePipe, DecimalPipe, JsonPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { MetaStore } from '../core/meta.store';
import { CARD_RUN_EVENTS } from '../shared/card-registry';
import { EventCardComponent } from '../timeline/cards/event-card.component';
import { KIND_LABEL } from '../timeline/event-summary';
import type { RunSession } from '../core/run-session';
import { WorkspaceStore } from '../core/workspace.store';

/** Right drawer: the selected run's details, and the selected event as its typed card. */
@Component({
  selector: 'omni-run-drawer',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, DecimalPipe, JsonPipe, EventCardComponent],
  // Cards relate their event to the rest of the run (an approval to its decision, a result to its call).
  providers: [
    {
      provide: CARD_RUN_EVENTS,
      useFactory: () => {
        const drawer = inject(RunDrawerComponent);
        return computed(() => drawer.session()?.events() ?? []);
      },
    },
  ],
  template: `
    @if (session(); as s) {
      <section data-testid="run-drawer" aria-label="Run details">
        <h2>Run</h2>
        <dl class="facts tight">
          <dt>Status</dt>
          <dd>
            <span class="status-pill" [attr.data-status]="s.run().status" data-testid="run-status">{{ s.run().status }}</span>
          </dd>
          <dt>Model</dt>
          <dd data-testid="run-model">
            {{ providerName() }} / {{ s.run().pins.model }}
            @if (s.run().pins.provider === 'offline') {
              <span class="badge" data-testid="offline-badge">offline</span>
            }
          </dd>
          <dt>Params</dt>
          <dd>
            <code>{{ s.run().pins.params | json }}</code> · seed {{ s.run().pins.seed }}
          </dd>
          <dt>Started</dt>
          <dd>{{ s.run().started_at ? (s.run().started_at | date: 'medium') : '—' }}</dd>
          <dt>Duration</dt>
          <dd>{{ duration() }}</dd>
          <dt>Tokens</dt>
          <dd data-testid="run-tokens">{{ s.run().input_tokens | number }} in · {{ s.run().output_tokens | number }} out</dd>
          <dt>Cost</dt>
          <dd>\${{ s.run().cost_usd | number: '1.2-6' }}</dd>
          <dt>Events</dt>
          <dd>{{ s.run().last_seq }}</dd>
          @if (budgetText(); as b) {
            <dt>Budget</dt>
            <dd data-testid="run-budget">{{ b }}</dd>
          }
          @if (s.run().retry_of; as r) {
            <dt>Retry of</dt>
            <dd>
              <code>{{ r.slice(0, 8) }}</code>
            </dd>
          }
          @if (s.run().error; as err) {
            <dt>Error</dt>
            <dd class="error-text">{{ err.code }}: {{ err.message }}</dd>
          }
          @if (temporalLink(); as link) {
            <dt>Workflow</dt>
            <dd>
              <a [href]="link" target="_blank" rel="noopener" data-testid="temporal-run-link">{{ s.run().workflow_id.slice(0, 16) }}… in Temporal UI</a>
            </dd>
          }
        </dl>
        @if (selectedEvent(); as e) {
          <h3>Event #{{ e.seq }} · {{ label[e.kind] }}</h3>
          <p class="muted small">{{ e.actor.type }}:{{ e.actor.id }} · {{ e.ts | date: 'HH:mm:ss.SSS' }}</p>
          <omni-event-card [event]="e" data-testid="selected-event-card" />
        } @else {
          <p class="muted small">Select an event in the Run tab to inspect it.</p>
        }
      </section>
    } @else {
      <div class="empty small" data-testid="drawer-empty">Select a run to see its details.</div>
    }
  `,
})
export class RunDrawerComponent {
  readonly session = input<RunSession | null>(null);
  readonly selectedSeq = input<number | null>(null);
  private readonly meta = inject(MetaStore);
  private readonly store = inject(WorkspaceStore);
  /** Pins carry the provider configuration's id; show its name when this console knows it. */
  protected readonly providerName = computed(() => {
    const id = this.session()?.run().pins.provider ?? '';
    return this.store.providers().find((p) => p.id === id)?.name ?? id;
  });
  protected readonly label = KIND_LABEL;
  protected readonly budgetText = computed(() => {
    const b = this.session()?.budget();
    if (!b) return null;
    const parts = [
      b.max_tokens ? `${b.max_tokens.toLocaleString()} tokens` : null,
      b.max_cost_usd ? `$${b.max_cost_usd}` : null,
      b.max_wall_ms ? `${(b.max_wall_ms / 1000).toLocaleString()} s` : null,
      b.max_steps ? `${b.max_steps} steps` : null,
    ].filter(Boolean);
    return parts.length ? `${parts.join(' · ')} — ${b.on_exceed === 'pause' ? 'pauses' : 'ends'} when exceeded` : null;
  });
  protected readonly selectedEvent = computed(
    () =>
      this.session()
        ?.events()
        .find((e) => e.seq === this.selectedSeq()) ?? null,
  );
  protected readonly duration = computed(() => {
    const r = this.session()?.run();
    if (!r?.started_at) return '—';
    const end = r.ended_at ? Date.parse(r.ended_at) : Date.now();
    return `${((end - Date.parse(r.started_at)) / 1000).toFixed(2)} s${r.ended_at ? '' : ' so far'}`;
  });
  protected readonly temporalLink = computed(() => {
    const ui = this.meta.meta()?.links?.temporal_ui;
    const r = this.session()?.run();
    return ui && r ? `${ui}/namespaces/default/workflows/${r.workflow_id}` : null;
  });
}
