/** Wrapper for shaders/sae/gemm.wgsl: C = op(A)·op(B) [+ bias] [ReLU] [+ C] as one recorded op. */
import code from '../../../shaders/sae/gemm.wgsl?raw';
import { readFloat32 } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import { type Op, PassList } from '../../gpu/pass';
import { saeOp } from './util/op';

export interface GemmShape {
  M: number;
  N: number;
  K: number;
  transA?: boolean;
  transB?: boolean;
  relu?: boolean;
  accumulate?: boolean;
}

/**
 * `bias` is always bound (pass any buffer when the GEMM has none): a layout derived from the shader keeps
 * every binding the code names, whatever the override constants.
 */
export function gemmOp(
  bs: PassList,
  A: GPUBuffer,
  B: GPUBuffer,
  C: GPUBuffer,
  s: GemmShape,
  bias: GPUBuffer | null,
  dummy: GPUBuffer,
): Op {
  const dims = bs.uniform('gemm.dims', [{ u32: s.M }, { u32: s.N }, { u32: s.K }, { u32: 0 }]);
  const constants = {
    TRANS_A: s.transA ? 1 : 0,
    TRANS_B: s.transB ? 1 : 0,
    BIAS: bias ? 1 : 0,
    RELU: s.relu ? 1 : 0,
    ACCUM: s.accumulate ? 1 : 0,
  };
  return saeOp(
    bs,
    'sae-gemm',
    code,
    [A, B, C, bias ?? dummy, dims],
    [Math.ceil(s.N / 64), Math.ceil(s.M / 64)],
    constants,
  );
}

/** One-off GEMM with upload and read-back (tests, benchmarks). `c0` seeds C when accumulating. */
export async function gemmGpu(
  ctx: GpuContext,
  a: Float32Array,
  b: Float32Array,
  s: GemmShape,
  bias?: Float32Array,
  c0?: Float32Array,
): Promise<Float32Array> {
  const bs = new PassList(ctx, 'sae-gemm');
  const A = bs.data('A', a);
  const B = bs.data('B', b);
  const C = c0 ? bs.data('C', c0) : bs.empty('C', s.M * s.N * 4);
  const dummy = bs.empty('dummy', 16);
  const biasBuf = bias ? bs.data('bias', bias) : null;
  bs.run([gemmOp(bs, A, B, C, s, biasBuf, dummy)]);
  const out = await readFloat32(ctx.device, C, s.M * s.N);
  bs.destroy();
  return out;
}
