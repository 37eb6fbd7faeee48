/**
 * What every flash-attention wrapper shares: Q/K/V/O/LSE buffers (H×N×d, head-major), the Params
 * uniform of shaders/common/attention-flash.wgsl, programs built as that prelude + entry (workers/gpu/pass.ts), read-back.
 */
import common from '../../../shaders/common/attention-flash.wgsl?raw';
import { emptyBuffer, readFloat32, storageBuffer } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import { type PassList, type Program, program } from '../../gpu/pass';

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

/** A flash kernel: its entry point after the shared prelude. */
export function flashProgram(key: string, entry: string): Program {
  return program(key, entry, { prelude: [common] });
}

/** The Params uniform of the flash prelude, owned by `list`. */
export function attnParams(list: PassList, s: AttnShape, x: ParamsExtra = {}): GPUBuffer {
  return list.uniform('params', [
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
export async function runAndRead(ctx: GpuContext, b: QkvBuffers, k: PassList): Promise<AttnOutput> {
  k.run();
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
  prepare: (b: QkvBuffers) => PassList,
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
