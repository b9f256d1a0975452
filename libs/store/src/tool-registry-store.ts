import type { PinnedTool, Policy, RegisteredTool, ToolManifest } from '@omniai/contracts';
import type { DataSource } from 'typeorm';
import { iso, type Row } from './rows';

/** Semver precedence of `a` and `b` (build metadata ignored, pre-releases before their release). */
export function compareSemver(a: string, b: string): number {
  const parse = (v: string) => {
    const [core = '', pre] = v.split('+')[0]!.split(/-(.*)/s);
    return { nums: core.split('.').map(Number), pre: pre ?? null };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) if (x.nums[i] !== y.nums[i]) return (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
  if (x.pre === y.pre) return 0;
  if (x.pre === null) return 1;
  if (y.pre === null) return -1;
  return x.pre < y.pre ? -1 : 1;
}

const toRegistered = (r: Row): RegisteredTool => ({
  manifest: r['manifest'] as ToolManifest,
  manifest_hash: String(r['manifest_hash']),
  registered_at: iso(r['registered_at']),
});

/**
 * The tool registry: manifests are immutable per (id, version) — registering a version again with other content is
 * refused — and a project resolves each tool to its pinned version, else the latest.
 */
export class ToolRegistryStore {
  constructor(private readonly db: DataSource) {}

  /** Registers a manifest version; idempotent for identical content, an error for a changed one. */
  async register(manifest: ToolManifest, manifestHash: string): Promise<void> {
    const rows: Row[] = await this.db.query(
      `insert into tool_manifests (tool_id, version, manifest_hash, manifest) values ($1, $2, $3, $4)
       on conflict (tool_id, version) do nothing returning tool_id`,
      [manifest.id, manifest.version, manifestHash, JSON.stringify(manifest)],
    );
    if (rows.length > 0) return;
    const [existing]: Row[] = await this.db.query(`select manifest_hash from tool_manifests where tool_id = $1 and version = $2`, [
      manifest.id,
      manifest.version,
    ]);
    if (existing && existing['manifest_hash'] !== manifestHash) {
      throw new Error(`tool ${manifest.id}@${manifest.version} is already registered with other content; publish a new version`);
    }
  }

  async list(): Promise<RegisteredTool[]> {
    const rows: Row[] = await this.db.query(`select * from tool_manifests order by tool_id, registered_at`);
    return rows.map(toRegistered);
  }

  async get(toolId: string, version: string): Promise<RegisteredTool | null> {
    const [row]: Row[] = await this.db.query(`select * from tool_manifests where tool_id = $1 and version = $2`, [toolId, version]);
    return row ? toRegistered(row) : null;
  }

  async pin(projectId: string, toolId: string, version: string | null): Promise<void> {
    if (version === null) await this.db.query(`delete from project_tool_pins where project_id = $1 and tool_id = $2`, [projectId, toolId]);
    else
      await this.db.query(
        `insert into project_tool_pins (project_id, tool_id, version) values ($1, $2, $3)
         on conflict (project_id, tool_id) do update set version = excluded.version`,
        [projectId, toolId, version],
      );
  }

  /** Every tool for a project at its pinned version, else the latest registered one: what a new run is pinned to. */
  async resolveForProject(projectId: string): Promise<PinnedTool[]> {
    const all = await this.list();
    const pins: Row[] = await this.db.query(`select tool_id, version from project_tool_pins where project_id = $1`, [projectId]);
    const pinned = new Map(pins.map((p) => [String(p['tool_id']), String(p['version'])]));
    const byId = new Map<string, RegisteredTool>();
    for (const t of all) {
      const want = pinned.get(t.manifest.id);
      const current = byId.get(t.manifest.id);
      if (want !== undefined) {
        if (t.manifest.version === want) byId.set(t.manifest.id, t);
      } else if (!current || compareSemver(t.manifest.version, current.manifest.version) >= 0) {
        byId.set(t.manifest.id, t);
      }
    }
    return [...byId.values()].map((t) => ({ id: t.manifest.id, version: t.manifest.version, manifest_hash: t.manifest_hash }));
  }
}

/** The workspace policy document (grants at workspace, project and user level; the kill switch). */
export class PolicyStore {
  constructor(private readonly db: DataSource) {}

  async get(): Promise<Policy> {
    const [row]: Row[] = await this.db.query(`select policy from workspace_policy where id = 1`);
    return (row?.['policy'] as Policy | undefined) ?? { grants: [], kill_switch_external_writes: false };
  }

  async put(policy: Policy): Promise<void> {
    await this.db.query(`update workspace_policy set policy = $1, updated_at = now() where id = 1`, [JSON.stringify(policy)]);
  }
}
