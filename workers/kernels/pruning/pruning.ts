/**
 * Wrappers for shaders/pruning/*.wgsl: Wanda/magnitude scores, count-based mask selection (per row or
 * per layer, and N:M), and sparse × dense products for N:M-compressed and CSR weights. The
 * compression itself (values + packed in-group offsets; CSR) is plain TypeScript here.
 */

import scoresCode from '../../../shaders/pruning/scores.wgsl?raw';
import colnormCode from '../../../shaders/pruning/scores-colnorm.wgsl?raw';
import selectNmCode from '../../../shaders/pruning/select-nm.wgsl?raw';
import selectSegmentCode from '../../../shaders/pruning/select-segment.wgsl?raw';
import spmmCsrCode from '../../../shaders/pruning/spmm-csr.wgsl?raw';
import spmmNmCode from '../../../shaders/pruning/spmm-nm.wgsl?raw';
import {
  bindGroup,
  ceilDiv,
  dispatch,
  emptyBuffer,
  readFloat32,
  readUint32,
  storageBuffer,
  uniformBuffer,
} from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';

const MAX_WG = 65535;

function run(ctx: GpuContext, pipeline: GPUComputePipeline, group: GPUBindGroup, x: number, y = 1): void {
  const enc = ctx.device.createCommandEncoder({ label: pipeline.label });
  dispatch(enc, pipeline, group, x, y);
  ctx.device.queue.submit([enc.finish()]);
}

/** |W| (mode magnitude) or |W|·‖X_:,j‖ (mode wanda, X tokens × cols) on the GPU. */
export async function pruningScoresGpu(
  ctx: GpuContext,
  W: Float32Array,
  rows: number,
  cols: number,
  mode: 'magnitude' | 'wanda',
  X?: { data: Float32Array; tokens: number },
): Promise<Float32Array> {
  const { device } = ctx;
  const norms = emptyBuffer(device, 'pruning.norms', cols * 4);
  const trash: GPUBuffer[] = [norms];
  if (mode === 'wanda') {
    if (!X) throw new Error('Wanda scores need the calibration inputs X');
    const p = ctx.pipeline('pruning-colnorm', colnormCode);
    const xb = storageBuffer(device, 'pruning.X', X.data);
    const dims = uniformBuffer(device, 'pruning.colnorm.dims', [
      { u32: X.tokens },
      { u32: cols },
      { u32: 0 },
      { u32: 0 },
    ]);
    trash.push(xb, dims);
    run(ctx, p, bindGroup(device, p, 'pruning-colnorm', [xb, norms, dims]), ceilDiv(cols, 64));
  }
  const p = ctx.pipeline('pruning-scores', scoresCode);
  const wb = storageBuffer(device, 'pruning.W', W);
  const sb = emptyBuffer(device, 'pruning.S', rows * cols * 4);
  const dims = uniformBuffer(device, 'pruning.scores.dims', [
    { u32: rows },
    { u32: cols },
    { u32: mode === 'wanda' ? 1 : 0 },
    { u32: 0 },
  ]);
  trash.push(wb, sb, dims);
  run(
    ctx,
    p,
    bindGroup(device, p, 'pruning-scores', [wb, norms, sb, dims]),
    ceilDiv(cols, 16),
    ceilDiv(rows, 16),
  );
  const out = await readFloat32(device, sb, rows * cols);
  for (const b of trash) b.destroy();
  return out;
}

/**
 * Keep-mask (1 = kept) that prunes exactly k of each of `segments` consecutive segments of n
 * non-negative scores (the k smallest, ties to the lower index).
 */
export async function selectSegmentsGpu(
  ctx: GpuContext,
  scores: Float32Array,
  segments: number,
  n: number,
  k: number,
): Promise<Uint8Array> {
  for (const s of scores) if (!(s >= 0)) throw new Error('mask selection needs non-negative, finite scores');
  const { device } = ctx;
  const p = ctx.pipeline('pruning-select-segment', selectSegmentCode);
  const sb = storageBuffer(device, 'pruning.select.S', scores);
  const kb = emptyBuffer(device, 'pruning.select.keep', segments * n * 4);
  const dims = uniformBuffer(device, 'pruning.select.dims', [
    { u32: segments },
    { u32: n },
    { u32: k },
    { u32: 0 },
  ]);
  run(
    ctx,
    p,
    bindGroup(device, p, 'pruning-select-segment', [sb, kb, dims]),
    Math.min(segments, MAX_WG),
    ceilDiv(segments, MAX_WG),
  );
  const out = await readUint32(device, kb, segments * n);
  for (const b of [sb, kb, dims]) b.destroy();
  return Uint8Array.from(out);
}

