/**
 * Wrappers for shaders/pruning/spmm-nm.wgsl and spmm-csr.wgsl: Y (rows × tokens) = Ŵ Xᵀ for N:M-compressed
 * and CSR weights (the formats and the float64 reference are in workers/reference/pruning/spmm.ts).
 * Each product is a PassList (its buffers and one dispatch), encoded as often as a timing loop wants.
 */
import spmmCsrCode from '../../../shaders/pruning/spmm-csr.wgsl?raw';
import spmmNmCode from '../../../shaders/pruning/spmm-nm.wgsl?raw';
import { ceilDiv, readFloat32 } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import { PassList, type PassTimestamps, program } from '../../gpu/pass';
import type { Csr, NmCompressed } from '../../reference/pruning/spmm';

/** Threads per workgroup: consecutive tokens of one output row. */
const WG = 64;
const SPMM_NM = program('pruning-spmm-nm', spmmNmCode, { constants: { WG } });
const SPMM_CSR = program('pruning-spmm-csr', spmmCsrCode, { constants: { WG } });

export interface Spmm {
  list: PassList;
  /** The output, rows × tokens. */
  y: GPUBuffer;
  rows: number;
  tokens: number;
}

/** Xt: X transposed (cols × tokens). */
export function prepareSpmmNm(ctx: GpuContext, c: NmCompressed, Xt: Float32Array, tokens: number): Spmm {
  const list = new PassList(ctx, 'pruning.spmm-nm');
  const y = list.empty('Y', c.rows * tokens * 4);
  const dims = list.uniform('dims', [
    { u32: c.rows },
    { u32: c.cols },
    { u32: tokens },
    { u32: c.n },
    { u32: c.m },
    { u32: c.bits },
    { u32: c.per },
    { u32: c.metaStride },
  ]);
  list.add(
    SPMM_NM,
    [list.data('values', c.values), list.data('meta', c.meta), list.data('Xt', Xt), y, dims],
    [ceilDiv(tokens, WG), c.rows],
  );
  return { list, y, rows: c.rows, tokens };
}

export function prepareSpmmCsr(ctx: GpuContext, c: Csr, Xt: Float32Array, tokens: number): Spmm {
  const list = new PassList(ctx, 'pruning.spmm-csr');
  const y = list.empty('Y', c.rows * tokens * 4);
  const dims = list.uniform('dims', [{ u32: c.rows }, { u32: tokens }, { u32: 0 }, { u32: 0 }]);
  list.add(
    SPMM_CSR,
    [
      list.data('rowPtr', c.rowPtr),
      list.data('col', c.col.length ? c.col : new Uint32Array(1)),
      list.data('val', c.val.length ? c.val : new Float32Array(1)),
      list.data('Xt', Xt),
      y,
      dims,
    ],
    [ceilDiv(tokens, WG), c.rows],
  );
  return { list, y, rows: c.rows, tokens };
}

export function encodeSpmm(enc: GPUCommandEncoder, s: Spmm, ts?: PassTimestamps): void {
  s.list.encode(enc, ts);
}

export function destroySpmm(s: Spmm): void {
  s.list.destroy();
}

export async function readSpmm(ctx: GpuContext, s: Spmm): Promise<Float32Array> {
  return readFloat32(ctx.device, s.y, s.rows * s.tokens);
}

/** One product, run and read back (rows × tokens); frees its buffers. */
export async function spmmGpu(ctx: GpuContext, prepared: Spmm): Promise<Float32Array> {
  try {
    prepared.list.run();
    return await readSpmm(ctx, prepared);
  } finally {
    destroySpmm(prepared);
  }
}
