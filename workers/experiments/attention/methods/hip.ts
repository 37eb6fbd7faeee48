/** HiP: hierarchical top-k mask search, then gathered attention over the selected key blocks. */
import { nd } from '../../../core/ndarray';
import { gatherPairs, TAG_ALL, TAG_WINDOW, type TileList } from '../../../reference/attention/gather';
import {
  type HipOpts,
  hipNodes,
  hipRange,
  hipTileLists,
  hipTopkRecall,
} from '../../../reference/attention/hip';
import type { AttnBackend, AttnProblem, AttnRun } from '../backend';
import type { ClassOf } from '../method-types';
import { type AttnValues, causalHidden, type MethodResult } from '../method-types';
import { OVERLAY } from '../views-data';

export async function runHip(
  v: AttnValues,
  p: AttnProblem,
  be: AttnBackend,
  _dense: AttnRun,
): Promise<MethodResult> {
  const { heads: H, n, d, causal } = p;
  const base = { arrays: {}, metrics: {}, notes: [] as string[], selectMs: 0 };
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
