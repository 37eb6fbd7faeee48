/**
 * HiP attention (arXiv 2406.09827), training-free, float64 reference of the mask search and the lists it
 * gives the gather kernel. Per 32-query block B with last query t_B: the searchable keys are
 * [s, s + T), T = t_B + 1 − w − s (causal; non-causal: all keys after the sinks), cut into key blocks
 * of b_k tokens. If T ≤ k all are kept. Otherwise K′ = ⌈k/b_k⌉ nodes tile the n_src blocks; each round
 * splits every node in two (integer halves), scores each child by its centre block — the max of q·k
 * over every b_sq-th query of B and the child's b_k keys — and keeps the best K′ children (ties: lower
 * start, then larger size). Rounds stop when every node is one block. Each query then attends to the
 * sinks, the selected blocks and its own window (causally masked).
 * Our reading: query blocks of 32 (the kernel tile), blocks start right after the sinks.
 */
import type { AttnDims, AttnResult } from './dense';
import {
  addEntry,
  GATHER_TILE,
  gatherAttentionRef,
  TAG_ALL,
  TAG_WINDOW,
  type TileList,
  tileListFrom,
} from './gather';

export interface HipOpts extends AttnDims {
  window: number;
  sinks: number;
  /** Token budget k. */
  k: number;
  bk: number;
  bsq: number;
}

export interface HipRange {
  /** Searchable tokens [sinks, end). */
  end: number;
  /** Key blocks in the searchable range. */
  nsrc: number;
  /** True when T ≤ k: every block is kept without search. */
  all: boolean;
}

export const hipNodes = (o: Pick<HipOpts, 'k' | 'bk'>) => Math.ceil(o.k / o.bk);

export function hipRange(o: HipOpts, B: number): HipRange {
  const tB = Math.min(o.n, (B + 1) * GATHER_TILE) - 1;
  const T = o.causal ? Math.max(0, tB + 1 - o.window - o.sinks) : Math.max(0, o.n - o.sinks);
  return { end: o.sinks + T, nsrc: Math.ceil(T / o.bk), all: T <= o.k };
}

/** Score of key block r for query block B: max over the sampled queries and the block's keys of q·k. */
export function hipBlockScore(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  o: HipOpts,
  B: number,
  end: number,
  r: number,
): number {
  const q0 = B * GATHER_TILE;
  const q1 = Math.min(o.n, q0 + GATHER_TILE);
  let best = Number.NEGATIVE_INFINITY;
  for (let i = q0; i < q1; i += o.bsq) {
    for (let e = 0; e < o.bk; e++) {
      const j = o.sinks + r * o.bk + e;
      if (j >= end || (o.causal && j > i)) continue;
      let dot = 0;
      for (let t = 0; t < o.d; t++) dot += q[i * o.d + t] * k[j * o.d + t];
      if (dot > best) best = dot;
    }
  }
  return best;
}

interface Node {
  start: number;
  size: number;
  score: number;
}

/** Empty children last, then higher score, lower start, larger size (the kernel's bitonic sort uses the same order). */
const better = (a: Node, b: Node) =>
  Number(b.size > 0) - Number(a.size > 0) || b.score - a.score || a.start - b.start || b.size - a.size;

