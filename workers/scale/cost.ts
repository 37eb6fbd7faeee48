/**
 * The scale view's cost model: FLOPs and memory of the dense baseline and of the chosen method at sizes no
 * browser holds (attention up to 128k tokens, SAEs up to 1M latents, regression up to 10⁶ × 10⁴), the
 * crossovers, and a roofline time estimate for a GPU class. Pure functions of the spec values and sizes.
 *
 * Counting conventions (the runners' own): one multiply-add = 2 FLOPs; attention FLOPs = 4·d per attended
 * (query, key) pair (q·k and p·v); memory = bytes resident on the device in float32 (4 bytes), the inputs,
 * outputs and every buffer the method adds (indices, pooled blocks, states), not counting the dense N×N
 * score matrix that a flash kernel never forms (`unfusedScoresBytes` reports it separately).
 */
import { favorCount } from '../reference/attention/feature-maps';
import { LLSA_B, llsaLevels, llsaSelectMacs } from '../reference/attention/llsa';
import type { AttentionMethod } from '../spec/attention';
import { solverInfo } from '../spec/regression-methods';

export interface Cost {
  flops: number;
  bytes: number;
}

const F32 = 4;

// ---------------------------------------------------------------------------------------------- attention

export interface AttnShape {
  heads: number;
  n: number;
  d: number;
  causal: boolean;
}

export interface AttnMethodParams {
  method: string;
  window: number;
  sinks: number;
  block: number;
  selection: string;
  rho: number;
  hipK: number;
  hipBk: number;
  featureMap: string;
  favorFeatures: number;
  chunk: number;
  kh: number;
  kl: number;
  /** LLSA: blocks per level and levels (0 = the released code's rule). */
  llsaK?: number;
  llsaLevels?: number;
}

/** Visible (query, key) pairs of dense attention: N(N+1)/2 causal, N² otherwise. */
export const densePairCount = (n: number, causal: boolean) => (causal ? (n * (n + 1)) / 2 : n * n);

/** Width F of the feature map φ. */
export function featureWidth(p: Pick<AttnMethodParams, 'featureMap' | 'favorFeatures'>, d: number): number {
  if (p.featureMap === 'favor') return favorCount(d, p.favorFeatures);
  if (p.featureMap === 'cosformer') return 2 * d;
  return d;
}

/** Q, K, V, O and the log-sum-exp per row: what every softmax kernel keeps. */
const qkvoBytes = (s: AttnShape) => F32 * (4 * s.heads * s.n * s.d + s.heads * s.n);

export function denseAttentionCost(s: AttnShape): Cost {
  return { flops: 4 * s.heads * densePairCount(s.n, s.causal) * s.d, bytes: qkvoBytes(s) };
}

/** The score matrix a non-fused implementation materialises (H·N² floats). */
export const unfusedScoresBytes = (s: AttnShape) => F32 * s.heads * s.n * s.n;

/** Pairs of sliding window + sinks (causal: j ≤ i and (i − j < w or j < s); else |i − j| ≤ ⌊w/2⌋ or j < s). */
export function windowPairCount(n: number, causal: boolean, window: number, sinks: number): number {
  if (causal) {
    // Band: Σ_i min(i + 1, w). Sinks before the band: Σ_{t=1}^{N−w} min(s, t).
    const w = Math.min(window, n);
    const band = (w * (w + 1)) / 2 + (n - w) * w;
    const m = n - w;
    const s = Math.min(sinks, n);
    const before = m <= s ? (m * (m + 1)) / 2 : (s * (s + 1)) / 2 + (m - s) * s;
    return band + before;
  }
  const h = Math.floor(window / 2);
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - h);
    const hi = Math.min(n - 1, i + h);
    // The band, the sinks left of it, and the sinks right of it (queries near the start see them all).
    pairs += hi - lo + 1 + Math.min(sinks, lo) + Math.max(0, Math.min(sinks, n) - (hi + 1));
  }
  return pairs;
}

