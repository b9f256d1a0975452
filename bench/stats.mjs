// Load generation and summaries shared by bench/run.mjs, bench/omni-metrics.mjs and the peers (bench/peers), so that
// OmniAI, its baseline and every peer are driven and summarized the same way.

/** The p-th percentile (nearest rank) of `xs`. */
export const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};

/** Count, median and p95 of latencies in ms. */
export const stats = (xs) => ({ n: xs.length, p50_ms: +percentile(xs, 50).toFixed(2), p95_ms: +percentile(xs, 95).toFixed(2) });

/** Runs per second and latency percentiles of one load() window. */
export const summarize = (latencies, wallMs) => ({
  n: latencies.length,
  runs_per_s: +((latencies.length / wallMs) * 1000).toFixed(2),
  p50_ms: +percentile(latencies, 50).toFixed(1),
  p95_ms: +percentile(latencies, 95).toFixed(1),
});

/** a ÷ b to `digits` decimals, or null when either side is missing. */
export const ratio = (a, b, digits = 3) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? +(a / b).toFixed(digits) : null);

/** Runs `total` jobs with at most `concurrency` in flight; returns per-job latency and wall time. */
export async function load(total, concurrency, job) {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await job(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, wallMs: performance.now() - started };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
