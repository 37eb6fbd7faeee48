/** The random-support studies through the runner (CPU), at small sizes, and their spec rules. */
import { describe, expect, it } from 'vitest';
import { regressionSpec } from '../../spec/regression';
import { decodeParams } from '../../spec/url';
import { runExperiment } from '../runner';
import type { RunContext } from '../types';
import { type RegressionViewsData, regressionViews } from './views';

function ctx(): RunContext {
  return {
    backend: 'cpu',
    gpu: null,
    data: {},
    dataset: () => Promise.reject(new Error('no datasets here')),
    signal: new AbortController().signal,
    progress: () => {},
  };
}

const values = (q: string) => decodeParams(regressionSpec, new URLSearchParams(q));

describe('random-support studies', () => {
  it('study=supports: certificates and errors per support kind, arrays for the CLI, labelled exploratory', async () => {
    const { values: v, issues } = values(
      'study=supports&solver=precond_lasso&design=grouped&groups=6&d=36&n=40&s=4&sigma=0.02&trials=3',
    );
    expect(issues).toEqual([]);
    const r = await runExperiment('regression', v, ctx());
    expect(r.arrays.results.shape).toEqual([2, 3, 6]);
    expect(r.arrays.supports.shape).toEqual([2, 3, 4]);
    const views = regressionViews(r.views) as RegressionViewsData;
    expect(views.hists?.length).toBe(2);
    expect(views.notes.join(' ')).toMatch(/NOT the algorithm of arXiv 2511\.06211/);
    expect(r.metrics.adversarial_median_rho_identity).toBeGreaterThan(r.metrics.random_median_rho_identity);
  });

  it('sweep_n with precond_lasso: six curves against n and the unfitted guide', async () => {
    const { values: v, issues } = values(
      'study=sweep_n&solver=precond_lasso&design=grouped&groups=5&d=30&s=3&sigma=0.05&nMin=20&nMax=40&points=2&trials=1',
    );
    expect(issues).toEqual([]);
    const r = await runExperiment('regression', v, ctx());
    expect(r.arrays.errors.shape).toEqual([2, 1, 6]);
    const views = regressionViews(r.views) as RegressionViewsData;
    expect(views.sweep?.series.length).toBe(6);
    expect(views.sweep?.theory[0].name).toMatch(/not fitted/);
  });

  it('a single preconditioned-Lasso fit; refuses the supports study without it, and other designs', async () => {
    const { values: v, issues } = values(
      'study=fit&solver=precond_lasso&design=grouped&groups=5&d=30&n=40&s=3&alpha=0.01',
    );
    expect(issues).toEqual([]);
    const r = await runExperiment('regression', v, ctx());
    expect(r.arrays.coef.shape).toEqual([30]);
    expect(r.metrics.bands).toBeGreaterThan(0);
    expect(values('study=cv&solver=precond_lasso').issues.map((i) => i.field)).toContain('solver');
    expect(values('study=supports&solver=lasso').issues.map((i) => i.field)).toContain('solver');
    expect(
      values('study=supports&solver=precond_lasso&design=toeplitz').issues.map((i) => i.field),
    ).toContain('design');
  });
});

describe('KroSBL through the runner', () => {
  it('a synthetic Kronecker problem: KroSBL beside plain SBL and OMP on the same A ⊗ B, arrays for the CLI', async () => {
    const { values: v, issues } = values('solver=kron_sbl&kronM=6&kronN=10&kronK=2&sigma=0.01');
    expect(issues).toEqual([]);
    const r = await runExperiment('regression', v, ctx());
    expect(r.arrays.coef.shape).toEqual([10, 10]);
    expect(r.arrays.sbl_coef.shape).toEqual([10, 10]);
    expect(r.metrics.kron_nmse).toBeLessThan(0.05);
    expect(r.metrics.sbl_iterations).toBeGreaterThan(0);
  });

  it('rules: a fit only, Kronecker data only; X instead of A and B is refused by name', async () => {
    expect(values('solver=kron_sbl&study=sweep_n').issues.map((i) => i.field)).toContain('study');
    expect(values('solver=kron_sbl&source=diabetes').issues.map((i) => i.field)).toContain('source');
    const { values: v } = values('solver=kron_sbl&source=file');
    const c = ctx();
    c.data = { X: { dtype: 'float64', shape: [4, 4], data: new Float64Array(16) } as never };
    await expect(runExperiment('regression', v, c)).rejects.toThrow(/KroSBL takes the two factors A and B/);
  });
});
