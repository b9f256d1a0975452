import type { NodeValue } from '@omniai/contracts';
import { graphActivities } from './activities';

/** Values up to this many UTF-8 bytes travel inline in events; bigger ones become artifacts (the chat claim-check). */
export const INLINE_VALUE_BYTES = 4 * 1024;

/** UTF-8 length of a string without TextEncoder (not every workflow sandbox has one). */
export function utf8Bytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** A value for an event: inline when small (no activity), else claim-checked by an activity (artifact + preview). */
export async function toNodeValue(runId: string, value: unknown): Promise<NodeValue> {
  const json = JSON.stringify(value ?? null);
  if (utf8Bytes(json) <= INLINE_VALUE_BYTES) return { inline: (value ?? null) as never };
  return (await graphActivities.storeNodeValue({ run_id: runId, value })).value;
}

/** The value behind a NodeValue (an artifact is read back by an activity). */
export async function fromNodeValue(v: NodeValue | { inline: unknown } | { artifact: unknown }): Promise<unknown> {
  if ('inline' in v) return v.inline;
  return graphActivities.readNodeValue({ value: v as NodeValue });
}
