/**
 * Forward pass and loss of every SAE model on a batch X (B×d), float64 throughout.
 *   xc = X − b_dec (X itself for the 2024 ReLU-L1);  π = xc·W_encᵀ + b_enc  (B×M)
 *   codes z: ReLU(π) | TopK_k per row then ReLU | BatchTopK (top k·B of the batch) then ReLU |
 *            JumpReLU π·H(π − θ), θ = exp(t) | PolySAE: TopK then ReLU
 *   x̂ = z·W_dec + b_dec;  PolySAE shared: a = z·U, x̂ = b_dec + a·C₁ᵀ + λ₂(a_{:R₂})²·C₂ᵀ + λ₃(a_{:R₂})³·C₃ᵀ
 *   PolySAE general: a_p = z·U⁽ᵖ⁾, x̂ = b_dec + a₁C₁ᵀ + λ₂(a₁_{:R₂} ⊙ a₂)C₂ᵀ + λ₃(a₁_{:R₃} ⊙ a₂_{:R₃} ⊙ a₃)C₃ᵀ
 *   L = ‖X − x̂‖²/(B·v) + sparsity + aux, with sparsity λΣf_i‖d_i‖/(B√v) (ReLU-L1) or λ₀ΣH(π−θ)/B (JumpReLU),
 *   aux = α‖e − ẑ·W_dec‖²/‖e‖² with e = X − x̂ held constant and ẑ = ReLU(TopK_{k_aux}) over dead latents
 *   (0 while no latent is dead); for PolySAE's general form ẑ goes through the whole polynomial decoder
 *   without b_dec, ê = dec(ẑ) − b_dec (what decoding the AuxK codes gives, the bias being part of x̂ already).
 */
import { gemmNT, topkFast } from './fast';
import {
  centresInput,
  isBatchTopk,
  isJump,
  isPoly,
  isPolyGeneral,
  isReluL1,
  type Params,
  type SaeConfig,
  usesAux,
} from './model';
import { type PolyProjection, polyDecodeGeneral, polyProject } from './polysae';
import { kthLargest, topkRow } from './topk';

export interface ForwardOptions {
  /** Dead latents (1 = dead): the AuxK candidates. */
  dead?: ArrayLike<number>;
  /** Multiplier of the sparsity coefficient (its warm-up), default 1. */
  sparsityScale?: number;
  /** Inference: BatchTopK thresholds at θ (from the EMA) instead of selecting over the batch. */
  batchTheta?: number;
  /** Hold the AuxK target fixed at this residual (finite-difference checks of the stop-gradient). */
  auxTarget?: Float64Array;
}

export interface Forward {
  B: number;
  xc: Float64Array;
  pre: Float64Array;
  /** Codes, B×M dense. */
  z: Float64Array;
  /** Which entries the selection kept (TopK/BatchTopK/PolySAE), before the ReLU. */
  sel?: Uint8Array;
  /** PolySAE projection a = z·U (B×R₁). */
  a?: Float64Array;
  /** PolySAE general form: a₂ = z·U⁽²⁾ (B×R₂) and a₃ = z·U⁽³⁾ (B×R₃); `a` is a₁. */
  poly?: PolyProjection;
  xhat: Float64Array;
  /** e = X − x̂. */
  e: Float64Array;
  aux?: {
    z: Float64Array;
    sel: Uint8Array;
    ehat: Float64Array;
    target: Float64Array;
    norm: number;
    /** PolySAE general form: the projections of the AuxK codes. */
    poly?: PolyProjection;
  };
  /** JumpReLU thresholds θ = exp(t). */
  theta?: Float64Array;
  /** BatchTopK: the value of the (k·B)-th largest pre-activation. */
  batchThreshold?: number;
  loss: { rec: number; sparsity: number; aux: number; total: number; l0: number };
}

