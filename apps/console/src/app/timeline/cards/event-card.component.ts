import { NgComponentOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import type { RunEvent } from '@omniai/contracts';
import { CARD_RENDERERS } from '../../shared/card-registry';
import { BUILTIN_RENDERERS } from './event-cards';

/** Renders one RunEvent with the first matching card renderer (registered ones before the built-ins). */
@Component({
  selector: 'omni-event-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [NgComponentOutlet],
  template: `<div class="event-card" [attr.data-card]="renderer().id">
    <ng-container *ngComponentOutlet="renderer().component; inputs: { event: event() }" />
  </div>`,
})
export class EventCardComponent {
  readonly event = input.required<RunEvent>();
  private readonly registered = inject(CARD_RENDERERS, { optional: true }) ?? [];
  protected readonly renderer = computed(() => [...this.registered, ...BUILTIN_RENDERERS].find((r) => r.matches(this.event()))!);
}
