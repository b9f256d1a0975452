// Folder-level import cycles inside each source root: `runs/` importing `auth/` while `auth/` imports `runs/` is a
// cycle even when no single file chain closes (ESLint's import-x/no-cycle sees files only). Used by tools/lint.mjs.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ROOT } from './paths.mjs';

/** Source roots whose first-level folders must not import each other in a circle. */
export const SOURCE_ROOTS = ['apps/api/src', 'apps/api/test', 'apps/console/src/app', 'apps/worker/src', 'workflows/src', 'tools/lib'].concat(
  readdirSync(join(ROOT, 'libs')).map((lib) => `libs/${lib}/src`),
);

const SPECIFIER = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*['"](\.{1,2}\/[^'"]*)['"]|import\(\s*['"](\.{1,2}\/[^'"]*)['"]\s*\)/g;

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mjs)$/.test(e.name) && !e.parentPath.includes(`${sep}node_modules`) && !e.parentPath.includes(`${sep}dist`))
    .map((e) => join(e.parentPath, e.name));
}

function resolveImport(from, spec) {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.mjs`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** Strongly connected components with more than one node (Tarjan). */
function cycles(graph) {
  let index = 0;
  const stack = [];
  const meta = new Map();
  const found = [];
  const visit = (v) => {
    meta.set(v, { index, low: index, onStack: true });
    index += 1;
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!meta.has(w)) {
        visit(w);
        meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).low);
      } else if (meta.get(w).onStack) meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).index);
    }
    if (meta.get(v).low === meta.get(v).index) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        meta.get(w).onStack = false;
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!meta.has(v)) visit(v);
  return found;
}

/** Each cycle as `root: a ↔ b ↔ c`, with one import per edge as evidence. */
export function folderCycles(roots = SOURCE_ROOTS) {
  const report = [];
  for (const root of roots) {
    const abs = join(ROOT, root);
    if (!existsSync(abs)) continue;
    const folderOf = (file) => {
      const rel = relative(abs, file);
      // A file at the root (index.ts, app.module.ts, tool.ts) is a node of its own, not one folder with its siblings.
      return rel.includes(sep) ? `${rel.split(sep)[0]}/` : rel;
    };
    const graph = new Map();
    const evidence = new Map();
    // Tests consume the code they test (and its fixtures); only what ships must form a graph without cycles.
    for (const file of sourceFiles(abs).filter((f) => !/\.(int-)?spec\.ts$/.test(f))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(SPECIFIER)) {
        const target = resolveImport(file, m[1] ?? m[2]);
        if (!target || relative(abs, target).startsWith('..')) continue;
        const [a, b] = [folderOf(file), folderOf(target)];
        if (a === b) continue;
        if (!graph.has(a)) graph.set(a, new Set());
        graph.get(a).add(b);
        if (!evidence.has(`${a}→${b}`)) evidence.set(`${a}→${b}`, relative(ROOT, file));
      }
    }
    for (const scc of cycles(graph)) {
      const edges = [...evidence].filter(([k]) => scc.includes(k.split('→')[0]) && scc.includes(k.split('→')[1]));
      report.push(`${root}: ${scc.join(' ↔ ')} (${edges.map(([k, f]) => `${k} in ${f}`).join('; ')})`);
    }
  }
  return report;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const found = folderCycles();
  for (const line of found) process.stdout.write(`folder cycle: ${line}\n`);
  process.exit(found.length ? 1 : 0);
}
