/** Sliding window + sinks (StreamingLLM) on the backend, with the map overlay. */
import { windowCount, windowVisible } from '../../../reference/attention/window';
import type { AttnBackend, AttnProblem, AttnRun } from '../backend';
import { type AttnValues, causalHidden, type MethodResult } from '../method-types';
import { OVERLAY } from '../views-data';

export async function runWindow(
  v: AttnValues,
  p: AttnProblem,
  be: AttnBackend,
  _dense: AttnRun,
): Promise<MethodResult> {
  const { heads: H, n, d, causal } = p;
  const base = { arrays: {}, metrics: {}, notes: [] as string[], selectMs: 0 };
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
