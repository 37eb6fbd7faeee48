/**
 * Repository-wide guard tests for issue 10 (one registry per lab, a layout by lab):
 * (a) no switch or if-chain over method / solver / model ids outside the registries,
 * (b) no import cycles in app/, workers/, cli/ (type-only imports count),
 * (c) the layout: shaders/<lab>/ and shaders/common/, workers/{kernels,reference,experiments}/<lab>/, and each
 *     kernel wrapper with a same-named reference and parity test,
 * (d) no `as unknown as` in app/panels/ and workers/experiments/,
 * (e) no file cites the reference notes that a clone does not have (method docs are in docs/methods.md).
 * Each check has an explicit list of today's exceptions, each with the change that removes it; an exception
 * that no longer matches fails too, so the lists only shrink. Each checker is also run on fake offenders.
 */
import { describe, expect, it } from 'vitest';
import { specs } from '../workers/spec/registry';
import {
  applyExceptions,
  fmt,
  idDispatch,
  importCycles,
  layoutOffences,
  listFiles,
  type Offence,
  occurrences,
  readFiles,
  type SourceFile,
  stripComments,
} from './structure';

const ROOT = new URL('..', import.meta.url).pathname;

/** Every id of a `method`, `solver` or `model` field of every spec. */
function knownIds(): Set<string> {
  const ids = new Set<string>();
  for (const def of Object.values(specs))
    for (const name of ['method', 'solver', 'model']) {
      const f = (def.fields as Record<string, { kind: string; options?: readonly string[] }>)[name];
      if (f?.kind === 'enum') for (const o of f.options ?? []) ids.add(o);
    }
  return ids;
}

const isTest = (p: string) => /\.test\.tsx?$/.test(p);
const sources = (dirs: string[]) =>
  readFiles(
    ROOT,
    listFiles(ROOT, dirs, ['.ts', '.tsx']).filter((p) => !isTest(p)),
  );

/** Per-file counts of offences against per-file allowed counts: unexpected files, and counts that changed. */
function compareCounts(
  offences: Offence[],
  allowed: ReadonlyArray<{ path: string; count: number }>,
): string[] {
  const got = new Map<string, Offence[]>();
  for (const o of offences) got.set(o.path, [...(got.get(o.path) ?? []), o]);
  const problems: string[] = [];
  const allowedBy = new Map(allowed.map((a) => [a.path, a.count]));
  for (const [path, list] of got) {
    const n = allowedBy.get(path);
    if (n === undefined) problems.push(...list.map(fmt));
    else if (n !== list.length)
      problems.push(
        `${path}: ${list.length} offences, the exception list says ${n} (update it):\n  ${list.map(fmt).join('\n  ')}`,
      );
  }
  for (const a of allowed)
    if (!got.has(a.path)) problems.push(`${a.path}: no offence left — remove it from the exception list`);
  return problems;
}

// (a) Known exceptions: files still dispatching over ids, with how many offences each (exact).
const ID_DISPATCH_EXCEPTIONS: ReadonlyArray<{ path: string; count: number }> = [];

// (b) Known import cycles (exact member lists).
const CYCLE_EXCEPTIONS: ReadonlyArray<readonly string[]> = [];

// (c) Known layout offences, by path.
const LAYOUT_EXCEPTIONS: readonly string[] = [];

// (d) Known `as unknown as` casts, with how many per file (exact).
const CAST_EXCEPTIONS: ReadonlyArray<{ path: string; count: number }> = [
  // the experiments registry erases each runner's value type (Experiment<V> → Experiment), like workers/spec/registry.ts: not a views cast; the lead decides
  { path: 'workers/experiments/registry.ts', count: 5 },
];

const NOTES = ['ALGORITHMS', 'md'].join('.');

