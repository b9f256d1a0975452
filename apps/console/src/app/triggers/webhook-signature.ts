/**
 * Standard Webhooks signing in the browser (Web Crypto), for the copy-paste `curl` the Triggers tab shows: the
 * signature is HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>`, keyed with the base64-decoded secret after
 * its `whsec_` prefix, sent as `v1,<base64>`. The API accepts a timestamp up to 5 minutes away from its clock.
 */

/** How long a signed request stays valid (the receiver's timestamp tolerance). */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

const SECRET_PREFIX = 'whsec_';

export interface SignedDelivery {
  url: string;
  body: string;
  headers: { 'content-type': string; 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string };
  /** Unix seconds the signature was made at. */
  timestamp: number;
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** `v1,<base64 HMAC-SHA256>` of one message. */
export async function signWebhook(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const raw = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = await crypto.subtle.importKey('raw', fromBase64(raw), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
  return `v1,${toBase64(new Uint8Array(mac))}`;
}

/** A fresh `webhook-id` (`msg_<random>`), as senders make them. */
export function newMessageId(): string {
  return `msg_${crypto.randomUUID().replaceAll('-', '')}`;
}

/** The webhook's public URL: the console's origin (the API serves it) and the trigger's `hook_path`. */
export function hookUrl(origin: string, hookPath: string): string {
  return `${origin.replace(/\/+$/, '')}${hookPath}`;
}

/** A delivery of `body` to `url`, signed now (or at `timestamp`) with `secret`. */
export async function signedDelivery(secret: string, url: string, body: string, options: { id?: string; timestamp?: number } = {}): Promise<SignedDelivery> {
  const id = options.id ?? newMessageId();
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = await signWebhook(secret, id, timestamp, body);
  return {
    url,
    body,
    timestamp,
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature },
  };
}

/** Quotes one shell word (POSIX single quotes; a `'` inside becomes `'\''`). */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The delivery as a `curl` command to paste into a POSIX shell (the body sent byte for byte, as signed). */
export function curlCommand(d: SignedDelivery): string {
  const headers = Object.entries(d.headers).map(([k, v]) => `  -H ${shellQuote(`${k}: ${v}`)} \\`);
  return [`curl -sS -X POST ${shellQuote(d.url)} \\`, ...headers, `  --data-raw ${shellQuote(d.body)}`].join('\n');
}

/** A sample JSON body for a webhook's test request. */
export function sampleBody(name: string): string {
  return JSON.stringify({ event: 'test', source: 'omniai-console', trigger: name });
}
