/**
 * The linear family on the runner's backend: linear attention, log-linear attention and SLA (the other
 * helper's kernels and references), with FLOP counts, and for SLA the block classes, the overlay and the
 * dense mass inside critical (and critical + marginal) blocks, measured with the block-sparse kernel's LSE.
 */
import { nd } from '../../core/ndarray';
import { blockCount, blockPairs } from '../../reference/attention-blocksparse';
import { featureDim } from '../../reference/feature-maps';
import type { AttnBackend, AttnProblem } from './backend';
import type { AttnValues, MethodResult } from './methods';
import { OVERLAY } from './views-data';

export async function runLinearFamily(v: AttnValues, p: AttnProblem, be: AttnBackend): Promise<MethodResult> {
  const { heads: H, n, d, causal } = p;
  const fo = { n, d, causal, featureMap: v.featureMap, favorFeatures: v.favorFeatures, seed: v.seed };
  const f = featureDim(fo);
  const out = new Float32Array(H * n * d);
  let ms = 0;
  const notes: string[] = [];
  if (be.kind === 'webgpu') notes.push('Linear-family times are wall clock including upload and read-back.');
  if (v.method === 'linear' || v.method === 'loglinear') {
    const log = v.method === 'loglinear';
    for (let h = 0; h < H; h++) {
      const r = log
        ? await be.logLinear({ ...fo, chunk: v.chunk }, h)
        : await be.linear({ ...fo, chunk: v.chunk }, h);
      out.set(r.value, h * n * d);
      ms += r.ms;
    }
    const c = Math.min(v.chunk, n);
    let flops: number;
    if (log) {
      notes.push('Log-linear weights λ^(ℓ) = β^ℓ are fixed (the paper learns them) [our choice].');
      // Intra-chunk quadratic part plus one state contraction per Fenwick level above the chunk.
      flops = H * (4 * n * f * d * (1 + Math.log2(Math.max(1, n / c))) + 2 * n * c * (f + d));
    } else flops = H * (4 * n * f * d + (causal ? 2 * n * c * (f + d) : 0));
    return {
      out,
      lse: null,
      ms,
      selectMs: 0,
      pairs: null,
      flops,
      arrays: {},
      classOf: null,
      metrics: { features: f },
      notes,
    };
  }
  // SLA: exact softmax on critical blocks, linear attention on marginal ones, negligible skipped.
  const { block } = v;
  const nb = blockCount(n, block);
  const classes = new Int32Array(H * nb * nb);
  const crit: Int32Array[][] = [];
  const keptLists: Int32Array[][] = [];
  for (let h = 0; h < H; h++) {
    const r = await be.sla({ ...fo, block, kh: v.kh, kl: v.kl }, h);
    out.set(r.value.out, h * n * d);
    classes.set(r.value.classes, h * nb * nb);
    ms += r.ms;
    const rows = (min: number) =>
      Array.from({ length: nb }, (_, I) =>
        Int32Array.from({ length: nb }, (_, J) => J).filter((J) => r.value.classes[I * nb + J] >= min),
      );
    crit.push(rows(2));
    keptLists.push(rows(1));
  }
  // Mass inside the critical (and critical + marginal) blocks, from the block-sparse kernel's LSE.
  const critRun = await be.blockSparse(block, crit);
  const keptRun = await be.blockSparse(block, keptLists);
  const pairs = crit.reduce((a, l) => a + blockPairs(l, block, n, causal), 0);
  notes.push(
    'SLA training-free [our design]: the learned projection is the identity; see the method notes for the mixing.',
  );
  return {
    out,
    lse: critRun.lse,
    ms,
    selectMs: 0,
    pairs,
    flops: 4 * pairs * d + H * (4 * n * f * d + 4 * n * d + 2 * nb * nb * d),
    arrays: { classes: nd(classes, [H, nb, nb]) },
    classOf: (h, i, j) => {
      if (causal && j > i) return -1;
      const c = classes[(h * nb + Math.floor(i / block)) * nb + Math.floor(j / block)];
      return c === 2 ? OVERLAY.kept : c === 1 ? OVERLAY.marginal : c === 0 ? OVERLAY.negligible : -1;
    },
    metrics: { features: f },
    keptLse: keptRun.lse,
    notes,
  };
}
