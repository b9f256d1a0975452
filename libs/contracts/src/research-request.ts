import { z } from 'zod';
import { SEARCH_BACKEND_KINDS } from './pure/research';

export const SearchBackendKind = z.enum(SEARCH_BACKEND_KINDS);
export type SearchBackendKind = z.infer<typeof SearchBackendKind>;

/** What a research run was asked (its `run_created.research` and the run's stored input). */
export const ResearchRequest = z.strictObject({
  question: z.string(),
  sources: z.strictObject({
    documents: z.boolean(),
    web: z.strictObject({ backend_id: z.uuid(), kind: SearchBackendKind, hosts: z.array(z.string()).max(10) }).optional(),
    mcp_tools: z.array(z.string()).max(5),
  }),
  depth: z.number().int().min(1).max(3),
  max_sources: z.number().int().positive(),
  plan_review: z.boolean(),
});
export type ResearchRequest = z.infer<typeof ResearchRequest>;
