import { ScrollingModule } from '@angular/cdk/scrolling';
import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import type { RunEvent } from '@omniai/contracts';
import { rowLabel, rowTone, summarize, systemType } from './event-summary';

/**
 * A run's events by seq as compact fixed-height rows in a virtual scroll viewport (10,000 events stay smooth:
 * only the visible rows exist in the DOM). Selecting a row opens its typed card in the drawer.
 */
@Component({
  selector: 'omni-run-timeline',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ScrollingModule, DatePipe],
  template: `
    @if (events().length === 0) {
      <div class="empty small" data-testid="timeline-empty">No events yet.</div>
    } @else {
      <cdk-virtual-scroll-viewport itemSize="56" class="timeline" data-testid="timeline" tabindex="0" (keydown)="onKey($event)">
        <div
          *cdkVirtualFor="let e of events(); trackBy: bySeq"
          class="timeline-row"
          role="button"
          tabindex="-1"
          [class.selected]="e.seq === selectedSeq()"
          [attr.data-kind]="e.kind"
          [attr.data-seq]="e.seq"
          [attr.data-type]="type(e)"
          data-testid="timeline-event"
          (click)="selected.emit(e.seq)"
        >
          <span class="seq">#{{ e.seq }}</span>
          <span class="kind" [attr.data-kind]="e.kind" [attr.data-tone]="tone(e)">{{ label(e) }}</span>
          <span class="row-summary">{{ summary(e) }}</span>
          <time class="muted small">{{ e.ts | date: 'HH:mm:ss.SSS' }}</time>
        </div>
      </cdk-virtual-scroll-viewport>
    }
  `,
})
export class RunTimelineComponent {
  readonly events = input.required<RunEvent[]>();
  readonly selectedSeq = input<number | null>(null);
  readonly selected = output<number>();
  protected readonly label = rowLabel;
  protected readonly tone = rowTone;
  protected readonly type = systemType;
  protected readonly summary = summarize;
  protected bySeq = (_: number, e: RunEvent) => e.seq;

  protected onKey(ev: KeyboardEvent): void {
    const seqs = this.events().map((e) => e.seq);
    const at = seqs.indexOf(this.selectedSeq() ?? 0);
    if (ev.key === 'ArrowDown' || ev.key === 'j') this.selected.emit(seqs[Math.min(seqs.length - 1, at + 1)]!);
    else if (ev.key === 'ArrowUp' || ev.key === 'k') this.selected.emit(seqs[Math.max(0, at - 1)]!);
    else return;
    ev.preventDefault();
  }
}