describe('structure (issue 10)', () => {
  it('(a) no switch or if-chain over method/solver/model ids outside the registries', () => {
    const ids = knownIds();
    expect(ids.size).toBeGreaterThan(20);
    const offences = idDispatch(sources(['app', 'workers', 'cli', 'bench']), ids);
    expect(compareCounts(offences, ID_DISPATCH_EXCEPTIONS)).toEqual([]);
  });

  it('(b) no import cycles in app/, workers/, cli/', () => {
    const files = readFiles(ROOT, listFiles(ROOT, ['app', 'workers', 'cli'], ['.ts', '.tsx']));
    const cycles = importCycles(files).map((c) => c.join(' ↔ '));
    const allowed = CYCLE_EXCEPTIONS.map((c) => [...c].sort().join(' ↔ '));
    expect(cycles.filter((c) => !allowed.includes(c))).toEqual([]);
    expect(
      allowed.filter((c) => !cycles.includes(c)),
      'stale cycle exceptions: remove them',
    ).toEqual([]);
  });

  it('(c) layout by lab: no loose WGSL, every kernel wrapper with a same-named reference and parity test', () => {
    const paths = listFiles(ROOT, ['shaders', 'workers'], ['.ts', '.tsx', '.wgsl']);
    const offences = layoutOffences(paths);
    const { unexpected, stale } = applyExceptions(
      offences,
      LAYOUT_EXCEPTIONS.map((path) => ({ path, what: '' })),
    );
    expect(unexpected.map(fmt)).toEqual([]);
    expect(
      stale.map((s) => s.path),
      'stale layout exceptions: remove them',
    ).toEqual([]);
  });

  it('(d) no `as unknown as` in app/panels/ and workers/experiments/', () => {
    const files = sources(['app/panels', 'workers/experiments']);
    expect(compareCounts(occurrences(files, 'as unknown as', true), CAST_EXCEPTIONS)).toEqual([]);
  });

  it('(e) nothing cites the reference notes a clone does not have (docs/methods.md instead)', () => {
    const dirs = ['app', 'workers', 'cli', 'bench', 'bin', 'shaders', 'scripts', 'test', 'e2e', 'docs'];
    const files = readFiles(ROOT, [
      'README.md',
      ...listFiles(ROOT, dirs, ['.ts', '.tsx', '.mjs', '.js', '.wgsl', '.md', '.html', '.json']),
    ]);
    expect(occurrences(files, NOTES, false).map(fmt)).toEqual([]);
  });
});

