/**
 * SLA-style sparse + linear attention (docs/methods.md#sla), CPU reference and CPU backend. float64.
 *
 * 1. Pool: q̄_I = mean of the rows of query block I, k̄_J = mean of (k − mean_j k_j) over key block J
 *    (smooth-k), dividing by the real row count of a partial last block.
 * 2. Score: Ŝ_IJ = τ q̄_I·k̄_J, τ = 1/√d; causal: −∞ for key blocks after the query block (J > I).
 * 3. Classify per query block among its n_avail visible key blocks, ranked by Ŝ (ties → lower J):
 *    the paper's split: the top n_crit = clamp(⌈kh·n_avail/100⌉, 1, n_avail) are critical (2), the bottom
 *    n_neg = ⌊kl·n_avail/100⌋ negligible (0) (never eating into the critical ones: n_keep = max(n_crit,
 *    n_avail − n_neg)), the rest marginal (1). kl = 0 is the released code's setting (no block skipped).
 *    Causal: the diagonal block is always critical and ranked first (so no block needs an intra-block
 *    causal mask in the linear part, and every row sees at least its own key). −1 marks an invisible block.
 * 4. O_s = exact softmax(τ q kᵀ) over the keys of critical blocks only (normalised among them).
 *    O_l = φ(q_i)ᵀ Σ_{J marginal} H_J / (φ(q_i)ᵀ Σ_{J marginal} z_J + ε), H_J = φ(K_J)ᵀV_J, z_J = Σ_rows φ(K_J);
 *    O_l = 0 when a query block has no marginal block.
 * 5. Combine:
 *    'mix' (the lab's, default): O = α_I O_s + (1 − α_I) O_l,  α_I = Σ_{J crit} n_J e^{Ŝ_IJ} / Σ_{J crit ∪ marg} n_J e^{Ŝ_IJ}
 *    'sum' (the paper's):        O = O_s + Proj(O_l), Proj(o) = [o, 1]·W with W ∈ ℝ^{(d+1)×d} (`proj`):
 *       W = 0 is the paper's initialisation (SLA = block-sparse), W = [I; 0] the identity (no `proj`), and a
 *       W fitted by ridge regression on calibration rows (sla-projection.ts) stands in for fine-tuning.
 * With kh = 100 every visible block is critical and SLA equals dense softmax attention.
 */

import { type FeatureMap, type FeatureOpts, featurePair, LINEAR_EPS } from './feature-maps';
import { runSteps, runStepsAsync, type Steps } from './linear-steps';

export type SlaCombine = 'mix' | 'sum';

export interface SlaOpts {
  n: number;
  d: number;
  causal: boolean;
  /** Block size b of both query and key blocks. */
  block: number;
  /** Percent of visible key blocks per query block computed exactly (critical): the top ones. */
  kh: number;
  /** Percent of visible key blocks per query block skipped (negligible): the bottom ones. The rest are marginal. */
  kl: number;
  featureMap: FeatureMap;
  favorFeatures: number;
  seed: number;
  combine?: SlaCombine;
  /** 'sum' only: (d+1)×d row-major W of Proj(o) = [o, 1]·W; absent = identity. */
  proj?: ArrayLike<number> | null;
  eps?: number;
}

export interface SlaBlocks {
  nb: number;
  /** nb×nb pooled scores τ q̄·k̄ (−Infinity where a key block is invisible). */
  scores: Float64Array;
  /** nb×nb: 2 critical, 1 marginal, 0 negligible, −1 invisible (causal, after the diagonal). */
  classes: Int32Array;
  /** Per query block, the estimated share of visible mass in its critical blocks. */
  alpha: Float64Array;
}

export interface SlaResult extends SlaBlocks {
  out: Float64Array;
  /** The sparse part O_s and the linear part O_l (N×d), before combining. */
  os: Float64Array;
  ol: Float64Array;
}

export const SLA_CLASS = { invisible: -1, negligible: 0, marginal: 1, critical: 2 } as const;

