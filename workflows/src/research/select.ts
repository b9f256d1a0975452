import type { SearchHit } from '@omniai/contracts';
import type { SelectedSource, SkippedSource } from '@omniai/research';

/**
 * The distinct sources to read: every hit once (by source id), with the sub-questions that found it, best first
 * (a source found by more sub-questions first, then by its best score, then in the order found), at most `max`,
 * numbered in locator order; the rest are skipped with the reason.
 */
export function selectSources(
  found: ReadonlyArray<{ sub_question: number; hits: readonly SearchHit[] }>,
  max: number,
): {
  selected: SelectedSource[];
  skipped: SkippedSource[];
} {
  const byId = new Map<string, { hit: SearchHit; best: number; subs: Set<number>; first: number }>();
  let order = 0;
  for (const { sub_question, hits } of found) {
    for (const hit of hits) {
      const seen = byId.get(hit.source_id);
      if (seen) {
        seen.subs.add(sub_question);
        seen.best = Math.max(seen.best, hit.score);
      } else byId.set(hit.source_id, { hit, best: hit.score, subs: new Set([sub_question]), first: order++ });
    }
  }
  const ranked = [...byId.values()].sort((a, b) => b.subs.size - a.subs.size || b.best - a.best || a.first - b.first);
  const describe = (e: (typeof ranked)[number]) => ({
    source_id: e.hit.source_id,
    kind: e.hit.kind,
    locator: e.hit.locator,
    title: e.hit.title,
    via: e.hit.via,
    sub_questions: [...e.subs].sort((x, y) => x - y),
  });
  // Numbered by locator, not by rank: a source keeps its number (and its claims their ids) when an edited plan finds
  // the same sources in another order.
  const kept = ranked.slice(0, max).sort((a, b) => (a.hit.locator < b.hit.locator ? -1 : a.hit.locator > b.hit.locator ? 1 : 0));
  return {
    selected: kept.map((e, i) => ({ ...describe(e), n: i + 1 })),
    skipped: ranked.slice(max).map((e) => ({ ...describe(e), reason: `over the run's limit of ${max} sources` })),
  };
}
