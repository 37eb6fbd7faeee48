/**
 * The repository-wide structure checks of test/structure.test.ts, as pure functions over file paths and
 * texts so that each check can also be run on a fake offending file. Node only (reads the working tree).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface SourceFile {
  /** Path relative to the repository root, with forward slashes. */
  path: string;
  text: string;
}

export interface Offence {
  path: string;
  line: number;
  /** What was found (the offending text or a description). */
  what: string;
}

/** The labs of the layout (issue 10). `common` is only a shader folder (shared WGSL preludes). */
export const LABS = ['attention', 'regression', 'sae', 'pruning', 'matmul'] as const;

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'test-results', 'playwright-report', 'coverage']);

/** Every file under `dirs` (relative to `root`) whose name ends with one of `exts`. */
export function listFiles(root: string, dirs: readonly string[], exts: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir))) {
      if (SKIP_DIRS.has(name)) continue;
      const rel = dir ? `${dir}/${name}` : name;
      if (statSync(join(root, rel)).isDirectory()) walk(rel);
      else if (exts.some((e) => name.endsWith(e))) out.push(rel);
    }
  };
  for (const d of dirs) if (existsSync(join(root, d))) walk(d);
  return out.sort();
}

export function readFiles(root: string, paths: readonly string[]): SourceFile[] {
  return paths.map((path) => ({ path, text: readFileSync(join(root, path), 'utf8') }));
}

/**
 * The text with its comments blanked (newlines kept, so line numbers hold). Strings and template literals
 * (including code inside `${…}`) are kept as they are.
 */
export function stripComments(src: string): string {
  const out = src.split('');
  // Stack of contexts: 'code' (with the brace depth of a `${` it belongs to) or a template literal.
  const stack: Array<{ kind: 'code'; depth: number } | { kind: 'tpl' }> = [{ kind: 'code', depth: 0 }];
  let i = 0;
  const blank = (from: number, to: number) => {
    for (let j = from; j < to; j++) if (out[j] !== '\n') out[j] = ' ';
  };
  while (i < src.length) {
    const top = stack[stack.length - 1];
    const c = src[i];
    if (top.kind === 'tpl') {
      if (c === '\\') i += 2;
      else if (c === '`') {
        stack.pop();
        i++;
      } else if (c === '$' && src[i + 1] === '{') {
        stack.push({ kind: 'code', depth: 0 });
        i += 2;
      } else i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      const end = src.indexOf('\n', i);
      const to = end === -1 ? src.length : end;
      blank(i, to);
      i = to;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      const to = end === -1 ? src.length : end + 2;
      blank(i, to);
      i = to;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== c && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      i = j + 1;
    } else if (c === '`') {
      stack.push({ kind: 'tpl' });
      i++;
    } else if (c === '{') {
      top.depth++;
      i++;
    } else if (c === '}') {
      if (top.depth === 0 && stack.length > 1) stack.pop();
      else top.depth--;
      i++;
    } else i++;
  }
  return out.join('');
}

