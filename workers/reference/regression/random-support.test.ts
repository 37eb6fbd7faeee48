import { describe, expect, it } from 'vitest';
import { responses } from '../../data/regression-synthetic';
import { Rng } from '../../io/rng';
import {
  applyD,
  applyDt,
  certificate,
  drawSupport,
  groupOf,
  type HardDesignOptions,
  hardDesign,
  l1Norm,
  lambdaGrid,
  lassoOracle,
  precondLasso,
  predNormSq,
  spectralDictionary,
  worstDirection,
} from './random-support';

const grouped = (groups: number): HardDesignOptions => ({ design: 'grouped', groups, delta: 0.01, rank: 4 });

describe('random-support harness', () => {
  it('builds worst-case designs with ‖X_j‖²/N = 1; grouped columns are near copies within a group', () => {
    const N = 37;
    const d = 23;
    for (const design of ['gaussian', 'grouped', 'lowrank', 'cumsum'] as const) {
      const X = hardDesign(N, d, { design, groups: 4, delta: 0.01, rank: 3 }, new Rng(1, 0));
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let i = 0; i < N; i++) s += X[i * d + j] ** 2;
        expect(s / N).toBeCloseTo(1, 10);
      }
    }
    const X = hardDesign(N, d, grouped(4), new Rng(2, 0));
    const corr = (a: number, b: number) => {
      let s = 0;
      for (let i = 0; i < N; i++) s += X[i * d + a] * X[i * d + b];
      return s / N;
    };
    expect(groupOf(0, d, 4)).toBe(groupOf(1, d, 4));
    expect(corr(0, 1)).toBeGreaterThan(0.99);
    expect(Math.abs(corr(0, d - 1))).toBeLessThan(0.6);
  });

  it('adversarial supports sit in one group; the worst direction is X_S’s weakest, at unit prediction norm', () => {
    const N = 50;
    const d = 60;
    const o = grouped(6);
    const X = hardDesign(N, d, o, new Rng(3, 0));
    const S = drawSupport('adversarial', d, 5, o, new Rng(3, 1));
    expect(new Set(S.map((j) => groupOf(j, d, 6))).size).toBe(1);
    const w = worstDirection(X, N, d, S);
    expect(predNormSq(X, N, d, w)).toBeCloseTo(1, 10);
    const wl2 = Math.hypot(...w);
    // Any other direction on S with the same ℓ2 norm predicts at least as much.
    const rng = new Rng(4, 0);
    for (let t = 0; t < 20; t++) {
      const u = new Float64Array(d);
      for (const j of S) u[j] = rng.normal();
      const s = wl2 / Math.hypot(...u);
      for (const j of S) u[j] *= s;
      expect(predNormSq(X, N, d, u)).toBeGreaterThanOrEqual(1 - 1e-9);
    }
    // Near-collinear columns: tiny prediction per unit ℓ2 norm, so ‖w‖₁ is large.
    expect(l1Norm(w)).toBeGreaterThan(20);
  });

  it('the spectral dictionary: D and Dᵀ are adjoint, A’s columns are XD_j/ω_j, bands are nested', () => {
    for (const [N, d] of [
      [30, 17],
      [12, 25],
    ]) {
      const X = hardDesign(N, d, grouped(3), new Rng(5, 0));
      const D = spectralDictionary(X, N, d);
      expect(D.taus.length).toBeGreaterThan(1);
      for (let b = 1; b < D.bandStart.length; b++) expect(D.bandStart[b]).toBeGreaterThan(D.bandStart[b - 1]);
      const rng = new Rng(6, 0);
      const c = Float64Array.from({ length: D.m }, () => rng.normal());
      const v = Float64Array.from({ length: d }, () => rng.normal());
      const lhs = applyD(D, c).reduce((s, x, j) => s + x * v[j], 0);
      const rhs = applyDt(D, v).reduce((s, x, j) => s + x * c[j], 0);
      expect(lhs).toBeCloseTo(rhs, 9);
      // Column j of A against X·D·e_j/ω_j computed densely.
      for (const j of [0, d + 2, D.m - 1]) {
        const e = new Float64Array(D.m);
        e[j] = 1;
        const Dj = applyD(D, e);
        for (let i = 0; i < N; i++) {
          let s = 0;
          for (let q = 0; q < d; q++) s += X[i * d + q] * Dj[q];
          const want = D.omega[j] > 0 ? s / D.omega[j] : 0;
          expect(D.A[i * D.m + j]).toBeCloseTo(want, 9);
        }
      }
    }
  });

  it('the certificate LP value lies between a dual bound and the identity representation’s ‖w‖₁', () => {
    const N = 40;
    const d = 30;
    const o = grouped(5);
    const X = hardDesign(N, d, o, new Rng(7, 0));
    const D = spectralDictionary(X, N, d);
    const w = worstDirection(X, N, d, drawSupport('adversarial', d, 4, o, new Rng(7, 1)));
    const cert = certificate(D, w);
    expect(cert.value).toBeLessThanOrEqual(l1Norm(w) * (1 + 1e-9));
    // Weak duality: u = w/max_j(|Dᵀw|_j/ω_j) is dual feasible, so uᵀw is a lower bound.
    const Dtw = applyDt(D, w);
    let scale = 0;
    for (let j = 0; j < D.m; j++) if (D.omega[j] > 0) scale = Math.max(scale, Math.abs(Dtw[j]) / D.omega[j]);
    const lower = w.reduce((s, x) => s + x * x, 0) / scale;
    expect(cert.value).toBeGreaterThanOrEqual(lower * (1 - 1e-6));
    // The bands help: far below ‖w‖₁ when X is injective (N ≥ d).
    expect(cert.value).toBeLessThan(0.2 * l1Norm(w));
  });

  it('the certificate separates random from adversarial supports (grouped design, n ≥ d)', () => {
    const N = 120;
    const d = 100;
    const k = 5;
    const o = grouped(10);
    const X = hardDesign(N, d, o, new Rng(8, 0));
    const D = spectralDictionary(X, N, d);
    const rho = (kind: 'random' | 'adversarial') =>
      Array.from({ length: 5 }, (_, t) => {
        const w = worstDirection(
          X,
          N,
          d,
          drawSupport(kind, d, k, o, new Rng(100 + t, kind === 'random' ? 1 : 2)),
        );
        return { id: l1Norm(w), spec: certificate(D, w).value };
      });
    const r = rho('random');
    const a = rho('adversarial');
    const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[2];
    expect(median(a.map((x) => x.id))).toBeGreaterThan(median(r.map((x) => x.id)));
    expect(median(a.map((x) => x.spec))).toBeGreaterThan(median(r.map((x) => x.spec)));
    // Every adversarial support is worse than the median random one for D = I.
    for (const x of a) expect(x.id).toBeGreaterThan(median(r.map((y) => y.id)));
  });

  it('grouped design, d = 400, k = 8, σ = 0.02, N = 120: the preconditioned Lasso predicts better than the Lasso', () => {
    const N = 120;
    const d = 400;
    const sigma = 0.02;
    const o = grouped(20);
    const X = hardDesign(N, d, o, new Rng(11, 0));
    const D = spectralDictionary(X, N, d);
    const w = worstDirection(X, N, d, drawSupport('random', d, 8, o, new Rng(11, 1)));
    const y = responses(X, N, d, w, sigma, new Rng(11, 2));
    const grid = lambdaGrid(12, 0.3, 1e-3);
    const L = lassoOracle(X, y, N, d, w, sigma, { grid });
    const P = precondLasso(D, X, y, w, sigma, { grid });
    // Oracle λ on the grid down to 1e-3 and the theory λ: both clearly lower.
    expect(P.best.err * 5).toBeLessThan(L.best.err);
    expect(P.theory.err * 20).toBeLessThan(L.theory.err);
  }, 60000);
});
