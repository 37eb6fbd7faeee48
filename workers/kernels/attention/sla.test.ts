import { describe, expect, it } from 'vitest';
import { denseSoftmax, randomQkv } from '../../../test/attention-linear';
import { testGpu } from '../../../test/gpu';
import { maxRelDiff } from '../../experiments/types';
import { type FeatureMap, featurePair, LINEAR_EPS } from '../../reference/attention/feature-maps';
import { type SlaOpts, slaClassify, slaCounts, slaRef } from '../../reference/attention/sla';
import { slaGpu } from './sla';

const opts = (
  n: number,
  d: number,
  causal: boolean,
  block: number,
  kh: number,
  kl: number,
  featureMap: FeatureMap = 'elu1',
  combine: 'mix' | 'sum' = 'mix',
): SlaOpts => ({ n, d, causal, block, kh, kl, featureMap, favorFeatures: 0, seed: 4, combine });

/** SLA written per row and per key (no block sums), from the classes: the check of the reference's block machinery. */
function perKeySla(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  o: SlaOpts,
  classes: Int32Array,
  alpha: Float64Array,
): Float64Array {
  const { n, d, block: b, causal } = o;
  const nb = Math.ceil(n / b);
  const { phiQ, phiK, f } = featurePair(q, k, o);
  const crit = new Float32Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      crit[i * n + j] =
        classes[Math.floor(i / b) * nb + Math.floor(j / b)] === 2 && (!causal || j <= i) ? 1 : 0;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const I = Math.floor(i / b);
    const ws: number[] = [];
    let mx = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += q[i * d + c] * k[j * d + c];
      ws.push(s / Math.sqrt(d));
      if (crit[i * n + j]) mx = Math.max(mx, ws[j]);
    }
    let l = 0;
    const os = new Float64Array(d);
    const ol = new Float64Array(d);
    let den = 0;
    for (let j = 0; j < n; j++) {
      if (crit[i * n + j]) {
        const p = Math.exp(ws[j] - mx);
        l += p;
        for (let c = 0; c < d; c++) os[c] += p * v[j * d + c];
      }
      if (classes[I * nb + Math.floor(j / b)] === 1) {
        let a = 0;
        for (let r = 0; r < f; r++) a += phiQ[i * f + r] * phiK[j * f + r];
        den += a;
        for (let c = 0; c < d; c++) ol[c] += a * v[j * d + c];
      }
    }
    for (let c = 0; c < d; c++) {
      const s = os[c] / l;
      const lin = ol[c] / (den + LINEAR_EPS);
      out[i * d + c] = o.combine === 'sum' ? s + lin : alpha[I] * s + (1 - alpha[I]) * lin;
    }
  }
  return out;
}

