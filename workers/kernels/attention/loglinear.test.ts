import { describe, expect, it } from 'vitest';
import { randomQkv } from '../../../test/attention-linear';
import { testGpu } from '../../../test/gpu';
import { maxRelDiff } from '../../experiments/types';
import { type FeatureMap, featurePair, LINEAR_EPS } from '../../reference/attention/feature-maps';
import { linearAttentionRef } from '../../reference/attention/linear';
import { fenwickLevel, type LogLinearOpts, logLinearAttentionRef } from '../../reference/attention/loglinear';
import { logLinearAttentionGpu } from './loglinear';

/** The quadratic masked form O = ((φQ φKᵀ) ⊙ M^H) V with M^H[t, s] = β^{ℓ(t,s)} (s ≤ t), normalised by its row sums. */
function bruteForce(q: Float32Array, k: Float32Array, v: Float32Array, o: LogLinearOpts): Float64Array {
  const { n, d } = o;
  const beta = o.beta ?? 0.5;
  const { phiQ, phiK, f } = featurePair(q, k, o);
  const out = new Float64Array(n * d);
  for (let t = 0; t < n; t++) {
    let den = 0;
    for (let s = 0; s <= t; s++) {
      let a = 0;
      for (let r = 0; r < f; r++) a += phiQ[t * f + r] * phiK[s * f + r];
      const w = beta ** fenwickLevel(t, s) * a;
      den += w;
      for (let c = 0; c < d; c++) out[t * d + c] += w * v[s * d + c];
    }
    for (let c = 0; c < d; c++) out[t * d + c] /= den + LINEAR_EPS;
  }
  return out;
}

const opts = (
  n: number,
  d: number,
  featureMap: FeatureMap,
  beta?: number,
  chunk?: number,
): LogLinearOpts => ({
  n,
  d,
  causal: true,
  featureMap,
  favorFeatures: 0,
  seed: 2,
  beta,
  chunk,
});

describe('log-linear attention reference', () => {
  it('Fenwick levels follow the recursive definition: ℓ(t,s) = 1 + msb(t XOR s)', () => {
    expect(fenwickLevel(5, 5)).toBe(0);
    expect(fenwickLevel(1, 0)).toBe(1);
    expect([0, 1, 2, 3, 4, 5, 6].map((s) => fenwickLevel(7, s))).toEqual([3, 3, 3, 3, 2, 2, 1]);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((s) => fenwickLevel(8, s))).toEqual([4, 4, 4, 4, 4, 4, 4, 4]);
    for (let t = 1; t < 200; t++)
      for (let s = 0; s < t; s++) expect(fenwickLevel(t, s)).toBe(1 + Math.floor(Math.log2(t ^ s)));
  });

  for (const [map, beta] of [
    ['elu1', 0.5],
    ['relu', 0.8],
    ['favor', 0.3],
    ['cosformer', 0.5],
    ['softmax', 0.9],
  ] as const) {
    it(`the O(log T)-state recurrence equals the quadratic masked form (${map}, β=${beta})`, () => {
      const { q, k, v } = randomQkv(45, 10, 11);
      const o = opts(45, 10, map, beta);
      expect(maxRelDiff(logLinearAttentionRef(q, k, v, o), bruteForce(q, k, v, o))).toBeLessThan(1e-12);
    });
  }

  it('β = 1 is causal linear attention', () => {
    const { q, k, v } = randomQkv(37, 8, 12);
    const lin = linearAttentionRef(q, k, v, {
      n: 37,
      d: 8,
      causal: true,
      featureMap: 'elu1',
      favorFeatures: 0,
      chunk: 16,
      seed: 2,
    });
    expect(maxRelDiff(logLinearAttentionRef(q, k, v, opts(37, 8, 'elu1', 1)), lin)).toBeLessThan(1e-12);
  });

  it('refuses non-causal attention and β outside (0, 1] with clear errors', () => {
    const { q, k, v } = randomQkv(8, 4, 1);
    expect(() => logLinearAttentionRef(q, k, v, { ...opts(8, 4, 'elu1'), causal: false })).toThrow(/causal/);
    expect(() => logLinearAttentionRef(q, k, v, opts(8, 4, 'elu1', 1.5))).toThrow(/β/);
  });
});

describe('log-linear attention kernel on a real WebGPU adapter', () => {
  const cases: Array<[number, number, FeatureMap, number | undefined, number | undefined]> = [
    [63, 60, 'elu1', undefined, undefined],
    [100, 16, 'favor', 0.7, 16],
    [130, 16, 'cosformer', 0.5, 32],
    [130, 24, 'relu', 0.4, 8],
    [200, 32, 'softmax', 0.6, 16],
    [40, 128, 'elu1', 1, 64],
  ];
  for (const [n, d, map, beta, chunk] of cases) {
    it(`agrees with the CPU reference: N=${n}, d=${d}, ${map}, β=${beta ?? 'default'}, chunk ${chunk ?? 'default'}`, async () => {
      const gpu = await testGpu();
      const { q, k, v } = randomQkv(n, d, n * 3 + d);
      const o = opts(n, d, map, beta, chunk);
      const got = await logLinearAttentionGpu(gpu, q, k, v, o);
      expect(maxRelDiff(got, logLinearAttentionRef(q, k, v, o))).toBeLessThan(1e-4);
    });
  }

  it('rounds a chunk that is not a power of two down to one (same result)', async () => {
    const gpu = await testGpu();
    const { q, k, v } = randomQkv(70, 16, 1);
    const got = await logLinearAttentionGpu(gpu, q, k, v, opts(70, 16, 'elu1', 0.5, 24));
    expect(maxRelDiff(got, logLinearAttentionRef(q, k, v, opts(70, 16, 'elu1', 0.5)))).toBeLessThan(1e-4);
  });
});
