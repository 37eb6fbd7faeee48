/**
 * The data-source rule through the CLI, lab by lab and study by study: which files are used, which are
 * refused (exit 1, one line naming the file and why), and that the numbers come from the files (checked
 * against independent computations on the files' contents). In-process (`main`), CPU backend, small sizes.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { nd, toFloat64 } from '../workers/core/ndarray';
import { maxRelDiff } from '../workers/experiments/types';
import { readNpy, writeNpy } from '../workers/io/npy';
import { Rng } from '../workers/io/rng';
import { denseAttentionRef } from '../workers/reference/attention/dense';
import { matmulRef } from '../workers/reference/matmul/matmul';
import { main } from './main';

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  // biome-ignore lint/suspicious/noExplicitAny: the CLI's JSON summary
  summary: any;
}

/** Runs `sparselab <args>` in this process and captures what it prints. */
export async function cli(args: string[]): Promise<Outcome> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  try {
    const code = await main(args);
    const stdout = out.join('\n');
    return { code, stdout, stderr: err.join('\n'), summary: code === 0 ? JSON.parse(stdout) : null };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'sl-sources-'));
const path = (name: string) => join(dir, name);

function gaussian(rows: number, cols: number, seed: number): Float64Array {
  const r = new Rng(seed, 7);
  return Float64Array.from({ length: rows * cols }, () => r.normal());
}

function saveNpy(name: string, data: Float32Array | Float64Array, shape: number[]): string {
  writeFileSync(path(name), writeNpy(nd(data, shape)));
  return path(name);
}

function saveCsv(name: string, header: string[], rows: number[][]): string {
  writeFileSync(path(name), `${header.join(',')}\n${rows.map((r) => r.join(',')).join('\n')}\n`);
  return path(name);
}

/** Exit 1 with exactly one line on stderr, matching `msg`, and nothing that looks like a stack trace. */
async function refused(args: string[], msg: RegExp): Promise<string> {
  const r = await cli(args);
  expect(r.code, `${args.join(' ')} should fail`).toBe(1);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^sparselab: /);
  expect(lines[0]).toMatch(msg);
  expect(lines[0]).not.toMatch(
    /\bat .*:\d+:\d+|TypeError|Cannot read properties|is not a function|undefined~/,
  );
  return lines[0];
}

// A planted regression problem: y = X w exactly, s = 2 nonzeros.
const N = 40;
const D = 6;
const X = gaussian(N, D, 1);
const W = [0, 2, 0, 0, -1.5, 0];
const Y = Float64Array.from({ length: N }, (_, i) => W.reduce((a, w, j) => a + w * X[i * D + j], 0));

/** scikit-learn's α_max for the Lasso with an intercept: max_j |Σ_i (x_ij − x̄_j)(y_i − ȳ)| / n. */
function alphaMax(x: Float64Array, y: Float64Array, n: number, d: number): number {
  const ym = y.reduce((a, b) => a + b, 0) / n;
  let best = 0;
  for (let j = 0; j < d; j++) {
    let xm = 0;
    for (let i = 0; i < n; i++) xm += x[i * d + j] / n;
    let c = 0;
    for (let i = 0; i < n; i++) c += (x[i * d + j] - xm) * (y[i] - ym);
    best = Math.max(best, Math.abs(c) / n);
  }
  return best;
}

beforeAll(() => {
  saveNpy('X.npy', X, [N, D]);
  saveCsv(
    'y.csv',
    ['y'],
    Array.from(Y, (v) => [v]),
  );
  saveCsv(
    'X.csv',
    Array.from({ length: D }, (_, j) => `x${j}`),
    Array.from({ length: N }, (_, i) => Array.from(X.subarray(i * D, (i + 1) * D))),
  );
});

