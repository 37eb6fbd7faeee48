import { describe, expect, it } from 'vitest';
import { denseSoftmax, loadGolden, randomQkv } from '../../../test/attention-linear';
import { testGpu } from '../../../test/gpu';
import { maxRelDiff, UserError } from '../../experiments/types';
import type { GpuContext } from '../../gpu/device';
import {
  type FeatureMap,
  favorProjection,
  featurePair,
  LINEAR_EPS,
} from '../../reference/attention/feature-maps';
import {
  type LinearAttentionOpts,
  linearAttentionRef,
  linearAttentionSteps,
} from '../../reference/attention/linear';
import { runStepsAsync } from '../../reference/attention/linear-steps';
import { linearAttentionGpu } from './linear';

/** The obvious token-by-token recurrence (fla's "naive" form): S_i = S_{i−1} + φ(k_i)v_iᵀ. */
function recurrentLinear(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  o: LinearAttentionOpts,
): Float64Array {
  const { n, d } = o;
  const { phiQ, phiK, f } = featurePair(q, k, o);
  const S = new Float64Array(f * d);
  const z = new Float64Array(f);
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < f; a++) {
      z[a] += phiK[i * f + a];
      for (let c = 0; c < d; c++) S[a * d + c] += phiK[i * f + a] * v[i * d + c];
    }
    let den = 0;
    for (let a = 0; a < f; a++) den += phiQ[i * f + a] * z[a];
    for (let c = 0; c < d; c++) {
      let num = 0;
      for (let a = 0; a < f; a++) num += phiQ[i * f + a] * S[a * d + c];
      out[i * d + c] = num / (den + (o.eps ?? LINEAR_EPS));
    }
  }
  return out;
}

const opts = (
  n: number,
  d: number,
  causal: boolean,
  featureMap: FeatureMap,
  chunk = 32,
  favorFeatures = 0,
): LinearAttentionOpts => ({
  n,
  d,
  causal,
  featureMap,
  favorFeatures,
  chunk,
  seed: 5,
});

describe('linear attention reference', () => {
  for (const name of ['attn_linear_elu_n64_d16', 'attn_linear_elu_causal_n70_d16']) {
    it(`matches the golden case ${name}`, () => {
      const g = loadGolden(name);
      const got = linearAttentionRef(g.q, g.k, g.v, { ...opts(g.n, g.d, g.causal, 'elu1', 16), eps: 0 });
      expect(maxRelDiff(got, g.out)).toBeLessThan(1e-10);
    });
  }

  for (const map of ['elu1', 'relu', 'favor', 'cosformer', 'softmax'] as const) {
    it(`chunked causal form equals the recurrence (${map}, chunks 1, 7, 64, 200)`, () => {
      const { q, k, v } = randomQkv(67, 12, 3);
      const want = recurrentLinear(q, k, v, opts(67, 12, true, map));
      for (const chunk of [1, 7, 64, 200]) {
        expect(maxRelDiff(linearAttentionRef(q, k, v, opts(67, 12, true, map, chunk)), want)).toBeLessThan(
          1e-12,
        );
      }
    });
  }

  it('non-causal output is every row of the causal recurrence at the last step for the last row', () => {
    const { q, k, v } = randomQkv(40, 8, 4);
    const nc = linearAttentionRef(q, k, v, opts(40, 8, false, 'elu1'));
    const c = recurrentLinear(q, k, v, opts(40, 8, true, 'elu1'));
    expect(maxRelDiff(nc.subarray(39 * 8), c.subarray(39 * 8))).toBeLessThan(1e-12);
    expect(maxRelDiff(nc.subarray(0, 8), c.subarray(0, 8))).toBeGreaterThan(1e-3);
  });

  it('FAVOR+ features approximate the softmax kernel exp(q·k/√d) up to one constant', () => {
    const d = 8;
    const m = 8192;
    const { q, k } = randomQkv(6, d, 9, 0.5);
    const { phiQ, phiK } = featurePair(q, k, { n: 6, d, featureMap: 'favor', favorFeatures: m, seed: 1 });
    // Ratios of estimated to exact kernels for different pairs agree (the stabilisers are per-row / global).
    const ratio = (i: number, j: number) => {
      let est = 0;
      for (let r = 0; r < m; r++) est += phiQ[i * m + r] * phiK[j * m + r];
      let dot = 0;
      for (let c = 0; c < d; c++) dot += q[i * d + c] * k[j * d + c];
      return est / Math.exp(dot / Math.sqrt(d));
    };
    for (let j = 1; j < 6; j++) expect(Math.abs(ratio(0, j) / ratio(0, 0) - 1)).toBeLessThan(0.1);
  });

  it('the async driver pauses between chunks, gives the same result, and stops when a pause throws', async () => {
    const { q, k, v } = randomQkv(100, 8, 6);
    const o = opts(100, 8, true, 'favor', 10);
    const fractions: number[] = [];
    const got = await runStepsAsync(linearAttentionSteps(q, k, v, o), async (f) => void fractions.push(f), 0);
    expect([...got]).toEqual([...linearAttentionRef(q, k, v, o)]);
    expect(fractions.length).toBeGreaterThanOrEqual(10);
    expect(fractions.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= fractions[i - 1]))).toBe(true);
    const stop = runStepsAsync(
      linearAttentionSteps(q, k, v, o),
      async () => Promise.reject(new Error('cancelled')),
      0,
    );
    await expect(stop).rejects.toThrow('cancelled');
  });

  it('FAVOR+ linear attention approaches softmax attention as m grows (small-norm inputs)', () => {
    const n = 64;
    const d = 16;
    const { q, k, v } = randomQkv(n, d, 3, 0.7);
    const dense = denseSoftmax(q, k, v, n, d, false);
    const err = (m: number) => {
      const out = linearAttentionRef(q, k, v, { ...opts(n, d, false, 'favor', 64, m), seed: 1 });
      let e = 0;
      let t = 0;
      for (let i = 0; i < n * d; i++) {
        e += (out[i] - dense[i]) ** 2;
        t += dense[i] ** 2;
      }
      return Math.sqrt(e / t);
    };
    const coarse = err(64);
    const fine = err(4096);
    expect(fine).toBeLessThan(0.25);
    expect(fine).toBeLessThan(coarse / 3);
  });

  it('FAVOR+ projection blocks are orthogonal and seeded', () => {
    const d = 6;
    const w = favorProjection(d, 9, 3);
    let dot = 0;
    for (let c = 0; c < d; c++) dot += w[c] * w[d + c];
    expect(Math.abs(dot)).toBeLessThan(1e-5);
    expect(favorProjection(d, 9, 3)).toEqual(w);
    expect(favorProjection(d, 9, 4)).not.toEqual(w);
  });
});

