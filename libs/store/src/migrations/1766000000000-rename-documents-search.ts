import type { ToolManifest } from '@omniai/contracts';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { manifestHash } from '../manifest-hash';

const OLD_ID = 'web.search';
const NEW_ID = 'documents.search';

/** The registered rows of the built-in (not a tool someone registered under that id through the API). */
const BUILTIN_ROWS = `tool_id = $1 and manifest #>> '{binding,type}' = 'inproc_safe' and manifest #>> '{binding,builtin}' = $1`;

/**
 * The built-in `web.search` never reached the web (it searches the project's documents): it is `documents.search` now
 * (issue 16). The manifest is unchanged but for its id and binding, so each registered version is re-keyed here with
 * the hash the worker computes for it (its registration on start is then a no-op), project pins move with it, and
 * the old rows go so that new runs are no longer offered a tool no worker publishes.
 *
 * Left as they are, because they are history: approvals and tool executions (they record what a run called, bound to
 * the old manifest's hash; the worker still runs a call pinned to `web.search` for runs that were in flight) and graph
 * versions (immutable and hashed: a saved graph naming `web.search` is edited into a new version). Policy grants and
 * approval rules name scopes and projects, never tool ids.
 */
export class RenameDocumentsSearch1766000000000 implements MigrationInterface {
  name = 'RenameDocumentsSearch1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await this.rekey(q, OLD_ID, NEW_ID);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.rekey(q, NEW_ID, OLD_ID);
  }

  private async rekey(q: QueryRunner, from: string, to: string): Promise<void> {
    const rows: Array<{ version: string; manifest: ToolManifest; registered_at: Date }> = await q.query(
      `select version, manifest, registered_at from tool_manifests where ${BUILTIN_ROWS}`,
      [from],
    );
    for (const row of rows) {
      const manifest: ToolManifest = { ...row.manifest, id: to, binding: { type: 'inproc_safe', builtin: to } };
      await q.query(
        `insert into tool_manifests (tool_id, version, manifest_hash, manifest, registered_at) values ($1, $2, $3, $4, $5)
         on conflict (tool_id, version) do nothing`,
        [to, row.version, manifestHash(manifest), JSON.stringify(manifest), row.registered_at],
      );
    }
    // Pins reference (tool_id, version): they move once the new rows exist, before the old rows go.
    await q.query(
      `update project_tool_pins p set tool_id = $2
       where p.tool_id = $1 and exists (select 1 from tool_manifests m where m.tool_id = $2 and m.version = p.version)`,
      [from, to],
    );
    await q.query(`delete from tool_manifests where ${BUILTIN_ROWS}`, [from]);
  }
}
