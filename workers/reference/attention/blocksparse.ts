/**
 * Block-sparse attention (SpargeAttn / MInference family), float64 reference, and the block selection
 * both backends share. Pool Q and K per block (real token count for the last partial block), score
 * Ŝ_IJ = τ q̄_I·k̄_J (−∞ where key block J starts after query block I ends, when causal), keep per query
 * block the top ⌈ρ·visible⌉ key blocks or the fewest reaching estimated mass p, always the diagonal and
 * block 0 (sink); then exact softmax attention over the kept blocks only.
 * Smooth-k (subtracting the mean key) shifts each row of Ŝ by a constant, so it changes neither top-k nor
 * the row softmax: it is left out.
 */
import { type AttnDims, type AttnResult, attendKeys } from './dense';

export interface BlockSelectOpts {
  n: number;
  block: number;
  causal: boolean;
  /**
   * topk: the ⌈ρ·visible⌉ best; topp: the fewest blocks whose estimated mass reaches p (lab's rule);
   * topp_sparge: SpargeAttn's rule, the longest prefix whose mass stays ≤ p (at least one block).
   */
  selection: 'topk' | 'topp' | 'topp_sparge';
  rho: number;
  topP: number;
  /**
   * SpargeAttn's self-similarity guard: per query / key block, whether it is self-similar. Non-self-similar
   * key blocks take no part in the ranking and are always kept; non-self-similar query blocks keep every
   * visible block.
   */
  guard?: { q: ArrayLike<boolean>; k: ArrayLike<boolean> } | null;
}

/**
 * Self-similarity of each block of rows (SpargeAttn): s = (1/n²)·Σ_{a,b} x̂_aᵀx̂_b over the block's n real
 * rows normalised to unit length (= ‖Σ_a x̂_a‖²/n²); keys are measured after subtracting the mean key
 * (`center`), as SpargeAttn's fused path does.
 */
export function blockSelfSimilarity(
  x: ArrayLike<number>,
  n: number,
  d: number,
  block: number,
  center = false,
): Float64Array {
  const mu = new Float64Array(d);
  if (center) {
    for (let r = 0; r < n; r++) for (let e = 0; e < d; e++) mu[e] += x[r * d + e] / n;
  }
  const nb = blockCount(n, block);
  const out = new Float64Array(nb);
  const sum = new Float64Array(d);
  for (let I = 0; I < nb; I++) {
    sum.fill(0);
    const r1 = Math.min(n, (I + 1) * block);
    for (let r = I * block; r < r1; r++) {
      let nrm = 0;
      for (let e = 0; e < d; e++) nrm += (x[r * d + e] - mu[e]) ** 2;
      const f = nrm > 0 ? 1 / Math.sqrt(nrm) : 0;
      for (let e = 0; e < d; e++) sum[e] += (x[r * d + e] - mu[e]) * f;
    }
    let s = 0;
    for (let e = 0; e < d; e++) s += sum[e] * sum[e];
    out[I] = s / (r1 - I * block) ** 2;
  }
  return out;
}

/** Kept key-block ids per query block, ascending. */
export type BlockLists = Int32Array[];

export const blockCount = (n: number, block: number) => Math.ceil(n / block);

export function poolBlocksRef(x: ArrayLike<number>, n: number, d: number, block: number): Float64Array {
  const nb = blockCount(n, block);
  const out = new Float64Array(nb * d);
  for (let I = 0; I < nb; I++) {
    const r0 = I * block;
    const r1 = Math.min(n, r0 + block);
    for (let r = r0; r < r1; r++) for (let e = 0; e < d; e++) out[I * d + e] += x[r * d + e];
    for (let e = 0; e < d; e++) out[I * d + e] /= r1 - r0;
  }
  return out;
}

export function blockScoresRef(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  o: AttnDims & { block: number },
): Float64Array {
  const nb = blockCount(o.n, o.block);
  const qb = poolBlocksRef(q, o.n, o.d, o.block);
  const kb = poolBlocksRef(k, o.n, o.d, o.block);
  const tau = 1 / Math.sqrt(o.d);
  const s = new Float64Array(nb * nb);
  for (let I = 0; I < nb; I++) {
    for (let J = 0; J < nb; J++) {
      if (o.causal && J > I) {
        s[I * nb + J] = Number.NEGATIVE_INFINITY;
        continue;
      }
      let dot = 0;
      for (let e = 0; e < o.d; e++) dot += qb[I * o.d + e] * kb[J * o.d + e];
      s[I * nb + J] = tau * dot;
    }
  }
  return s;
}