function lineOf(text: string, index: number): number {
  let n = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

// ---------------------------------------------------------------------------------------------------------
// (a) No switch or if-chain over method / solver / model ids outside the registries.

/** An expression naming a method, solver or model id: `method`, `v.method`, `values.solver`, `initMethod`, `modelId`. */
const ID_EXPR = String.raw`[\w$.\]\[?!]*?\b\w*(?:[Mm]ethod|[Ss]olver|[Mm]odel)(?:Id|Name)?\b`;
/** A short string literal. */
const LIT = String.raw`(['"\`])[\w:.-]*\1`;
const ID_RULES: Array<{ what: string; re: RegExp }> = [
  { what: 'switch over an id', re: new RegExp(String.raw`\bswitch\s*\(\s*${ID_EXPR}\s*\)`, 'g') },
  {
    what: 'comparison of an id with a literal',
    re: new RegExp(String.raw`${ID_EXPR}\s*[!=]==\s*${LIT}|${LIT}\s*[!=]==\s*${ID_EXPR}`, 'g'),
  },
  { what: 'id looked up in a list', re: new RegExp(String.raw`\.includes\(\s*${ID_EXPR}\s*\)`, 'g') },
];

/** Files allowed to hold per-id code: the descriptor tables and the implementation registries. */
export function isRegistryFile(path: string): boolean {
  return (
    /^workers\/spec\/(attention|regression|sae|pruning|matmul)[\w-]*\.ts$/.test(path) ||
    /^workers\/experiments\/(attention|regression|sae|pruning|matmul)\/registry\.ts$/.test(path)
  );
}

/**
 * Switches and if-chains over method/solver/model ids: `switch (v.method)`, `solver === 'omp'`,
 * `['a', 'b'].includes(method)`, and `case '<id>':` for any known id, in files other than the registries.
 */
export function idDispatch(files: readonly SourceFile[], ids: ReadonlySet<string>): Offence[] {
  const out: Offence[] = [];
  for (const f of files) {
    if (isRegistryFile(f.path)) continue;
    const code = stripComments(f.text);
    const hits: Array<{ index: number; what: string }> = [];
    for (const rule of ID_RULES)
      for (const m of code.matchAll(rule.re))
        hits.push({ index: m.index, what: `${rule.what}: ${m[0].trim()}` });
    for (const m of code.matchAll(/\bcase\s+(['"`])([\w:.-]+)\1\s*:/g))
      if (ids.has(m[2])) hits.push({ index: m.index, what: `case over a known id: ${m[0]}` });
    for (const h of hits.sort((a, b) => a.index - b.index))
      out.push({ path: f.path, line: lineOf(code, h.index), what: h.what });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// (b) No import cycles.

const IMPORT_RE =
  /(?:^|[^\w$.])(?:import|export)\s+(?:type\s+)?(?:[\w$*{}\s,]+?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/**
 * Relative TypeScript imports of a file (static, re-exports, dynamic, and type-only ones too: a cycle of
 * types still ties the files together, as methods.ts ↔ methods-linear.ts did), resolved among `known`.
 */
export function importsOf(f: SourceFile, known: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  const code = stripComments(f.text);
  for (const m of code.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2];
    if (!spec?.startsWith('.')) continue;
    const base = join(dirname(f.path), spec).split('\\').join('/');
    for (const cand of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`])
      if (known.has(cand)) {
        out.add(cand);
        break;
      }
  }
  return [...out];
}

/** Strongly connected components of the import graph with more than one file (or a file importing itself). */
export function importCycles(files: readonly SourceFile[]): string[][] {
  const known = new Set(files.map((f) => f.path));
  const edges = new Map(files.map((f) => [f.path, importsOf(f, known)]));
  // Tarjan's algorithm, iterative.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const sccs: string[][] = [];
  let next = 0;
  for (const start of known) {
    if (index.has(start)) continue;
    const work: Array<{ v: string; i: number }> = [{ v: start, i: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const top = work[work.length - 1];
      const succ = edges.get(top.v) ?? [];
      if (top.i < succ.length) {
        const w = succ[top.i++];
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v) ?? 0, index.get(w) ?? 0));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].v;
        low.set(parent, Math.min(low.get(parent) ?? 0, low.get(top.v) ?? 0));
      }
      if (low.get(top.v) === index.get(top.v)) {
        const comp: string[] = [];
        let w: string | undefined;
        do {
          w = stack.pop();
          if (w === undefined) break;
          onStack.delete(w);
          comp.push(w);
        } while (w !== top.v);
        if (comp.length > 1 || (edges.get(top.v) ?? []).includes(top.v)) sccs.push(comp.sort());
      }
    }
  }
  return sccs.sort((a, b) => a[0].localeCompare(b[0]));
}

// ---------------------------------------------------------------------------------------------------------
// (c) Layout by lab.

/**
 * Layout offences among repository paths: loose `.wgsl` in shaders/, loose wrappers in workers/kernels/ or
 * references in workers/reference/, folders that are not labs, a wrapper without its same-named reference
 * or parity test, and a shader without a same-named wrapper (`<name>.wgsl` or `<name>-<part>.wgsl`).
 * Shared helpers that have no reference of their own are named `<name>-common.ts` or live in `util/`.
 */
export function layoutOffences(paths: readonly string[]): Offence[] {
  const all = new Set(paths);
  const out: Offence[] = [];
  const labs = new Set<string>(LABS);
  const bad = (path: string, what: string) => out.push({ path, line: 0, what });
  const wrappers = new Map<string, string[]>();
  for (const p of paths) {
    let m = /^shaders\/([^/]+)$/.exec(p);
    if (m) bad(p, 'WGSL directly in shaders/ (belongs in shaders/<lab>/ or shaders/common/)');
    m = /^shaders\/([^/]+)\/.+\.wgsl$/.exec(p);
    if (m && !labs.has(m[1]) && m[1] !== 'common') bad(p, `shaders/${m[1]}/ is not a lab`);
    for (const root of ['workers/kernels', 'workers/reference', 'workers/experiments']) {
      if (!p.startsWith(`${root}/`) || !/\.tsx?$/.test(p)) continue;
      const rest = p.slice(root.length + 1).split('/');
      if (root === 'workers/experiments' && rest.length === 1) continue; // the shared runner lives here
      if (rest.length === 1) bad(p, `directly in ${root}/ (belongs in ${root}/<lab>/)`);
      else if (!labs.has(rest[0])) bad(p, `${root}/${rest[0]}/ is not a lab`);
    }
    m = /^workers\/kernels\/([^/]+)\/([^/]+)\.ts$/.exec(p);
    if (m && labs.has(m[1]) && !m[2].endsWith('.test') && !m[2].endsWith('-common')) {
      const [, lab, name] = m;
      const list = wrappers.get(lab) ?? [];
      list.push(name);
      wrappers.set(lab, list);
      if (!all.has(`workers/reference/${lab}/${name}.ts`))
        bad(p, `no same-named reference workers/reference/${lab}/${name}.ts`);
      if (!all.has(`workers/kernels/${lab}/${name}.test.ts`))
        bad(p, `no same-named parity test workers/kernels/${lab}/${name}.test.ts`);
    }
  }
  for (const p of paths) {
    const m = /^shaders\/([^/]+)\/([^/]+)\.wgsl$/.exec(p);
    if (!m || !labs.has(m[1])) continue;
    const names = wrappers.get(m[1]) ?? [];
    if (!names.some((n) => m[2] === n || m[2].startsWith(`${n}-`)))
      bad(
        p,
        `no wrapper workers/kernels/${m[1]}/<name>.ts for this shader (<name>.wgsl or <name>-<part>.wgsl)`,
      );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// (d) and (e): text that must not appear.

/** Occurrences of `needle` in the code (comments excluded when `codeOnly`) of the files. */
export function occurrences(files: readonly SourceFile[], needle: string, codeOnly: boolean): Offence[] {
  const out: Offence[] = [];
  for (const f of files) {
    const text = codeOnly ? stripComments(f.text) : f.text;
    let at = text.indexOf(needle);
    while (at !== -1) {
      out.push({ path: f.path, line: lineOf(text, at), what: needle });
      at = text.indexOf(needle, at + needle.length);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------

/** Offences minus the known exceptions (matched by path and `what`), and the exceptions nothing matched. */
export function applyExceptions(
  offences: readonly Offence[],
  exceptions: ReadonlyArray<{ path: string; what: string }>,
): { unexpected: Offence[]; stale: Array<{ path: string; what: string }> } {
  const used = new Set<number>();
  const unexpected = offences.filter((o) => {
    const k = exceptions.findIndex((e) => e.path === o.path && o.what.includes(e.what));
    if (k === -1) return true;
    used.add(k);
    return false;
  });
  return { unexpected, stale: exceptions.filter((_, k) => !used.has(k)) };
}

export const fmt = (o: Offence) => `${o.path}${o.line ? `:${o.line}` : ''}: ${o.what}`;
