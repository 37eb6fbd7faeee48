/**
 * Linear attention (docs/methods.md#linear-attention), CPU reference and CPU backend. float64 throughout.
 *
 *   non-causal: o_i = φ(q_i)ᵀS / (φ(q_i)ᵀz + ε),  S = Σ_j φ(k_j)v_jᵀ,  z = Σ_j φ(k_j)
 *   causal, chunked (chunk C): for chunk c,
 *     O_c = [(Φ_Q,c Φ_K,cᵀ) ⊙ M_tril] V_c + Φ_Q,c S_{c−1}   (same for the denominator with v ≡ 1)
 *     S_c = S_{c−1} + Φ_K,cᵀ V_c
 * Cost O(N·C·F + N·F·d); never a loop over all N² pairs. The token-by-token recurrence is the test's naive form.
 */

import { type FeatureMap, type FeatureOpts, featurePair, LINEAR_EPS } from './feature-maps';
import { runSteps, runStepsAsync, type Steps } from './linear-steps';

export interface LinearAttentionOpts {
  n: number;
  d: number;
  causal: boolean;
  featureMap: FeatureMap;
  /** FAVOR+ feature count m (0: ⌊d ln d⌋). */
  favorFeatures: number;
  /** Chunk size of the causal form (any value ≥ 1). */
  chunk: number;
  seed: number;
  /** Denominator guard; default 1e-6 (the golden elu+1 cases use 0). */
  eps?: number;
}

export function validateLinearShapes(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  n: number,
  d: number,
): void {
  if (!Number.isInteger(n) || !Number.isInteger(d) || n < 1 || d < 1)
    throw new Error(`bad sizes N=${n}, d=${d}`);
  for (const [name, a] of [
    ['q', q],
    ['k', k],
    ['v', v],
  ] as const) {
    if (a.length !== n * d)
      throw new Error(`${name} has ${a.length} values, expected N×d = ${n}×${d} = ${n * d}`);
  }
}

export function linearAttentionRef(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  o: LinearAttentionOpts,
): Float64Array {
  return runSteps(linearAttentionSteps(q, k, v, o));
}

/** The same, pausing every ~30 ms (`pause` gets the fraction done; let it report progress and breathe). */
export function linearAttentionRefAsync(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  o: LinearAttentionOpts,
  pause: (fraction: number) => Promise<void>,
): Promise<Float64Array> {
  return runStepsAsync(linearAttentionSteps(q, k, v, o), pause);
}

export function* linearAttentionSteps(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  o: LinearAttentionOpts,
): Steps<Float64Array> {
  const { n, d } = o;
  validateLinearShapes(q, k, v, n, d);
  const { phiQ, phiK, f } = featurePair(q, k, o as FeatureOpts);
  yield 0.1;
  const chunk = Math.max(1, Math.floor(o.chunk));
  return yield* linearFromFeatures(phiQ, phiK, v, n, d, f, o.causal, chunk, o.eps ?? LINEAR_EPS);
}

/** Linear attention on precomputed features (N×F each). */
function* linearFromFeatures(
  phiQ: Float64Array,
  phiK: Float64Array,
  v: ArrayLike<number>,
  n: number,
  d: number,
  f: number,
  causal: boolean,
  chunk: number,
  eps: number,
): Steps<Float64Array> {
  const out = new Float64Array(n * d);
  const S = new Float64Array(f * d);
  const z = new Float64Array(f);
  const addKeys = (j0: number, j1: number) => {
    for (let j = j0; j < j1; j++) {
      for (let a = 0; a < f; a++) {
        const kj = phiK[j * f + a];
        if (kj === 0) continue;
        z[a] += kj;
        for (let c = 0; c < d; c++) S[a * d + c] += kj * v[j * d + c];
      }
    }
  };
  // Inter part: o_i += φ(q_i)ᵀS, den_i += φ(q_i)ᵀz.
  const num = new Float64Array(d);
  const readState = (i: number): number => {
    num.fill(0);
    let den = 0;
    for (let a = 0; a < f; a++) {
      const qa = phiQ[i * f + a];
      if (qa === 0) continue;
      den += qa * z[a];
      for (let c = 0; c < d; c++) num[c] += qa * S[a * d + c];
    }
    return den;
  };
  if (!causal) {
    addKeys(0, n);
    for (let i = 0; i < n; i++) {
      const den = readState(i);
      for (let c = 0; c < d; c++) out[i * d + c] = num[c] / (den + eps);
      if (i % 64 === 63) yield 0.1 + (0.9 * i) / n;
    }
    return out;
  }
  for (let c0 = 0; c0 < n; c0 += chunk) {
    const c1 = Math.min(n, c0 + chunk);
    for (let i = c0; i < c1; i++) {
      let den = readState(i); // S_{c−1}: keys before the chunk
      for (let j = c0; j <= i; j++) {
        let w = 0;
        for (let a = 0; a < f; a++) w += phiQ[i * f + a] * phiK[j * f + a];
        den += w;
        for (let c = 0; c < d; c++) num[c] += w * v[j * d + c];
      }
      for (let c = 0; c < d; c++) out[i * d + c] = num[c] / (den + eps);
    }
    addKeys(c0, c1);
    yield 0.1 + (0.9 * c1) / n;
  }
  return out;
}
