import { describe, expect, it } from 'vitest';
import { Rng } from '../../io/rng';
import { backward } from './backward';
import { forward, linear } from './forward';
import {
  cloneParams,
  defaultConfig,
  gramSchmidtColumns,
  initParams,
  type Params,
  paramLayout,
  type SaeConfig,
  type SaeModel,
} from './model';
import { lrAt, qrRetract, sparsityScaleAt } from './optim';
import { kthLargest, topkRow } from './topk';
import { CpuSae } from './train';

const B = 6;
const small = (model: SaeModel, over: Partial<SaeConfig> = {}): SaeConfig =>
  defaultConfig({
    model,
    d: 5,
    m: 9,
    k: 3,
    auxK: 2,
    rank1: 4,
    rank2: 2,
    variance: 1.7,
    l1: 0.4,
    l0Coeff: 0.2,
    ...over,
  });

/** Seeded params away from the symmetric start (W_enc ≠ W_dec, non-zero biases) and a batch X. */
function setup(c: SaeConfig, seed = 3): { p: Params; X: Float64Array } {
  const p = initParams(c, seed);
  const rng = new Rng(seed, 7);
  for (const [name, a] of Object.entries(p)) {
    if (name === 'U' || name === 'lambda' || name === 'log_threshold') continue;
    for (let i = 0; i < a.length; i++) a[i] += 0.3 * rng.normal();
  }
  if (c.model === 'polysae') for (let i = 0; i < p.U.length; i++) p.U[i] += 0.2 * rng.normal();
  const X = new Float64Array(B * c.d);
  for (let i = 0; i < X.length; i++) X[i] = rng.normal() + 0.5;
  return { p, X };
}

/** Central differences of the loss in every parameter entry, against the hand-written gradient. */
function checkGradients(
  c: SaeConfig,
  p: Params,
  X: Float64Array,
  opts: { dead?: Uint8Array; skip?: string[]; scale?: number },
) {
  const scale = opts.scale ?? 0.7;
  const f0 = forward(c, p, X, B, { dead: opts.dead, sparsityScale: scale });
  const g = backward(c, p, X, f0, scale);
  const loss = (q: Params) =>
    forward(c, q, X, B, { dead: opts.dead, sparsityScale: scale, auxTarget: f0.aux?.target }).loss.total;
  const h = 1e-6;
  let worst = 0;
  let checked = 0;
  for (const { name } of paramLayout(c)) {
    if (opts.skip?.includes(name)) continue;
    for (let i = 0; i < p[name].length; i++) {
      const q = cloneParams(p);
      q[name][i] += h;
      const up = loss(q);
      q[name][i] -= 2 * h;
      const down = loss(q);
      const fd = (up - down) / (2 * h);
      const err = Math.abs(fd - g[name][i]) / Math.max(Math.abs(fd), Math.abs(g[name][i]), 1e-3);
      worst = Math.max(worst, err);
      checked++;
      if (err > 1e-4)
        throw new Error(`${c.model}: ∂L/∂${name}[${i}] = ${g[name][i]} but finite differences give ${fd}`);
    }
  }
  return { worst, checked, f0, g };
}

