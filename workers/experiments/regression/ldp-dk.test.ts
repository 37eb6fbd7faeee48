/** LDP error against d and k (all three estimators), seeded. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../io/rng';
import { gaussianSigma, niSigmas, privatizeNi } from '../../reference/regression/ldp';
import { regressionSpec } from '../../spec/regression';
import { decodeParams } from '../../spec/url';
import { runExperiment } from '../runner';
import type { RunContext } from '../types';
import type { RegressionViewsData } from './views';

const ctx = (): RunContext => ({
  backend: 'cpu',
  gpu: null,
  data: {},
  dataset: () => Promise.reject(new Error('no datasets')),
  signal: new AbortController().signal,
  progress: () => {},
});

describe('LDP against d and k', () => {
  it('the mechanism’s noise scale follows the sensitivity Δ = 2τ²d (covariance), 2τ_xτ_y√d (cross term) and 1/ε', () => {
    const s = { tauX: 1.5, tauY: 2, epsilon: 0.8, delta: 1e-5 };
    for (const d of [3, 12]) {
      const { sigmaXX, sigmaXY } = niSigmas(d, s, false);
      const c = Math.sqrt(2 * Math.log(1.25 / s.delta));
      expect(sigmaXX).toBeCloseTo((2 * d * 1.5 * 1.5 * c) / 0.4, 10);
      expect(sigmaXY).toBeCloseTo((2 * Math.sqrt(d) * 1.5 * 2 * c) / 0.4, 10);
      expect(niSigmas(d, { ...s, epsilon: 0.4 }, false).sigmaXY).toBeCloseTo(2 * sigmaXY, 10);
    }
    expect(gaussianSigma(3, 0.5, 1e-5)).toBeCloseTo(2 * gaussianSigma(3, 1, 1e-5), 12);
    // The privatised cross term's noise has that standard deviation (seeded draw, 4000 users).
    const rng = new Rng(3, 0);
    const d = 4;
    const { sigmaXY } = niSigmas(d, s, true);
    let sq = 0;
    let cnt = 0;
    for (let i = 0; i < 4000; i++) {
      const x = [0.3, -0.2, 0.1, 0];
      const m = privatizeNi(x, 0.5, s, true, rng);
      for (let j = 0; j < d; j++) {
        sq += (m.xy[j] - m.xt[j] * m.yt) ** 2;
        cnt++;
      }
    }
    expect(Math.sqrt(sq / cnt) / sigmaXY).toBeGreaterThan(0.97);
    expect(Math.sqrt(sq / cnt) / sigmaXY).toBeLessThan(1.03);
  });

  it('error grows with d for both non-interactive estimators; three estimators and anchored guides on one chart', async () => {
    const { values, issues } = decodeParams(
      regressionSpec,
      new URLSearchParams(
        'study=sweep_d&solver=ldp_ni&s=1&sigma=0.1&dMin=4&dMax=16&points=2&trials=3&ldpN=500000',
      ),
    );
    expect(issues).toEqual([]);
    const r = await runExperiment('regression', values, ctx());
    const views = r.views as unknown as RegressionViewsData;
    expect(views.sweep?.series.length).toBe(3);
    expect(views.sweep?.theory.every((t) => /anchored at the first point/.test(t.name))).toBe(true);
    expect(r.arrays.errors.shape).toEqual([2, 3, 3]);
    // Growth only at the study's small default n: the stated exponents are checked where their leading term
    // dominates, in workers/reference/regression/ldp-rate-d.test.ts.
    expect(r.metrics.nldp_last_error).toBeGreaterThan(1.5 * r.metrics.nldp_first_error);
    expect(r.metrics.nldp_public_last_error).toBeGreaterThan(r.metrics.nldp_public_first_error);
  }, 60000);

  it('rules: an LDP solver, ordered ends, k ≤ d', () => {
    const issues = (q: string) =>
      decodeParams(regressionSpec, new URLSearchParams(q)).issues.map((i) => i.field);
    expect(issues('study=sweep_d&solver=lasso')).toContain('solver');
    expect(issues('study=sweep_k&solver=ldp_si&kMax=100&d=50')).toContain('kMax');
    expect(issues('study=sweep_d&solver=ldp_ni&dMin=30&dMax=20')).toContain('dMin');
  });
});
