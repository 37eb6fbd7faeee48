/** The digits MLP studies at small sizes, and the schedules' defining properties. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetLoader } from '../../io/datasets';
import { gmpSparsity, initMlp, SGD_DEFAULTS, stepwiseFrames, trainMlp } from '../../reference/pruning/mlp';
import { layerMask } from '../../reference/pruning/select';
import { pruningSpec } from '../../spec/pruning';
import { decodeParams } from '../../spec/url';
import { runExperiment } from '../runner';
import type { RunContext } from '../types';

const dataset = datasetLoader((file) => readFile(join(__dirname, '../../../public/datasets', file), 'utf8'));
const ctx = (): RunContext => ({
  backend: 'cpu',
  gpu: null,
  data: {},
  dataset,
  signal: new AbortController().signal,
  progress: () => {},
});
const run = (q: string) => {
  const { values, issues } = decodeParams(pruningSpec, new URLSearchParams(q));
  expect(issues).toEqual([]);
  return runExperiment('pruning', values, ctx());
};

describe('GMP and progressive N:M schedules', () => {
  it('cubic schedule: s(t₀) = s_i, s(t₀ + nΔt) = s_f, non-decreasing', () => {
    let prev = -1;
    for (let t = 0; t <= 120; t++) {
      const s = gmpSparsity(t, 20, 80, 0, 0.9);
      expect(s).toBeGreaterThanOrEqual(prev);
      prev = s;
    }
    expect(gmpSparsity(20, 20, 80, 0, 0.9)).toBe(0);
    expect(gmpSparsity(100, 20, 80, 0, 0.9)).toBeCloseTo(0.9, 12);
  });
  it('stepwise frames end at N:M and shrink', () => {
    expect(stepwiseFrames(1, 8)).toEqual([7, 4, 2, 1]);
    expect(stepwiseFrames(2, 4)).toEqual([3, 2]);
  });
  it('magnitude masks recomputed on a masked model are nested (a pruned weight never returns)', () => {
    const m = initMlp(64, 16, 10, 3);
    let prev: Uint8Array | null = null;
    for (const s of [0.2, 0.5, 0.8]) {
      const keep = layerMask(Float64Array.from(m.W1, Math.abs), 16, 64, s);
      for (let i = 0; i < keep.length; i++) if (!keep[i]) m.W1[i] = 0;
      if (prev) for (let i = 0; i < keep.length; i++) if (!prev[i]) expect(keep[i]).toBe(0);
      prev = keep;
    }
  });
  it('training with s_f = 0 masks is plain training', () => {
    const a = initMlp(4, 3, 2, 1);
    const b = initMlp(4, 3, 2, 1);
    const X = Float64Array.from({ length: 40 }, (_, i) => Math.sin(i));
    const y = Int32Array.from({ length: 10 }, (_, i) => i % 2);
    trainMlp(a, { X, y, n: 10 }, 3, 1, SGD_DEFAULTS, { m1: null, m2: null });
    trainMlp(b, { X, y, n: 10 }, 3, 1, SGD_DEFAULTS, {
      m1: new Uint8Array(12).fill(1),
      m2: new Uint8Array(6).fill(1),
    });
    expect(Array.from(a.W1)).toEqual(Array.from(b.W1));
  });
});

describe('digits MLP', () => {
  it('prunes both layers with a method; 2:4 masks on both', async () => {
    const r = await run('data=digits_mlp&method=wanda&pattern=2:4&epochs=3&hidden=16');
    expect(r.arrays.mask.shape).toEqual([16, 64]);
    expect(r.arrays.mask2.shape).toEqual([10, 16]);
    expect(r.metrics.accuracyDense).toBeGreaterThan(0.5);
    expect(r.metrics.sparsity2).toBe(0.5);
    expect(r.metrics.accuracy).toBeGreaterThan(0.2);
  });
  it('training study: sparsity is exact for every schedule and the soup keeps the shared mask', async () => {
    const r = await run('data=digits_mlp&study=training&sparsity=0.8&epochs=4&hidden=16&soupSize=2');
    const target = Math.floor(0.8 * 16 * 64) + Math.floor(0.8 * 10 * 16);
    const total = 16 * 64 + 10 * 16;
    for (const k of ['sparsityOneShot', 'sparsityGradual', 'sparsitySoup', 'sparsityIngredient'])
      expect(r.metrics[k]).toBeCloseTo(target / total, 10);
    expect(r.metrics.accuracySoup).toBeGreaterThan(0.1);
  });
  it('a W or X file given with data = digits_mlp is an error naming it', async () => {
    const { values } = decodeParams(pruningSpec, new URLSearchParams('data=digits_mlp'));
    await expect(
      runExperiment(
        'pruning',
        { ...values, X: { name: 'x.npy', shape: [2, 2], sha256: 'a'.repeat(64) } },
        ctx(),
      ),
    ).rejects.toThrow(/^X: data = digits_mlp builds its own network/);
  });
});