describe('SAE reference gradients agree with finite differences', () => {
  it('ReLU-L1 (decoder-norm-weighted penalty, with its warm-up scale)', () => {
    const c = small('relu_l1');
    const { p, X } = setup(c);
    // Off-unit-norm atoms so the norm weighting matters.
    for (let i = 0; i < p.W_dec.length; i++) p.W_dec[i] *= 1.3;
    const r = checkGradients(c, p, X, {});
    expect(r.f0.loss.sparsity).toBeGreaterThan(0);
    expect(r.checked).toBe(9 * 5 * 2 + 9 + 5);
  });

  it('ReLU-L1 2023 form (input centred by b_dec; the b_dec gradient has the centring term)', () => {
    const c = small('relu_l1_unit');
    const { p, X } = setup(c);
    for (let i = 0; i < p.W_dec.length; i++) p.W_dec[i] *= 1.3;
    const r = checkGradients(c, p, X, {});
    expect(r.f0.loss.sparsity).toBeGreaterThan(0);
  });

  it('TopK with AuxK (residual held constant)', () => {
    const c = small('topk');
    const { p, X } = setup(c);
    const dead = Uint8Array.from([0, 1, 0, 1, 1, 0, 0, 1, 0]);
    const r = checkGradients(c, p, X, { dead });
    expect(r.f0.loss.aux).toBeGreaterThan(0);
    let auxRows = 0;
    for (let q = 0; q < r.f0.aux!.sel.length; q++) auxRows += r.f0.aux!.sel[q];
    expect(auxRows).toBe(B * 2);
  });

  it('BatchTopK with AuxK', () => {
    const c = small('batchtopk');
    const { p, X } = setup(c);
    const r = checkGradients(c, p, X, { dead: Uint8Array.from([1, 0, 0, 0, 1, 0, 0, 0, 0]) });
    let kept = 0;
    for (const s of r.f0.sel!) kept += s;
    expect(kept).toBe(c.k * B);
  });

  it('JumpReLU: encoder, decoder and biases exactly', () => {
    const c = small('jumprelu', { threshold: 0.3, bandwidth: 0.2 });
    const { p, X } = setup(c);
    checkGradients(c, p, X, { skip: ['log_threshold'] });
  });

  it('JumpReLU: the threshold gradient is the straight-through estimator', () => {
    // A surrogate whose θ-derivative at θ° is the STE: z = π·H(π−θ°) + θ°(S(π−θ) − S(π−θ°)), L0 = ΣS(π−θ),
    // S(u) = clamp(u/ε + ½, 0, 1). Its finite differences in t = log θ must equal the backward pass's ∂t.
    const c = small('jumprelu', { threshold: 0.4, bandwidth: 0.6 });
    const { p, X } = setup(c, 5);
    const scale = 0.8;
    const f0 = forward(c, p, X, B, { sparsityScale: scale });
    const g = backward(c, p, X, f0, scale);
    const theta0 = p.log_threshold.map(Math.exp);
    const smoothStep = (u: number) => Math.min(1, Math.max(0, u / c.bandwidth + 0.5));
    const surrogate = (t: Float64Array) => {
      const { d, m } = c;
      const xc = new Float64Array(B * d);
      for (let b = 0; b < B; b++) for (let j = 0; j < d; j++) xc[b * d + j] = X[b * d + j] - p.b_dec[j];
      const pre = linear(xc, p.W_enc, p.b_enc, B, m, d);
      let rec = 0;
      let l0 = 0;
      for (let b = 0; b < B; b++) {
        const xh = Float64Array.from(p.b_dec);
        for (let i = 0; i < m; i++) {
          const th = Math.exp(t[i]);
          const u = pre[b * m + i];
          const zi = (u > theta0[i] ? u : 0) + theta0[i] * (smoothStep(u - th) - smoothStep(u - theta0[i]));
          l0 += smoothStep(u - th);
          for (let j = 0; j < d; j++) xh[j] += zi * p.W_dec[i * d + j];
        }
        for (let j = 0; j < d; j++) rec += (X[b * d + j] - xh[j]) ** 2;
      }
      return rec / (B * c.variance) + (c.l0Coeff * scale * l0) / B;
    };
    let nonzero = 0;
    for (let i = 0; i < c.m; i++) {
      const t = p.log_threshold.slice();
      const h = 1e-6;
      t[i] += h;
      const up = surrogate(t);
      t[i] -= 2 * h;
      const fd = (up - surrogate(t)) / (2 * h);
      expect(Math.abs(fd - g.log_threshold[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
      if (Math.abs(g.log_threshold[i]) > 1e-6) nonzero++;
    }
    expect(nonzero).toBeGreaterThan(2);
  });

  it('PolySAE shared form (U, C₁, C₂, C₃, λ₂, λ₃ and the TopK encoder)', () => {
    const c = small('polysae', { polyShared: true });
    const { p, X } = setup(c);
    const r = checkGradients(c, p, X, {});
    expect(Math.abs(r.g.lambda[0])).toBeGreaterThan(0);
  });
});

describe('ReLU-L1, April-2024 form against the 2023 form', () => {
  it('initialises atoms at norm 0.1 with W_enc = W_dec and zero biases; 2023 atoms at unit norm', () => {
    const mean = [1, 2, 3, 4, 5];
    const p = initParams(small('relu_l1'), 4, mean);
    const q = initParams(small('relu_l1_unit'), 4, mean);
    for (let i = 0; i < 9; i++) {
      const n = Math.hypot(...p.W_dec.subarray(i * 5, i * 5 + 5));
      const nq = Math.hypot(...q.W_dec.subarray(i * 5, i * 5 + 5));
      expect(n).toBeCloseTo(0.1, 6);
      expect(nq).toBeCloseTo(1, 6);
    }
    expect([...p.W_enc]).toEqual([...p.W_dec]);
    expect([...p.b_dec]).toEqual([0, 0, 0, 0, 0]);
    expect([...q.b_dec]).toEqual(mean);
  });

  it('the penalty is λ·s·Σ_b Σ_i f_bi‖d_i‖ / (B√v), computed here from the codes and the atoms', () => {
    const c = small('relu_l1');
    const { p, X } = setup(c, 11);
    // Atoms of very different norms.
    for (let i = 0; i < c.m; i++) for (let j = 0; j < c.d; j++) p.W_dec[i * c.d + j] *= 0.2 + 0.5 * i;
    const scale = 0.6;
    const f = forward(c, p, X, B, { sparsityScale: scale });
    let want = 0;
    let active = 0;
    for (let b = 0; b < B; b++) {
      // Independent forward of the 2024 encoder: no b_dec subtraction.
      for (let i = 0; i < c.m; i++) {
        let pre = p.b_enc[i];
        for (let j = 0; j < c.d; j++) pre += p.W_enc[i * c.d + j] * X[b * c.d + j];
        const fi = Math.max(pre, 0);
        if (fi > 0) active++;
        let nn = 0;
        for (let j = 0; j < c.d; j++) nn += p.W_dec[i * c.d + j] ** 2;
        want += fi * Math.sqrt(nn);
      }
    }
    want *= (c.l1 * scale) / (B * Math.sqrt(c.variance));
    expect(active).toBeGreaterThan(3);
    expect(f.loss.sparsity).toBeCloseTo(want, 12);
  });

  it('training keeps 2024 decoder norms free (they spread) and 2023 norms at 1', () => {
    const rng = new Rng(21, 0);
    const d = 6;
    const n = 64;
    // Features of unequal scale, so atoms have reason to take different norms.
    const X = new Float64Array(n * d);
    for (let b = 0; b < n; b++)
      for (let j = 0; j < d; j++) X[b * d + j] = rng.uniform() < 0.3 ? (1 + j) * rng.uniform() : 0;
    const norms = (model: SaeModel) => {
      const c = defaultConfig({ model, d, m: 10, l1: 0.05, steps: 60, lr: 0.01 });
      const sae = new CpuSae(c, initParams(c, 2));
      for (let t = 0; t < c.steps; t++) sae.trainStep(X, n);
      return Array.from({ length: c.m }, (_, i) => Math.hypot(...sae.p.W_dec.subarray(i * d, (i + 1) * d)));
    };
    const free = norms('relu_l1');
    const unit = norms('relu_l1_unit');
    expect(Math.max(...free) - Math.min(...free)).toBeGreaterThan(0.05);
    expect(Math.max(...free.map((v) => Math.abs(v - 0.1)))).toBeGreaterThan(0.05);
    for (const v of unit) expect(v).toBeCloseTo(1, 9);
  });

  it('λ is warmed up linearly from near 0 over the first 5% of steps', () => {
    expect(sparsityScaleAt(1000, 0)).toBeCloseTo(1 / 51);
    expect(sparsityScaleAt(1000, 25)).toBeCloseTo(26 / 51);
    expect(sparsityScaleAt(1000, 50)).toBe(1);
  });
});

describe('SAE reference pieces', () => {
  it('topkRow picks the k largest with ties to the lower index, among candidates', () => {
    const rng = new Rng(4, 0);
    for (let t = 0; t < 200; t++) {
      const n = 1 + rng.int(40);
      const k = 1 + rng.int(n + 3);
      const row = Array.from({ length: n }, () => Math.round(rng.normal() * 3) / 2); // many ties
      const cand = Array.from({ length: n }, () => (rng.uniform() < 0.6 ? 1 : 0));
      const want = [...row.keys()]
        .filter((i) => cand[i])
        .sort((a, b) => row[b] - row[a] || a - b)
        .slice(0, k)
        .sort((a, b) => a - b);
      expect(topkRow(row, 0, n, k, cand)).toEqual(want);
    }
    expect(kthLargest([3, 1, 2, 5], 2)).toBe(3);
  });

  it('Cholesky-QR retraction equals Gram–Schmidt (QR with a positive diagonal)', () => {
    const rng = new Rng(9, 0);
    const rows = 13;
    const R = 5;
    const U = Float64Array.from({ length: rows * R }, () => rng.normal());
    const gs = U.slice();
    gramSchmidtColumns(gs, rows, R);
    qrRetract(U, rows, R);
    for (let i = 0; i < U.length; i++) expect(U[i]).toBeCloseTo(gs[i], 6);
  });

  it('learning-rate schedule warms up, holds and decays to near zero', () => {
    const c = { lr: 1, steps: 100, warmup: 0.1, decay: 0.2 };
    expect(lrAt(c, 0)).toBeCloseTo(1 / 11);
    expect(lrAt(c, 50)).toBe(1);
    expect(lrAt(c, 99)).toBeCloseTo(1 / 21);
    expect(lrAt(c, 80)).toBeCloseTo(20 / 21);
  });
});