/** Pairs of one query block I (rows [I·b, min(n, (I+1)b))) against a full key block J < I, or its diagonal. */
function blockPairRows(n: number, b: number, I: number, J: number, causal: boolean): number {
  const r0 = I * b;
  const r1 = Math.min(n, r0 + b);
  const c0 = J * b;
  const c1 = Math.min(n, c0 + b);
  if (!causal || J < I) return (r1 - r0) * (c1 - c0);
  // Diagonal: query i sees keys c0..i.
  let p = 0;
  for (let i = r0; i < r1; i++) p += Math.min(c1, i + 1) - c0;
  return p;
}

const topkCount = (rho: number, visible: number) =>
  Math.max(1, Math.min(visible, Math.ceil(rho * visible - 1e-9)));

/**
 * Block-sparse top-k pairs: per query block the top ⌈ρ·visible⌉ key blocks plus the diagonal and block 0
 * (an upper bound: the selection may already hold them), counted as full blocks.
 */
export function blockSparsePairCount(
  n: number,
  causal: boolean,
  block: number,
  rho: number,
): { pairs: number; keptBlocks: number } {
  const nb = Math.ceil(n / block);
  let pairs = 0;
  let keptBlocks = 0;
  for (let I = 0; I < nb; I++) {
    const visible = causal ? I + 1 : nb;
    const kept = Math.min(visible, topkCount(rho, visible) + (I === 0 ? 0 : 2));
    keptBlocks += kept;
    // The diagonal and block 0, then other full blocks (J < I causal; any other non-causal).
    let p = blockPairRows(n, block, I, I, causal);
    if (I > 0) p += blockPairRows(n, block, I, 0, causal);
    const others = kept - (I > 0 ? 2 : 1);
    p += others * (Math.min(n, (I + 1) * block) - I * block) * block;
    pairs += p;
  }
  return { pairs, keptBlocks };
}

/** SLA's counts: per query block, n_crit = clamp(⌈kh·visible/100⌉, 1, visible) critical blocks (the diagonal among them when causal). */
function slaCritical(visible: number, kh: number): number {
  return Math.min(visible, Math.max(1, Math.ceil((kh * visible) / 100 - 1e-9)));
}

export function slaPairCount(n: number, causal: boolean, block: number, kh: number): number {
  const nb = Math.ceil(n / block);
  let pairs = 0;
  for (let I = 0; I < nb; I++) {
    const crit = slaCritical(causal ? I + 1 : nb, kh);
    const rows = Math.min(n, (I + 1) * block) - I * block;
    pairs += causal ? blockPairRows(n, block, I, I, true) + (crit - 1) * rows * block : crit * rows * block;
  }
  return pairs;
}

/** What every method's cost shares: the sizes, the softmax kernels' Q/K/V/O bytes, φ's width and the block count. */
interface CostCtx {
  H: number;
  n: number;
  d: number;
  causal: boolean;
  base: number;
  F: number;
  nb: number;
}

type MethodCost = (s: AttnShape, p: AttnMethodParams, c: CostCtx) => Cost & { model: string };