/** Keep-mask keeping the N largest of every M consecutive scores of each row. */
export async function selectNmGpu(
  ctx: GpuContext,
  scores: Float32Array,
  rows: number,
  cols: number,
  n: number,
  m: number,
): Promise<Uint8Array> {
  if (m > 128) throw new Error(`N:M selection on the GPU takes M ≤ 128 (got ${m})`);
  const { device } = ctx;
  const p = ctx.pipeline('pruning-select-nm', selectNmCode);
  const sb = storageBuffer(device, 'pruning.nm.S', scores);
  const kb = emptyBuffer(device, 'pruning.nm.keep', rows * cols * 4);
  const dims = uniformBuffer(device, 'pruning.nm.dims', [
    { u32: rows },
    { u32: cols },
    { u32: n },
    { u32: m },
  ]);
  run(ctx, p, bindGroup(device, p, 'pruning-select-nm', [sb, kb, dims]), ceilDiv(ceilDiv(cols, m), 64), rows);
  const out = await readUint32(device, kb, rows * cols);
  for (const b of [sb, kb, dims]) b.destroy();
  return Uint8Array.from(out);
}

/** N:M-compressed weights: G·N values per row and their in-group offsets packed `bits` bits each. */
export interface NmCompressed {
  rows: number;
  cols: number;
  n: number;
  m: number;
  values: Float32Array;
  meta: Uint32Array;
  bits: number;
  per: number;
  metaStride: number;
}

export function compressNm(
  W: ArrayLike<number>,
  keep: Uint8Array,
  rows: number,
  cols: number,
  n: number,
  m: number,
): NmCompressed {
  const groups = Math.ceil(cols / m);
  const slots = groups * n;
  const bits = Math.max(1, Math.ceil(Math.log2(m)));
  const per = Math.floor(32 / bits);
  const metaStride = Math.ceil(slots / per);
  const values = new Float32Array(rows * slots);
  const meta = new Uint32Array(rows * metaStride);
  for (let i = 0; i < rows; i++) {
    for (let g = 0; g < groups; g++) {
      let q = 0;
      for (let o = 0; o < m && g * m + o < cols; o++) {
        if (!keep[i * cols + g * m + o]) continue;
        if (q >= n) throw new Error(`row ${i}, group ${g} keeps more than ${n} of ${m}: not an N:M mask`);
        const slot = g * n + q;
        values[i * slots + slot] = W[i * cols + g * m + o];
        meta[i * metaStride + Math.floor(slot / per)] |= o << ((slot % per) * bits);
        q++;
      }
    }
  }
  return { rows, cols, n, m, values, meta, bits, per, metaStride };
}

export function decompressNm(c: NmCompressed): Float32Array {
  const { rows, cols, n, m, per, bits, metaStride } = c;
  const groups = Math.ceil(cols / m);
  const slots = groups * n;
  const W = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let q = 0; q < slots; q++) {
      const off = (c.meta[i * metaStride + Math.floor(q / per)] >>> ((q % per) * bits)) & ((1 << bits) - 1);
      W[i * cols + Math.floor(q / n) * m + off] += c.values[i * slots + q];
    }
  return W;
}

export interface Csr {
  rows: number;
  cols: number;
  rowPtr: Uint32Array;
  col: Uint32Array;
  val: Float32Array;
}

export function toCsr(W: ArrayLike<number>, keep: Uint8Array, rows: number, cols: number): Csr {
  const rowPtr = new Uint32Array(rows + 1);
  let nnz = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) if (keep[i * cols + j]) nnz++;
    rowPtr[i + 1] = nnz;
  }
  const col = new Uint32Array(nnz);
  const val = new Float32Array(nnz);
  let e = 0;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++)
      if (keep[i * cols + j]) {
        col[e] = j;
        val[e++] = W[i * cols + j];
      }
  return { rows, cols, rowPtr, col, val };
}

