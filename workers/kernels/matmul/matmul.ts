/** Wrapper for shaders/matmul/matmul.wgsl: C = A·B on the GPU. */
import code from '../../../shaders/matmul/matmul.wgsl?raw';
import {
  bindGroup,
  ceilDiv,
  dispatch,
  emptyBuffer,
  readFloat32,
  storageBuffer,
  uniformBuffer,
} from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';

export interface MatmulBuffers {
  a: GPUBuffer;
  b: GPUBuffer;
  c: GPUBuffer;
  dims: GPUBuffer;
  group: GPUBindGroup;
  pipeline: GPUComputePipeline;
  m: number;
  n: number;
  k: number;
}

export function matmulPipeline(ctx: GpuContext): GPUComputePipeline {
  return ctx.pipeline('matmul', code);
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
  const { device } = ctx;
  const pipeline = matmulPipeline(ctx);
  const bufA = storageBuffer(device, 'matmul.A', a);
  const bufB = storageBuffer(device, 'matmul.B', b);
  const bufC = emptyBuffer(device, 'matmul.C', m * n * 4);
  const dims = uniformBuffer(device, 'matmul.dims', [{ u32: m }, { u32: n }, { u32: k }, { u32: 0 }]);
  const group = bindGroup(device, pipeline, 'matmul', [bufA, bufB, bufC, dims]);
  return { a: bufA, b: bufB, c: bufC, dims, group, pipeline, m, n, k };
}

export function encodeMatmul(
  enc: GPUCommandEncoder,
  mb: MatmulBuffers,
  ts?: GPUComputePassTimestampWrites,
): void {
  dispatch(enc, mb.pipeline, mb.group, ceilDiv(mb.n, 64), ceilDiv(mb.m, 64), 1, ts);
}

export function destroyMatmul(mb: MatmulBuffers): void {
  for (const b of [mb.a, mb.b, mb.c, mb.dims]) b.destroy();
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
  const enc = ctx.device.createCommandEncoder({ label: 'matmul' });
  encodeMatmul(enc, mb);
  ctx.device.queue.submit([enc.finish()]);
  const out = await readFloat32(ctx.device, mb.c, m * n);
  destroyMatmul(mb);
  return out;
}
