/** SEA (training-free variant): mask estimated by linear attention over position buckets, then gathered attention. */
import { nd } from '../../../core/ndarray';
import { featureDim } from '../../../reference/attention/feature-maps';
import { gatherPairs } from '../../../reference/attention/gather';
import { seaBucket } from '../../../reference/attention/sea';
import type { AttnBackend, AttnProblem, AttnRun } from '../backend';
import { type AttnValues, causalHidden, type MethodResult } from '../method-types';
import { OVERLAY } from '../views-data';

export async function runSea(
  v: AttnValues,
  p: AttnProblem,
  be: AttnBackend,
  _dense: AttnRun,
): Promise<MethodResult> {
  const { heads: H, n, d, causal } = p;
  const base = { arrays: {}, metrics: {}, notes: [] as string[], selectMs: 0 };
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
  const bit = (h: number, i: number, c: number) => (bits[(h * n + i) * words + (c >>> 5)] >>> (c & 31)) & 1;
  for (let h = 0; h < H; h++)
    for (let i = 0; i < n; i++) for (let c = 0; c < cols; c++) keep[(h * n + i) * cols + c] = bit(h, i, c);
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