/** Each attention method's FLOPs (the runner's formulas) and device memory; `model` says how exact it is. */
const ATTENTION_COSTS: { [K in AttentionMethod]: MethodCost } = {
  dense: (s, _p) => {
    return { ...denseAttentionCost(s), model: 'exact' };
  },
  window: (_s, p, { H, n, d, causal, base }) => {
    const pairs = windowPairCount(n, causal, p.window, p.sinks);
    return { flops: 4 * H * pairs * d, bytes: base, model: 'exact' };
  },
  blocksparse: (_s, p, { H, n, d, causal, base, nb }) => {
    const { pairs, keptBlocks } = blockSparsePairCount(n, causal, p.block, p.rho);
    return {
      flops: 4 * H * pairs * d + H * (4 * n * d + 2 * nb * nb * d),
      bytes: base + F32 * H * (2 * nb * d + nb * nb + keptBlocks),
      model:
        p.selection === 'topk'
          ? 'top-k counts; diagonal and sink blocks counted as extra (an upper bound)'
          : 'top-p keeps a data-dependent count: modelled as top-k at ρ',
    };
  },
  hip: (_s, p, { H, n, d, causal, base }) => {
    // Per query: sinks + at most k selected tokens + its window (an upper bound).
    const K = Math.ceil(p.hipK / p.hipBk);
    const perQuery = Math.min(p.sinks, n) + Math.min(p.hipK, n) + Math.min(p.window, n);
    const pairs = Math.min(densePairCount(n, causal), n * perQuery);
    return {
      flops: 4 * H * pairs * d,
      bytes: base + F32 * H * Math.ceil(n / 32) * K,
      model: 'upper bound: sinks + k + window keys per query; the tree search not counted',
    };
  },
  sea: (_s, p, { H, n, d, causal, base, F }) => {
    const T = d;
    const keptBuckets = topkCount(p.rho, T) + 1;
    const pairs = Math.min(densePairCount(n, causal), n * Math.ceil((keptBuckets * n) / T));
    return {
      flops: 4 * H * pairs * d + H * 4 * n * F * T,
      bytes: base + F32 * H * n * (T + Math.ceil(T / 32)),
      model: 'upper bound: ⌈ρT⌉ + 1 buckets of N/T keys per query',
    };
  },
  linear: (_s, p, { H, n, d, causal, F }) => {
    const c = Math.min(p.chunk, n);
    return {
      flops: H * (4 * n * F * d + (causal ? 2 * n * c * (F + d) : 0)),
      bytes: F32 * (4 * H * n * d + H * Math.ceil(n / c) * F * (d + 1)),
      model: 'exact',
    };
  },
  loglinear: (_s, p, { H, n, d, F }) => {
    const c = Math.min(p.chunk, n);
    const levels = 1 + Math.log2(Math.max(1, n / c));
    return {
      flops: H * (4 * n * F * d * levels + 2 * n * c * (F + d)),
      bytes: F32 * (4 * H * n * d + H * Math.ceil(levels) * F * (d + 1)),
      model: 'exact',
    };
  },
  sla: (_s, p, { H, n, d, causal, base, F, nb }) => {
    const pairs = H * slaPairCount(n, causal, p.block, p.kh);
    return {
      flops: 4 * pairs * d + H * (4 * n * F * d + 4 * n * d + 2 * nb * nb * d),
      bytes: base + F32 * H * (2 * nb * d + nb * nb + nb * F * (d + 1)),
      model: 'exact for N a multiple of the block',
    };
  },
  llsa: (_s, p, { H, n, d, base }) => {
    // Per query: at most K blocks of 16 tokens at the finest level and K pooled rows at each coarser level,
    // plus its own block; the hierarchical selection scores the top level in full and K·16 children below.
    const L = llsaLevels(n, p.llsaLevels ?? 0);
    const K = p.llsaK ?? 8;
    const perQuery = Math.min(n, (K + 1) * LLSA_B) + (L - 1) * K;
    return {
      flops: 4 * H * n * perQuery * d + 2 * H * llsaSelectMacs(n, d, K, L) + 3 * H * n * d * L,
      bytes: base + F32 * H * (n / LLSA_B) * (L + 1) * d,
      model: 'upper bound: K blocks per level per query plus the hierarchical selection',
    };
  },
};

/** The chosen attention method's FLOPs (the runner's formulas) and device memory. */
export function methodAttentionCost(s: AttnShape, p: AttnMethodParams): Cost & { model: string } {
  const cost = Object.hasOwn(ATTENTION_COSTS, p.method) ? ATTENTION_COSTS[p.method as AttentionMethod] : null;
  if (!cost) throw new Error(`no cost model for attention method "${p.method}"`);
  const { heads: H, n, d, causal } = s;
  return cost(s, p, {
    H,
    n,
    d,
    causal,
    base: qkvoBytes(s),
    F: featureWidth(p, d),
    nb: Math.ceil(n / p.block),
  });
}

/** Smallest N in [lo, hi] where f(N) holds, f monotone (false … true); null when it never does. */
export function firstTrue(lo: number, hi: number, f: (n: number) => boolean): number | null {
  if (!f(hi)) return null;
  if (f(lo)) return lo;
  let a = lo;
  let b = hi;
  while (b - a > 1) {
    const m = Math.floor((a + b) / 2);
    if (f(m)) b = m;
    else a = m;
  }
  return b;
}

