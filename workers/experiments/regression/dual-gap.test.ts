/**
 * The reported duality gap is scikit-learn's `dual_gap_`: the same fits (same stopping rule, same
 * iterations) on scikit-learn's own numbers in test/fixtures/dual-gap (made by make.py there).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { regressionSpec } from '../../spec/regression';
import { solveSingle } from './registry';

interface GapCase {
  name: string;
  n: number;
  d: number;
  alpha: number;
  l1_ratio: number;
  tol: number;
  X: number[];
  y: number[];
  coef: number[];
  dual_gap: number;
  n_iter: number;
}

const fixture = JSON.parse(
  readFileSync(join(__dirname, '../../../test/fixtures/dual-gap/sklearn-dual-gap.json'), 'utf8'),
) as { cases: GapCase[] };

describe('duality gap as scikit-learn reports dual_gap_', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const solver = c.l1_ratio === 1 ? 'lasso' : 'enet';
      const v = {
        ...regressionSpec.defaults,
        solver,
        l1Ratio: c.l1_ratio,
        tol: c.tol,
        maxIter: 1000,
      } as never;
      const r = solveSingle(solver, v, Float64Array.from(c.X), Float64Array.from(c.y), c.n, c.d, {
        alpha: c.alpha,
      });
      // The same fit: iterations and coefficients as scikit-learn's.
      expect(r.metrics.iterations).toBe(c.n_iter);
      let diff = 0;
      let scale = 0;
      for (let j = 0; j < c.d; j++) {
        diff = Math.max(diff, Math.abs(r.coef[j] - c.coef[j]));
        scale = Math.max(scale, Math.abs(c.coef[j]));
      }
      expect(diff / scale).toBeLessThan(1e-9);
      // The gap itself, on scikit-learn's scale (not n times it).
      expect(Math.abs(r.metrics.gap - c.dual_gap) / c.dual_gap).toBeLessThan(1e-6);
    });
  }
});
