import { describe, expect, it } from 'vitest';
import { randomQkv } from '../../../test/attention-linear';
import { testGpu } from '../../../test/gpu';
import { attentionInputs } from '../../data/attention-inputs';
import { maxRelDiff } from '../../experiments/types';
import { logLinearAttentionRef } from '../../reference/attention/loglinear';
import { fenwickLevelFast, fitLevelWeights } from '../../reference/attention/loglinear-fit';
import { calibrationRows, relL2Rows } from '../../reference/attention/sla-projection';
import { logLinearAttentionGpu } from './loglinear';

const base = { causal: true, featureMap: 'elu1' as const, favorFeatures: 0, seed: 2 };

describe('log-linear attention with per-level weights', () => {
  it('the fast Fenwick level equals the recursive one on a grid', async () => {
    const { fenwickLevel } = await import('../../reference/attention/loglinear');
    for (let t = 0; t < 70; t++)
      for (let s = 0; s <= t; s++) expect(fenwickLevelFast(t, s)).toBe(fenwickLevel(t, s));
  });

  for (const [n, d, chunk] of [
    [77, 24, 16],
    [300, 40, 64],
  ] as const) {
    it(`GPU with arbitrary λ agrees with the CPU reference (N=${n}, d=${d}, chunk ${chunk})`, async () => {
      const gpu = await testGpu();
      const { q, k, v } = randomQkv(n, d, n + d);
      const lambdas = [1, 0.9, 0.05, 0.7, 0.3, 0, 1.5, 0.2, 0.4, 0.1];
      const o = { ...base, n, d, chunk, lambdas };
      const got = await logLinearAttentionGpu(gpu, q, k, v, o);
      const want = logLinearAttentionRef(q, k, v, o);
      expect(maxRelDiff(got, want)).toBeLessThan(1e-4);
      expect(maxRelDiff(got, logLinearAttentionRef(q, k, v, { ...base, n, d }))).toBeGreaterThan(1e-3);
    });
  }

  it('least squares recovers the weights of a log-linear target: held-out error ≈ 0', () => {
    const n = 256;
    const d = 16;
    const x = attentionInputs('rope_local', 1, n, d, 3, true);
    const truth = [1, 0.8, 0.1, 0.6, 0.05, 0.3, 0.2, 0.4, 0.1];
    const o = { ...base, n, d };
    const target = logLinearAttentionRef(x.q, x.k, x.v, { ...o, lambdas: truth });
    const cal = calibrationRows(n, 1);
    const lam = fitLevelWeights(x.q, x.k, x.v, target, o, cal);
    const out = logLinearAttentionRef(x.q, x.k, x.v, { ...o, lambdas: lam });
    const held = (i: number) => !cal[i];
    const fixed = logLinearAttentionRef(x.q, x.k, x.v, o);
    expect(relL2Rows(out, target, n, d, held)).toBeLessThan(1e-3);
    expect(relL2Rows(fixed, target, n, d, held)).toBeGreaterThan(0.01);
  });
});
