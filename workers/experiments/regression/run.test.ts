/** The regression runner end to end on the CPU backend (and one GPU phase diagram), at small sizes. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../../test/gpu';
import { nd, toFloat64 } from '../../core/ndarray';
import { syntheticProblem } from '../../data/regression-synthetic';
import { datasetLoader } from '../../io/datasets';
import { enetPath } from '../../reference/regression/enet-cd';
import { centre, maxAbs } from '../../reference/regression/linalg';
import { regressionSpec } from '../../spec/regression';
import { decodeParams, toHash } from '../../spec/url';
import { runExperiment } from '../runner';
import type { RunContext, RunResult } from '../types';
import { kFoldBounds } from './cv';
import { donohoTannerCurve, psi, rhoAt } from './donoho-tanner';
import { rates } from './registry';
import { type RegressionViewsData, regressionViews } from './views';

const dataset = datasetLoader((file) => readFile(join(__dirname, '../../../public/datasets', file), 'utf8'));

function cpuCtx(data: RunContext['data'] = {}): RunContext & { partials: unknown[] } {
  const partials: unknown[] = [];
  return {
    backend: 'cpu',
    gpu: null,
    data,
    dataset,
    signal: new AbortController().signal,
    progress: (p) => {
      if (p.partial) partials.push(p.partial);
    },
    partials,
  };
}

function run(query: string, ctx: RunContext = cpuCtx()): Promise<RunResult> {
  const { values, issues } = decodeParams(regressionSpec, new URLSearchParams(query));
  expect(issues).toEqual([]);
  return runExperiment('regression', values, ctx);
}

describe('regression spec', () => {
  it('every solver and study validates with the defaults and round-trips through the URL', () => {
    for (const solver of regressionSpec.fields.solver.options) {
      const { values, issues } = decodeParams(
        regressionSpec,
        new URLSearchParams(`solver=${solver}&alpha=0.2&k=5`),
      );
      expect(issues).toEqual([]);
      const again = decodeParams(
        regressionSpec,
        new URLSearchParams(toHash(regressionSpec, values).split('?')[1]),
      );
      expect(again.values).toEqual(values);
    }
    const bad = decodeParams(regressionSpec, new URLSearchParams('study=sweep_eps&solver=lasso'));
    expect(bad.issues.map((i) => i.field)).toContain('solver');
  });
});

describe('regression runner (CPU)', () => {
  it('lasso_path with intercept = 0 is scikit-learn’s lasso_path on the data as given', async () => {
    const r = await run(
      'solver=lasso_path&intercept=0&n=60&d=30&s=4&nAlphas=12&eps=0.01&tol=1e-10&maxIter=20000',
    );
    const p = syntheticProblem(
      60,
      30,
      { design: 'gaussian', rho: 0.5, normalize: false },
      { s: 4, wStar: 'pm1', amp: 1, support: 'random' },
      0.5,
      1,
    );
    const want = enetPath(p.X, p.y, 60, 30, { nAlphas: 12, eps: 0.01, tol: 1e-10, maxIter: 20000 });
    expect(r.arrays.coefs.shape).toEqual([12, 30]);
    expect(maxAbs(toFloat64(r.arrays.alphas).map((a, i) => a - want.alphas[i]))).toBeLessThan(1e-12);
    expect(maxAbs(toFloat64(r.arrays.coefs).map((c, i) => c - want.coefs[i]))).toBeLessThan(1e-8);
    const v = regressionViews(r.views) as RegressionViewsData;
    expect(v.path?.chosen?.label).toMatch(/oracle/);
    expect(v.path?.series.filter((s) => s.inSupport).length).toBe(4);
  });

  it('a single Lasso fit with intercept = 1 recovers a shifted response’s intercept', async () => {
    const X = syntheticProblem(
      80,
      12,
      { design: 'gaussian', rho: 0, normalize: false },
      { s: 3, wStar: 'pm1', amp: 1, support: 'first' },
      0,
      5,
    );
    const y = X.y.map((v) => v + 3);
    const ctx = cpuCtx({ X: nd(X.X, [80, 12]), y: nd(y, [80]) });
    const r = await run('solver=lasso&alpha=0.001&tol=1e-10&maxIter=10000&source=file', ctx);
    expect(r.arrays.intercept.shape).toEqual([]);
    expect(toFloat64(r.arrays.intercept)[0]).toBeCloseTo(3, 2);
    const coef = toFloat64(r.arrays.coef);
    expect(maxAbs(coef.map((c, j) => c - X.wTrue[j]))).toBeLessThan(0.01);
  });

  it('user data with mismatched shapes is a UserError naming the files', async () => {
    const ctx = cpuCtx({ X: nd(new Float64Array(12), [4, 3]), y: nd(new Float64Array(5), [5]) });
    await expect(run('solver=omp&k=2&source=file', ctx)).rejects.toThrow(/y has 5 values but X has 4 rows/);
  });

  it('LARS-lasso on diabetes writes alphas, coefs and the entry order', async () => {
    const r = await run('solver=lars_lasso&source=diabetes&intercept=1');
    expect(Array.from(r.arrays.active.data as Int32Array)).toEqual([2, 8, 3, 1, 9, 4, 7, 5, 0, 6]);
    expect(r.arrays.alphas.shape).toEqual([13]);
    expect(r.metrics.drops).toBe(1);
  });

  it('CV: contiguous folds, and the chosen α minimises the mean test MSE', async () => {
    expect(kFoldBounds(11, 3)).toEqual([
      [0, 4],
      [4, 8],
      [8, 11],
    ]);
    const r = await run('study=cv&solver=lasso&n=90&d=20&s=3&folds=3&nAlphas=15&eps=0.01');
    const mse = toFloat64(r.arrays.mse_path);
    const A = 15;
    const mean = Array.from({ length: A }, (_, a) => (mse[a] + mse[A + a] + mse[2 * A + a]) / 3);
    const best = mean.indexOf(Math.min(...mean));
    expect(r.metrics.alpha_cv).toBe(toFloat64(r.arrays.alphas)[best]);
    expect(r.metrics.tp).toBe(3);
  });

  it('error vs n: OMP’s error falls with n, partial curves arrive while it runs', async () => {
    const ctx = cpuCtx();
    const r = await run(
      'study=sweep_n&solver=omp&k=4&s=4&d=40&nMin=30&nMax=480&points=4&trials=3&sigma=0.3',
      ctx,
    );
    const e = toFloat64(r.arrays.errors);
    const mean = (i: number) => (e[i * 3] + e[i * 3 + 1] + e[i * 3 + 2]) / 3;
    expect(mean(3)).toBeLessThan(mean(0));
    expect(r.metrics.fitted_slope_upper_half).toBeLessThan(-0.3);
    const v = regressionViews(r.views) as RegressionViewsData;
    expect(v.sweep?.theory.length).toBe(1);
    expect(ctx.partials.length).toBeGreaterThan(0);
  });

  it('error vs n: the Lasso with the default α rule (theory in sweeps) falls like √(s log d / n); a fixed α levels off', async () => {
    const q = 'study=sweep_n&solver=lasso&d=40&s=4&nMin=40&nMax=800&points=6&trials=8';
    const r = await run(q);
    expect(r.metrics.theory_alpha).toBe(1);
    // Lasso theory: ‖ŵ − w*‖ ≲ C·σ√(s log d / n) at α ∝ σ√(log d / n), slope −½ on log–log.
    expect(r.metrics.fitted_slope_upper_half).toBeGreaterThan(-0.75);
    expect(r.metrics.fitted_slope_upper_half).toBeLessThan(-0.3);
    const v = regressionViews(r.views) as RegressionViewsData;
    expect(v.title).toMatch(/theory rule/);
    expect(v.sweep?.theory.map((t) => t.name)).toEqual(['rate σ√(s·log d / n) (C fitted)']);
    // The bug this guards against: a fixed α's bias dominates at large n and the curve goes flat.
    const fixed = await run(`${q}&alphaRule=fixed`);
    expect(fixed.metrics.theory_alpha).toBe(0);
    expect(fixed.metrics.fitted_slope_upper_half).toBeGreaterThan(-0.3);
  });

  /*
   * Error vs ε with the ε sweep's own defaults (10⁶ users, d = 2, s = k = 1, τ = 1 std), fewer points and
   * trials. While the privacy noise dominates and the server's eigenvalue floor (NI) or ℓ2 projection (SI)
   * is inactive, the estimate's deviation is linear in the noise, whose scale is ∝ 1/ε: slope −1. The band
   * [−1.4, −0.6] leaves room for the onset of saturation at the low end of the upper half (steeper), the
   * truncation bias at ε = 1 (flatter) and 4 trials of noise.
   */
  it('error vs ε (the sweep’s defaults): non-interactive LDP error falls like 1/ε, with the paper’s rate and lower bound', async () => {
    const ctx = cpuCtx();
    const r = await run('study=sweep_eps&solver=ldp_ni&points=6&trials=4', ctx);
    expect(r.metrics.n).toBe(1e6);
    expect(r.metrics.fitted_slope_upper_half).toBeGreaterThan(-1.4);
    expect(r.metrics.fitted_slope_upper_half).toBeLessThan(-0.6);
    // Far below ‖w*‖ = 1 at ε = 1: the estimator does not collapse to 0.
    expect(r.metrics.last_mean_error).toBeLessThan(0.3);
    const v = regressionViews(r.views) as RegressionViewsData;
    expect(v.sweep?.theory.map((t) => [t.name, t.dashed])).toEqual([
      ['paper’s rate d√k/(√n·ε) (C fitted)', false],
      ['paper’s lower bound √(dk·log d)/(√n·ε) (C fitted)', true],
    ]);
    expect(v.sweep?.reading).toMatch(/this lab’s reading of arXiv 2310\.07367/);
    expect(ctx.partials.length).toBeGreaterThan(0);
  });

  it('error vs ε: sequentially interactive LDP-IHT error falls like 1/ε', async () => {
    const r = await run('study=sweep_eps&solver=ldp_si&epsN=300000&points=6&trials=4');
    expect(r.metrics.fitted_slope_upper_half).toBeGreaterThan(-1.4);
    expect(r.metrics.fitted_slope_upper_half).toBeLessThan(-0.6);
    const v = regressionViews(r.views) as RegressionViewsData;
    expect(v.sweep?.theory.map((t) => t.name)).toEqual([
      'paper’s rate k√d/(√n·ε) (C fitted)',
      'paper’s lower bound √(dk)/(√n·ε) (C fitted)',
    ]);
  });

  it('guide lines use the issue’s formulas; the NLDP lower bound is not drawn with public x’s', () => {
    const at = (q: string) => decodeParams(regressionSpec, new URLSearchParams(q)).values;
    const [n, d, k, e] = [40000, 9, 4, 0.5];
    const sz = `epsN=${n}&epsD=${d}&epsS=${k}`;
    const f = (q: string, x: number) => rates(at(q), true).map((r) => r.f(x));
    const root = Math.sqrt(n) * e;
    expect(f(`study=sweep_eps&solver=ldp_ni&${sz}`, e)).toEqual([
      (d * Math.sqrt(k)) / root,
      Math.sqrt(d * k * Math.log(d)) / root,
    ]);
    expect(f(`study=sweep_eps&solver=ldp_si&${sz}`, e)).toEqual([
      (k * Math.sqrt(d)) / root,
      Math.sqrt(d * k) / root,
    ]);
    expect(f(`study=sweep_eps&solver=ldp_ni&publicX=1&${sz}`, e)).toEqual([Math.sqrt(d * k) / root]);
    const lasso = rates(at('study=sweep_n&solver=lasso&d=50&s=8&sigma=0.5'), false);
    expect(lasso.map((r) => r.f(200))).toEqual([0.5 * Math.sqrt((8 * Math.log(50)) / 200)]);
    // Against n the LDP lines use the ε field: d√k/(√m·ε).
    const vsN = rates(at('study=sweep_n&solver=ldp_ni&d=9&s=4&epsilon=0.5'), false);
    expect(vsN[0].f(n)).toBeCloseTo((d * Math.sqrt(k)) / root, 12);
  });
});

