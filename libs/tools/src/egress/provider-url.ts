import type { AddressCategory } from './address-policy';
import { effectivePort } from './allowlist';
import { type FetchFn, type Resolver, resolveVetted, systemResolver, vettedFetch } from './safe-fetch';
import { ToolError } from '../tool';

/** Which addresses a model provider's base URL may reach (D44). */
export interface ProviderUrlRules {
  /** The preset is meant to run on this machine (Ollama, LM Studio, vLLM): loopback is admitted too. */
  local: boolean;
}

const LOOPBACK: ReadonlySet<AddressCategory> = new Set(['loopback']);
const NOTHING_ELSE: ReadonlySet<AddressCategory> = new Set();
/** Model answers stream for a while; this only bounds a runaway one. */
const MAX_PROVIDER_RESPONSE_BYTES = 256 * 1024 * 1024;

const admitted = (rules: ProviderUrlRules) => (rules.local ? LOOPBACK : NOTHING_ELSE);

/**
 * Checks a provider base URL the way tool egress is checked (D44): http or https, no user info, and every address the
 * host resolves to public — or loopback, for a local preset. Private, link-local, metadata, CGNAT and other
 * addresses are refused for every preset. Throws a {@link ToolError} (`E_EGRESS_DENIED`, or `E_VALIDATION` for a
 * malformed URL) whose message is safe to show.
 */
export async function vetProviderUrl(baseUrl: string, rules: ProviderUrlRules, resolve: Resolver = systemResolver): Promise<void> {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ToolError('E_VALIDATION', 'not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ToolError('E_VALIDATION', `only http and https URLs can be used, not ${url.protocol}`);
  if (url.username || url.password) throw new ToolError('E_VALIDATION', 'a URL carrying a user name or password cannot be used (the key goes in api_key)');
  const hint = rules.local ? 'public or loopback addresses only' : 'public addresses only; loopback only for presets that run on this machine';
  try {
    await resolveVetted(url.hostname, resolve, AbortSignal.timeout(5_000), admitted(rules));
  } catch (err) {
    if (err instanceof ToolError && err.code === 'E_EGRESS_DENIED') throw new ToolError('E_EGRESS_DENIED', `${err.message} (${hint})`);
    throw err;
  }
}

/**
 * The `fetch` the provider SDKs get at call time (D44): every request goes to the base URL's host and port only, is
 * vetted again (DNS may have changed since the provider was saved) and pinned to the vetted address, with the
 * provider key forwarded. Redirects are not followed.
 */
export function providerFetch(baseUrl: string, rules: ProviderUrlRules): FetchFn {
  const url = new URL(baseUrl);
  return vettedFetch({
    allowHosts: [`${url.hostname}:${effectivePort(url)}`],
    maxBytes: MAX_PROVIDER_RESPONSE_BYTES,
    signal: new AbortController().signal,
    forwardAuthorization: true,
    alsoAllow: admitted(rules),
  });
}