export function validateSla(o: SlaOpts): void {
  if (!Number.isInteger(o.block) || o.block < 1)
    throw new Error(`SLA block size must be a positive integer (got ${o.block})`);
  if (!(o.kh >= 0 && o.kh <= 100)) throw new Error(`SLA kh must be a percentage in [0, 100] (got ${o.kh})`);
  if (!(o.kl >= 0 && o.kl <= 100)) throw new Error(`SLA kl must be a percentage in [0, 100] (got ${o.kl})`);
}

/** How many of `nAvail` visible blocks are critical (top kh%), and how many are kept (all but the bottom kl%). */
export function slaCounts(nAvail: number, kh: number, kl: number): [number, number] {
  const nCrit = Math.min(nAvail, Math.max(1, Math.ceil((kh * nAvail) / 100 - 1e-9)));
  const nNeg = Math.floor((kl * nAvail) / 100 + 1e-9);
  return [nCrit, Math.max(nCrit, nAvail - nNeg)];
}

function meanPool(x: ArrayLike<number>, n: number, d: number, b: number, shift?: Float64Array): Float64Array {
  const nb = Math.ceil(n / b);
  const out = new Float64Array(nb * d);
  for (let J = 0; J < nb; J++) {
    const r1 = Math.min(n, (J + 1) * b);
    for (let r = J * b; r < r1; r++) for (let c = 0; c < d; c++) out[J * d + c] += x[r * d + c];
    const cnt = r1 - J * b;
    for (let c = 0; c < d; c++) out[J * d + c] = out[J * d + c] / cnt - (shift ? shift[c] : 0);
  }
  return out;
}

export function slaClassify(q: ArrayLike<number>, k: ArrayLike<number>, o: SlaOpts): SlaBlocks {
  validateSla(o);
  const { n, d, block: b, causal } = o;
  const nb = Math.ceil(n / b);
  const tau = 1 / Math.sqrt(d);
  const mu = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let c = 0; c < d; c++) mu[c] += k[r * d + c];
  for (let c = 0; c < d; c++) mu[c] /= n;
  const qp = meanPool(q, n, d, b);
  const kp = meanPool(k, n, d, b, mu);
  const scores = new Float64Array(nb * nb);
  const classes = new Int32Array(nb * nb);
  const alpha = new Float64Array(nb);
  const size = (J: number) => Math.min(n, (J + 1) * b) - J * b;
  for (let I = 0; I < nb; I++) {
    const nAvail = causal ? I + 1 : nb;
    for (let J = 0; J < nb; J++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += qp[I * d + c] * kp[J * d + c];
      scores[I * nb + J] = J < nAvail ? tau * s : Number.NEGATIVE_INFINITY;
    }
    const row = scores.subarray(I * nb, (I + 1) * nb);
    const order = Array.from({ length: nAvail }, (_, J) => J).sort((a, c) => {
      if (causal && a === I) return -1;
      if (causal && c === I) return 1;
      return row[c] - row[a] || a - c;
    });
    const [nCrit, nKeep] = slaCounts(nAvail, o.kh, o.kl);
    classes.fill(SLA_CLASS.invisible, I * nb, (I + 1) * nb);
    order.forEach((J, rank) => {
      classes[I * nb + J] =
        rank < nCrit ? SLA_CLASS.critical : rank < nKeep ? SLA_CLASS.marginal : SLA_CLASS.negligible;
    });
    let mx = Number.NEGATIVE_INFINITY;
    for (let J = 0; J < nAvail; J++) mx = Math.max(mx, row[J]);
    let crit = 0;
    let keep = 0;
    for (let J = 0; J < nAvail; J++) {
      const cls = classes[I * nb + J];
      const w = size(J) * Math.exp(row[J] - mx);
      if (cls === SLA_CLASS.critical) crit += w;
      if (cls >= SLA_CLASS.marginal) keep += w;
    }
    alpha[I] = crit / keep;
  }
  return { nb, scores, classes, alpha };
}

export function slaRef(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  o: SlaOpts,
): SlaResult {
  return runSteps(slaSteps(q, k, v, o));
}

/** The same, pausing every ~30 ms (`pause` gets the fraction done; let it report progress and breathe). */
export function slaRefAsync(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  o: SlaOpts,
  pause: (fraction: number) => Promise<void>,
): Promise<SlaResult> {
  return runStepsAsync(slaSteps(q, k, v, o), pause);
}

