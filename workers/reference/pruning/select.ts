/**
 * Count-based selection shared by every pruning method: a group of n scores loses exactly ⌊s·n⌋
 * entries, the smallest, ties to the lower index; N:M keeps the N largest of every M consecutive
 * inputs of a row. Masks here are keep-masks (1 = kept), as torch.nn.utils.prune writes them.
 */

export type Pattern = { kind: 'unstructured'; sparsity: number } | { kind: 'nm'; n: number; m: number };

/** Fraction of weights a pattern prunes on a row of `cols` inputs (the last N:M group may be partial). */
export function patternSparsity(p: Pattern, cols: number): number {
  if (p.kind === 'unstructured') return Math.floor(p.sparsity * cols) / cols;
  let kept = 0;
  for (let g = 0; g < cols; g += p.m) kept += Math.min(p.n, Math.min(p.m, cols - g));
  return 1 - kept / cols;
}

export function patternLabel(p: Pattern): string {
  return p.kind === 'unstructured' ? `unstructured ${(p.sparsity * 100).toFixed(0)}%` : `${p.n}:${p.m}`;
}

/**
 * Indices (into `idx`) of the k smallest scores among `idx`, ties to the lower index; marks them 0 in
 * keep. Sorting is O(n log n), enough at the lab's sizes.
 */
export function pruneSmallest(scores: ArrayLike<number>, idx: number[], k: number, keep: Uint8Array): void {
  if (k <= 0) return;
  const sorted = idx.slice().sort((a, b) => scores[a] - scores[b] || a - b);
  for (let t = 0; t < Math.min(k, sorted.length); t++) keep[sorted[t]] = 0;
}

/** The whole matrix competes: ⌊s·rows·cols⌋ smallest scores pruned. */
export function layerMask(scores: ArrayLike<number>, rows: number, cols: number, s: number): Uint8Array {
  const keep = new Uint8Array(rows * cols).fill(1);
  const idx = Array.from({ length: rows * cols }, (_, i) => i);
  pruneSmallest(scores, idx, Math.floor(s * rows * cols), keep);
  return keep;
}

/** Each row loses ⌊s·cols⌋ weights. */
export function rowMask(scores: ArrayLike<number>, rows: number, cols: number, s: number): Uint8Array {
  const keep = new Uint8Array(rows * cols).fill(1);
  const k = Math.floor(s * cols);
  for (let i = 0; i < rows; i++) {
    const idx = Array.from({ length: cols }, (_, j) => i * cols + j);
    pruneSmallest(scores, idx, k, keep);
  }
  return keep;
}

/** Per row, each group of m consecutive inputs keeps its n largest (a last partial group keeps min(n, size)). */
export function nmMask(
  scores: ArrayLike<number>,
  rows: number,
  cols: number,
  n: number,
  m: number,
): Uint8Array {
  const keep = new Uint8Array(rows * cols).fill(1);
  for (let i = 0; i < rows; i++) {
    for (let g = 0; g < cols; g += m) {
      const size = Math.min(m, cols - g);
      const idx = Array.from({ length: size }, (_, j) => i * cols + g + j);
      pruneSmallest(scores, idx, size - Math.min(n, size), keep);
    }
  }
  return keep;
}

/** Mask for a pattern with a per-row unstructured group (Wanda, DSnoT) or a per-layer one (magnitude). */
export function maskFor(
  scores: ArrayLike<number>,
  rows: number,
  cols: number,
  p: Pattern,
  group: 'row' | 'layer',
): Uint8Array {
  if (p.kind === 'nm') return nmMask(scores, rows, cols, p.n, p.m);
  return group === 'row'
    ? rowMask(scores, rows, cols, p.sparsity)
    : layerMask(scores, rows, cols, p.sparsity);
}

export function applyMask(W: ArrayLike<number>, keep: Uint8Array): Float64Array {
  const out = new Float64Array(keep.length);
  for (let i = 0; i < keep.length; i++) out[i] = keep[i] ? W[i] : 0;
  return out;
}

export function maskSparsity(keep: Uint8Array): number {
  let pruned = 0;
  for (const k of keep) if (!k) pruned++;
  return pruned / Math.max(1, keep.length);
}