/** How many blocks top-k keeps out of `visible`; the epsilon stops 0.2·5 = 1.0000000000000002 rounding up. */
export function topkCount(rho: number, visible: number): number {
  return Math.max(1, Math.min(visible, Math.ceil(rho * visible - 1e-9)));
}

/**
 * Selection from block scores (nb×nb, row-major; ≤ −1e38 or −∞ = masked). Ties break toward the lower
 * block index, so the same scores always give the same blocks.
 */
export function selectBlocks(scores: ArrayLike<number>, o: BlockSelectOpts): BlockLists {
  const nb = blockCount(o.n, o.block);
  const lists: BlockLists = [];
  const g = o.guard ?? null;
  for (let I = 0; I < nb; I++) {
    const vis: number[] = [];
    const forced: number[] = [];
    for (let J = 0; J < nb; J++) {
      if (o.causal && J > I) continue;
      if (g && (!g.q[I] || !g.k[J])) forced.push(J);
      else if (scores[I * nb + J] > -1e38) vis.push(J);
    }
    const row = (J: number) => scores[I * nb + J];
    vis.sort((a, b) => row(b) - row(a) || a - b);
    let keep: number;
    if (o.selection === 'topk') keep = topkCount(o.rho, vis.length);
    else {
      // Estimated mass of block J: n_J·e^{Ŝ_IJ}, normalised over the visible blocks.
      const max = vis.length ? row(vis[0]) : 0;
      const w = vis.map((J) => (Math.min(o.n, (J + 1) * o.block) - J * o.block) * Math.exp(row(J) - max));
      const total = w.reduce((a, b) => a + b, 0);
      let cum = 0;
      if (o.selection === 'topp') {
        keep = vis.length;
        for (let t = 0; t < vis.length; t++) {
          cum += w[t];
          if (cum >= o.topP * total * (1 - 1e-12)) {
            keep = t + 1;
            break;
          }
        }
      } else {
        // SpargeAttn: the number of prefix sums ≤ p (searchsorted right), at least 1.
        keep = 0;
        for (let t = 0; t < vis.length; t++) {
          cum += w[t];
          if (cum <= o.topP * total * (1 + 1e-12)) keep = t + 1;
          else break;
        }
        keep = Math.max(1, keep);
      }
    }
    const kept = new Set(vis.slice(0, keep));
    for (const J of forced) kept.add(J);
    kept.add(I);
    kept.add(0);
    lists.push(Int32Array.from([...kept].sort((a, b) => a - b)));
  }
  return lists;
}

/** Visible keys of query i under a block list: the tokens of the kept blocks (causal: up to i). */
export function blockKeys(
  lists: BlockLists,
  block: number,
  n: number,
  causal: boolean,
  i: number,
): Int32Array {
  const blocks = lists[Math.floor(i / block)];
  const keys: number[] = [];
  for (const J of blocks) {
    const hi = Math.min(n, (J + 1) * block, causal ? i + 1 : n);
    for (let j = J * block; j < hi; j++) keys.push(j);
  }
  return Int32Array.from(keys);
}

export function blockSparseAttentionRef(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  o: AttnDims & { block: number },
  lists: BlockLists,
): AttnResult {
  return attendKeys(q, k, v, o.n, o.d, (i) => blockKeys(lists, o.block, o.n, o.causal, i));
}

/** Number of (query, key) pairs the block lists make visible, counting the causal mask. */
export function blockPairs(lists: BlockLists, block: number, n: number, causal: boolean): number {
  let pairs = 0;
  lists.forEach((blocks, I) => {
    for (let i = I * block; i < Math.min(n, (I + 1) * block); i++) {
      for (const J of blocks)
        pairs += Math.max(0, Math.min(n, (J + 1) * block, causal ? i + 1 : n) - J * block);
    }
  });
  return pairs;
}