describe('CLI × regression: every study and source with and without X, y', () => {
  const Xp = () => `X=${path('X.npy')}`;
  const yp = () => `y=${path('y.csv')}`;

  it('fit: --data X, y selects the file source and recovers the planted w* from the files', async () => {
    const out = path('reg-fit');
    const r = await cli([
      'run',
      '#/regression?solver=omp&k=2',
      '--data',
      Xp(),
      '--data',
      yp(),
      '--backend',
      'cpu',
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.summary.spec.source).toBe('file');
    expect(r.summary.spec.X).toMatchObject({ name: 'X.npy', shape: [N, D] });
    expect(r.summary.spec.y).toMatchObject({ name: 'y.csv', shape: [N, 1] });
    // n and d came from the file: the spec leaves them at their defaults and the link omits them.
    expect(r.summary.url).not.toMatch(/[?&](n|d)=/);
    const coef = toFloat64(readNpy(readFileSync(join(out, 'coef.npy'))));
    expect(coef.length).toBe(D);
    for (let j = 0; j < D; j++) expect(coef[j]).toBeCloseTo(W[j], 8);
  });

  it('settings the files make irrelevant are named on stderr, and left out of the recorded link', async () => {
    const r = await cli([
      'run',
      '#/regression?solver=omp&k=2&n=60&sigma=2',
      '--data',
      Xp(),
      '--data',
      yp(),
      '--backend',
      'cpu',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')).toEqual([
      'note: n = 60 from the link is not used: your files give n = 40',
      'note: sigma = 2 from the link is not used with source=file',
    ]);
    expect(r.summary.url).toMatch(
      /^#\/regression\?ver=1&solver=omp&k=2&source=file&X=[0-9a-f]{64}~40x6~X\.npy&y=/,
    );
    const sae = await cli([
      'run',
      '#/sae?data=digits&features=100&latents=8&k=2&steps=2',
      '--backend',
      'cpu',
    ]);
    expect(sae.code).toBe(0);
    expect(sae.stderr).toBe('note: features = 100 from the link is not used with data=digits');
  });

  it('result.json of a run on files runs again with the same files, without notes', async () => {
    const out = path('reg-again');
    const first = await cli([
      'run',
      '#/regression?solver=omp&k=2',
      '--data',
      Xp(),
      '--data',
      yp(),
      '--backend',
      'cpu',
      '--out',
      out,
    ]);
    expect(first.code).toBe(0);
    const again = await cli([
      'run',
      join(out, 'result.json'),
      '--data',
      Xp(),
      '--data',
      yp(),
      '--backend',
      'cpu',
    ]);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.summary.url).toBe(first.summary.url);
    expect(again.summary.metrics).toEqual(first.summary.metrics);
    await refused(
      ['run', join(out, 'result.json'), '--backend', 'cpu'],
      /this spec uses the file X = X\.npy \(40×6\); pass it with --data X=PATH/,
    );
  });

  it('fit: X as CSV and a lasso path whose grid starts at the files’ α_max', async () => {
    const out = path('reg-path');
    const x = `X=${path('X.csv')}`;
    const r = await cli([
      'run',
      '#/regression?solver=lasso_path&nAlphas=5',
      '--data',
      x,
      '--data',
      yp(),
      '--backend',
      'cpu',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    const alphas = toFloat64(readNpy(readFileSync(join(out, 'alphas.npy'))));
    expect(alphas[0]).toBeCloseTo(alphaMax(X, Y, N, D), 10);
    expect(readNpy(readFileSync(join(out, 'coefs.npy'))).shape).toEqual([5, D]);
  });

  it('cv: uses the files (the grid starts at their α_max)', async () => {
    const out = path('reg-cv');
    const r = await cli([
      'run',
      '#/regression?study=cv&solver=lasso&nAlphas=4&folds=3',
      '--data',
      Xp(),
      '--data',
      yp(),
      '--backend',
      'cpu',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.summary.spec.source).toBe('file');
    const alphas = toFloat64(readNpy(readFileSync(join(out, 'alphas.npy'))));
    expect(alphas[0]).toBeCloseTo(alphaMax(X, Y, N, D), 10);
  });

  it('synthetic, diabetes and digits run without files', async () => {
    for (const [link, n, d] of [
      ['#/regression?solver=omp&n=30&d=10&s=2&k=2', 30, 10],
      ['#/regression?solver=omp&source=diabetes&k=3', 442, 10],
      ['#/regression?solver=omp&source=digits&n=50&s=3&k=3', 50, 64],
    ] as const) {
      const r = await cli(['run', link, '--backend', 'cpu']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.summary.arrays.coef.shape).toEqual([d]);
      expect(r.summary.spec.X).toBeNull();
      expect(n).toBeGreaterThan(0);
    }
  });

  it('every study runs without files (small sizes), each recording the synthetic source', async () => {
    const links = [
      '#/regression?study=cv&solver=lasso&n=40&d=8&s=2&nAlphas=4&folds=2',
      '#/regression?study=sweep_n&solver=omp&k=2&d=10&s=2&nMin=20&nMax=40&points=2&trials=1',
      '#/regression?study=sweep_eps&solver=ldp_ni&epsN=1000&points=2&trials=1',
      '#/regression?study=phase&solver=omp&d=20&cells=2&trials=1',
    ];
    for (const link of links) {
      const r = await cli(['run', link, '--backend', 'cpu']);
      expect(r.code, `${link}: ${r.stderr}`).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.summary.spec).toMatchObject({ X: null, y: null });
    }
  });

  it('refuses files a study or source would not use, naming the file and why', async () => {
    await refused(['run', '#/regression?solver=omp', '--data', yp()], /y \(y\.csv\) needs X/);
    await refused(['run', '#/regression?solver=omp', '--data', Xp()], /needs y/);
    await refused(['run', '#/regression?source=file'], /needs X .*needs y|needs X/);
    await refused(
      ['run', '#/regression?study=sweep_n&solver=lasso', '--data', Xp(), '--data', yp()],
      /X \(X\.npy\) is not used: the error-vs-n study/,
    );
    await refused(
      ['run', '#/regression?study=sweep_eps&solver=ldp_ni', '--data', Xp(), '--data', yp()],
      /X \(X\.npy\) is not used: the error-vs-ε study.*y \(y\.csv\) is not used/,
    );
    await refused(
      ['run', '#/regression?study=phase&solver=omp', '--data', Xp()],
      /X \(X\.npy\) is not used: the phase diagram/,
    );
    await refused(
      ['run', '#/regression?source=diabetes', '--data', Xp(), '--data', yp()],
      /X \(X\.npy\) is not used: the data source is diabetes/,
    );
    await refused(
      ['run', '#/regression?source=digits&solver=omp', '--data', Xp(), '--data', yp()],
      /X \(X\.npy\) is not used: the data source is digits/,
    );
    await refused(
      ['run', '#/regression?solver=ldp_ni', '--data', Xp(), '--data', yp()],
      /X \(X\.npy\) is not used: the LDP estimators run on synthetic data only/,
    );
    await refused(['run', '#/regression?study=cv&solver=lasso', '--data', yp()], /y \(y\.csv\) needs X/);
  });
});

describe('CLI × attention: generators and your Q, K, V', () => {
  const n = 40;
  const d = 16;
  const q = gaussian(n, d, 2);
  const k = gaussian(n, d, 3);
  const v = gaussian(n, d, 4);
  const files = () => [
    '--data',
    `q=${path('q.npy')}`,
    '--data',
    `k=${path('k.npy')}`,
    '--data',
    `v=${path('v.npy')}`,
  ];
  beforeAll(() => {
    saveNpy('q.npy', Float32Array.from(q), [n, d]);
    saveNpy('k.npy', Float32Array.from(k), [n, d]);
    saveNpy('v.npy', Float32Array.from(v), [n, d]);
    saveNpy('q3.npy', Float32Array.from(gaussian(2 * 24, 16, 5)), [2, 24, 16]);
  });

  it('--data q, k, v selects the files; the output is dense attention of the files', async () => {
    const out = path('attn');
    const r = await cli([
      'run',
      '#/attention?method=dense&sweep=0&n=256',
      ...files(),
      '--backend',
      'cpu',
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('note: n = 256 from the link is not used: your files give n = 40');
    expect(r.code).toBe(0);
    expect(r.summary.spec.data).toBe('file');
    expect(r.summary.metrics).toMatchObject({ n, d, heads: 1 });
    // N, d and heads come from the files: the link keeps neither the user's n nor the defaults.
    expect(r.summary.url).not.toMatch(/[?&](n|d|heads)=/);
    const o = readNpy(readFileSync(join(out, 'out.npy')));
    expect(o.shape).toEqual([n, d]);
    const f32 = (a: Float64Array) => Float64Array.from(Float32Array.from(a));
    const want = denseAttentionRef(f32(q), f32(k), f32(v), { n, d, causal: true }).out;
    expect(maxRelDiff(toFloat64(o), want)).toBeLessThan(1e-5);
  });

  it('a link size that disagrees with the files is noted, and the files win', async () => {
    const r = await cli(['run', '#/matmul?m=5', '--data', `a=${path('q.npy')}`, '--backend', 'cpu']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`note: m = 5 from the link is not used: your files give m = ${n}`);
    expect(r.summary.arrays.c.shape).toEqual([n, 256]);
  });

  it('a generator link without files uses the generator; H×N×d files give H heads', async () => {
    const gen = await cli([
      'run',
      '#/attention?method=dense&sweep=0&n=48&d=16&data=needle',
      '--backend',
      'cpu',
    ]);
    expect(gen.code).toBe(0);
    expect(gen.summary.metrics).toMatchObject({ n: 48, d: 16 });
    expect(gen.summary.spec.q).toBeNull();
    const q3 = `q=${path('q3.npy')}`;
    const h = await cli([
      'run',
      '#/attention?method=window&window=8&sweep=0',
      '--data',
      q3,
      '--data',
      q3.replace('q=', 'k='),
      '--data',
      q3.replace('q=', 'v='),
      '--backend',
      'cpu',
    ]);
    expect(h.code, h.stderr).toBe(0);
    expect(h.summary.metrics).toMatchObject({ heads: 2, n: 24, d: 16 });
  });

  it('refuses unused and missing files', async () => {
    await refused(
      ['run', '#/attention?data=local', ...files()],
      /q \(q\.npy\) is not used: Q, K and V come from the “local” generator/,
    );
    await refused(['run', '#/attention', '--data', `q=${path('q.npy')}`], /missing: k, v/);
    await refused(['run', '#/attention?data=file'], /need all three \.npy files; missing: q, k, v/);
  });
});

describe('CLI × SAE: toy, digits and your activations, for training and the frontier', () => {
  const rows = 300;
  const d = 5;
  const x = Float32Array.from(gaussian(rows, d, 6), (t, i) => t * (1 + (i % d)));
  beforeAll(() => void saveNpy('acts.npy', x, [rows, d]));
  const acts = () => `x=${path('acts.npy')}`;

  it('train: --data x trains on the file (decoder rows have its d; the scale is the file’s)', async () => {
    const out = path('sae');
    const r = await cli([
      'run',
      '#/sae?model=topk&latents=12&k=2&steps=20&batch=32&metricsEvery=10',
      '--data',
      acts(),
      '--backend',
      'cpu',
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.summary.spec.data).toBe('file');
    expect(r.summary.spec.x).toMatchObject({ name: 'acts.npy', shape: [rows, d] });
    expect(readNpy(readFileSync(join(out, 'decoder.npy'))).shape).toEqual([12, d]);
    // The input scale √d / mean‖x‖ over the training rows (the first 90%) of the file.
    const nTrain = rows - Math.floor(rows / 10);
    let s = 0;
    for (let i = 0; i < nTrain; i++) s += Math.hypot(...x.subarray(i * d, (i + 1) * d));
    expect(r.summary.metrics.scale).toBeCloseTo(Math.sqrt(d) / (s / nTrain), 4);
  });

  it('digits for training and toy data for the frontier run without files', async () => {
    const digits = await cli(['run', '#/sae?data=digits&latents=8&k=2&steps=3', '--backend', 'cpu']);
    expect(digits.code, digits.stderr).toBe(0);
    expect(digits.summary.arrays.decoder.shape).toEqual([8, 64]);
    const toy = await cli([
      'run',
      '#/sae?study=frontier&sweep=model&sweepPoints=2&latents=8&k=2&steps=5&batch=32&samples=256&features=12&dims=6',
      '--backend',
      'cpu',
    ]);
    expect(toy.code, toy.stderr).toBe(0);
    expect(toy.summary.metrics.runs).toBeGreaterThan(0);
  });

  it('frontier: --data x sweeps on the file', async () => {
    const out = path('sae-frontier');
    const r = await cli([
      'run',
      '#/sae?study=frontier&sweep=model&sweepPoints=2&latents=8&k=2&steps=10&batch=32',
      '--data',
      acts(),
      '--backend',
      'cpu',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(result.views.source).toBe(`x: ${rows} samples × ${d}`);
  });

  it('toy and digits without files; refuses x when the link picks them, and data=file without x', async () => {
    const toy = await cli([
      'run',
      '#/sae?latents=8&k=2&steps=5&dims=6&features=12&samples=256&batch=32',
      '--backend',
      'cpu',
    ]);
    expect(toy.code, toy.stderr).toBe(0);
    expect(toy.summary.arrays.decoder.shape).toEqual([8, 6]);
    await refused(
      ['run', '#/sae?data=toy', '--data', acts()],
      /x \(acts\.npy\) is not used: the data are toy features/,
    );
    await refused(
      ['run', '#/sae?data=digits', '--data', acts()],
      /x \(acts\.npy\) is not used: the data are digits/,
    );
    await refused(['run', '#/sae?data=file'], /need x/);
  });
});

describe('CLI × matmul: your A, your B, or both', () => {
  const a = Float32Array.from(gaussian(3, 4, 8));
  const b = Float32Array.from(gaussian(4, 2, 9));
  beforeAll(() => {
    saveNpy('a.npy', a, [3, 4]);
    saveNpy('b.npy', b, [4, 2]);
  });
  const load = (out: string, name: string) => readNpy(readFileSync(join(out, `${name}.npy`)));

  for (const which of ['a', 'b', 'ab'] as const) {
    it(`--data ${which.split('').join(', ')}: C is the product with the files’ values`, async () => {
      const out = path(`mm-${which}`);
      mkdirSync(out, { recursive: true });
      const args = ['run', '#/matmul?m=3&n=2&k=4&seed=5', '--backend', 'cpu', '--out', out];
      if (which.includes('a')) args.push('--data', `a=${path('a.npy')}`);
      if (which.includes('b')) args.push('--data', `b=${path('b.npy')}`);
      const r = await cli(args);
      expect(r.code, r.stderr).toBe(0);
      // The link's sizes agree with the files': nothing to note.
      expect(r.stderr).toBe('');
      const [A, B, C] = ['a', 'b', 'c'].map((x) => toFloat64(load(out, x)));
      if (which.includes('a')) expect(Array.from(A)).toEqual(Array.from(a));
      if (which.includes('b')) expect(Array.from(B)).toEqual(Array.from(b));
      expect(maxRelDiff(C, matmulRef(A, B, 3, 2, 4))).toBeLessThan(1e-6);
      expect(r.summary.spec[which.includes('a') ? 'a' : 'b']).not.toBeNull();
    });
  }
});

describe('CLI × pruning: built-in layers and network, or your W and X', () => {
  // A layer W (out × in) and its calibration inputs X (tokens × in).
  const wOut = 6;
  const wIn = 12;
  const w = gaussian(wOut, wIn, 21);
  beforeAll(() => {
    saveNpy('W.npy', w, [wOut, wIn]);
    saveNpy('Xcal.npy', gaussian(80, wIn, 22), [80, wIn]);
  });
  const load = (out: string, name: string) => readNpy(readFileSync(join(out, `${name}.npy`)));

  it('layer: --data W, X selects the file source; 2:4 magnitude keeps the two largest |w| of every group', async () => {
    const out = path('prune-layer');
    mkdirSync(out, { recursive: true });
    const r = await cli([
      'run',
      '#/pruning?method=magnitude&pattern=2:4',
      '--backend',
      'cpu',
      '--data',
      `W=${path('W.npy')}`,
      '--data',
      `X=${path('Xcal.npy')}`,
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.summary.spec.data).toBe('file');
    const mask = load(out, 'mask');
    expect(mask.shape).toEqual([wOut, wIn]);
    const m = Array.from(mask.data as ArrayLike<number>);
    const pruned = toFloat64(load(out, 'pruned'));
    for (let row = 0; row < wOut; row++)
      for (let g = 0; g < wIn; g += 4) {
        const idx = [0, 1, 2, 3].map((t) => row * wIn + g + t);
        const byMag = [...idx].sort((a, b) => Math.abs(w[b]) - Math.abs(w[a]) || a - b);
        for (const i of idx) {
          expect(m[i]).toBe(byMag.indexOf(i) < 2 ? 1 : 0);
          expect(pruned[i]).toBeCloseTo(m[i] ? w[i] : 0, 6);
        }
      }
  });

  it('the sweep runs on the files; a built-in source or the training study refuses them; W needs X', async () => {
    const files = ['--data', `W=${path('W.npy')}`, '--data', `X=${path('Xcal.npy')}`];
    const sweep = await cli(['run', '#/pruning?study=sweep&method=magnitude', '--backend', 'cpu', ...files]);
    expect(sweep.code, sweep.stderr).toBe(0);
    expect(sweep.summary.spec.data).toBe('file');
    await refused(['run', '#/pruning?data=outliers', '--backend', 'cpu', ...files], /W.*X|data = outliers/);
    await refused(['run', '#/pruning?study=training', '--backend', 'cpu', ...files], /training/);
    await refused(['run', '#/pruning', '--backend', 'cpu', '--data', `W=${path('W.npy')}`], /needs X/);
  });
});

describe('CLI robustness: spec files and links of the wrong shape get one plain line', () => {
  const spec = (name: string, body: string) => {
    writeFileSync(path(name), body);
    return path(name);
  };

  it('names the problem, never an internal message or a stack trace', async () => {
    await refused(['run', path('nope.json')], new RegExp(`no such file: ${path('nope.json')}`));
    await refused(['run', 'missing-dir/spec.json'], /no such file: missing-dir\/spec\.json/);
    await refused(['run', dir], /is a directory/);
    await refused(['run', spec('null.json', 'null')], /must be a JSON object/);
    await refused(['run', spec('arr.json', '[1,2]')], /must be a JSON object/);
    await refused(['run', spec('num.json', '42')], /must be a JSON object/);
    await refused(['run', spec('bad.json', '{"experiment":')], /not valid JSON/);
    await refused(
      ['run', spec('noexp.json', '{"spec":{}}')],
      /"experiment" must name a known experiment .* got undefined/,
    );
    await refused(['run', spec('expnum.json', '{"experiment":3,"spec":{}}')], /got number/);
    await refused(['run', spec('nospec.json', '{"experiment":"matmul"}')], /"spec" must be an object/);
    await refused(
      ['run', spec('specnull.json', '{"experiment":"matmul","spec":null}')],
      /"spec" must be an object/,
    );
    await refused(
      ['run', spec('specarr.json', '{"experiment":"matmul","spec":[1]}')],
      /"spec" must be an object/,
    );
    await refused(
      ['run', spec('mnull.json', '{"experiment":"matmul","spec":{"m":null}}')],
      /"spec\.m" is null; it must be an integer from 1 to 8192/,
    );
    await refused(
      ['run', spec('mobj.json', '{"experiment":"matmul","spec":{"m":{}}}')],
      /"spec\.m" is an object/,
    );
    await refused(
      ['run', spec('marr.json', '{"experiment":"matmul","spec":{"m":[3]}}')],
      /"spec\.m" is a list/,
    );
    await refused(
      ['run', spec('aobj.json', '{"experiment":"matmul","spec":{"a":{}}}')],
      /"spec\.a" must be a file reference/,
    );
    await refused(
      [
        'run',
        spec('ashape.json', '{"experiment":"matmul","spec":{"a":{"name":"a","sha256":"00","shape":"3x4"}}}'),
      ],
      /"spec\.a" must be a file reference/,
    );
    await refused(
      ['run', spec('astr.json', '{"experiment":"matmul","spec":{"a":"x"}}')],
      /bad spec: a must be a data file reference/,
    );
    await refused(
      ['run', spec('mstr.json', '{"experiment":"matmul","spec":{"m":"big"}}')],
      /bad spec: m must be an integer/,
    );
    await refused(
      ['run', spec('unk.json', '{"experiment":"matmul","spec":{"zz":1}}')],
      /unknown parameter "zz"/,
    );
    await refused(
      ['run', '#/matmul?m=8192&n=8192'],
      /m = 8192 and n = 8192: m·k \+ k·n \+ m·n must stay under 64M/,
    );
    await refused(['run'], /run needs a share URL/);
    await refused(['run', '#/matmul', '--data'], /--data needs a value/);
    await refused(['run', '#/matmul', '--data', 'a'], /--data takes NAME=PATH/);
    await refused(['run', '#/matmul', '--data', `a=${path('none.npy')}`], /cannot read .*none\.npy: ENOENT/);
  });

  it('a default adjusted to fit the link is a note on stderr, and the run goes on', async () => {
    const r = await cli([
      'run',
      '#/sae?latents=2&steps=3&dims=4&features=8&samples=256&batch=32',
      '--backend',
      'cpu',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      'note: k = 2 instead of 4, to fit latents = 2: k (4) must not exceed the number of latents (2)',
    );
    expect(r.summary.spec).toMatchObject({ latents: 2, k: 2 });
  });
});

describe("the README's CLI examples, as written, on small files", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const examples = [...readme.matchAll(/^npx sparselab run (.+?)(?:\s+#.*)?$/gm)].map((m) => m[1]);
  const work = mkdtempSync(join(tmpdir(), 'sl-readme-'));
  const home = process.cwd();
  beforeAll(() => {
    process.chdir(work);
    const r = new Rng(11, 1);
    const g = (len: number) => Float32Array.from({ length: len }, () => r.normal());
    for (const name of ['q', 'k', 'v']) writeFileSync(`${name}.npy`, writeNpy(nd(g(70 * 16), [70, 16])));
    writeFileSync('X.npy', writeNpy(nd(Float64Array.from(X), [N, D])));
    writeFileSync('y.csv', `y\n${Array.from(Y).join('\n')}\n`);
    writeFileSync('acts.npy', writeNpy(nd(g(400 * 7), [400, 7])));
    // The pruning example's layer: W (out × in) against the same X (tokens × in) as the regression example.
    writeFileSync('W.npy', writeNpy(nd(g(12 * D), [12, D])));
  });
  afterAll(() => process.chdir(home));

  /** Single-quoted words as a shell reads them. */
  const words = (s: string) => [...s.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);

  it('finds the examples (matmul, attention, regression, SAE, pruning)', () => {
    expect(examples.map((e) => words(e)[0].split('?')[0])).toEqual(
      expect.arrayContaining(['#/matmul', '#/attention', '#/regression', '#/sae', '#/pruning']),
    );
  });

  it('each runs and uses the files it names', async () => {
    for (const example of examples) {
      if (example.startsWith("'<")) continue; // the usage line
      // Fewer training steps than written, and the CPU backend where the example names none (SwiftShader
      // adds minutes and nothing this test checks), keep it short; everything else is as written.
      const args = ['run', ...words(example).map((w) => w.replace(/([?&]steps=)\d+/, '$13'))];
      if (!args.includes('--backend')) args.push('--backend', 'cpu');
      const out = join(work, `out-${examples.indexOf(example)}`);
      const i = args.indexOf('--out');
      if (i >= 0) args[i + 1] = out;
      const r = await cli(args);
      expect(r.code, `${example}\n${r.stderr}`).toBe(0);
      const named = [...example.matchAll(/--data (\w+)=(\S+)/g)];
      for (const [, field, file] of named) expect(r.summary.spec[field]?.name, example).toBe(file);
      const load = (name: string) => readNpy(readFileSync(join(out, `${name}.npy`)));
      if (example.includes('#/sae')) expect(load('decoder').shape[1]).toBe(7);
      if (example.includes('#/pruning')) expect(load('mask').shape).toEqual([12, D]);
      if (example.includes('#/attention')) expect(load('out').shape).toEqual([70, 16]);
      if (example.includes('#/regression')) {
        expect(toFloat64(load('alphas'))[0]).toBeCloseTo(alphaMax(X, Y, N, D), 10);
        expect(load('coefs').shape[1]).toBe(D);
      }
    }
  });
});

describe('fuzzing spec.json files', () => {
  it('any JSON gives a resolved spec or one plain message: no internal error text', async () => {
    const { readSpecArg } = await import('./main');
    const { default: fc } = await import('fast-check');
    const { specs } = await import('../workers/spec/registry');
    const ids = Object.keys(specs);
    const fieldNames = [...new Set(Object.values(specs).flatMap((d) => Object.keys(d.fields)))];
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          experiment: fc.oneof(fc.constantFrom(...ids), fc.jsonValue()),
          spec: fc.oneof(
            fc.dictionary(fc.oneof(fc.constantFrom(...fieldNames), fc.string()), fc.jsonValue()),
            fc.jsonValue(),
          ),
        },
        { requiredKeys: [] },
      ),
    );
    const file = path('fuzz.json');
    await fc.assert(
      fc.asyncProperty(body, async (json) => {
        writeFileSync(file, JSON.stringify(json) ?? 'null');
        try {
          const r = await readSpecArg(file);
          expect(Object.keys(r.values).length).toBeGreaterThan(0);
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
          const msg = (e as Error).message;
          expect(msg.split('\n')).toHaveLength(1);
          expect(msg).not.toMatch(
            /Cannot read properties|is not a function|undefined~|is not iterable|\[object Object\]/,
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});
