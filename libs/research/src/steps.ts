import type { CitationCheck, Claim, ResearchPlan, ResearchReport, ResearchSourceKind, SearchHit, SourceSnapshot } from '@omniai/contracts';

/**
 * What each research step records in the run's log: the `input` of its `node_started` and the `output` of its
 * `node_completed` (node ids and kinds: `RESEARCH_NODES` / `RESEARCH_NODE_KINDS` of `@omniai/contracts/pure`). The
 * projection (projection.ts) folds exactly these; the workflow writes exactly these. Values stored as artifacts are
 * resolved before projecting.
 */
export interface ResearchSteps {
  /** `plan`: the question in, the model's plan out. */
  plan: { input: { question: string }; output: ResearchPlan };
  /**
   * `plan_review`: the proposed plan in (the reviewer sees it in the approvals inbox as `research.plan_review`),
   * the plan to run out (the reviewer's edit, or the proposal when approved unchanged).
   */
  plan_review: { input: { question: string; sub_questions: string[] }; output: ResearchPlan };
  /** `search_<i>` (i from 1): one sub-question's search over the run's sources. */
  search: { input: { sub_question: number; query: string }; output: { hits: SearchHit[]; failures: SearchFailure[] } };
  /** `select`: the distinct sources to read, in reading order (source number = index + 1), and those left out. */
  select: { input: { found: number }; output: { selected: SelectedSource[]; skipped: SkippedSource[] } };
  /** `read_<source_id>`: fetch (once) and snapshot one source. A failure is a `node_failed` (code, message). */
  read: { input: { source: SelectedSource }; output: { snapshot: SourceSnapshot } };
  /** `extract_<source_id>`: claims with verbatim evidence from one snapshot (ids `c<n>-<k>`, n = source number). */
  extract: { input: { source_id: string; n: number }; output: { claims: Claim[]; dropped: DroppedClaim[] } };
  /** `synthesize`: the claims offered in, the cited Markdown (`[[c1-2]]` markers) out. */
  synthesize: { input: { claims: number }; output: { markdown: string } };
  /** `verify_<round>` (round from 1): every citation of the report checked. */
  verify: { input: { round: number }; output: { checks: CitationCheck[] } };
  /** `revise_<round>`: the model rewrites the report without the failing citations. */
  revise: { input: { round: number; failing: string[] }; output: { markdown: string; accepted: boolean } };
  /** `finalize`: the report as stored. */
  finalize: { input: { rounds: number }; output: ResearchReport };
}

/** A search backend that failed for one sub-question (recorded; the run goes on with the other sources). */
export interface SearchFailure {
  via: string;
  code: string;
  message: string;
}

/** A source chosen for reading: its hit, and the sub-questions whose searches found it. */
export interface SelectedSource {
  source_id: string;
  /** The source number (from 1): claim ids of this source are `c<n>-<k>`. */
  n: number;
  kind: ResearchSourceKind;
  locator: string;
  title: string;
  via: string;
  sub_questions: number[];
}

export interface SkippedSource {
  source_id: string;
  locator: string;
  title: string;
  kind: ResearchSourceKind;
  via: string;
  sub_questions: number[];
  reason: string;
}

/** A claim the extraction step refused (its quote is not in the snapshot): recorded, never cited. */
export interface DroppedClaim {
  text: string;
  quote: string;
  reason: string;
}
