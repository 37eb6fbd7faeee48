/** Block-sparse attention: pooled block scores, top-k / top-p selection (and the SpargeAttn guard), attention over the kept blocks. */
import { nd } from '../../../core/ndarray';
import {
  blockCount,
  blockPairs,
  blockSelfSimilarity,
  selectBlocks,
} from '../../../reference/attention/blocksparse';
import type { AttnBackend, AttnProblem, AttnRun } from '../backend';
import { type AttnValues, causalHidden, type MethodResult } from '../method-types';
import { OVERLAY } from '../views-data';

export async function runBlockSparse(
  v: AttnValues,
  p: AttnProblem,
  be: AttnBackend,
  _dense: AttnRun,
): Promise<MethodResult> {
  const { heads: H, n, d, causal } = p;
  const base = { arrays: {}, metrics: {}, notes: [] as string[], selectMs: 0 };
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
