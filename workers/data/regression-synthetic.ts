/**
 * Seeded sparse-regression problems: y = X w* + σ·noise with a k-sparse w*.
 * Streams of one seed: base+0 the design, base+1 w*, base+2 the noise, base+3 public unlabeled x's.
 * The same (options, seed, base) rebuild the same problem in the browser, the CLI and the tests.
 */
import { Rng } from '../io/rng';
import { hardDesign } from '../reference/regression/random-support';

export type Design = 'gaussian' | 'rademacher' | 'toeplitz' | 'grouped' | 'lowrank' | 'cumsum';
export type WStarKind = 'pm1' | 'gaussian' | 'fixed';
export type SupportKind = 'random' | 'first' | 'spaced';

export interface DesignOptions {
  design: Design;
  /** Toeplitz correlation ρ^|i−j|. */
  rho: number;
  /** Unit ℓ2-norm columns. */
  normalize: boolean;
  /** Worst-case designs of the random-support setting: groups g, perturbation δ, low rank r. */
  groups?: number;
  delta?: number;
  rank?: number;
}

export interface WStarOptions {
  s: number;
  wStar: WStarKind;
  amp: number;
  support: SupportKind;
}

export interface Problem {
  X: Float64Array;
  y: Float64Array;
  wTrue: Float64Array;
  support: number[];
  n: number;
  d: number;
}

/** n×d design, row-major. Toeplitz rows are AR(1) so corr(x_i, x_j) = ρ^|i−j| exactly. */
export function randomDesign(n: number, d: number, o: DesignOptions, rng: Rng): Float64Array {
  if (o.design === 'grouped' || o.design === 'lowrank' || o.design === 'cumsum') {
    // Columns scaled to ‖X_j‖²/n = 1 (random-support harness).
    const X = hardDesign(
      n,
      d,
      { design: o.design, groups: o.groups ?? 20, delta: o.delta ?? 0.01, rank: o.rank ?? 4 },
      rng,
    );
    if (o.normalize) normalizeColumns(X, n, d);
    return X;
  }
  const X = new Float64Array(n * d);
  if (o.design === 'rademacher') {
    for (let i = 0; i < X.length; i++) X[i] = rng.sign();
  } else if (o.design === 'toeplitz') {
    const c = Math.sqrt(1 - o.rho * o.rho);
    for (let i = 0; i < n; i++) {
      let prev = rng.normal();
      X[i * d] = prev;
      for (let j = 1; j < d; j++) {
        prev = o.rho * prev + c * rng.normal();
        X[i * d + j] = prev;
      }
    }
  } else {
    for (let i = 0; i < X.length; i++) X[i] = rng.normal();
  }
  if (o.normalize) normalizeColumns(X, n, d);
  return X;
}

/** Scales every nonzero column to unit ℓ2 norm, in place. */
export function normalizeColumns(X: Float64Array, n: number, d: number): void {
  const norms = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) norms[j] += X[i * d + j] ** 2;
  for (let j = 0; j < d; j++) norms[j] = norms[j] > 0 ? 1 / Math.sqrt(norms[j]) : 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X[i * d + j] *= norms[j];
}

/** Indices of the support, sorted. */
export function supportIndices(d: number, s: number, kind: SupportKind, rng: Rng): number[] {
  if (kind === 'first') return Array.from({ length: s }, (_, i) => i);
  if (kind === 'spaced') return Array.from({ length: s }, (_, i) => Math.floor((i * d) / s));
  return rng.sample(d, s).sort((a, b) => a - b);
}

export function sparseWStar(d: number, o: WStarOptions, rng: Rng): { w: Float64Array; support: number[] } {
  const support = supportIndices(d, o.s, o.support, rng);
  const w = new Float64Array(d);
  for (const j of support) {
    if (o.wStar === 'pm1') w[j] = o.amp * rng.sign();
    else if (o.wStar === 'gaussian') {
      // A zero draw would shrink the support; redraw (probability ~0).
      let v = 0;
      while (v === 0) v = rng.normal();
      w[j] = o.amp * v;
    } else w[j] = o.amp;
  }
  return { w, support };
}

/** y = X w + σ·N(0, 1). */
export function responses(
  X: Float64Array,
  n: number,
  d: number,
  w: Float64Array,
  sigma: number,
  rng: Rng,
): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < d; j++) acc += X[i * d + j] * w[j];
    y[i] = acc + (sigma > 0 ? sigma * rng.normal() : 0);
  }
  return y;
}

export function syntheticProblem(
  n: number,
  d: number,
  design: DesignOptions,
  w: WStarOptions,
  sigma: number,
  seed: number,
  base = 0,
): Problem {
  const X = randomDesign(n, d, design, new Rng(seed, base));
  const { w: wTrue, support } = sparseWStar(d, w, new Rng(seed, base + 1));
  const y = responses(X, n, d, wTrue, sigma, new Rng(seed, base + 2));
  return { X, y, wTrue, support, n, d };
}