describe('linear attention kernel on a real WebGPU adapter', () => {
  for (const name of ['attn_linear_elu_n64_d16', 'attn_linear_elu_causal_n70_d16']) {
    it(`matches the golden case ${name}`, async () => {
      const gpu = await testGpu();
      const g = loadGolden(name);
      const got = await linearAttentionGpu(gpu, g.q, g.k, g.v, opts(g.n, g.d, g.causal, 'elu1', 16));
      expect(maxRelDiff(got, g.out)).toBeLessThan(1e-4);
    });
  }

  const cases: Array<[number, number, boolean, FeatureMap, number, number]> = [
    [63, 60, true, 'elu1', 20, 0],
    [100, 16, false, 'favor', 32, 0],
    [130, 16, true, 'favor', 48, 70],
    [130, 33, true, 'cosformer', 64, 0],
    [77, 16, false, 'relu', 32, 0],
    [45, 24, true, 'softmax', 16, 0],
    [50, 128, true, 'elu1', 33, 0],
    [21, 256, false, 'cosformer', 16, 0],
    [1, 16, true, 'elu1', 64, 0],
  ];
  for (const [n, d, causal, map, chunk, m] of cases) {
    it(`agrees with the CPU reference: N=${n}, d=${d}, ${causal ? 'causal' : 'non-causal'}, ${map}, chunk ${chunk}`, async () => {
      const gpu = await testGpu();
      const { q, k, v } = randomQkv(n, d, n + d);
      const o = opts(n, d, causal, map, chunk, m);
      const got = await linearAttentionGpu(gpu, q, k, v, o);
      expect(got.length).toBe(n * d);
      expect(maxRelDiff(got, linearAttentionRef(q, k, v, o))).toBeLessThan(1e-4);
    });
  }

  it('refuses, with the reason, sizes that would not fit the adapter', async () => {
    const gpu = await testGpu();
    const small: GpuContext = {
      ...gpu,
      adapter: { ...gpu.adapter, limits: { ...gpu.adapter.limits, maxStorageBufferBindingSize: 1 << 20 } },
    };
    const n = 16384;
    const d = 64;
    const z = new Float32Array(n * d);
    await expect(linearAttentionGpu(small, z, z, z, opts(n, d, true, 'elu1', 64))).rejects.toThrow(UserError);
    await expect(linearAttentionGpu(small, z, z, z, opts(n, d, true, 'elu1', 64))).rejects.toThrow(
      /binds at most/,
    );
    const big = new Float32Array(30 * 300);
    await expect(linearAttentionGpu(gpu, big, big, big, opts(30, 300, false, 'elu1'))).rejects.toThrow(
      /d must be/,
    );
  });
});