describe('structure checkers catch fake offenders', () => {
  const ids = new Set(['hip', 'omp', 'topk', 'wanda']);
  const file = (path: string, text: string): SourceFile => ({ path, text });

  it('id dispatch: switch, comparison, list lookup and case over an id; not in comments, registries or other fields', () => {
    const bad = file(
      'workers/experiments/attention/fake.ts',
      [
        'switch (v.method) {',
        "  case 'hip':",
        '    break;',
        '}',
        "if (solver === 'omp') go();",
        "const t = 'topk' !== cfg.model ? 1 : 2;",
        "if (['a', 'b'].includes(v.method)) go();",
        'switch (kind) {',
        "  case 'wanda':",
        '}',
        `const s = \`\${initMethod === 'hip' ? 'x' : 'y'}\`;`,
      ].join('\n'),
    );
    expect(idDispatch([bad], ids).map((o) => o.line)).toEqual([1, 2, 5, 6, 7, 9, 11]);
    const clean = file(
      'workers/experiments/attention/clean.ts',
      [
        "// if (v.method === 'hip') is how it was done before",
        "/* switch (v.method) { case 'hip': } */",
        "const url = 'http://x'; const y = v.mode === 'hip';",
        "if (v.sgptMask === 'wanda') go();",
        'const entry = METHODS[v.method];',
        "switch (kind) { case 'other': }",
      ].join('\n'),
    );
    expect(idDispatch([clean], ids)).toEqual([]);
    for (const path of [
      'workers/spec/attention.ts',
      'workers/spec/attention-methods.ts',
      'workers/experiments/sae/registry.ts',
    ])
      expect(idDispatch([{ ...bad, path }], ids)).toEqual([]);
  });

  it('comment stripping keeps strings, template code and line numbers', () => {
    const src = `const a = '//x'; // c\nconst b = \`\${x /* y */}\`; /* z\n w */ const c = 1;`;
    const out = stripComments(src);
    expect(out.split('\n').length).toBe(3);
    expect(out).toContain("'//x'");
    expect(out).not.toContain('// c');
    expect(out).not.toContain('z');
    expect(out).toContain('const c = 1;');
  });

  it('import cycles: a three-file cycle through a type import, a re-export and a dynamic import; a chain is none', () => {
    const files = [
      file('workers/a.ts', "import type { B } from './b';"),
      file('workers/b.ts', "export { c } from './lib/c';"),
      file('workers/lib/c.ts', "const a = await import('../a');"),
      file('workers/d.ts', "import { a } from './a';"),
      file('workers/e.ts', "import { d } from './d';\nimport x from '../shaders/x.wgsl?raw';"),
    ];
    expect(importCycles(files)).toEqual([['workers/a.ts', 'workers/b.ts', 'workers/lib/c.ts']]);
    expect(importCycles(files.filter((f) => f.path !== 'workers/lib/c.ts'))).toEqual([]);
    expect(importCycles([file('workers/self.ts', "import { s } from './self';")])).toEqual([
      ['workers/self.ts'],
    ]);
  });

  it('layout: loose files, missing same-named reference or test, an orphan shader, a folder that is not a lab', () => {
    const ok = [
      'shaders/common/params.wgsl',
      'shaders/pruning/spmm-nm.wgsl',
      'shaders/pruning/spmm.wgsl',
      'workers/kernels/pruning/spmm.ts',
      'workers/kernels/pruning/spmm.test.ts',
      'workers/kernels/pruning/pass-common.ts',
      'workers/reference/pruning/spmm.ts',
      'workers/experiments/runner.ts',
      'workers/experiments/pruning/run.ts',
    ];
    expect(layoutOffences(ok)).toEqual([]);
    const bad = layoutOffences([
      ...ok,
      'shaders/attention-dense.wgsl',
      'shaders/pruning/orphan.wgsl',
      'shaders/misc/x.wgsl',
      'workers/kernels/sae-gemm.ts',
      'workers/kernels/pruning/select.ts',
      'workers/reference/feature-maps.ts',
      'workers/experiments/other/run.ts',
    ]);
    expect(bad.map((o) => `${o.path}: ${o.what.split(' ')[0]}`)).toEqual([
      'shaders/attention-dense.wgsl: WGSL',
      'shaders/misc/x.wgsl: shaders/misc/',
      'workers/kernels/sae-gemm.ts: directly',
      'workers/kernels/pruning/select.ts: no',
      'workers/kernels/pruning/select.ts: no',
      'workers/reference/feature-maps.ts: directly',
      'workers/experiments/other/run.ts: workers/experiments/other/',
      'shaders/pruning/orphan.wgsl: no',
    ]);
  });

  it('casts and cited notes are found in code; a count exception must match exactly', () => {
    const f = file(
      'app/panels/x/v.tsx',
      `const v = r.views as unknown as V; // as unknown as\nconst n = '${NOTES}';`,
    );
    expect(occurrences([f], 'as unknown as', true).map((o) => o.line)).toEqual([1]);
    expect(occurrences([f], NOTES, false).map((o) => o.line)).toEqual([2]);
    const offences = occurrences([f], 'as unknown as', true);
    expect(compareCounts(offences, [{ path: f.path, count: 1 }])).toEqual([]);
    expect(compareCounts(offences, [{ path: f.path, count: 2 }])).toHaveLength(1);
    expect(compareCounts(offences, [])).toHaveLength(1);
    expect(compareCounts([], [{ path: f.path, count: 1 }])).toHaveLength(1);
  });
});
