/**
 * Pruning lab: the sparse × dense kernels (N:M-compressed, CSR) against our dense tiled matmul on the
 * same adapter, Y = Ŵ·Xᵀ for a layer at 50%, 75% and 90% unstructured sparsity and at 2:4; kernel
 * times (timestamp-query when available) measured alternately, medians after warm-up. Each row gives
 * the speed-up, the ideal (dense FLOPs / sparse FLOPs) and the memory the format saves.
 */
import type { GpuContext } from '../workers/gpu/device';
import { median, timeGpu } from '../workers/gpu/timer';
import { Rng } from '../workers/io/rng';
import { destroyMatmul, encodeMatmul, prepareMatmul } from '../workers/kernels/matmul/matmul';
import {
  destroySpmm,
  encodeSpmm,
  prepareSpmmCsr,
  prepareSpmmNm,
  type Spmm,
} from '../workers/kernels/pruning/spmm';
import { layerMask, nmMask } from '../workers/reference/pruning/select';
import { bytesOf, compressNm, toCsr, transpose32 } from '../workers/reference/pruning/spmm';
import type { BenchOptions, BenchRow } from './common';

export async function benchPruning({ gpu, size }: BenchOptions): Promise<BenchRow[]> {
  if (!gpu) return [];
  const small = size === 'small';
  // Layer out × in and tokens: a small layer on the software adapter; an LLM-sized one on a GPU.
  const [rows, cols, tokens] = small ? [256, 256, 128] : [4096, 4096, 512];
  const reps = small ? 5 : 20;
  const rng = new Rng(1);
  const W = Float32Array.from({ length: rows * cols }, () => rng.normal());
  const X = Float32Array.from({ length: tokens * cols }, () => rng.normal());
  const Xt = transpose32(X, tokens, cols);
  const absW = Float64Array.from(W, Math.abs);
  const out: BenchRow[] = [];
  const dense = prepareMatmul(gpu, W, Xt, rows, tokens, cols);
  const cases: Array<{ label: string; keep: Uint8Array; nm: boolean }> = [
    { label: '2:4', keep: nmMask(absW, rows, cols, 2, 4), nm: true },
    ...[0.5, 0.75, 0.9].map((s) => ({
      label: `${s * 100}% unstructured (CSR)`,
      keep: layerMask(absW, rows, cols, s),
      nm: false,
    })),
  ];
  for (const c of cases) {
    let sparse: Spmm;
    let bytes: number;
    if (c.nm) {
      const comp = compressNm(W, c.keep, rows, cols, 2, 4);
      sparse = prepareSpmmNm(gpu, comp, Xt, tokens);
      bytes = bytesOf.nm(comp);
    } else {
      const csr = toCsr(W, c.keep, rows, cols);
      sparse = prepareSpmmCsr(gpu, csr, Xt, tokens);
      bytes = bytesOf.csr(csr);
    }
    let kept = 0;
    for (const k of c.keep) kept += k;
    const ideal = (rows * cols) / kept;
    const { s, d } = await paired(gpu, sparse, dense, reps);
    destroySpmm(sparse);
    const saved = 1 - bytes / bytesOf.dense(rows, cols);
    out.push({
      name: `sparse × dense, ${c.label}, vs our dense tiled matmul (kernel time)`,
      size: `${rows}×${cols} · ${cols}×${tokens}`,
      backend: 'webgpu',
      medianMs: s,
      peer: 'our dense',
      peerMedianMs: d,
      ratio: d / s,
      note: `ideal ${ideal.toFixed(2)}×; weights ${(bytes / 2 ** 20).toFixed(2)} MiB vs ${(bytesOf.dense(rows, cols) / 2 ** 20).toFixed(2)} MiB dense (${(saved * 100).toFixed(1)}% saved)`,
    });
  }
  destroyMatmul(dense);
  return out;
}

async function paired(
  gpu: GpuContext,
  sparse: Spmm,
  dense: ReturnType<typeof prepareMatmul>,
  reps: number,
): Promise<{ s: number; d: number }> {
  const ts: number[] = [];
  const td: number[] = [];
  for (let i = 0; i < reps + 2; i++) {
    const a = (await timeGpu(gpu, (enc, t) => encodeSpmm(enc, sparse, t))).ms;
    const b = (await timeGpu(gpu, (enc, t) => encodeMatmul(enc, dense, t))).ms;
    if (i >= 2) {
      ts.push(a);
      td.push(b);
    }
  }
  return { s: median(ts), d: median(td) };
}
