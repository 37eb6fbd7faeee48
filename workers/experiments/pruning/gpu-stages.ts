/**
 * The GPU half of a pruning run: for methods whose table entry names GPU kernels, scores and mask
 * selection on the GPU (the result then uses the GPU's mask, checked against the CPU reference's);
 * for every weight-pruning method, the pruned layer's product on held-out tokens with the sparse
 * kernel (N:M-compressed or CSR), checked against the float64 product and timed against our dense
 * tiled matmul.
 */
import type { GpuContext } from '../../gpu/device';
import { median, timeGpu } from '../../gpu/timer';
import { destroyMatmul, encodeMatmul, prepareMatmul } from '../../kernels/matmul/matmul';
import { pruningScoresGpu } from '../../kernels/pruning/scores';
import { selectNmGpu, selectSegmentsGpu } from '../../kernels/pruning/select';
import {
  destroySpmm,
  encodeSpmm,
  prepareSpmmCsr,
  prepareSpmmNm,
  readSpmm,
  type Spmm,
} from '../../kernels/pruning/spmm';
import { maskSparsity, type Pattern } from '../../reference/pruning/select';
import { bytesOf, compressNm, toCsr, transpose32 } from '../../reference/pruning/spmm';
import type { PruningValues } from '../../spec/pruning';
import { maxRelDiff, type Parity } from '../types';
import type { Layer } from './data';
import { type MethodEntry, type MethodRun, weightErrors } from './registry';
import type { KernelView, StageRecord } from './views-data';

const TOL = 1e-4;
const REPS = 3;

export interface GpuStages {
  stages: StageRecord[];
  metrics: Record<string, number>;
  kernel?: KernelView;
  parity?: Parity;
  /** The GPU's mask, when the GPU chose it (the result then uses it). */
  keep?: Uint8Array;
}

export async function runGpuStages(
  gpu: GpuContext,
  entry: MethodEntry,
  L: Layer,
  p: Pattern,
  res: MethodRun,
  v: PruningValues,
): Promise<GpuStages> {
  const stages: StageRecord[] = [];
  const metrics: Record<string, number> = {};
  const reasons: string[] = [];
  let worst = 0;
  let keep: Uint8Array | undefined;
  if ('kernels' in entry.gpu && res.keep) {
    const t0 = performance.now();
    const W32 = Float32Array.from(L.W);
    const scores = await pruningScoresGpu(gpu, W32, L.rows, L.cols, entry.gpu.score, {
      data: Float32Array.from(L.Xcal),
      tokens: L.tokens,
    });
    stages.push({ stage: `${entry.gpu.score} scores`, backend: 'webgpu', ms: performance.now() - t0 });
    const t1 = performance.now();
    if (p.kind === 'nm') keep = await selectNmGpu(gpu, scores, L.rows, L.cols, p.n, p.m);
    else {
      const perLayer = entry.fields.includes('magGroup' as never) && v.magGroup === 'layer';
      keep = perLayer
        ? await selectSegmentsGpu(gpu, scores, 1, L.rows * L.cols, Math.floor(p.sparsity * L.rows * L.cols))
        : await selectSegmentsGpu(gpu, scores, L.rows, L.cols, Math.floor(p.sparsity * L.cols));
    }
    stages.push({ stage: 'mask selection', backend: 'webgpu', ms: performance.now() - t1 });
    let mismatch = 0;
    for (let i = 0; i < keep.length; i++) if (keep[i] !== res.keep[i]) mismatch++;
    metrics.maskMismatchVsCpu = mismatch;
    // f32 scores can order near-ties differently from float64: allow a handful, never more.
    const frac = mismatch / keep.length;
    worst = Math.max(worst, frac);
    reasons.push(`mask: ${mismatch} of ${keep.length} entries differ from the float64 reference`);
    if (mismatch) {
      res.keep = keep;
      res.approx = Float64Array.from(L.W, (w, i) => (keep?.[i] ? w : 0));
      Object.assign(res, weightErrors(L, res.approx), { sparsity: maskSparsity(keep) });
    }
  }
  let kernel: KernelView | undefined;
  if (res.keep && res.approx && L.rows <= 65535) {
    const k = await sparseKernel(gpu, L, res.keep, res.approx, p);
    kernel = k.view;
    worst = Math.max(worst, k.maxRelDiff);
    reasons.push(`sparse product: max rel. diff ${k.maxRelDiff.toExponential(2)}`);
    stages.push({ stage: `sparse × dense (${kernel.format})`, backend: 'webgpu', ms: kernel.sparseMs });
    stages.push({ stage: 'dense tiled matmul (for comparison)', backend: 'webgpu', ms: kernel.denseMs });
    metrics.kernelSpeedup = kernel.denseMs / kernel.sparseMs;
    metrics.kernelIdealSpeedup = kernel.ideal;
    metrics.bytesSaved = 1 - kernel.bytesSparse / kernel.bytesDense;
  } else if (res.keep && res.approx) reasons.push('sparse kernel skipped: more than 65535 rows');
  if (!reasons.length)
    return { stages, metrics, parity: { status: 'not-applicable', reason: 'this method has no GPU path' } };
  return {
    stages,
    metrics,
    kernel,
    keep,
    parity: {
      status: 'checked',
      maxRelDiff: worst,
      tolerance: TOL,
      ok: worst <= TOL,
      compared: reasons.join('; '),
    },
  };
}

