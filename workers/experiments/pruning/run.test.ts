/** The pruning runner end to end on the CPU backend and through the CLI, at small sizes. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { nd, toFloat64 } from '../../core/ndarray';
import { readNpy, writeNpy } from '../../io/npy';
import { Rng } from '../../io/rng';
import { relErr } from '../../reference/pruning/metrics';
import { pruningSpec } from '../../spec/pruning';
import { decodeParams } from '../../spec/url';
import { runExperiment } from '../runner';
import type { RunContext, RunResult } from '../types';
import { syntheticLayer } from './data';
import { weightErrors } from './registry';

function cpuCtx(data: RunContext['data'] = {}): RunContext & { partials: unknown[] } {
  const partials: unknown[] = [];
  return {
    backend: 'cpu',
    gpu: null,
    data,
    dataset: () => Promise.reject(new Error('no datasets here')),
    signal: new AbortController().signal,
    progress: (p) => {
      if (p.partial) partials.push(p.partial);
    },
    partials,
  };
}

function run(query: string, ctx: RunContext = cpuCtx()): Promise<RunResult> {
  const { values, issues } = decodeParams(pruningSpec, new URLSearchParams(query));
  expect(issues).toEqual([]);
  return runExperiment('pruning', values, ctx);
}

const SMALL = 'rows=24&cols=40&tokens=200&heldTokens=60';

describe('pruning runner', () => {
  it('writes a uint8 keep-mask and the pruned weights in W’s shape; relErr is the held-out error', async () => {
    const r = await run(`method=wanda&pattern=2:4&${SMALL}&seed=4`);
    expect(r.arrays.mask.dtype).toBe('uint8');
    expect(r.arrays.mask.shape).toEqual([24, 40]);
    expect(r.arrays.pruned.shape).toEqual([24, 40]);
    const L = syntheticLayer({
      kind: 'outliers',
      rows: 24,
      cols: 40,
      tokens: 200,
      held: 60,
      seed: 4,
      outlierChannels: 8,
      outlierScale: 20,
    });
    const pruned = toFloat64(r.arrays.pruned);
    const mask = r.arrays.mask.data as Uint8Array;
    for (let i = 0; i < mask.length; i++) if (!mask[i]) expect(pruned[i]).toBe(0);
    // Direct ‖(W − Ŵ)Xᵀ‖/‖WXᵀ‖ on the held-out tokens (the runner computes it through XᵀX).
    const direct = relErr(
      L.W,
      Float64Array.from(L.W, (w, i) => (mask[i] ? w : 0)),
      L.Xheld,
      L.held,
      24,
      40,
    );
    expect(r.metrics.relErr).toBeCloseTo(direct, 10);
    expect(r.metrics.sparsity).toBe(0.5);
    expect(weightErrors(L, Float64Array.from(L.W)).relErr).toBe(0);
  });

  it('is deterministic: same spec and seed, same numbers', async () => {
    const q = `method=dsnot&data=relu&sparsity=0.6&${SMALL}&seed=9`;
    const [a, b] = [await run(q), await run(q)];
    expect(a.metrics).toEqual(b.metrics);
    expect(Array.from(a.arrays.mask.data as Uint8Array)).toEqual(
      Array.from(b.arrays.mask.data as Uint8Array),
    );
  });

  it('runs every method and records what ran per stage and backend', async () => {
    for (const m of ['magnitude', 'wanda', 'sparsegpt', 'dsnot', 'rsparse', 'cospadi']) {
      const r = await run(`method=${m}&${SMALL}&atoms=16&nonzeros=4&iterations=2`);
      expect(r.metrics.relErr).toBeGreaterThan(0);
      expect(r.metrics.relErr).toBeLessThan(1);
      const stages = (r.views as { stages: { stage: string; backend: string }[] }).stages;
      expect(stages[0]).toMatchObject({ stage: `${m} (reference)`, backend: 'cpu' });
    }
  });

  it('streams the sweep’s points, one per method and sparsity', async () => {
    const ctx = cpuCtx();
    const r = await run(`study=sweep&data=correlated&rows=12&cols=32&tokens=120&heldTokens=40`, ctx);
    const points = (r.views as { points: { method: string; pattern: string }[] }).points;
    for (const m of ['magnitude', 'wanda', 'sparsegpt', 'dsnot', 'rsparse', 'cospadi', 'svd'])
      expect(points.filter((p) => p.method === m).length).toBeGreaterThanOrEqual(9);
    expect(points.filter((p) => p.pattern === '2:4').length).toBe(4);
    expect(ctx.partials.length).toBeGreaterThan(20);
  });

  it('takes W and X from files; a file the chosen data source does not use is an error naming it', async () => {
    const rng = new Rng(3);
    const W = nd(
      Float32Array.from({ length: 10 * 16 }, () => rng.normal()),
      [10, 16],
    );
    const X = nd(
      Float32Array.from({ length: 50 * 16 }, () => rng.normal()),
      [50, 16],
    );
    const ref = { name: 'w.npy', shape: [10, 16], sha256: '0'.repeat(64) };
    const xref = { name: 'x.npy', shape: [50, 16], sha256: '1'.repeat(64) };
    const { values } = decodeParams(pruningSpec, new URLSearchParams('method=magnitude&data=file'));
    const r = await runExperiment('pruning', { ...values, W: ref, X: xref }, cpuCtx({ W, X }));
    expect(r.arrays.mask.shape).toEqual([10, 16]);
    const { values: synth } = decodeParams(pruningSpec, new URLSearchParams('method=magnitude'));
    await expect(runExperiment('pruning', { ...synth, W: ref }, cpuCtx({ W }))).rejects.toThrow(
      /^W \(w\.npy\) is not used: data = outliers builds its own layer/,
    );
    await expect(runExperiment('pruning', { ...values, W: ref }, cpuCtx({ W }))).rejects.toThrow(
      /your layer \(data=file\) needs X/,
    );
    const Xbad = nd(new Float32Array(50 * 15), [50, 15]);
    await expect(
      runExperiment('pruning', { ...values, W: ref, X: xref }, cpuCtx({ W, X: Xbad })),
    ).rejects.toThrow(/X has 15 columns but W has 16/);
  });
});

describe('sparselab run #/pruning (CLI)', () => {
  it('--data W=… --data X=… --out writes mask.npy, pruned.npy and result.json with relErr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sparselab-pruning-'));
    const rng = new Rng(5);
    const W = nd(
      Float32Array.from({ length: 12 * 20 }, () => rng.normal()),
      [12, 20],
    );
    const X = nd(
      Float32Array.from({ length: 80 * 20 }, () => rng.normal()),
      [80, 20],
    );
    writeFileSync(join(dir, 'W.npy'), writeNpy(W));
    writeFileSync(join(dir, 'X.npy'), writeNpy(X));
    const out = join(dir, 'out');
    const bin = new URL('../../../bin/sparselab.mjs', import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(
      'node',
      [
        bin,
        'run',
        '#/pruning?method=sparsegpt&pattern=4:8&data=file',
        '--backend',
        'cpu',
        '--data',
        `W=${join(dir, 'W.npy')}`,
        '--data',
        `X=${join(dir, 'X.npy')}`,
        '--out',
        out,
      ],
      { timeout: 60_000 },
    );
    expect(JSON.parse(stdout).metrics.relErr).toBeGreaterThan(0);
    const mask = readNpy(readFileSync(join(out, 'mask.npy')));
    expect(mask.dtype).toBe('uint8');
    expect(mask.shape).toEqual([12, 20]);
    let kept = 0;
    for (const k of mask.data as Uint8Array) kept += k;
    // 4 of each full group of 8, and min(4, 4) of the last (padded) group of 4.
    expect(kept).toBe(12 * (4 + 4 + 4));
    expect(readNpy(readFileSync(join(out, 'pruned.npy'))).shape).toEqual([12, 20]);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(result.metrics.relErr).toBeCloseTo(JSON.parse(stdout).metrics.relErr, 12);
  }, 60_000);
});
