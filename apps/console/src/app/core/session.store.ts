import { Injectable, Injector, computed, inject, signal } from '@angular/core';
import type { Capability, LoginRequest, SessionInfo } from '@omniai/contracts';
import { can, canAnywhere } from './access';
import { ApiClient, type ApiSession } from './api-client';
import { ApiError } from './api-error';

/** `unknown` until the first `GET /v1/auth/session` answers. */
export type SessionState = 'unknown' | 'signed-in' | 'signed-out';

/**
 * Who is signed in: the user, their project memberships and the CSRF token that every mutation sends. The session
 * itself is an HttpOnly cookie the console never sees; this store only mirrors what the API says about it.
 */
@Injectable({ providedIn: 'root' })
export class SessionStore implements ApiSession {
  // The API client reads the CSRF token from here, so it is looked up when first needed (not a constructor cycle).
  private readonly injector = inject(Injector);
  private readonly info = signal<SessionInfo | null>(null);
  readonly state = signal<SessionState>('unknown');
  readonly user = computed(() => this.info()?.user ?? null);
  readonly memberships = computed(() => this.info()?.memberships ?? []);
  readonly csrfToken = computed(() => this.info()?.csrf_token ?? null);
  readonly isAdmin = computed(() => this.user()?.role === 'admin');
  private loading: Promise<boolean> | null = null;

  private get api(): ApiClient {
    return this.injector.get(ApiClient);
  }

  /** Resolves whether someone is signed in, asking the API once (guards call this on every navigation). */
  ensureLoaded(): Promise<boolean> {
    if (this.state() !== 'unknown') return Promise.resolve(this.state() === 'signed-in');
    return this.reload();
  }

  /** Asks the API again (one request at a time); false when there is no live session. */
  reload(): Promise<boolean> {
    this.loading ??= (async () => {
      try {
        this.set(await this.api.getSession());
        return true;
      } catch (err) {
        // Only "not signed in" ends the session here; a network error keeps what we knew.
        if (err instanceof ApiError && err.status === 401) this.clear();
        else if (this.state() === 'unknown') this.state.set('signed-out');
        return this.state() === 'signed-in';
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  /** Signs in; throws the API's error (401 wrong credentials, 429 too many attempts). */
  async signIn(credentials: LoginRequest): Promise<SessionInfo> {
    const info = await this.api.login(credentials);
    this.set(info);
    return info;
  }

  /** Ends the session on the server (best effort) and here. */
  async signOut(): Promise<void> {
    try {
      await this.api.logout();
    } catch {
      // Already ended (401) or unreachable: the console forgets it either way.
    }
    this.clear();
  }

  /** Adopts a session the API just made (accepting an invite signs in). */
  set(info: SessionInfo): void {
    this.info.set(info);
    this.state.set('signed-in');
  }

  clear(): void {
    this.info.set(null);
    this.state.set('signed-out');
  }

  /** Whether the user may use `capability`: in `projectId` when given (their membership's role), else workspace-wide. */
  can(capability: Capability, projectId?: string | null): boolean {
    return can(this.info(), capability, projectId);
  }

  /** Whether the user may use `capability` in the workspace or in at least one project. */
  canAnywhere(capability: Capability): boolean {
    return canAnywhere(this.info(), capability);
  }
}
