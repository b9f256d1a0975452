import { SlicePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import type { ComponentHealth, ComponentName } from '@omniai/contracts';
import { MetaStore } from '../core/meta.store';
import { PageHeadComponent } from '../shared/page-head.component';

const LABELS: Record<ComponentName, { title: string; role: string }> = {
  temporal: { title: 'Temporal', role: 'Durable run engine: every run is a workflow' },
  postgres: { title: 'PostgreSQL', role: 'Projections of run history for the console' },
  docker: { title: 'Docker', role: 'Locked-down containers for tool calls' },
  worker: { title: 'Worker', role: 'Executes workflows and activities' },
};

@Component({
  selector: 'omni-system-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <omni-page-head heading="System health">
      What this installation runs on, checked live every 5 seconds.
      <button pageActions type="button" class="btn" (click)="metaStore.refresh()" data-testid="refresh">Check now</button>
    </omni-page-head>

    @if (metaStore.meta(); as meta) {
      <section class="summary" [attr.data-status]="meta.status" data-testid="overall-status">
        <strong>{{ meta.status === 'healthy' ? 'Healthy' : 'Degraded' }}</strong>
        <span class="muted"> {{ healthyCount() }} of {{ components().length }} components answer · checked {{ meta.checked_at | slice: 11 : 19 }} UTC </span>
      </section>
      <ul class="cards" role="list">
        @for (c of components(); track c.name) {
          <li class="card" [attr.data-status]="c.health.status" [attr.data-testid]="'component-' + c.name">
            <div class="card-head">
              <span class="dot" [attr.aria-label]="c.health.status"></span>
              <h2>{{ c.title }}</h2>
              <span class="latency" data-testid="latency">{{ c.health.latency_ms }} ms</span>
            </div>
            <p class="muted small">{{ c.role }}</p>
            <p class="detail" data-testid="detail">{{ c.health.detail }}</p>
          </li>
        }
      </ul>
      <dl class="facts">
        <dt>Version</dt>
        <dd>{{ meta.version ?? '—' }}</dd>
        <dt>Instance</dt>
        <dd data-testid="instance-id">
          <code>{{ meta.instance_id ?? 'unknown' }}</code>
        </dd>
        @if (meta.links?.temporal_ui; as ui) {
          <dt>Temporal UI</dt>
          <dd>
            <a [href]="ui" target="_blank" rel="noopener" data-testid="temporal-ui-link">{{ ui }}</a>
          </dd>
        }
      </dl>
    } @else if (metaStore.connection() === 'offline') {
      <div class="empty" data-testid="empty-offline">
        <h2>No connection to the API</h2>
        <p class="muted">Start the stack with <code>npm start</code>; this page reconnects by itself.</p>
      </div>
    } @else {
      <ul class="cards" role="list" aria-busy="true" data-testid="loading">
        @for (i of [1, 2, 3, 4]; track i) {
          <li class="card skeleton"></li>
        }
      </ul>
    }
  `,
  imports: [SlicePipe, PageHeadComponent],
})
export class SystemPageComponent {
  protected readonly metaStore = inject(MetaStore);

  protected readonly components = computed(() => {
    const meta = this.metaStore.meta();
    if (!meta) return [];
    return (Object.keys(LABELS) as ComponentName[]).map((name) => ({
      name,
      ...LABELS[name],
      health: meta.components[name] as ComponentHealth,
    }));
  });

  protected readonly healthyCount = computed(() => this.components().filter((c) => c.health.status === 'healthy').length);
}
