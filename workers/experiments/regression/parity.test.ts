/**
 * Regression parity re-solves on the CPU with its own solver (coordinate descent from w = 0), never from
 * GPU values: it passes on honest GPU results and fails on a perturbed one.
 */
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../../test/gpu';
import { nd, toFloat64 } from '../../core/ndarray';
import { regressionSpec } from '../../spec/regression';
import { runExperiment } from '../runner';
import type { RunContext } from '../types';
import { regressionExperiment } from './run';

async function gpuCtx(): Promise<RunContext> {
  return {
    backend: 'webgpu',
    gpu: await testGpu(),
    data: {},
    dataset: () => Promise.reject(new Error('no datasets here')),
    signal: new AbortController().signal,
    progress: () => {},
  };
}

const base = { ...regressionSpec.defaults, n: 60, d: 30, s: 4, seed: 5 };

describe('regression parity against cold coordinate descent', () => {
  it('a Lasso path from the GPU agrees with CPU CD at sampled α, and a perturbed path does not', async () => {
    const ctx = await gpuCtx();
    const v = { ...base, solver: 'lasso_path', nAlphas: 12 };
    const r = await runExperiment('regression', v, ctx);
    expect(r.parity).toMatchObject({ status: 'checked', ok: true });
    expect(r.parity?.compared).toMatch(/3 of 12 α \(CPU coordinate descent from w = 0\)/);
    expect(r.parity?.maxRelDiff).toBeLessThan(5e-3);
    expect(Math.abs(r.parity?.objectiveGap ?? Number.NaN)).toBeLessThan(1e-3);
    // The full check covers every α.
    const all = await regressionExperiment.parity!(r.spec as never, ctx, r, true);
    expect(all.compared).toMatch(/^12 of 12 α/);
    expect(all.ok).toBe(true);
    // Perturb the GPU's coefficients at the last α: both the minimiser and the objective are off.
    const coefs = Float64Array.from(toFloat64(r.arrays.coefs));
    for (let j = 0; j < 30; j++) coefs[11 * 30 + j] *= 1.2;
    const bad = await regressionExperiment.parity!(
      r.spec as never,
      ctx,
      { ...r, arrays: { ...r.arrays, coefs: nd(coefs, [12, 30]) } },
      false,
    );
    expect(bad.ok).toBe(false);
    expect(bad.objectiveGap).toBeGreaterThan(1e-3);
  });

  it('a single GPU FISTA fit agrees with CPU CD on the same objective', async () => {
    const r = await runExperiment('regression', { ...base, solver: 'fista', alpha: 0.05 }, await gpuCtx());
    expect(r.parity).toMatchObject({
      status: 'checked',
      ok: true,
      compared: 'the fit (CPU coordinate descent from w = 0)',
    });
    expect(r.parity?.maxRelDiff).toBeLessThan(5e-3);
  });
});
