/** Dense softmax attention: the anchor run itself, counted as the method. */

import type { AttnBackend, AttnProblem, AttnRun } from '../backend';
import type { AttnValues, MethodResult } from '../method-types';
import { densePairs } from '../metrics';

export async function runDense(
  _v: AttnValues,
  p: AttnProblem,
  _be: AttnBackend,
  dense: AttnRun,
): Promise<MethodResult> {
  const { heads: H, n, d, causal } = p;
  const base = { arrays: {}, metrics: {}, notes: [] as string[], selectMs: 0 };
  return {
    ...base,
    out: dense.out,
    lse: dense.lse,
    ms: dense.ms,
    pairs: H * densePairs(n, causal),
    flops: 4 * H * densePairs(n, causal) * d,
    classOf: null,
  };
}
