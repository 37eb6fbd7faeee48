/**
 * Wrappers for shaders/sae/topk.wgsl (workgroup radix select per row) and shaders/sae/topk-row.wgsl (one
 * thread per row): exact per-row top-k, optionally over dead latents only. Both give the same selection.
 */

import code from '../../../shaders/sae/topk.wgsl?raw';
import rowCode from '../../../shaders/sae/topk-row.wgsl?raw';
import { readFloat32, readUint32 } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import { type Op, PassList } from '../../gpu/pass';
import { saeFlatOp, saeOp } from './util/op';

export interface TopkShape {
  rows: number;
  M: number;
  K: number;
  /** Entries per output row and where this selection starts in it. */
  stride: number;
  offset: number;
  /** When set, only latents with since ≥ deadAfter are candidates. */
  deadAfter?: number;
}

export type TopkVariant = 'radix' | 'row';

/**
 * Radix select (a workgroup per row) for long rows on a GPU; a thread per row for short rows, and on software
 * adapters, where workgroup barriers cost more than a sequential scan.
 */
export function topkVariant(M: number, isSoftware: boolean): TopkVariant {
  return M <= 256 || isSoftware ? 'row' : 'radix';
}

export function topkOp(
  bs: PassList,
  pre: GPUBuffer,
  since: GPUBuffer,
  idx: GPUBuffer,
  val: GPUBuffer,
  s: TopkShape,
  variant: TopkVariant = topkVariant(s.M, bs.ctx.adapter.isSoftware),
): Op {
  const masked = s.deadAfter !== undefined;
  const params = bs.uniform('topk.params', [
    { u32: s.M },
    { u32: s.K },
    { u32: s.stride },
    { u32: s.offset },
    { f32: s.deadAfter ?? 0 },
    { u32: s.rows },
    { u32: 0 },
    { u32: 0 },
  ]);
  if (variant === 'row') {
    return saeFlatOp(bs, 'sae-topk-row', rowCode, [pre, since, idx, val, params], s.rows, 64, {
      MASKED: masked ? 1 : 0,
    });
  }
  const wx = Math.min(s.rows, 65535);
  const constants = { MASKED: masked ? 1 : 0, WG: topkWorkgroup(s.M) };
  return saeOp(
    bs,
    'sae-topk',
    code,
    [pre, since, idx, val, params],
    [wx, Math.ceil(s.rows / 65535)],
    constants,
  );
}

/** Threads per row: 256 for long rows; 64 for short ones, where barrier waits dominate. */
export function topkWorkgroup(M: number): number {
  return M > 1024 ? 256 : 64;
}

/** One-off selection with upload and read-back (tests). */
export async function topkGpu(
  ctx: GpuContext,
  pre: Float32Array,
  rows: number,
  M: number,
  K: number,
  since?: { values: Float32Array; deadAfter: number },
  variant?: TopkVariant,
): Promise<{ idx: Uint32Array; val: Float32Array }> {
  const bs = new PassList(ctx, 'sae-topk');
  const P = bs.data('pre', pre);
  const S = since ? bs.data('since', since.values) : bs.empty('since', 16);
  const I = bs.empty('idx', rows * K * 4);
  const V = bs.empty('val', rows * K * 4);
  bs.run([
    topkOp(bs, P, S, I, V, { rows, M, K, stride: K, offset: 0, deadAfter: since?.deadAfter }, variant),
  ]);
  const idx = await readUint32(ctx.device, I, rows * K);
  const val = await readFloat32(ctx.device, V, rows * K);
  bs.destroy();
  return { idx, val };
}
