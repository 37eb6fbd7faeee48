/**
 * Per-level weights of log-linear attention fitted by least squares [lab design; the paper learns
 * λ_t^{(ℓ)} with the model]. On calibration rows t, with A_ℓ(t) = Σ_{s: ℓ(t,s)=ℓ} φ(q_t)ᵀφ(k_s)·v_s and
 * z_ℓ(t) = Σ_{s: ℓ(t,s)=ℓ} φ(q_t)ᵀφ(k_s), the output Σλ_ℓA_ℓ / Σλ_ℓz_ℓ equals the dense o_t exactly when
 * Σ_ℓ λ_ℓ(A_ℓ − o_t z_ℓ) = 0; we minimise Σ_t ‖Σ_ℓ λ_ℓ(A_ℓ(t) − o_t z_ℓ(t))‖² / (Σ_ℓ z_ℓ(t))² with λ_0 = 1
 * (the output does not change when all λ scale together) and λ ≥ 0, by cyclic coordinate descent.
 */
import { type FeatureOpts, featurePair } from './feature-maps';

/** Fenwick level of source s ≤ t: 0 on the diagonal, else 1 + msb(t XOR s). */
export const fenwickLevelFast = (t: number, s: number) => (t === s ? 0 : 32 - Math.clz32(t ^ s));

export function fitLevelWeights(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  dense: ArrayLike<number>,
  o: FeatureOpts,
  calib: Uint8Array,
): Float64Array {
  const { n, d } = o;
  const { phiQ, phiK, f } = featurePair(q, k, o);
  const levels = n > 1 ? 33 - Math.clz32(n - 1) : 1;
  const G = new Float64Array(levels * levels);
  const A = new Float64Array(levels * d);
  const z = new Float64Array(levels);
  const D = new Float64Array(levels * d);
  for (let t = 0; t < n; t++) {
    if (!calib[t]) continue;
    A.fill(0);
    z.fill(0);
    for (let s = 0; s <= t; s++) {
      let w = 0;
      for (let a = 0; a < f; a++) w += phiQ[t * f + a] * phiK[s * f + a];
      const l = fenwickLevelFast(t, s);
      z[l] += w;
      for (let c = 0; c < d; c++) A[l * d + c] += w * v[s * d + c];
    }
    let Z = 0;
    for (let l = 0; l < levels; l++) Z += z[l];
    if (!(Z > 0)) continue;
    for (let l = 0; l < levels; l++)
      for (let c = 0; c < d; c++) D[l * d + c] = (A[l * d + c] - dense[t * d + c] * z[l]) / Z;
    for (let a = 0; a < levels; a++)
      for (let b = a; b < levels; b++) {
        let s = 0;
        for (let c = 0; c < d; c++) s += D[a * d + c] * D[b * d + c];
        G[a * levels + b] += s;
      }
  }
  for (let a = 0; a < levels; a++) for (let b = 0; b < a; b++) G[a * levels + b] = G[b * levels + a];
  const lam = Float64Array.from({ length: levels }, (_, l) => 0.5 ** l);
  lam[0] = 1;
  for (let sweep = 0; sweep < 400; sweep++) {
    let change = 0;
    for (let m = 1; m < levels; m++) {
      const gmm = G[m * levels + m];
      if (!(gmm > 0)) {
        lam[m] = 0;
        continue;
      }
      let r = 0;
      for (let l = 0; l < levels; l++) if (l !== m) r += G[m * levels + l] * lam[l];
      const next = Math.max(0, -r / gmm);
      change = Math.max(change, Math.abs(next - lam[m]));
      lam[m] = next;
    }
    if (change < 1e-10) break;
  }
  return lam;
}