export function* slaSteps(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  o: SlaOpts,
): Steps<SlaResult> {
  const { n, d, block: b, causal } = o;
  if (q.length !== n * d || k.length !== n * d || v.length !== n * d)
    throw new Error(`q, k, v must each be N×d = ${n}×${d}`);
  const blocks = slaClassify(q, k, o);
  const { nb, classes, alpha } = blocks;
  const tau = 1 / Math.sqrt(d);
  const eps = o.eps ?? LINEAR_EPS;
  yield 0.05;
  const { phiQ, phiK, f } = featurePair(q, k, o as FeatureOpts);
  yield 0.15;

  // Block KV sums H_J (F×d) and z_J (F).
  const H = new Float64Array(nb * f * d);
  const Z = new Float64Array(nb * f);
  for (let j = 0; j < n; j++) {
    const J = Math.floor(j / b);
    for (let a = 0; a < f; a++) {
      const kj = phiK[j * f + a];
      Z[J * f + a] += kj;
      for (let c = 0; c < d; c++) H[(J * f + a) * d + c] += kj * v[j * d + c];
    }
  }

  const out = new Float64Array(n * d);
  const osAll = new Float64Array(n * d);
  const olAll = new Float64Array(n * d);
  const W = o.combine === 'sum' ? (o.proj ?? null) : null;
  if (W && W.length !== (d + 1) * d)
    throw new Error(`SLA projection must be (d+1)×d = ${(d + 1) * d} values`);
  const M = new Float64Array(f * d);
  const Mz = new Float64Array(f);
  const p = new Float64Array(n);
  for (let I = 0; I < nb; I++) {
    M.fill(0);
    Mz.fill(0);
    for (let J = 0; J < nb; J++) {
      if (classes[I * nb + J] !== SLA_CLASS.marginal) continue;
      for (let e = 0; e < f * d; e++) M[e] += H[J * f * d + e];
      for (let a = 0; a < f; a++) Mz[a] += Z[J * f + a];
    }
    const i1 = Math.min(n, (I + 1) * b);
    for (let i = I * b; i < i1; i++) {
      // Sparse part: two-pass softmax over the critical keys this row may see.
      let mx = Number.NEGATIVE_INFINITY;
      const keys: number[] = [];
      for (let J = 0; J < nb; J++) {
        if (classes[I * nb + J] !== SLA_CLASS.critical) continue;
        const j1 = Math.min(n, (J + 1) * b, causal ? i + 1 : n);
        for (let j = J * b; j < j1; j++) {
          let s = 0;
          for (let c = 0; c < d; c++) s += q[i * d + c] * k[j * d + c];
          p[j] = tau * s;
          keys.push(j);
          mx = Math.max(mx, p[j]);
        }
      }
      let l = 0;
      for (const j of keys) l += p[j] = Math.exp(p[j] - mx);
      const os = new Float64Array(d);
      if (l > 0) for (const j of keys) for (let c = 0; c < d; c++) os[c] += (p[j] / l) * v[j * d + c];
      // Linear part over the marginal blocks' sums.
      const ol = new Float64Array(d);
      let den = 0;
      for (let a = 0; a < f; a++) {
        const qa = phiQ[i * f + a];
        den += qa * Mz[a];
        for (let c = 0; c < d; c++) ol[c] += qa * M[a * d + c];
      }
      for (let c = 0; c < d; c++) {
        const lin = ol[c] / (den + eps);
        osAll[i * d + c] = os[c];
        olAll[i * d + c] = lin;
        out[i * d + c] = o.combine === 'sum' ? os[c] + lin : alpha[I] * os[c] + (1 - alpha[I]) * lin;
      }
      if (W) {
        for (let c = 0; c < d; c++) {
          let s = W[d * d + c];
          for (let e = 0; e < d; e++) s += olAll[i * d + e] * W[e * d + c];
          out[i * d + c] = os[c] + s;
        }
      }
      if (i % 16 === 15) yield 0.2 + (0.8 * i) / n;
    }
  }
  return { ...blocks, out, os: osAll, ol: olAll };
}