/** Where linear attention (this feature map and chunk) needs fewer FLOPs than dense: the smallest such N. */
export function linearCrossover(
  d: number,
  causal: boolean,
  p: AttnMethodParams,
  maxN = 1 << 20,
): number | null {
  const lin = { ...p, method: 'linear' };
  return firstTrue(1, maxN, (n) => {
    const s = { heads: 1, n, d, causal };
    return methodAttentionCost(s, lin).flops < denseAttentionCost(s).flops;
  });
}

/**
 * Where block-sparse attention (pooling, block scores and the forced blocks included) needs fewer FLOPs than
 * dense at this ρ and block size: below it the index overhead does not pay.
 */
export function blockSparseCrossover(
  d: number,
  causal: boolean,
  p: AttnMethodParams,
  maxN = 1 << 20,
): number | null {
  const bs = { ...p, method: 'blocksparse' };
  // Not monotone at tiny N (one block = dense); scan block multiples, then the first N after which it stays paying.
  let last: number | null = null;
  for (let n = p.block; n <= maxN; n *= 2) {
    const s = { heads: 1, n, d, causal };
    const pays = methodAttentionCost(s, bs).flops < denseAttentionCost(s).flops;
    if (pays && last === null) last = n;
    if (!pays) last = null;
  }
  if (last === null) return null;
  const hi = last;
  return firstTrue(Math.max(p.block, hi / 2), hi, (n) => {
    const s = { heads: 1, n, d, causal };
    return methodAttentionCost(s, bs).flops < denseAttentionCost(s).flops;
  });
}

// ---------------------------------------------------------------------------------------------------- SAE

export interface SaeShape {
  d: number;
  m: number;
  k: number;
  batch: number;
}

/** Parameters of a linear-decoder SAE: W_enc, W_dec (M×d each), b_enc (M), b_dec (d). */
export const saeParams = (s: SaeShape) => 2 * s.m * s.d + s.m + s.d;

/** Adam: m, v and the update, 12 FLOPs per parameter; resident: weights, gradients, m and v. */
const ADAM_FLOPS = 12;

/**
 * One training step with a dense decoder (every code multiplies its atom): encoder 2BdM, decoder 2BMd,
 * backward 6BMd (∂W_dec, ∂z, ∂W_enc), Adam. Memory: 4 copies of the parameters, the batch, π and z (B×M each).
 */
export function saeDenseStep(s: SaeShape): Cost {
  const { d, m, batch: B } = s;
  return {
    flops: 10 * B * m * d + ADAM_FLOPS * saeParams(s),
    bytes: F32 * (4 * saeParams(s) + B * d + 2 * B * m),
  };
}

/**
 * The same step with the sparse decoder (TopK: gather k atoms per sample): encoder 2BdM, the top-k select
 * (B·M comparisons, counted as FLOPs), decoder 2Bkd, backward 6Bkd (sparse ∂W_dec, ∂z, sparse ∂W_enc), Adam
 * over every parameter. Memory: π stays B×M (the selection needs it); the codes are B×k values + indices.
 */
export function saeSparseStep(s: SaeShape): Cost {
  const { d, m, k, batch: B } = s;
  return {
    flops: 2 * B * d * m + B * m + 8 * B * k * d + ADAM_FLOPS * saeParams(s),
    bytes: F32 * (4 * saeParams(s) + B * d + B * m + 2 * B * k),
  };
}

// --------------------------------------------------------------------------------------------- regression

export interface RegShape {
  n: number;
  d: number;
}

/** The dense baseline: least squares by the normal equations (XᵀX, Xᵀy, Cholesky), float64. */
export function leastSquaresCost(s: RegShape): Cost {
  const { n, d } = s;
  return { flops: 2 * n * d * d + 2 * n * d + (d * d * d) / 3, bytes: 8 * (n * d + d * d + n + d) };
}

/**
 * The chosen solver at `iterations` (sweeps, FISTA steps; per α for paths, times the α count): 4nd per
 * iteration (Xw and Xᵀr, or a CD sweep's dot and residual update); OMP Σ_a (2nd + 2na); ridge = the baseline.
 * Which model a solver uses is its `cost` in workers/spec/regression-methods.ts.
 */
