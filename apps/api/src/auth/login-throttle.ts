import { Injectable } from '@nestjs/common';
import { IdentityStore, secretHash } from '@omniai/store';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { ApiException } from '../errors/api.exception';
import { RateLimiter } from './rate-limiter';

/**
 * The limits on the routes that guess secrets (sign-in, invite lookups and accepts): per client address (`req.ip`,
 * which follows `X-Forwarded-For` only when `OMNI_TRUST_PROXY` says whose to believe), and for sign-in also per
 * account, whatever the address, with exponential backoff kept in Postgres (survives restarts, shared by every API
 * process). Every refusal is a 429 with `Retry-After` and an `auth.rate_limited` audit entry.
 */
@Injectable()
export class LoginThrottle {
  private readonly perAddress: RateLimiter;

  constructor(
    private readonly identity: IdentityStore,
    private readonly config: AppConfig,
  ) {
    this.perAddress = new RateLimiter(config.rateLimits.login);
  }

  /** Counts an attempt from the request's address; refuses it when the address is over its limit. */
  async address(req: FastifyRequest, reply: FastifyReply, email?: string): Promise<void> {
    const wait = this.perAddress.hit(req.ip);
    if (wait > 0) await this.refuse(req, reply, 'address', wait, email, `Too many attempts from your address; retry in ${wait} s.`);
  }

  /** Claims a sign-in attempt for the account (a normalized email); refuses it while the account backs off. */
  async account(email: string, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { freeAttempts, maxSeconds } = this.config.loginBackoff;
    const { retryAfterS } = await this.identity.claimLoginAttempt(accountKey(email), freeAttempts, maxSeconds);
    if (retryAfterS > 0) {
      await this.refuse(req, reply, 'account', retryAfterS, email, `Too many failed sign-ins for this account; retry in ${retryAfterS} s.`);
    }
  }

  /** The sign-in succeeded: the account's count starts again. */
  async succeeded(email: string): Promise<void> {
    await this.identity.clearLoginFailures(accountKey(email));
  }

  private async refuse(
    req: FastifyRequest,
    reply: FastifyReply,
    scope: 'address' | 'account',
    wait: number,
    email: string | undefined,
    message: string,
  ): Promise<never> {
    await this.identity.audit({
      actorEmail: email ?? null,
      action: 'auth.rate_limited',
      target: req.routeOptions.url ?? null,
      ip: req.ip,
      detail: { scope, retry_after_s: wait },
    });
    void reply.header('retry-after', String(wait));
    throw new ApiException('E_RATE_LIMITED', message);
  }
}

/** The account key: the email as the login contract normalizes it (trimmed, lower-case), hashed. */
const accountKey = (email: string) => secretHash(`login:${email.trim().toLowerCase()}`);