describe('phase diagram', () => {
  it('the Donoho–Tanner curve passes through the weak ℓ1 threshold ρ(δ = 0.5) ≈ 0.385 and is increasing', () => {
    const curve = donohoTannerCurve();
    // Donoho & Tanner's cross-polytope weak threshold at δ = 1/2 (k/d ≈ 0.193).
    expect(rhoAt(curve, 0.5)).toBeGreaterThan(0.38);
    expect(rhoAt(curve, 0.5)).toBeLessThan(0.39);
    for (let i = 1; i < curve.length; i++)
      expect(curve[i].rho).toBeGreaterThanOrEqual(curve[i - 1].rho - 1e-9);
    // ψ(ε) ≥ ε and ψ → 1 as ε → 1.
    expect(psi(0.1)).toBeGreaterThan(0.1);
    expect(psi(0.999)).toBeGreaterThan(0.99);
  });

  it('CPU: OMP succeeds at small ρ and large δ, fails at large ρ, cells fill in live', async () => {
    const ctx = cpuCtx();
    const r = await run('study=phase&solver=omp&cells=4&trials=3&d=40', ctx);
    const s = toFloat64(r.arrays.success);
    // row = ρ index, column = δ index
    expect(s[0 * 4 + 3]).toBe(1);
    expect(s[3 * 4 + 0]).toBe(0);
    const v = regressionViews(r.views) as RegressionViewsData;
    expect(v.phase?.values.length).toBe(16);
    expect(ctx.partials.length).toBeGreaterThan(0);
  });

  it('GPU: the batched diagram equals the CPU loop on the same problems', async () => {
    const gpu = await testGpu();
    const ctx: RunContext = { ...cpuCtx(), backend: 'webgpu', gpu };
    const q = 'study=phase&solver=omp&cells=3&trials=2&d=20';
    const g = await run(q, ctx);
    const c = await run(q);
    expect(Array.from(g.arrays.trial_success.data as Uint8Array)).toEqual(
      Array.from(c.arrays.trial_success.data as Uint8Array),
    );
    expect(g.parity?.status).toBe('checked');
    expect(g.parity?.ok).toBe(true);
  });
});

it('centring helper matches the definition', () => {
  const { Xc, yc, xMean, yMean } = centre(Float64Array.from([1, 2, 3, 4]), Float64Array.from([1, 3]), 2, 2);
  expect(Array.from(xMean)).toEqual([2, 3]);
  expect(yMean).toBe(2);
  expect(Array.from(Xc)).toEqual([-1, -1, 1, 1]);
  expect(Array.from(yc)).toEqual([-1, 1]);
});
