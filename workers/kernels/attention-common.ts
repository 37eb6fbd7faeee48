/**
 * What every flash-attention wrapper shares: Q/K/V/O/LSE buffers (H×N×d, head-major), the Params
 * uniform of shaders/attention-flash-common.wgsl, pipelines built as common + entry, read-back.
 */
import common from '../../shaders/attention-flash-common.wgsl?raw';
import { emptyBuffer, readFloat32, storageBuffer, uniformBuffer } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';

/** Query and key tile of the flash kernels (rows = columns = 32). */
export const TILE = 32;
/** The kernels write this (−3e38) as the LSE of a row that saw no key; read-back turns it into −∞. */
const NEG_LSE = -1e38;

export interface AttnShape {
  heads: number;
  n: number;
  d: number;
  causal: boolean;
}

export interface QkvBuffers {
  q: GPUBuffer;
  k: GPUBuffer;
  v: GPUBuffer;
  o: GPUBuffer;
  lse: GPUBuffer;
  shape: AttnShape;
}

export interface ParamsExtra {
  window?: number;
  sinks?: number;
  block?: number;
  words?: number;
  tiles?: number;
  listBase?: number;
  extra1?: number;
  extra2?: number;
}

/** A recorded kernel with its bind group: encode it (again, for timing), then destroy what it owns. */
export interface PreparedKernel {
  encode(enc: GPUCommandEncoder, ts?: GPUComputePassTimestampWrites): void;
  destroy(): void;
}

export interface AttnOutput {
  out: Float32Array;
  /** H×N log-sum-exp over the visible keys; −∞ for rows that saw none. */
  lse: Float32Array;
}

export function uploadQkv(
  ctx: GpuContext,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  shape: AttnShape,
): QkvBuffers {
  const { heads, n, d } = shape;
  const size = heads * n * d;
  if (q.length !== size || k.length !== size || v.length !== size) {
    throw new Error(
      `attention: Q, K, V must each hold H·N·d = ${size} values (got ${q.length}, ${k.length}, ${v.length})`,
    );
  }
  const dev = ctx.device;
  return {
    q: storageBuffer(dev, 'attn.Q', q),
    k: storageBuffer(dev, 'attn.K', k),
    v: storageBuffer(dev, 'attn.V', v),
    o: emptyBuffer(dev, 'attn.O', size * 4),
    lse: emptyBuffer(dev, 'attn.LSE', heads * n * 4),
    shape,
  };
}

export function destroyQkv(b: QkvBuffers): void {
  for (const x of [b.q, b.k, b.v, b.o, b.lse]) x.destroy();
}

/** Bytes on the GPU for Q, K, V, O and LSE: (largest binding, total). */
export function qkvBytes(s: AttnShape): { largest: number; total: number } {
  const one = s.heads * s.n * s.d * 4;
  return { largest: one, total: 4 * one + s.heads * s.n * 4 };
}

/** WGSL of a flash kernel: the shared core (attention-flash-common.wgsl) followed by its entry file. */
export function flashCode(entry: string): string {
  return `${common}\n${entry}`;
}

export function flashPipeline(ctx: GpuContext, key: string, entry: string): GPUComputePipeline {
  return ctx.pipeline(key, flashCode(entry));
}

export function attnParams(dev: GPUDevice, label: string, s: AttnShape, x: ParamsExtra = {}): GPUBuffer {
  return uniformBuffer(dev, label, [
    { u32: s.n },
    { u32: s.d },
    { u32: s.heads },
    { u32: s.causal ? 1 : 0 },
    { u32: x.window ?? 0 },
    { u32: x.sinks ?? 0 },
    { u32: x.block ?? 0 },
    { u32: x.words ?? 0 },
    { u32: x.tiles ?? 0 },
    { u32: x.listBase ?? 0 },
    { u32: x.extra1 ?? 0 },
    { u32: x.extra2 ?? 0 },
    { f32: 1 / Math.sqrt(s.d) },
    { f32: 0 },
    { f32: 0 },
    { f32: 0 },
  ]);
}

export function queryTiles(n: number): number {
  return Math.ceil(n / TILE);
}

/** Encodes, submits and reads back O and LSE. */
export async function runAndRead(ctx: GpuContext, b: QkvBuffers, k: PreparedKernel): Promise<AttnOutput> {
  const enc = ctx.device.createCommandEncoder({ label: 'attention' });
  k.encode(enc);
  ctx.device.queue.submit([enc.finish()]);
  return readAttn(ctx, b);
}

export async function readAttn(ctx: GpuContext, b: QkvBuffers): Promise<AttnOutput> {
  const { heads, n, d } = b.shape;
  const out = await readFloat32(ctx.device, b.o, heads * n * d);
  const lse = await readFloat32(ctx.device, b.lse, heads * n);
  for (let i = 0; i < lse.length; i++) if (lse[i] < NEG_LSE) lse[i] = Number.NEGATIVE_INFINITY;
  return { out, lse };
}

/** Uploads, runs one prepared kernel, reads back, frees everything. */
export async function oneShot(
  ctx: GpuContext,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  shape: AttnShape,
  prepare: (b: QkvBuffers) => PreparedKernel,
): Promise<AttnOutput> {
  const b = uploadQkv(ctx, q, k, v, shape);
  const kern = prepare(b);
  try {
    return await runAndRead(ctx, b, kern);
  } finally {
    kern.destroy();
    destroyQkv(b);
  }
}
