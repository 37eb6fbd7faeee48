/** Wrapper for shaders/matmul/matmul.wgsl: C = A·B on the GPU, as a PassList (its buffers and one dispatch). */
import code from '../../../shaders/matmul/matmul.wgsl?raw';
import { ceilDiv, readFloat32 } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import { PassList, type PassTimestamps, program } from '../../gpu/pass';

/** 16×16 threads per workgroup, each a 4×4 block of a 64×64 tile of C (the shader's tile layout needs 16). */
const WG = 16;
const TILE = 4 * WG;
const MATMUL = program('matmul', code, { constants: { WG } });

export interface MatmulBuffers {
  list: PassList;
  /** The output C, m × n. */
  c: GPUBuffer;
  m: number;
  n: number;
  k: number;
}

/** Uploads A and B and prepares C; `encodeMatmul` then records the dispatch (re-usable for timing). */
export function prepareMatmul(
  ctx: GpuContext,
  a: Float32Array,
  b: Float32Array,
  m: number,
  n: number,
  k: number,
): MatmulBuffers {
  const list = new PassList(ctx, 'matmul');
  const c = list.empty('C', m * n * 4);
  const dims = list.uniform('dims', [{ u32: m }, { u32: n }, { u32: k }, { u32: 0 }]);
  list.add(MATMUL, [list.data('A', a), list.data('B', b), c, dims], [ceilDiv(n, TILE), ceilDiv(m, TILE)]);
  return { list, c, m, n, k };
}

export function encodeMatmul(enc: GPUCommandEncoder, mb: MatmulBuffers, ts?: PassTimestamps): void {
  mb.list.encode(enc, ts);
}

export function destroyMatmul(mb: MatmulBuffers): void {
  mb.list.destroy();
}

export async function matmulGpu(
  ctx: GpuContext,
  a: Float32Array,
  b: Float32Array,
  m: number,
  n: number,
  k: number,
): Promise<Float32Array> {
  const mb = prepareMatmul(ctx, a, b, m, n, k);
  try {
    mb.list.run();
    return await readFloat32(ctx.device, mb.c, m * n);
  } finally {
    destroyMatmul(mb);
  }
}