/** Bytes of each format (the GPU buffers as laid out here). */
export const bytesOf = {
  dense: (rows: number, cols: number) => 4 * rows * cols,
  nm: (c: NmCompressed) => 4 * c.values.length + 4 * c.meta.length,
  csr: (c: Csr) => 4 * c.rowPtr.length + 4 * c.col.length + 4 * c.val.length,
};

export interface SpmmBuffers {
  pipeline: GPUComputePipeline;
  group: GPUBindGroup;
  y: GPUBuffer;
  buffers: GPUBuffer[];
  rows: number;
  tokens: number;
}

/** Xt: X transposed (cols × tokens). */
export function prepareSpmmNm(
  ctx: GpuContext,
  c: NmCompressed,
  Xt: Float32Array,
  tokens: number,
): SpmmBuffers {
  const { device } = ctx;
  const pipeline = ctx.pipeline('pruning-spmm-nm', spmmNmCode);
  const v = storageBuffer(device, 'pruning.spmm.values', c.values);
  const m = storageBuffer(device, 'pruning.spmm.meta', c.meta);
  const x = storageBuffer(device, 'pruning.spmm.Xt', Xt);
  const y = emptyBuffer(device, 'pruning.spmm.Y', c.rows * tokens * 4);
  const dims = uniformBuffer(device, 'pruning.spmm.dims', [
    { u32: c.rows },
    { u32: c.cols },
    { u32: tokens },
    { u32: c.n },
    { u32: c.m },
    { u32: c.bits },
    { u32: c.per },
    { u32: c.metaStride },
  ]);
  const buffers = [v, m, x, y, dims];
  return {
    pipeline,
    group: bindGroup(device, pipeline, 'pruning-spmm-nm', buffers),
    y,
    buffers,
    rows: c.rows,
    tokens,
  };
}

export function prepareSpmmCsr(ctx: GpuContext, c: Csr, Xt: Float32Array, tokens: number): SpmmBuffers {
  const { device } = ctx;
  const pipeline = ctx.pipeline('pruning-spmm-csr', spmmCsrCode);
  const rp = storageBuffer(device, 'pruning.csr.rowPtr', c.rowPtr);
  const col = storageBuffer(device, 'pruning.csr.col', c.col.length ? c.col : new Uint32Array(1));
  const val = storageBuffer(device, 'pruning.csr.val', c.val.length ? c.val : new Float32Array(1));
  const x = storageBuffer(device, 'pruning.csr.Xt', Xt);
  const y = emptyBuffer(device, 'pruning.csr.Y', c.rows * tokens * 4);
  const dims = uniformBuffer(device, 'pruning.csr.dims', [
    { u32: c.rows },
    { u32: tokens },
    { u32: 0 },
    { u32: 0 },
  ]);
  const buffers = [rp, col, val, x, y, dims];
  return {
    pipeline,
    group: bindGroup(device, pipeline, 'pruning-spmm-csr', buffers),
    y,
    buffers,
    rows: c.rows,
    tokens,
  };
}

export function encodeSpmm(enc: GPUCommandEncoder, b: SpmmBuffers, ts?: GPUComputePassTimestampWrites): void {
  dispatch(enc, b.pipeline, b.group, ceilDiv(b.tokens, 64), b.rows, 1, ts);
}

export function destroySpmm(b: SpmmBuffers): void {
  for (const x of b.buffers) x.destroy();
}

export async function readSpmm(ctx: GpuContext, b: SpmmBuffers): Promise<Float32Array> {
  return readFloat32(ctx.device, b.y, b.rows * b.tokens);
}

/** One product, uploaded, run and read back (rows × tokens). */
export async function spmmGpu(ctx: GpuContext, prepared: SpmmBuffers): Promise<Float32Array> {
  const enc = ctx.device.createCommandEncoder({ label: 'pruning-spmm' });
  encodeSpmm(enc, prepared);
  ctx.device.queue.submit([enc.finish()]);
  const out = await readSpmm(ctx, prepared);
  destroySpmm(prepared);
  return out;
}

export function transpose32(X: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const T = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) T[j * rows + i] = X[i * cols + j];
  return T;
}