export function forward(
  c: SaeConfig,
  p: Params,
  X: ArrayLike<number>,
  B: number,
  o: ForwardOptions = {},
): Forward {
  const { d, m } = c;
  const xc = new Float64Array(B * d);
  const centre = centresInput(c);
  for (let b = 0; b < B; b++)
    for (let j = 0; j < d; j++) xc[b * d + j] = X[b * d + j] - (centre ? p.b_dec[j] : 0);
  const pre = gemmNT(xc, p.W_enc, B, m, d, p.b_enc); // = linear(xc, W_enc, b_enc), register-blocked
  const z = new Float64Array(B * m);
  let sel: Uint8Array | undefined;
  let theta: Float64Array | undefined;
  let batchThreshold: number | undefined;
  if (isReluL1(c)) {
    for (let q = 0; q < z.length; q++) z[q] = Math.max(pre[q], 0);
  } else if (isJump(c)) {
    theta = p.log_threshold.map(Math.exp);
    for (let b = 0; b < B; b++)
      for (let i = 0; i < m; i++) if (pre[b * m + i] > theta[i]) z[b * m + i] = pre[b * m + i];
  } else if (isBatchTopk(c) && o.batchTheta !== undefined && o.batchTheta > 0) {
    for (let q = 0; q < z.length; q++) z[q] = pre[q] > o.batchTheta ? pre[q] : 0;
  } else if (isBatchTopk(c)) {
    sel = new Uint8Array(B * m);
    const T = kthLargest(pre, Math.min(c.k * B, B * m));
    batchThreshold = T;
    for (let q = 0; q < z.length; q++) {
      if (pre[q] >= T) {
        sel[q] = 1;
        if (pre[q] > 0) z[q] = pre[q];
      }
    }
  } else {
    sel = new Uint8Array(B * m);
    for (let b = 0; b < B; b++) {
      for (const i of topkRow(pre, b * m, m, c.k)) {
        sel[b * m + i] = 1;
        if (pre[b * m + i] > 0) z[b * m + i] = pre[b * m + i];
      }
    }
  }

  let a: Float64Array | undefined;
  let poly: PolyProjection | undefined;
  let xhat: Float64Array;
  if (isPolyGeneral(c)) {
    poly = polyProject(c, p, z, B);
    a = poly.a1;
    xhat = polyDecodeGeneral(c, p, poly, B, true);
  } else if (isPoly(c)) {
    a = sparseTimes(z, p.U, B, m, c.rank1);
    xhat = polyDecode(c, p, a, B);
  } else {
    xhat = sparseTimes(z, p.W_dec, B, m, d);
    for (let b = 0; b < B; b++) for (let j = 0; j < d; j++) xhat[b * d + j] += p.b_dec[j];
  }
  const e = new Float64Array(B * d);
  let sq = 0;
  for (let q = 0; q < e.length; q++) {
    e[q] = X[q] - xhat[q];
    sq += e[q] * e[q];
  }
  const rec = sq / (B * c.variance);
  let l0 = 0;
  for (let q = 0; q < z.length; q++) if (z[q] > 0) l0++;
  l0 /= B;

  const scale = o.sparsityScale ?? 1;
  let sparsity = 0;
  if (isReluL1(c)) {
    const norms = rowNorms(p.W_dec, m, d);
    let s = 0;
    for (let b = 0; b < B; b++) for (let i = 0; i < m; i++) s += z[b * m + i] * norms[i];
    sparsity = (c.l1 * scale * s) / (B * Math.sqrt(c.variance));
  } else if (isJump(c) && theta) {
    let cnt = 0;
    for (let b = 0; b < B; b++) for (let i = 0; i < m; i++) if (pre[b * m + i] > theta[i]) cnt++;
    sparsity = (c.l0Coeff * scale * cnt) / B;
  }

  let aux: Forward['aux'];
  let auxLoss = 0;
  if (usesAux(c) && o.dead && anyDead(o.dead) && o.batchTheta === undefined) {
    const zA = new Float64Array(B * m);
    const selA = new Uint8Array(B * m);
    for (let b = 0; b < B; b++) {
      // Quickselect: faster than the insertion buffer for AuxK's larger k (same set, tested).
      for (const i of topkFast(pre, b * m, m, c.auxK, o.dead, topkRow)) {
        selA[b * m + i] = 1;
        if (pre[b * m + i] > 0) zA[b * m + i] = pre[b * m + i];
      }
    }
    const polyA = isPolyGeneral(c) ? polyProject(c, p, zA, B) : undefined;
    const ehat = polyA ? polyDecodeGeneral(c, p, polyA, B, false) : sparseTimes(zA, p.W_dec, B, m, d);
    const target = o.auxTarget ?? e;
    let norm = 0;
    let diff = 0;
    for (let q = 0; q < target.length; q++) {
      norm += target[q] * target[q];
      diff += (target[q] - ehat[q]) ** 2;
    }
    auxLoss = norm > 0 ? (c.auxCoeff * diff) / norm : 0;
    aux = { z: zA, sel: selA, ehat, target, norm, poly: polyA };
  }
  return {
    B,
    xc,
    pre,
    z,
    sel,
    a,
    poly,
    xhat,
    e,
    aux,
    theta,
    batchThreshold,
    loss: { rec, sparsity, aux: auxLoss, total: rec + sparsity + auxLoss, l0 },
  };
}

const anyDead = (dead: ArrayLike<number>) => Array.prototype.some.call(dead, (v: number) => v !== 0);

/** Y = X·Wᵀ + bias, X B×n, W m×n (through a transposed copy of W, so the inner loop runs along a row of Y). */
export function linear(
  X: Float64Array,
  W: Float64Array,
  bias: Float64Array,
  B: number,
  m: number,
  n: number,
): Float64Array {
  const out = new Float64Array(B * m);
  const Wt = new Float64Array(n * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) Wt[j * m + i] = W[i * n + j];
  for (let b = 0; b < B; b++) {
    const o = b * m;
    out.set(bias, o);
    for (let j = 0; j < n; j++) {
      const x = X[b * n + j];
      if (x === 0) continue;
      const wo = j * m;
      for (let i = 0; i < m; i++) out[o + i] += x * Wt[wo + i];
    }
  }
  return out;
}

/** Z·A for a mostly-zero Z (B×m) and A (m×w): a gather of the rows of A that Z uses. */
export function sparseTimes(Z: Float64Array, A: Float64Array, B: number, m: number, w: number): Float64Array {
  const out = new Float64Array(B * w);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < m; i++) {
      const zi = Z[b * m + i];
      if (zi === 0) continue;
      for (let j = 0; j < w; j++) out[b * w + j] += zi * A[i * w + j];
    }
  }
  return out;
}

export function polyDecode(c: SaeConfig, p: Params, a: Float64Array, B: number): Float64Array {
  const { d, rank1: R1, rank2: R2 } = c;
  const [l2, l3] = p.lambda;
  const out = new Float64Array(B * d);
  for (let b = 0; b < B; b++) {
    const ao = b * R1;
    for (let j = 0; j < d; j++) {
      let s = p.b_dec[j];
      for (let r = 0; r < R1; r++) s += a[ao + r] * p.C1[j * R1 + r];
      let s2 = 0;
      let s3 = 0;
      for (let r = 0; r < R2; r++) {
        const v = a[ao + r];
        s2 += v * v * p.C2[j * R2 + r];
        s3 += v * v * v * p.C3[j * R2 + r];
      }
      out[b * d + j] = s + l2 * s2 + l3 * s3;
    }
  }
  return out;
}

export function rowNorms(W: Float64Array, m: number, d: number): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += W[i * d + j] ** 2;
    out[i] = Math.sqrt(s);
  }
  return out;
}
