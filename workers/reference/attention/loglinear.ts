/**
 * Log-linear attention (arXiv 2506.04761; docs/methods.md#log-linear-attention), causal forward; CPU reference and CPU backend.
 *
 * Fenwick level (0-indexed target t, source s ≤ t): ℓ(t, t) = 0; for s < t, L = ⌊log₂ t⌋, v = 2^L,
 * ℓ = L + 1 if s < v, else ℓ(t − v, s − v). Equivalently ℓ(t, s) = 1 + msb(t XOR s).
 *
 *   o_t = Σ_{s≤t} λ^{(ℓ(t,s))} φ(q_t)ᵀφ(k_s) v_s / (Σ_{s≤t} λ^{(ℓ(t,s))} φ(q_t)ᵀφ(k_s) + ε)
 *
 * Lab's choices [our design, label them so]: the paper learns λ_t^{(ℓ)} per token (softplus of a projection)
 * and uses no normaliser; training-free we fix λ^{(ℓ)} = β^ℓ (default β = ½: level ℓ holds ~2^{ℓ−1} tokens at
 * weight 2^{−ℓ}, so every scale gets a similar share) and normalise like A6, so β = 1 is exactly causal linear
 * attention with the same feature map.
 *
 * This reference runs the O(log T)-state recurrence: before token t (t ≥ 1) the previous token's state at
 * level 0 cascades upwards (a level ℓ that holds 2^ℓ tokens merges into ℓ + 1), then S^{(0)} = φ(k_t)v_tᵀ and
 * y_t = φ(q_t)ᵀ Σ_ℓ β^ℓ S^{(ℓ)}. Cost O(T·log T·F·d).
 */

import { type FeatureMap, type FeatureOpts, featurePair, LINEAR_EPS } from './feature-maps';
import { runSteps, runStepsAsync, type Steps } from './linear-steps';

export const DEFAULT_LOGLINEAR_BETA = 0.5;

export interface LogLinearOpts {
  n: number;
  d: number;
  causal: boolean;
  featureMap: FeatureMap;
  favorFeatures: number;
  seed: number;
  /** λ^{(ℓ)} = β^ℓ; default ½; must be in (0, 1]. */
  beta?: number;
  /** Per-level weights λ^{(ℓ)}, ℓ = 0, 1, …, overriding β^ℓ (levels past the end get 0); e.g. fitted ones. */
  lambdas?: ArrayLike<number> | null;
  eps?: number;
  /** GPU chunk size (rounded down to a power of two; default 64); the result and the reference do not depend on it. */
  chunk?: number;
}

/** The doc's recursive Fenwick level. */
export function fenwickLevel(t: number, s: number): number {
  if (s > t) throw new Error(`fenwickLevel: source ${s} is after target ${t}`);
  if (s === t) return 0;
  const L = Math.floor(Math.log2(t));
  const v = 2 ** L;
  return s < v ? L + 1 : fenwickLevel(t - v, s - v);
}

/** λ^{(ℓ)}: the given per-level weights, or β^ℓ. */
export function levelWeight(o: LogLinearOpts, beta: number, l: number): number {
  if (o.lambdas) return l < o.lambdas.length ? o.lambdas[l] : 0;
  return beta ** l;
}

export function validateLogLinear(o: LogLinearOpts): number {
  if (!o.causal) {
    throw new Error('log-linear attention is defined here for causal attention only: set causal=1');
  }
  const beta = o.beta ?? DEFAULT_LOGLINEAR_BETA;
  if (!(beta > 0 && beta <= 1)) throw new Error(`log-linear β must be in (0, 1] (got ${beta})`);
  if (o.lambdas && Array.from(o.lambdas).some((x) => !(x >= 0 && Number.isFinite(x))))
    throw new Error('log-linear per-level weights must be finite and ≥ 0');
  return beta;
}

export function logLinearAttentionRef(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  o: LogLinearOpts,
): Float64Array {
  return runSteps(logLinearAttentionSteps(q, k, v, o));
}

/** The same, pausing every ~30 ms (`pause` gets the fraction done; let it report progress and breathe). */
export function logLinearAttentionRefAsync(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  o: LogLinearOpts,
  pause: (fraction: number) => Promise<void>,
): Promise<Float64Array> {
  return runStepsAsync(logLinearAttentionSteps(q, k, v, o), pause);
}

export function* logLinearAttentionSteps(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  o: LogLinearOpts,
): Steps<Float64Array> {
  const beta = validateLogLinear(o);
  const { n, d } = o;
  if (q.length !== n * d || k.length !== n * d || v.length !== n * d)
    throw new Error(`q, k, v must each be N×d = ${n}×${d}`);
  const eps = o.eps ?? LINEAR_EPS;
  const { phiQ, phiK, f } = featurePair(q, k, o as FeatureOpts);
  yield 0.1;
  const w = d + 1; // column d carries the denominator (v ≡ 1)
  const levels: Float64Array[] = [];
  const counts: number[] = [];
  const out = new Float64Array(n * d);
  const acc = new Float64Array(w);
  for (let t = 0; t < n; t++) {
    if (t > 0) {
      // Cascade: level 0 (token t − 1) always holds 2^0 tokens and moves up; a level that then holds
      // 2^ℓ tokens merges into ℓ + 1.
      let l = 0;
      while (counts[l] === 2 ** l) {
        if (levels.length <= l + 1) {
          levels.push(new Float64Array(f * w));
          counts.push(0);
        }
        const src = levels[l];
        const dst = levels[l + 1];
        for (let e = 0; e < f * w; e++) dst[e] += src[e];
        counts[l + 1] += counts[l];
        src.fill(0);
        counts[l] = 0;
        l++;
      }
    } else {
      levels.push(new Float64Array(f * w));
      counts.push(0);
    }
    const s0 = levels[0];
    for (let a = 0; a < f; a++) {
      const ka = phiK[t * f + a];
      for (let c = 0; c < d; c++) s0[a * w + c] = ka * v[t * d + c];
      s0[a * w + d] = ka;
    }
    counts[0] = 1;
    acc.fill(0);
    for (let l = 0; l < levels.length; l++) {
      if (counts[l] === 0) continue;
      const lam = levelWeight(o, beta, l);
      const S = levels[l];
      for (let a = 0; a < f; a++) {
        const qa = lam * phiQ[t * f + a];
        if (qa === 0) continue;
        for (let c = 0; c < w; c++) acc[c] += qa * S[a * w + c];
      }
    }
    for (let c = 0; c < d; c++) out[t * d + c] = acc[c] / (acc[d] + eps);
    if (t % 32 === 31) yield 0.1 + (0.9 * t) / n;
  }
  return out;
}