/**
 * Ŵ·X_heldᵀ with the sparse kernel (N:M-compressed for an N:M pattern, else CSR), checked against the
 * float64 product and timed against our dense tiled matmul (medians of alternated runs).
 */
export async function sparseKernel(
  gpu: GpuContext,
  L: Layer,
  keep: Uint8Array,
  approx: Float64Array,
  p: Pattern,
): Promise<{ view: KernelView; maxRelDiff: number }> {
  const Xt = transpose32(L.Xheld, L.held, L.cols);
  const nm = p.kind === 'nm' ? compressNm(approx, keep, L.rows, L.cols, p.n, p.m) : null;
  let sparse: Spmm;
  let bytesSparse: number;
  let format: string;
  if (nm) {
    sparse = prepareSpmmNm(gpu, nm, Xt, L.held);
    bytesSparse = bytesOf.nm(nm);
    format = `${nm.n}:${nm.m} values + ${nm.bits}-bit offsets`;
  } else {
    const csr = toCsr(approx, keep, L.rows, L.cols);
    sparse = prepareSpmmCsr(gpu, csr, Xt, L.held);
    bytesSparse = bytesOf.csr(csr);
    format = 'CSR (u32 indices)';
  }
  const dense = prepareMatmul(gpu, Float32Array.from(approx), Xt, L.rows, L.held, L.cols);
  const ts: number[] = [];
  const td: number[] = [];
  try {
    // One untimed run of each first (pipeline creation, first touch of the buffers).
    await timeGpu(gpu, (enc) => encodeSpmm(enc, sparse));
    await timeGpu(gpu, (enc) => encodeMatmul(enc, dense));
    for (let r = 0; r < REPS; r++) {
      ts.push((await timeGpu(gpu, (enc, t) => encodeSpmm(enc, sparse, t))).ms);
      td.push((await timeGpu(gpu, (enc, t) => encodeMatmul(enc, dense, t))).ms);
    }
    const y = await readSpmm(gpu, sparse);
    const want = new Float64Array(L.rows * L.held);
    for (let i = 0; i < L.rows; i++)
      for (let t = 0; t < L.held; t++) {
        let s = 0;
        for (let j = 0; j < L.cols; j++) s += approx[i * L.cols + j] * L.Xheld[t * L.cols + j];
        want[i * L.held + t] = s;
      }
    const density = 1 - maskSparsity(keep);
    return {
      maxRelDiff: maxRelDiff(y, want),
      view: {
        format,
        sparseMs: median(ts),
        denseMs: median(td),
        ideal: density > 0 ? 1 / density : Number.POSITIVE_INFINITY,
        bytesSparse,
        bytesDense: bytesOf.dense(L.rows, L.cols),
      },
    };
  } finally {
    destroySpmm(sparse);
    destroyMatmul(dense);
  }
}
