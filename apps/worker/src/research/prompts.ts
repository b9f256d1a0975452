import type { Claim, CitationCheck } from '@omniai/contracts';
import { RESEARCH_LIMITS } from '@omniai/contracts/pure';
import type { ResearchPromptInput } from '@omniai/workflows';

/** A research step's prompt: what the model reads, its instructions, and the JSON Schema of its answer (if JSON). */
export interface ResearchPrompt {
  system: string;
  text: string;
  output_schema?: Record<string, unknown>;
}

// The first line of each prompt names the step (and the source, or the question): the offline scripted model's
// fixtures match on it (apps/worker/fixtures/scripted/research-*.json), and a reader of a run's history sees at once
// which step asked what.

const SYSTEM =
  'You are a careful research assistant. You only state what the given material says, you copy quotes exactly, ' +
  'and you never invent sources, numbers or citations.';

const PLAN_SCHEMA = {
  type: 'object',
  properties: {
    sub_questions: {
      type: 'array',
      minItems: 1,
      maxItems: RESEARCH_LIMITS.subQuestions,
      items: { type: 'string', minLength: 1, maxLength: RESEARCH_LIMITS.subQuestionChars },
    },
  },
  required: ['sub_questions'],
  additionalProperties: false,
};

const EXTRACT_SCHEMA = {
  type: 'object',
  properties: {
    claims: {
      type: 'array',
      maxItems: RESEARCH_LIMITS.claimsPerSource,
      items: {
        type: 'object',
        properties: {
          text: { type: 'string', minLength: 1, maxLength: 1000 },
          quote: { type: 'string', minLength: 1, maxLength: 2000 },
          sub_question: { type: ['integer', 'null'], minimum: 1 },
          start: { type: 'integer', minimum: 0 },
          end: { type: 'integer', minimum: 0 },
        },
        required: ['text', 'quote'],
        additionalProperties: false,
      },
    },
  },
  required: ['claims'],
  additionalProperties: false,
};

const JUDGE_SCHEMA = {
  type: 'object',
  properties: {
    verdict: { type: 'string', enum: ['supported', 'partial', 'unsupported'] },
    reason: { type: 'string', minLength: 1, maxLength: 1000 },
  },
  required: ['verdict', 'reason'],
  additionalProperties: false,
};

const numbered = (items: readonly string[]) => items.map((q, i) => `${i + 1}. ${q}`).join('\n');
const claimLine = (c: Claim) => `[[${c.id}]] ${c.text}`;

/** The prompt of a step; `sourceText` is the snapshot's text (extract) cut to what the model reads. */
export function researchPrompt(p: ResearchPromptInput, sourceText = ''): ResearchPrompt {
  switch (p.step) {
    case 'plan':
      return {
        system: SYSTEM,
        text:
          `RESEARCH PLAN · ${p.question}\n\n` +
          `Break this question into 2 to 5 focused sub-questions that, answered together, answer it. ` +
          `Each sub-question should be searchable on its own.\n\nQuestion: ${p.question}`,
        output_schema: PLAN_SCHEMA,
      };
    case 'extract': {
      const cut = sourceText.length > RESEARCH_LIMITS.extractChars;
      return {
        system: SYSTEM,
        text:
          `RESEARCH EXTRACT · ${p.source.locator}\n\n` +
          `From the source below, extract the claims that help answer the question or a sub-question. For each claim give ` +
          `its text, the sub-question number it answers, and a quote copied character for character from the source ` +
          `that supports it (one or two sentences). Use only this source. At most ${RESEARCH_LIMITS.claimsPerSource} claims.\n\n` +
          `Question: ${p.question}\nSub-questions:\n${numbered(p.sub_questions)}\n\n` +
          `Source: ${p.source.title} (${p.source.locator})\n<<<\n${cut ? sourceText.slice(0, RESEARCH_LIMITS.extractChars) : sourceText}\n>>>` +
          (cut ? `\n(The source continues; only the part above was given.)` : ''),
        output_schema: EXTRACT_SCHEMA,
      };
    }
    case 'synthesize':
      return {
        system: SYSTEM,
        text:
          `RESEARCH SYNTHESIZE · ${p.question}\n\n` +
          `Write a concise Markdown report answering the question, with a short section per sub-question where the claims ` +
          `allow. Every sentence that states a fact ends with the id of the claim it rests on in double brackets, like ` +
          `[[c1-2]]. Use only the claims below and only their ids; do not add facts they do not state.\n\n` +
          `Question: ${p.question}\nSub-questions:\n${numbered(p.sub_questions)}\n\nClaims:\n${p.claims.map(claimLine).join('\n')}`,
      };
    case 'judge':
      return {
        system: SYSTEM,
        text:
          `RESEARCH JUDGE · ${p.claim.id}\n\n` +
          `Does the quoted evidence support the claim? "supported": it states the claim; "partial": it supports part of it; ` +
          `"unsupported": it does not. Give a one-sentence reason.\n\nClaim: ${p.claim.text}\n` +
          p.claim.evidence.map((e, i) => `Quote ${i + 1}: "${e.quote}"`).join('\n'),
        output_schema: JUDGE_SCHEMA,
      };
    case 'revise':
      return {
        system: SYSTEM,
        text:
          `RESEARCH REVISE · ${p.question}\n\n` +
          `These citations in the report failed verification:\n${p.failing.map(failingLine).join('\n')}\n\n` +
          `Rewrite the report: remove each failing citation and the statement it was meant to support, or rest the ` +
          `statement on another claim below that does state it. Keep every other citation exactly as it is.\n\n` +
          `Claims:\n${p.claims.map(claimLine).join('\n')}\n\nReport:\n${p.markdown}`,
      };
  }
}

const failingLine = (c: CitationCheck) => `- [[${c.claim_id}]]: ${c.reason}`;
