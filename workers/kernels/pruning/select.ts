/**
 * Wrappers for shaders/pruning/select-segment.wgsl and select-nm.wgsl: count-based keep-masks (per row or per
 * layer, and N:M) on the GPU, checked against workers/reference/pruning/select.ts.
 */
import selectNmCode from '../../../shaders/pruning/select-nm.wgsl?raw';
import selectSegmentCode from '../../../shaders/pruning/select-segment.wgsl?raw';
import { ceilDiv, readUint32 } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import { MAX_WORKGROUPS, PassList, program } from '../../gpu/pass';

/** Threads per segment (a power of two: the shader's tree sum halves it). */
const WG_SEGMENT = 256;
/** Threads per workgroup of N:M groups (one thread per group of M). */
const WG_NM = 64;
const SELECT_SEGMENT = program('pruning-select-segment', selectSegmentCode, {
  constants: { WG: WG_SEGMENT },
});
const SELECT_NM = program('pruning-select-nm', selectNmCode, { constants: { WG: WG_NM } });

async function keepMask(list: PassList, keep: GPUBuffer, n: number): Promise<Uint8Array> {
  try {
    list.run();
    return Uint8Array.from(await readUint32(list.ctx.device, keep, n));
  } finally {
    list.destroy();
  }
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
  const list = new PassList(ctx, 'pruning.select');
  const keep = list.empty('keep', segments * n * 4);
  const dims = list.uniform('dims', [{ u32: segments }, { u32: n }, { u32: k }, { u32: 0 }]);
  // One workgroup per segment; the shader reads the segment as wg.x + wg.y · 65535.
  list.add(
    SELECT_SEGMENT,
    [list.data('S', scores), keep, dims],
    [Math.min(segments, MAX_WORKGROUPS), ceilDiv(segments, MAX_WORKGROUPS)],
  );
  return keepMask(list, keep, segments * n);
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
  const list = new PassList(ctx, 'pruning.nm');
  const keep = list.empty('keep', rows * cols * 4);
  const dims = list.uniform('dims', [{ u32: rows }, { u32: cols }, { u32: n }, { u32: m }]);
  list.add(SELECT_NM, [list.data('S', scores), keep, dims], [ceilDiv(ceilDiv(cols, m), WG_NM), rows]);
  return keepMask(list, keep, rows * cols);
}
