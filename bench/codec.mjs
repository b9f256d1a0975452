// `node bench/codec.mjs` (Node 24): the Temporal payload codec's own cost (D45), per payload, by size. Each payload
// goes through what every Temporal payload goes through anyway (the JSON payload converter, to and from), then
// through the codec (seal, open); the ratio is the time with the codec over the time without it. Prints JSON.
import { createRequire } from 'node:module';
import { percentile } from './stats.mjs';

const require = createRequire(import.meta.url);
const { defaultPayloadConverter } = require('@temporalio/common');
const { temporal } = require('@temporalio/proto');
const { AesGcmPayloadCodec, newPayloadKeyEntry, parsePayloadKeyring } = require('../libs/workflow-api/dist/codec/index.js');

const codec = new AesGcmPayloadCodec(parsePayloadKeyring(newPayloadKeyEntry('bench')));
// A chat message, a claim-check-sized value (INLINE_PAYLOAD_LIMIT_BYTES, 4 KiB) and a large tool result.
const SIZES = [256, 4096, 65536];
const ROUNDS = 20;
const PER_ROUND = 200;

const valueOf = (bytes) => ({ kind: 'user_message', text: 'x'.repeat(bytes) });
const timePer = async (fn) => {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < PER_ROUND; i++) await fn();
  return Number(process.hrtime.bigint() - t0) / 1e3 / PER_ROUND; // µs per payload
};

const results = [];
for (const bytes of SIZES) {
  const value = valueOf(bytes);
  const plain = async () => defaultPayloadConverter.fromPayload(defaultPayloadConverter.toPayload(value));
  const sealed = async () => {
    const [p] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
    const [o] = await codec.decode([p]);
    return defaultPayloadConverter.fromPayload(o);
  };
  await timePer(plain);
  await timePer(sealed); // warm-up
  const without = [];
  const withCodec = [];
  for (let r = 0; r < ROUNDS; r++) {
    without.push(await timePer(plain));
    withCodec.push(await timePer(sealed));
  }
  const p50 = (xs) => +percentile(xs, 50).toFixed(1);
  const wire = (p) => temporal.api.common.v1.Payload.encode(p).finish().length;
  const [sealedPayload] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
  results.push({
    payload_bytes: bytes,
    us_without_codec_p50: p50(without),
    us_with_codec_p50: p50(withCodec),
    codec_us_per_payload_p50: +(p50(withCodec) - p50(without)).toFixed(1),
    ratio_with_over_without: +(p50(withCodec) / p50(without)).toFixed(2),
    // On the wire and in the history: the version byte, IV, tag and the key id's metadata.
    bytes_added: wire(sealedPayload) - wire(defaultPayloadConverter.toPayload(value)),
  });
}
console.log(JSON.stringify({ node: process.version, rounds: ROUNDS, per_round: PER_ROUND, results }, null, 2));
