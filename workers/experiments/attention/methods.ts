/**
 * One attention method on the run's Q/K/V through a backend: its output, LSE (masked softmax methods),
 * timings, FLOPs, mask arrays for the CLI and a classifier of (head, query, key) for the map overlay.
 */
import { type NdArray, nd } from '../../core/ndarray';
import {
  blockCount,
  blockPairs,
  blockSelfSimilarity,
  selectBlocks,
} from '../../reference/attention/blocksparse';
import { featureDim } from '../../reference/attention/feature-maps';
import { gatherPairs, TAG_ALL, TAG_WINDOW, type TileList } from '../../reference/attention/gather';
import { type HipOpts, hipNodes, hipRange, hipTileLists, hipTopkRecall } from '../../reference/attention/hip';
import { seaBucket } from '../../reference/attention/sea';
import { windowCount, windowVisible } from '../../reference/attention/window';
import type { attentionSpec } from '../../spec/attention';
import type { Values } from '../../spec/fields';
import type { AttnBackend, AttnProblem, AttnRun } from './backend';
import { runLinearFamily } from './methods-linear';
import { runLlsa } from './methods-llsa';
import { densePairs } from './metrics';
import { type ChartView, OVERLAY } from './views-data';

export type AttnValues = Values<(typeof attentionSpec)['fields']>;

export type ClassOf = (h: number, i: number, j: number) => number;

export interface MethodResult {
  /** H×N×d. */
  out: ArrayLike<number>;
  /** Log-sum-exp over the exactly attended keys (for mass recall), or null (linear family). */
  lse: ArrayLike<number> | null;
  /** Attention kernel time. */
  ms: number;
  /** Mask search / selection / estimate time. */
  selectMs: number;
  /** (query, key) pairs attended exactly, over all heads; null when the method has no mask. */
  pairs: number | null;
  flops: number;
  arrays: Record<string, NdArray>;
  classOf: ClassOf | null;
  metrics: Record<string, number>;
  /** Charts the method adds to the views. */
  charts?: ChartView[];
  /** SLA: log-sum-exp over critical + marginal blocks (the mass not skipped). */
  keptLse?: ArrayLike<number>;
  notes: string[];
}

const causalHidden = (p: AttnProblem, i: number, j: number) => p.causal && j > i;

