import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { copyText } from './clipboard';

let nextId = 0;

/**
 * A secret shown once (a new token, an invite link): the value, Copy, and a button to put it away. The heading takes
 * the focus whenever a new secret arrives. The projected content says what to do with it. Test ids: `<testid>` (the
 * value), `-card`, `-dismiss`, and `copyTestid` for Copy.
 */
@Component({
  selector: 'omni-secret-once',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="card secret-card" [attr.aria-labelledby]="id" [attr.data-testid]="testid() + '-card'">
      <div class="card-head">
        <span #title class="title" role="heading" [attr.aria-level]="level()" [id]="id" tabindex="-1">{{ heading() }}</span>
        <span class="badge">shown once</span>
      </div>
      <p class="muted small"><ng-content /></p>
      <code class="secret" [attr.data-testid]="testid()">{{ secret() }}</code>
      <div class="actions">
        <button type="button" class="btn small primary" (click)="copy()" [attr.data-testid]="copyTestid()">{{ copied() ? 'Copied' : copyLabel() }}</button>
        <button type="button" class="btn small" (click)="dismissed.emit()" [attr.data-testid]="testid() + '-dismiss'">{{ doneLabel() }}</button>
      </div>
      @if (copyFailed()) {
        <p class="field-error small">The browser did not allow copying: select the {{ what() }} and copy it yourself.</p>
      }
    </section>
  `,
  styles: `
    :host {
      display: block;
      margin-bottom: 14px;
    }
    .secret-card {
      min-height: 0;
      border-color: var(--accent);
      display: grid;
      gap: 8px;
    }
    .title {
      flex: 1;
      font-size: 14px;
      font-weight: 700;
      outline: none;
      overflow-wrap: anywhere;
    }
    .secret {
      display: block;
      padding: 8px 10px;
      border-radius: 8px;
      background: var(--surface-2);
      word-break: break-all;
      user-select: all;
    }
    .actions {
      display: flex;
      gap: 8px;
      justify-content: flex-end;
    }
  `,
})
export class SecretOnceComponent {
  readonly secret = input.required<string>();
  readonly heading = input.required<string>();
  /** The heading's level in the page's outline. */
  readonly level = input<2 | 3>(3);
  /** What the secret is, in "select the … and copy it yourself". */
  readonly what = input.required<string>();
  readonly copyLabel = input('Copy');
  readonly doneLabel = input('Done');
  readonly testid = input.required<string>();
  readonly copyTestid = input.required<string>();
  /** Copied to the clipboard (the page says so in its status line). */
  readonly copiedOut = output<void>({ alias: 'copied' });
  readonly dismissed = output<void>();
  protected readonly id = `secret-once-${++nextId}`;
  protected readonly copied = signal(false);
  protected readonly copyFailed = signal(false);
  private readonly title = viewChild.required<ElementRef<HTMLElement>>('title');
  private readonly injector = inject(Injector);

  constructor() {
    effect(() => {
      this.secret();
      untracked(() => {
        this.copied.set(false);
        this.copyFailed.set(false);
      });
      afterNextRender(() => this.title().nativeElement.focus(), { injector: this.injector });
    });
  }

  protected async copy(): Promise<void> {
    const ok = await copyText(this.secret());
    this.copied.set(ok);
    this.copyFailed.set(!ok);
    if (ok) this.copiedOut.emit();
  }
}