/** Selected key blocks (relative to the sinks, ascending) of query block B; null when all are kept. */
export function hipSelectBlock(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  o: HipOpts,
  B: number,
  /** When given: the smallest score gap at a cut (K-th vs (K+1)-th child) over the rounds, and the largest |score|. */
  cuts?: { minGap: number; scale: number },
): Int32Array | null {
  const { end, nsrc, all } = hipRange(o, B);
  if (all) return null;
  const K = hipNodes(o);
  let nodes: Node[] = Array.from({ length: K }, (_, i) => {
    const start = Math.floor((nsrc * i) / K);
    return { start, size: Math.floor((nsrc * (i + 1)) / K) - start, score: 0 };
  });
  while (nodes.some((nd) => nd.size > 1)) {
    const children: Node[] = [];
    for (const { start, size } of nodes) {
      const half = Math.floor(size / 2);
      for (const c of [
        { start, size: half },
        { start: start + half, size: size - half },
      ]) {
        const score =
          c.size > 0
            ? hipBlockScore(q, k, o, B, end, c.start + Math.floor(c.size / 2))
            : Number.NEGATIVE_INFINITY;
        children.push({ ...c, score });
      }
    }
    children.sort(better);
    if (cuts) {
      for (const c of children)
        if (Number.isFinite(c.score)) cuts.scale = Math.max(cuts.scale, Math.abs(c.score));
      const [a, b] = [children[K - 1], children[K]];
      if (b && a && Number.isFinite(a.score) && Number.isFinite(b.score))
        cuts.minGap = Math.min(cuts.minGap, a.score - b.score);
    }
    nodes = children.slice(0, K);
  }
  return Int32Array.from(nodes.map((nd) => nd.start).sort((a, b) => a - b));
}

export function hipMaskRef(q: ArrayLike<number>, k: ArrayLike<number>, o: HipOpts): Array<Int32Array | null> {
  return Array.from({ length: Math.ceil(o.n / GATHER_TILE) }, (_, B) => hipSelectBlock(q, k, o, B));
}

/** The gather lists for a HiP mask: sinks and selected blocks (ALL), the window band (WINDOW). */
export function hipTileLists(o: HipOpts, selected: Array<Int32Array | null>): TileList[] {
  return selected.map((sel, B) => {
    const m = new Map<number, number>();
    const { end } = hipRange(o, B);
    const q0 = B * GATHER_TILE;
    const tB = Math.min(o.n, q0 + GATHER_TILE) - 1;
    for (let j = 0; j < Math.min(o.sinks, o.n); j++) addEntry(m, j, TAG_ALL);
    if (sel === null) for (let j = o.sinks; j < end; j++) addEntry(m, j, TAG_ALL);
    else
      for (const r of sel)
        for (let j = o.sinks + r * o.bk; j < Math.min(end, o.sinks + (r + 1) * o.bk); j++)
          addEntry(m, j, TAG_ALL);
    const half = Math.floor(o.window / 2);
    const lo = o.causal ? Math.max(0, q0 - o.window + 1) : Math.max(0, q0 - half);
    const hi = o.causal ? tB : Math.min(o.n - 1, tB + half);
    for (let j = lo; j <= hi; j++) addEntry(m, j, TAG_WINDOW);
    return tileListFrom(m);
  });
}

/** Fraction of the exact top-K′ blocks (same score) that the greedy tree search found, over query blocks. */
export function hipTopkRecall(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  o: HipOpts,
  selected: Array<Int32Array | null>,
  sample = 16,
): number {
  let found = 0;
  let total = 0;
  const searched = selected.map((s, B) => (s ? B : -1)).filter((B) => B >= 0);
  const step = Math.max(1, searched.length / sample);
  for (let t = 0; t < searched.length; t += step) {
    const B = searched[Math.floor(t)];
    const { end, nsrc } = hipRange(o, B);
    const scores = Array.from({ length: nsrc }, (_, r) => ({ r, s: hipBlockScore(q, k, o, B, end, r) }));
    scores.sort((a, b) => b.s - a.s || a.r - b.r);
    const K = hipNodes(o);
    const sel = new Set(selected[B]!);
    for (const { r } of scores.slice(0, K)) if (sel.has(r)) found++;
    total += Math.min(K, nsrc);
  }
  return total ? found / total : 1;
}

export function hipAttentionRef(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  o: HipOpts,
): AttnResult & { tiles: TileList[] } {
  const tiles = hipTileLists(o, hipMaskRef(q, k, o));
  return { ...gatherAttentionRef(q, k, v, { ...o, words: 0 }, tiles), tiles };
}