export async function runMethod(
  v: AttnValues,
  p: AttnProblem,
  be: AttnBackend,
  dense: AttnRun,
): Promise<MethodResult> {
  const { heads: H, n, d, causal } = p;
  const base = { arrays: {}, metrics: {}, notes: [] as string[], selectMs: 0 };
  switch (v.method) {
    case 'dense':
      return {
        ...base,
        out: dense.out,
        lse: dense.lse,
        ms: dense.ms,
        pairs: H * densePairs(n, causal),
        flops: 4 * H * densePairs(n, causal) * d,
        classOf: null,
      };

    case 'window': {
      const o = { n, d, causal, window: v.window, sinks: v.sinks };
      const r = await be.window(o);
      let pairs = 0;
      for (let i = 0; i < n; i++) pairs += windowCount(o, i);
      const half = Math.floor(o.window / 2);
      const inBand = (i: number, j: number) => (causal ? i - j < o.window : Math.abs(i - j) <= half);
      return {
        ...base,
        out: r.out,
        lse: r.lse,
        ms: r.ms,
        pairs: H * pairs,
        flops: 4 * H * pairs * d,
        classOf: (_h, i, j) =>
          causalHidden(p, i, j)
            ? -1
            : windowVisible(o, i, j)
              ? inBand(i, j)
                ? OVERLAY.window
                : OVERLAY.sink
              : OVERLAY.skipped,
        notes: [
          'No RoPE here: StreamingLLM re-indexes positions by cache slot; a single layer without positions need not.',
        ],
      };
    }

    case 'blocksparse': {
      const { block } = v;
      const nb = blockCount(n, block);
      const sc = await be.blockScores(block);
      const sel = { n, block, causal, selection: v.selection, rho: v.rho, topP: v.topP };
      const guards = v.simGuard
        ? Array.from({ length: H }, (_, h) => {
            const hs = (a: Float32Array) => a.subarray(h * n * d, (h + 1) * n * d);
            return {
              q: Array.from(blockSelfSimilarity(hs(p.q), n, d, block), (s) => s > v.simTheta),
              k: Array.from(blockSelfSimilarity(hs(p.k), n, d, block, true), (s) => s > v.simTheta),
            };
          })
        : null;
      const lists = sc.value.map((s, h) => selectBlocks(s, { ...sel, guard: guards?.[h] ?? null }));
      const r = await be.blockSparse(block, lists);
      // 1 = selected, 2 = forced by the self-similarity guard, 0 = skipped, −1 = invisible (causal).
      const kept = new Int32Array(H * nb * nb);
      let keptBlocks = 0;
      let forcedBlocks = 0;
      let visibleBlocks = 0;
      for (let h = 0; h < H; h++) {
        const g = guards?.[h];
        for (let I = 0; I < nb; I++) {
          for (let J = 0; J < nb; J++) kept[(h * nb + I) * nb + J] = causal && J > I ? -1 : 0;
          for (const J of lists[h][I]) {
            const forced = g ? !g.q[I] || !g.k[J] : false;
            kept[(h * nb + I) * nb + J] = forced ? 2 : 1;
            if (forced) forcedBlocks++;
          }
          keptBlocks += lists[h][I].length;
          visibleBlocks += causal ? I + 1 : nb;
        }
      }
      const pairs = lists.reduce((a, l) => a + blockPairs(l, block, n, causal), 0);
      return {
        ...base,
        out: r.out,
        lse: r.lse,
        ms: r.ms,
        selectMs: sc.ms,
        pairs,
        flops: 4 * pairs * d + H * (4 * n * d + 2 * nb * nb * d),
        arrays: { blocks: nd(kept, [H, nb, nb]) },
        classOf: (h, i, j) => {
          const k = kept[(h * nb + Math.floor(i / block)) * nb + Math.floor(j / block)];
          return causalHidden(p, i, j) || k < 0
            ? -1
            : k === 2
              ? OVERLAY.forced
              : k
                ? OVERLAY.kept
                : OVERLAY.skipped;
        },
        metrics: {
          blocksKept: keptBlocks / visibleBlocks,
          ...(guards ? { blocksForced: forcedBlocks / visibleBlocks } : {}),
        },
        notes: [
          ...(guards
            ? [
                `SpargeAttn self-similarity guard at θ = ${v.simTheta}: ${forcedBlocks} of ${keptBlocks} kept blocks are forced (query or key block not self-similar; keys measured after centring). blocks.npy: 1 selected, 2 forced, 0 skipped, −1 invisible.`,
              ]
            : []),
          ...(v.selection === 'topp_sparge'
            ? [
                'Top-p as in SpargeAttn’s code: the longest prefix of ranked blocks whose estimated mass stays ≤ p.',
              ]
            : []),
        ],
      };
    }

    case 'hip': {
      const o: HipOpts = {
        n,
        d,
        causal,
        window: v.window,
        sinks: v.sinks,
        k: v.hipK,
        bk: v.hipBk,
        bsq: v.hipBsq,
      };
      const m = await be.hipMasks(o);
      const tiles = m.value.map((sel) => hipTileLists(o, sel));
      const r = await be.gather({ window: o.window, words: 0, perHead: tiles, bits: null });
      const pairs = tiles.reduce((a, t) => a + gatherPairs({ ...o, words: 0 }, t, null), 0);
      const K = hipNodes(o);
      const nqb = Math.ceil(n / 32);
      const mask = new Int32Array(H * nqb * K).fill(-1);
      let searchFlops = 0;
      for (let h = 0; h < H; h++) {
        m.value[h].forEach((s, B) => {
          const at = (h * nqb + B) * K;
          if (s === null) mask[at] = -2;
          else
            mask.set(
              Int32Array.from(s, (blk) => o.sinks + blk * o.bk),
              at,
            );
          const { nsrc, all } = hipRange(o, B);
          if (!all)
            searchFlops +=
              Math.ceil(Math.log2(Math.ceil(nsrc / K))) * 2 * K * Math.ceil(32 / o.bsq) * o.bk * 2 * d;
        });
      }
      return {
        ...base,
        out: r.out,
        lse: r.lse,
        ms: r.ms,
        selectMs: m.ms,
        pairs,
        flops: 4 * pairs * d + searchFlops,
        arrays: { mask: nd(mask, [H, nqb, K]) },
        classOf: tileClassifier(p, tiles, o.window, o.sinks),
        metrics: {
          hipTopkRecall: hipTopkRecall(p.q.subarray(0, n * d), p.k.subarray(0, n * d), o, m.value[0], 8),
        },
        notes: [
          'HiP is training-free in its paper too. Lab reading: query blocks of 32 (the kernel tile); key blocks start right after the sinks.',
          'mask.npy: first key of each selected b_k-token block per (head, 32-query block); −1 = unused, −2 = whole range kept (T ≤ k).',
        ],
      };
    }

    case 'sea': {
      const o = {
        n,
        d,
        causal,
        rho: v.rho,
        featureMap: v.featureMap,
        favorFeatures: v.favorFeatures,
        chunk: v.chunk,
        seed: v.seed,
      };
      let selectMs = 0;
      const masks = [];
      for (let h = 0; h < H; h++) {
        const m = await be.seaMask(o, h);
        selectMs += m.ms;
        masks.push(m.value);
      }
      const { words, cols } = masks[0];
      const bits = new Uint32Array(H * n * words);
      for (let h = 0; h < H; h++) bits.set(masks[h].bits, h * n * words);
      const r = await be.gather({ window: 0, words, perHead: masks.map((m) => m.tiles), bits });
      const pairs = masks.reduce(
        (a, m) => a + gatherPairs({ n, d, causal, window: 0, words }, m.tiles, m.bits),
        0,
      );
      const keep = new Uint8Array(H * n * cols);
      const bit = (h: number, i: number, c: number) =>
        (bits[(h * n + i) * words + (c >>> 5)] >>> (c & 31)) & 1;
      for (let h = 0; h < H; h++)
        for (let i = 0; i < n; i++)
          for (let c = 0; c < cols; c++) keep[(h * n + i) * cols + c] = bit(h, i, c);
      const f = featureDim(o);
      return {
        ...base,
        out: r.out,
        lse: r.lse,
        ms: r.ms,
        selectMs,
        pairs,
        flops: 4 * pairs * d + H * 4 * n * f * cols,
        arrays: { mask: nd(keep, [H, n, cols], 'uint8') },
        classOf: (h, i, j) =>
          causalHidden(p, i, j) ? -1 : bit(h, i, seaBucket(j, n, cols)) ? OVERLAY.kept : OVERLAY.skipped,
        notes: [
          'SEA trains its mask estimator in the paper. This is the lab’s training-free variant [our design]: linear attention over a positional hat basis (T_M = d buckets), top-k buckets per query, exact attention on them.',
          'mask.npy: (head, query, bucket) = 1 when kept; key j belongs to bucket round(j·(d−1)/(N−1)).',
        ],
      };
    }

    case 'linear':
    case 'sla':
    case 'loglinear':
      return runLinearFamily(v, p, be, dense);

    case 'llsa':
      return runLlsa(v, p, be);
  }
}

/** Overlay class from gather tile lists (HiP). */
function tileClassifier(p: AttnProblem, perHead: TileList[][], window: number, sinks: number): ClassOf {
  const maps = perHead.map((tiles) =>
    tiles.map((t) => new Map(Array.from(t.keys, (j, e) => [j, t.tags[e]]))),
  );
  const half = Math.floor(window / 2);
  return (h, i, j) => {
    if (causalHidden(p, i, j)) return -1;
    const tag = maps[h][Math.floor(i / 32)].get(j);
    if (tag === TAG_ALL) return j < sinks ? OVERLAY.sink : OVERLAY.kept;
    if (tag === TAG_WINDOW && (p.causal ? i - j < window : Math.abs(i - j) <= half)) return OVERLAY.window;
    return OVERLAY.skipped;
  };
}
