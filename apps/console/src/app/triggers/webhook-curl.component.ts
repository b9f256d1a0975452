import { ChangeDetectionStrategy, Component, computed, effect, input, signal, untracked } from '@angular/core';
import { copyText } from '../shared/clipboard';
import { ticking } from '../shared/clock';
import { SIGNATURE_TOLERANCE_SECONDS, curlCommand, sampleBody, signedDelivery } from './webhook-signature';

/**
 * A copy-paste `curl` that delivers a sample body to a webhook, signed in the page with its secret (Standard Webhooks,
 * Web Crypto) at the current time: valid for 5 minutes, and Regenerate signs again. Test ids: `webhook-curl` (the
 * command), `webhook-curl-copy`, `webhook-curl-regenerate`, `webhook-curl-expiry`.
 */
@Component({
  selector: 'omni-webhook-curl',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="curl-head">
      <span class="small"><strong>Try it</strong> with a signed sample delivery:</span>
      <span class="spacer"></span>
      <span class="small" [class.expired]="left() <= 0" data-testid="webhook-curl-expiry">{{ expiry() }}</span>
      <button type="button" class="btn small" (click)="regenerate()" data-testid="webhook-curl-regenerate">Regenerate</button>
      <button type="button" class="btn small primary" (click)="copy()" [disabled]="!command()" data-testid="webhook-curl-copy">
        {{ copied() ? 'Copied' : 'Copy curl' }}
      </button>
    </div>
    @if (error(); as e) {
      <p class="field-error" role="alert">{{ e }}</p>
    } @else {
      <pre class="curl" data-testid="webhook-curl" [attr.data-timestamp]="signedAt()">{{ command() }}</pre>
    }
    <p class="muted small">
      The signature covers the id, the timestamp and the body, and is valid for 5 minutes from when it was made; a real sender signs every delivery itself.
    </p>
  `,
  styles: `
    :host {
      display: block;
    }
    .curl-head {
      display: flex;
      align-items: center;
      gap: 8px;
      flex-wrap: wrap;
    }
    .spacer {
      flex: 1;
    }
    .curl {
      margin: 8px 0 4px;
      padding: 10px 12px;
      border-radius: 8px;
      background: var(--surface-2);
      font-size: 12px;
      white-space: pre-wrap;
      word-break: break-all;
      max-height: 220px;
      overflow: auto;
    }
    .expired {
      color: var(--bad);
    }
  `,
})
export class WebhookCurlComponent {
  /** The webhook's signing secret (`whsec_…`). */
  readonly secret = input.required<string>();
  readonly url = input.required<string>();
  readonly name = input.required<string>();
  protected readonly command = signal('');
  protected readonly signedAt = signal(0);
  protected readonly error = signal<string | null>(null);
  protected readonly copied = signal(false);
  private readonly now = ticking(1_000);
  protected readonly left = computed(() => this.signedAt() + SIGNATURE_TOLERANCE_SECONDS - Math.floor(this.now() / 1000));
  protected readonly expiry = computed(() => {
    if (!this.signedAt()) return '';
    const left = this.left();
    if (left <= 0) return 'Signature expired: regenerate';
    return `Valid for ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
  });

  constructor() {
    effect(() => {
      const [secret, url, name] = [this.secret(), this.url(), this.name()];
      untracked(() => void this.sign(secret, url, name));
    });
  }

  protected regenerate(): void {
    void this.sign(this.secret(), this.url(), this.name());
  }

  private async sign(secret: string, url: string, name: string): Promise<void> {
    try {
      const d = await signedDelivery(secret, url, sampleBody(name));
      this.command.set(curlCommand(d));
      this.signedAt.set(d.timestamp);
      this.copied.set(false);
      this.error.set(null);
    } catch (err) {
      // Web Crypto is only there in a secure context (https, or localhost).
      this.error.set(`The browser could not sign (${String(err)}): open the console over https or on localhost.`);
    }
  }

  protected async copy(): Promise<void> {
    this.copied.set(await copyText(this.command()));
  }
}
