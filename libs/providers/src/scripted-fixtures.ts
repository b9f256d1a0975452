import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ScriptedFixture } from './scripted-provider';

/** `/source/flags` is a regular expression; anything else is matched as a substring of the last user message. */
const Match = z
  .string()
  .min(1)
  .max(1000)
  .refine((m) => {
    const re = /^\/(.+)\/([a-z]*)$/.exec(m);
    if (!re) return true;
    try {
      new RegExp(re[1]!, re[2]);
      return true;
    } catch {
      return false;
    }
  }, 'not a valid /regular expression/');

const Fixture = z.strictObject({
  match: Match,
  reply: z.string().max(1_000_000),
  tool_calls: z
    .array(
      z.strictObject({
        id: z.string().min(1).max(200),
        name: z.string().regex(/^[a-zA-Z0-9_.-]{1,64}$/, 'tool names are 1-64 letters, digits, _ . -'),
        /** The tool's arguments: an object, sent to the model loop as JSON text. */
        arguments: z.record(z.string(), z.unknown()),
      }),
    )
    .max(32)
    .optional(),
  after_tools: z.string().max(1_000_000).optional(),
});

/** One fixture file: `{ "description": "…", "fixtures": [{ "match": "…", "reply": "…", "tool_calls": […] }] }`. */
export const ScriptedFixtureFile = z.strictObject({
  description: z.string().max(2000).optional(),
  fixtures: z.array(Fixture).max(10_000),
});
export type ScriptedFixtureFile = z.infer<typeof ScriptedFixtureFile>;

/** Parses one fixture file's text; errors name the file and the offending field. */
export function parseScriptedFixtures(text: string, source: string): ScriptedFixture[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = ScriptedFixtureFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data.fixtures.map((f) => ({
    match: f.match,
    reply: f.reply,
    ...(f.after_tools !== undefined ? { after_tools: f.after_tools } : {}),
    ...(f.tool_calls ? { tool_calls: f.tool_calls.map((c) => ({ id: c.id, name: c.name, arguments: JSON.stringify(c.arguments) })) } : {}),
  }));
}

/**
 * Loads every `*.json` fixture file of a folder, in file-name order (the first matching fixture wins, so order is
 * part of the script). A missing folder means no fixtures; a malformed file is an error naming the file.
 */
export function loadScriptedFixtures(dir: string): ScriptedFixture[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names.flatMap((name) => parseScriptedFixtures(readFileSync(join(dir, name), 'utf8'), join(dir, name)));
}
