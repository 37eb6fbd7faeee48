/** From the spec's data fields to one regression problem (X, y and, when known, the true w*). */
import { DataShapeError, diabetesProblem, digitsDesign, userProblem } from '../../data/regression-real';
import {
  type DesignOptions,
  responses,
  sparseWStar,
  syntheticProblem,
  type WStarOptions,
} from '../../data/regression-synthetic';
import { Rng } from '../../io/rng';
import { centre } from '../../reference/regression/linalg';
import type { RegressionValues } from '../../spec/regression';
import { type RunContext, UserError } from '../types';

export interface RegressionProblem {
  X: Float64Array;
  y: Float64Array;
  n: number;
  d: number;
  wTrue: Float64Array | null;
  support: number[] | null;
  /** Feature names when the data has them. */
  columns: string[] | null;
  label: string;
}

export const designOf = (v: RegressionValues): DesignOptions => ({
  design: v.design,
  rho: v.rho,
  normalize: v.normalize,
  groups: v.groups,
  delta: v.perturb,
  rank: v.lowRank,
});
export const wStarOf = (v: RegressionValues): WStarOptions => ({
  s: v.s,
  wStar: v.wStar,
  amp: v.amp,
  support: v.support,
});

export async function buildProblem(v: RegressionValues, ctx: RunContext): Promise<RegressionProblem> {
  // The source is the spec's `source` alone: supplying X selects source=file before the run (the lab's
  // data rule, workers/spec/regression.ts), and the runner refuses files the source would not use.
  const source = v.source;
  try {
    if (source === 'file') {
      const p = userProblem(ctx.data.X, ctx.data.y);
      return { ...p, wTrue: null, support: null, columns: null, label: `your data (${p.n} × ${p.d})` };
    }
    if (source === 'diabetes') {
      const p = diabetesProblem(await ctx.dataset('diabetes'));
      return { ...p, wTrue: null, support: null, label: 'diabetes (442 × 10, scaled)' };
    }
    if (source === 'digits') {
      const t = await ctx.dataset('digits');
      const { X, n, d } = digitsDesign(t, v.n);
      if (v.s > d) throw new UserError(`s: the digits design has ${d} features; choose s ≤ ${d}`);
      const { w, support } = sparseWStar(d, wStarOf(v), new Rng(v.seed, 1));
      const y = responses(X, n, d, w, v.sigma, new Rng(v.seed, 2));
      return {
        X,
        y,
        n,
        d,
        wTrue: w,
        support,
        columns: null,
        label: `digits pixels (${n} × ${d}), synthetic w*`,
      };
    }
  } catch (e) {
    if (e instanceof DataShapeError) throw new UserError(e.message);
    throw e;
  }
  const p = syntheticProblem(v.n, v.d, designOf(v), wStarOf(v), v.sigma, v.seed);
  return { ...p, columns: null, label: `synthetic ${v.design} (${v.n} × ${v.d}, s = ${v.s})` };
}

/** Centred copies with their means (intercept = 1) or the data as given (intercept = 0). */
export function fitData(p: { X: Float64Array; y: Float64Array; n: number; d: number }, intercept: boolean) {
  if (!intercept) return { X: p.X, y: p.y, xMean: new Float64Array(p.d), yMean: 0 };
  const { Xc, yc, xMean, yMean } = centre(p.X, p.y, p.n, p.d);
  return { X: Xc, y: yc, xMean, yMean };
}
