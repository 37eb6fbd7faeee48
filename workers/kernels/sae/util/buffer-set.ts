/**
 * A recorded SAE step is a flat list of ops (dispatches, buffer clears, copies) built once with their
 * bind groups; each step re-encodes the list into one command buffer, opening a compute pass for each
 * run of dispatches. Nothing is read back unless asked.
 */
import { bindGroup, emptyBuffer, storageBuffer, uniformBuffer } from '../../../gpu/buffers';
import type { GpuContext } from '../../../gpu/device';

export type Op =
  | { kind: 'dispatch'; pipeline: GPUComputePipeline; group: GPUBindGroup; x: number; y: number; z: number }
  | { kind: 'clear'; buffer: GPUBuffer }
  | { kind: 'copy'; src: GPUBuffer; dst: GPUBuffer; bytes: number };

export function encodeOps(enc: GPUCommandEncoder, ops: readonly Op[]): void {
  let pass: GPUComputePassEncoder | null = null;
  for (const op of ops) {
    if (op.kind === 'dispatch') {
      pass ??= enc.beginComputePass({ label: 'sae' });
      pass.setPipeline(op.pipeline);
      pass.setBindGroup(0, op.group);
      pass.dispatchWorkgroups(op.x, op.y, op.z);
      continue;
    }
    pass?.end();
    pass = null;
    if (op.kind === 'clear') enc.clearBuffer(op.buffer);
    else enc.copyBufferToBuffer(op.src, 0, op.dst, 0, op.bytes);
  }
  pass?.end();
}

export function runOps(ctx: GpuContext, ops: readonly Op[], label = 'sae'): void {
  const enc = ctx.device.createCommandEncoder({ label });
  encodeOps(enc, ops);
  ctx.device.queue.submit([enc.finish()]);
}

/** Workgroups for n invocations of `wg` threads as (x, y) with x ≤ 65535; shaders use gid.x + gid.y·x·wg. */
export function grid(n: number, wg = 256): [number, number] {
  const groups = Math.max(1, Math.ceil(n / wg));
  if (groups <= 65535) return [groups, 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y];
}

type Word = { u32: number } | { f32: number };

/** Owns the buffers of one SAE on the GPU so they can all be released together. */
export class BufferSet {
  readonly all: GPUBuffer[] = [];
  bytes = 0;
  constructor(readonly ctx: GpuContext) {}

  empty(label: string, bytes: number): GPUBuffer {
    const b = emptyBuffer(this.ctx.device, `sae.${label}`, bytes);
    this.bytes += b.size;
    this.all.push(b);
    return b;
  }

  data(label: string, data: Float32Array | Uint32Array | Int32Array): GPUBuffer {
    const b = storageBuffer(this.ctx.device, `sae.${label}`, data);
    this.bytes += b.size;
    this.all.push(b);
    return b;
  }

  uniform(label: string, words: Word[]): GPUBuffer {
    const b = uniformBuffer(this.ctx.device, `sae.${label}`, words);
    this.all.push(b);
    return b;
  }

  /** A dispatch of `code` (pipeline cached by key + constants) over `buffers` bound at 0, 1, 2, … */
  op(
    key: string,
    code: string,
    buffers: GPUBuffer[],
    workgroups: [number, number?, number?],
    constants?: Record<string, number>,
  ): Op {
    const pipeline = this.ctx.pipeline(key, code, constants);
    const group = bindGroup(this.ctx.device, pipeline, key, buffers);
    const [x, y = 1, z = 1] = workgroups;
    return { kind: 'dispatch', pipeline, group, x, y, z };
  }

  destroy(): void {
    for (const b of this.all) b.destroy();
    this.all.length = 0;
  }
}
