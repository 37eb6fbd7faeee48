/**
 * SEA (arXiv 2310.01777), training-free variant [our design, see docs/methods.md#sea]: estimate each query's
 * attention over T_M = d position buckets with linear attention on a positional "hat" basis
 * (C = LinAttn(Q, K, E_pos), E_pos[j, c] = max(0, 1 − |x_j − c|), x_j = j(T_M − 1)/(N − 1)), keep per query
 * the top ⌈ρ·(visible buckets)⌉ buckets plus its own, give key j to bucket round(x_j), then exact softmax
 * attention over the kept buckets' keys. σ(s₁) = σ(s₂) = 1: no learned mixing with mean(V).
 * The paper trains an MLP + CNN on C to predict the mask; here the estimate is used as it is.
 */
import { topkCount } from './blocksparse';
import type { AttnDims } from './dense';
import type { FeatureMap } from './feature-maps';
import { addEntry, GATHER_TILE, type TileList, tileListFrom } from './gather';
import { linearAttentionRef } from './linear';

export interface SeaOpts extends AttnDims {
  rho: number;
  featureMap: FeatureMap;
  favorFeatures: number;
  chunk: number;
  seed: number;
}

export interface SeaMask {
  /** Buckets (compressed columns) T_M. */
  cols: number;
  /** u32 words per query in `bits`. */
  words: number;
  /** N×words: bit c set when the query keeps bucket c. */
  bits: Uint32Array;
  /** Gather lists per 32-query tile: the keys of every bucket any of its queries keeps, tagged by bucket. */
  tiles: TileList[];
}

const position = (j: number, n: number, cols: number) => (n > 1 ? (j * (cols - 1)) / (n - 1) : 0);

export function seaBucket(j: number, n: number, cols: number): number {
  return Math.round(position(j, n, cols));
}

/** The hat basis E_pos (N×cols), the values SEA's estimate averages. */
export function seaPositionBasis(n: number, cols: number): Float32Array {
  const e = new Float32Array(n * cols);
  for (let j = 0; j < n; j++) {
    const x = position(j, n, cols);
    const c0 = Math.floor(x);
    e[j * cols + c0] = 1 - (x - c0);
    if (c0 + 1 < cols) e[j * cols + c0 + 1] = x - c0;
  }
  return e;
}

/** Mask from the estimate C (N×cols, row-major). Ties go to the lower bucket. */
export function seaMaskFromEstimate(
  est: ArrayLike<number>,
  o: AttnDims & { rho: number; cols: number },
): SeaMask {
  const { n, cols } = o;
  const words = Math.ceil(cols / 32);
  const bits = new Uint32Array(n * words);
  const order = Array.from({ length: cols }, (_, c) => c);
  const colsOfTile: Array<Set<number>> = Array.from({ length: Math.ceil(n / GATHER_TILE) }, () => new Set());
  for (let i = 0; i < n; i++) {
    const own = seaBucket(i, n, cols);
    const visible = o.causal ? own + 1 : cols;
    const row = (c: number) => est[i * cols + c];
    const cand = order.slice(0, visible).sort((a, b) => row(b) - row(a) || a - b);
    const kept = cand.slice(0, topkCount(o.rho, visible));
    kept.push(own);
    for (const c of kept) {
      bits[i * words + (c >>> 5)] |= 1 << (c & 31);
      colsOfTile[Math.floor(i / GATHER_TILE)].add(c);
    }
  }
  // Keys of each bucket, once.
  const keysOf: number[][] = Array.from({ length: cols }, () => []);
  for (let j = 0; j < n; j++) keysOf[seaBucket(j, n, cols)].push(j);
  const tiles = colsOfTile.map((set) => {
    const m = new Map<number, number>();
    for (const c of set) for (const j of keysOf[c]) addEntry(m, j, c);
    return tileListFrom(m);
  });
  return { cols, words, bits, tiles };
}

/** The estimate C (N×d) on the CPU: linear attention of Q, K over the hat basis, T_M = d. */
export function seaEstimateRef(q: ArrayLike<number>, k: ArrayLike<number>, o: SeaOpts): Float64Array {
  return linearAttentionRef(q, k, seaPositionBasis(o.n, o.d), o);
}

export function seaMaskRef(q: ArrayLike<number>, k: ArrayLike<number>, o: SeaOpts): SeaMask {
  return seaMaskFromEstimate(seaEstimateRef(q, k, o), { ...o, cols: o.d });
}