export function solverCost(
  s: RegShape,
  solver: string,
  o: { iterations: number; k: number; alphas: number },
): Cost & { model: string } {
  const { n, d } = s;
  const data = 8 * (n * d + n + 2 * d);
  switch (solverInfo(solver)?.cost ?? 'iterative') {
    case 'direct':
      return { ...leastSquaresCost(s), model: 'a d×d solve' };
    case 'greedy': {
      const k = Math.min(o.k, n, d);
      return {
        flops: k * (2 * n * d) + 2 * n * ((k * (k + 1)) / 2),
        bytes: data + 8 * k * k,
        model: 'exact',
      };
    }
    case 'lars-path': {
      const a = Math.min(n, d);
      return {
        flops: a * 2 * n * d + 2 * n * ((a * (a + 1)) / 2),
        bytes: data + 8 * a * a,
        model: 'min(n, d) breakpoints (no drops)',
      };
    }
    case 'dense-em':
      return {
        flops: o.iterations * (2 * n * d * d + (d * d * d) / 3),
        bytes: data + 8 * d * d,
        model: 'every feature active (an upper bound)',
      };
    default:
      return {
        flops: o.iterations * 4 * n * d,
        bytes: data + (o.alphas > 1 ? 8 * o.alphas * d : 0),
        model: `${o.iterations} iterations in all, as in this run`,
      };
  }
}

/** Iterations (total) after which an iterative solver does more work than the direct solve. */
export const iterativeCrossover = (s: RegShape) => Math.ceil(leastSquaresCost(s).flops / (4 * s.n * s.d));

// ------------------------------------------------------------------------------------------------- timing

export interface GpuClass {
  name: string;
  /** Peak FLOP/s (float32). */
  peak: number;
  /** Memory bandwidth, bytes/s. */
  bandwidth: number;
}

export const GPU_CLASSES: GpuClass[] = [
  { name: 'NVIDIA H100 SXM (67 TFLOP/s fp32, 3.35 TB/s)', peak: 67e12, bandwidth: 3.35e12 },
  { name: 'NVIDIA A100 (19.5 TFLOP/s fp32, 1.56 TB/s)', peak: 19.5e12, bandwidth: 1.555e12 },
  { name: 'NVIDIA RTX 4090 (82.6 TFLOP/s fp32, 1.01 TB/s)', peak: 82.6e12, bandwidth: 1.008e12 },
  { name: 'Apple M2 (3.6 TFLOP/s, 100 GB/s)', peak: 3.6e12, bandwidth: 100e9 },
  { name: 'Laptop iGPU (1 TFLOP/s, 50 GB/s)', peak: 1e12, bandwidth: 50e9 },
];

/**
 * Roofline estimate in seconds: the larger of compute at `efficiency`·peak and moving `bytes` once at the
 * bandwidth (a lower bound on traffic).
 */
export function estimateSeconds(c: Cost, gpu: GpuClass, efficiency: number): number {
  return Math.max(c.flops / (Math.max(efficiency, 1e-9) * gpu.peak), c.bytes / gpu.bandwidth);
}

/** The SAE decoder's forward pass alone, dense GEMM (reads W_dec once) against the gather of k atoms per sample. */
export function saeDecoderDense(s: SaeShape): Cost {
  return { flops: 2 * s.batch * s.m * s.d, bytes: F32 * (s.m * s.d + s.batch * s.m + s.batch * s.d) };
}

export function saeDecoderSparse(s: SaeShape): Cost {
  return {
    flops: 2 * s.batch * s.k * s.d,
    bytes: F32 * (s.batch * s.k * s.d + 2 * s.batch * s.k + s.batch * s.d),
  };
}

/**
 * Latents M from which the sparse decoder (k gathered atoms per sample, indices read alongside) beats the
 * dense GEMM on this GPU class by the roofline: below it the index overhead and the lost reuse do not pay.
 */
export function saeSparseCrossover(
  s: Omit<SaeShape, 'm'>,
  gpu: GpuClass,
  efficiency: number,
  maxM = 1 << 24,
): number | null {
  return firstTrue(Math.max(1, s.k), maxM, (m) => {
    const x = { ...s, m };
    return (
      estimateSeconds(saeDecoderSparse(x), gpu, efficiency) <
      estimateSeconds(saeDecoderDense(x), gpu, efficiency)
    );
  });
}