describe('SLA reference', () => {
  for (const causal of [false, true]) {
    it(`kh = 100 equals dense softmax attention (${causal ? 'causal' : 'non-causal'}, N=70, block 16)`, () => {
      const { q, k, v } = randomQkv(70, 12, 1);
      const r = slaRef(q, k, v, opts(70, 12, causal, 16, 100, 0));
      expect(maxRelDiff(r.out, denseSoftmax(q, k, v, 70, 12, causal))).toBeLessThan(1e-12);
      expect([...r.classes].every((c) => c === 2 || (causal && c === -1))).toBe(true);
    });
  }

  it('block counts: top kh% critical (rounded up, at least one), bottom kl% negligible (rounded down)', () => {
    expect(slaCounts(10, 0, 0)).toEqual([1, 10]);
    expect(slaCounts(10, 30, 40)).toEqual([3, 6]);
    expect(slaCounts(10, 25, 10)).toEqual([3, 9]);
    expect(slaCounts(3, 100, 50)).toEqual([3, 3]);
    expect(slaCounts(7, 10, 100)).toEqual([1, 1]);
    expect(slaCounts(7, 10, 50)).toEqual([1, 4]);
    expect(slaCounts(4, 30, 70)).toEqual([2, 2]);
  });

  it('classes follow the pooled-score ranking; causal forces the diagonal and hides later blocks', () => {
    const { q, k } = randomQkv(100, 8, 2);
    for (const causal of [false, true]) {
      const o = opts(100, 8, causal, 10, 20, 30);
      const { nb, scores, classes } = slaClassify(q, k, o);
      for (let I = 0; I < nb; I++) {
        const nAvail = causal ? I + 1 : nb;
        const row = [...classes.subarray(I * nb, (I + 1) * nb)];
        const [nCrit, nKeep] = slaCounts(nAvail, 20, 30);
        expect(row.filter((c) => c === 2).length).toBe(nCrit);
        expect(row.filter((c) => c >= 1).length).toBe(nKeep);
        expect(row.filter((c) => c === -1).length).toBe(nb - nAvail);
        if (causal) expect(row[I]).toBe(2);
        // Every non-forced critical block scores at least as high as every marginal one, and so on down.
        const minOf = (cls: number) =>
          Math.min(...row.flatMap((c, J) => (c === cls && !(causal && J === I) ? [scores[I * nb + J]] : [])));
        const maxOf = (cls: number) =>
          Math.max(...row.flatMap((c, J) => (c === cls && !(causal && J === I) ? [scores[I * nb + J]] : [])));
        expect(minOf(2)).toBeGreaterThanOrEqual(maxOf(1));
        expect(minOf(1)).toBeGreaterThanOrEqual(maxOf(0));
      }
    }
  });

  it('pools with the real row count of a partial last block, after smooth-k', () => {
    const n = 20;
    const d = 2;
    const q = new Float32Array(n * d).fill(1);
    const k = Float32Array.from({ length: n * d }, (_, i) => (i % d === 0 ? Math.floor(i / d) : 0));
    const { scores } = slaClassify(q, k, opts(n, d, false, 8, 50, 0));
    // Key means over column 0: blocks [0..7], [8..15], [16..19] → 3.5, 11.5, 17.5; global mean 9.5.
    const tau = 1 / Math.sqrt(d);
    expect(scores[0]).toBeCloseTo(tau * (3.5 - 9.5), 12);
    expect(scores[2]).toBeCloseTo(tau * (17.5 - 9.5), 12);
    expect(scores[8]).toBeCloseTo(tau * (17.5 - 9.5), 12);
  });

  for (const [causal, combine, map] of [
    [false, 'mix', 'elu1'],
    [true, 'sum', 'favor'],
    [true, 'mix', 'cosformer'],
    [false, 'sum', 'relu'],
  ] as const) {
    it(`block KV sums equal the per-key definition (${causal ? 'causal' : 'non-causal'}, ${combine}, ${map})`, () => {
      const { q, k, v } = randomQkv(75, 8, 3);
      const o = opts(75, 8, causal, 10, 20, 40, map, combine);
      const r = slaRef(q, k, v, o);
      expect(r.classes.includes(1) && r.classes.includes(0)).toBe(true);
      expect(maxRelDiff(r.out, perKeySla(q, k, v, o, r.classes, r.alpha))).toBeLessThan(1e-10);
    });
  }

  it("the 'mix' weight α is the critical share of the estimated block mass", () => {
    const { q, k } = randomQkv(64, 8, 5);
    const o = opts(64, 8, false, 16, 25, 50);
    const { nb, scores, classes, alpha } = slaClassify(q, k, o);
    for (let I = 0; I < nb; I++) {
      let crit = 0;
      let keep = 0;
      for (let J = 0; J < nb; J++) {
        const w = 16 * Math.exp(scores[I * nb + J]);
        if (classes[I * nb + J] === 2) crit += w;
        if (classes[I * nb + J] >= 1) keep += w;
      }
      expect(alpha[I]).toBeCloseTo(crit / keep, 12);
    }
  });
});

describe('SLA kernel on a real WebGPU adapter', () => {
  const cases: Array<[number, number, boolean, number, number, number, FeatureMap, 'mix' | 'sum']> = [
    [63, 16, true, 16, 30, 40, 'elu1', 'mix'],
    [100, 60, false, 32, 20, 50, 'favor', 'mix'],
    [130, 16, true, 20, 10, 30, 'cosformer', 'sum'],
    [130, 60, false, 16, 25, 0, 'relu', 'mix'],
    [100, 16, true, 8, 50, 50, 'softmax', 'mix'],
    [100, 16, false, 16, 20, 0, 'favor', 'sum'],
    [90, 128, false, 16, 40, 30, 'softmax', 'sum'],
    [10, 16, true, 16, 10, 50, 'elu1', 'mix'],
    // kh = 5%: ~95% of the blocks left out of the exact part (with and without a linear part), N off the tile.
    [650, 24, false, 32, 5, 95, 'relu', 'sum'],
    [710, 60, true, 32, 5, 60, 'elu1', 'mix'],
    [300, 24, false, 50, 5, 0, 'elu1', 'mix'],
    // Blocks that are not a multiple of the 32-row tile (short last tile per block), d off the 64-dim chunk.
    [201, 40, true, 48, 10, 90, 'elu1', 'mix'],
    [150, 72, false, 40, 10, 0, 'relu', 'sum'],
    [333, 72, true, 64, 5, 95, 'elu1', 'mix'],
    // More blocks (75) and dims (40) than the 32 classification threads: each thread ranks several blocks.
    [600, 40, true, 8, 10, 60, 'elu1', 'mix'],
  ];
  for (const [n, d, causal, block, kh, kl, map, combine] of cases) {
    it(`agrees with the CPU reference: N=${n}, d=${d}, ${causal ? 'causal' : 'non-causal'}, block ${block}, kh ${kh}%, kl ${kl}%, ${map}, ${combine}`, async () => {
      const gpu = await testGpu();
      const { q, k, v } = randomQkv(n, d, 7 * n + d);
      const o = opts(n, d, causal, block, kh, kl, map, combine);
      const got = await slaGpu(gpu, q, k, v, o);
      const want = slaRef(q, k, v, o);
      expect([...got.classes]).toEqual([...want.classes]);
      expect(maxRelDiff(got.alpha, want.alpha)).toBeLessThan(1e-4);
      expect(maxRelDiff(got.out, want.out)).toBeLessThan(1e-4);
    });
  }

  for (const [n, d, causal, map] of [
    [77, 24, true, 'softmax'],
    [130, 60, false, 'elu1'],
  ] as const) {
    it(`projected sum O_s + [O_l, 1]·W agrees with the CPU reference (N=${n}, d=${d}, ${causal ? 'causal' : 'non-causal'}, ${map}); parts too`, async () => {
      const gpu = await testGpu();
      const { q, k, v } = randomQkv(n, d, 11 * n + d);
      const rng = randomQkv(d + 1, d, 5).q;
      const o = {
        ...opts(n, d, causal, 16, 20, 30, map, 'sum'),
        proj: Float64Array.from(rng, (x) => 0.3 * x),
      };
      const got = await slaGpu(gpu, q, k, v, o);
      const want = slaRef(q, k, v, o);
      expect(maxRelDiff(got.os, want.os)).toBeLessThan(1e-4);
      expect(maxRelDiff(got.ol, want.ol)).toBeLessThan(1e-4);
      expect(maxRelDiff(got.out, want.out)).toBeLessThan(1e-4);
      // Not the plain sum: the projection really ran.
      expect(maxRelDiff(got.out, slaRef(q, k, v, { ...o, proj: null }).out)).toBeGreaterThan(1e-2);
    });
  }

  for (const causal of [false, true]) {
    it(`kh = 100 equals dense softmax attention (${causal ? 'causal' : 'non-causal'}, N=100, d=60, block 24)`, async () => {
      const gpu = await testGpu();
      const { q, k, v } = randomQkv(100, 60, 8);
      const got = await slaGpu(gpu, q, k, v, opts(100, 60, causal, 24, 100, 0));
      expect(maxRelDiff(got.out, denseSoftmax(q, k, v, 100, 60, causal))).toBeLessThan(1e-4);
    });
  }
});
