/**
 * The one way a kernel wrapper describes GPU work in SparseLab.
 *
 * - A `Program` declares its WGSL (shared preludes from shaders/common/ + the kernel body), its entry
 *   point (`main`) and its `override` constants (workgroup sizes and other compile-time numbers).
 *   Pipelines are cached by the context, keyed by the program's key and constants.
 * - A `PassList` owns the labelled buffers of one piece of work and records its dispatches, clears and
 *   copies as `Op`s with their bind groups, built once. `encode` can be called again and again (a
 *   training step, a timed repeat); consecutive dispatches share one compute pass.
 * - `run` submits, `destroy` frees everything the list owns.
 */
import { UserError } from '../experiments/types';
import { bindGroup, emptyBuffer, storageBuffer, uniformBuffer } from './buffers';
import type { GpuContext } from './device';

/** Largest workgroup count in one dimension that WebGPU guarantees. */
export const MAX_WORKGROUPS = 65535;

export interface Program {
  /** Cache key and label; one key = one WGSL text. */
  key: string;
  code: string;
  /** Values of the shader's `override` declarations (workgroup sizes, tile sizes…). */
  constants?: Record<string, number>;
}

/** A program from a kernel body and the shared preludes it uses (concatenated in order, preludes first). */
export function program(
  key: string,
  body: string,
  opts: { prelude?: readonly string[]; constants?: Record<string, number> } = {},
): Program {
  const code = opts.prelude?.length ? `${opts.prelude.join('\n')}\n${body}` : body;
  return opts.constants ? { key, code, constants: opts.constants } : { key, code };
}

export function pipelineOf(ctx: GpuContext, p: Program): GPUComputePipeline {
  return ctx.pipeline(p.key, p.code, p.constants);
}

export type Op =
  | { kind: 'dispatch'; pipeline: GPUComputePipeline; group: GPUBindGroup; x: number; y: number; z: number }
  | { kind: 'clear'; buffer: GPUBuffer }
  | { kind: 'copy'; src: GPUBuffer; dst: GPUBuffer; bytes: number };

/** Timestamp writes for timing a recorded list: `begin` on its first pass, `end` on its last. */
export interface PassTimestamps {
  begin: GPUComputePassTimestampWrites;
  end: GPUComputePassTimestampWrites;
}

/**
 * Encodes ops, opening one compute pass per run of consecutive dispatches. With `ts`, the first pass
 * writes the beginning timestamp and the last pass the end timestamp.
 */
export function encodeOps(
  enc: GPUCommandEncoder,
  ops: readonly Op[],
  label: string,
  ts?: PassTimestamps,
): void {
  const lastDispatch = ops.reduce((at, op, i) => (op.kind === 'dispatch' ? i : at), -1);
  let pass: GPUComputePassEncoder | null = null;
  let opened = 0;
  ops.forEach((op, i) => {
    if (op.kind === 'dispatch') {
      if (!pass) {
        // The last pass is the one that contains the last dispatch: it gets the end timestamp.
        const runEnd = ops.findIndex((o, j) => j > i && o.kind !== 'dispatch');
        const isLast = runEnd === -1 || runEnd > lastDispatch;
        let timestampWrites: GPUComputePassTimestampWrites | undefined;
        if (ts) {
          const first = opened === 0;
          if (first && isLast) {
            timestampWrites = {
              querySet: ts.begin.querySet,
              beginningOfPassWriteIndex: ts.begin.beginningOfPassWriteIndex,
              endOfPassWriteIndex: ts.end.endOfPassWriteIndex,
            };
          } else if (first) timestampWrites = ts.begin;
          else if (isLast) timestampWrites = ts.end;
        }
        pass = enc.beginComputePass({ label, timestampWrites });
        opened++;
      }
      pass.setPipeline(op.pipeline);
      pass.setBindGroup(0, op.group);
      pass.dispatchWorkgroups(op.x, op.y, op.z);
      return;
    }
    pass?.end();
    pass = null;
    if (op.kind === 'clear') enc.clearBuffer(op.buffer);
    else enc.copyBufferToBuffer(op.src, 0, op.dst, 0, op.bytes);
  });
  // TypeScript cannot follow the assignment inside the callback.
  (pass as GPUComputePassEncoder | null)?.end();
}

/** Workgroups for n invocations of `wg` threads as (x, y) with x ≤ 65535; shaders use gid.x + gid.y·x·wg. */
export function grid(n: number, wg = 256): [number, number] {
  const groups = Math.max(1, Math.ceil(n / wg));
  if (groups <= MAX_WORKGROUPS) return [groups, 1];
  const y = Math.ceil(groups / MAX_WORKGROUPS);
  return [Math.ceil(groups / y), y];
}

type Word = { u32: number } | { f32: number };

/** The buffers and recorded ops of one piece of GPU work; every GPU object is labelled `<label>.<name>`. */
export class PassList {
  readonly ops: Op[] = [];
  private readonly owned: GPUBuffer[] = [];
  /** Bytes of storage this list allocated (uniforms excluded). */
  bytes = 0;

  constructor(
    readonly ctx: GpuContext,
    readonly label: string,
  ) {}

  empty(name: string, bytes: number): GPUBuffer {
    const b = emptyBuffer(this.ctx.device, `${this.label}.${name}`, bytes);
    this.bytes += b.size;
    return this.own(b);
  }

  data(name: string, data: Float32Array | Uint32Array | Int32Array): GPUBuffer {
    const b = storageBuffer(this.ctx.device, `${this.label}.${name}`, data);
    this.bytes += b.size;
    return this.own(b);
  }

  uniform(name: string, words: Word[]): GPUBuffer {
    return this.own(uniformBuffer(this.ctx.device, `${this.label}.${name}`, words));
  }

  /** Takes ownership of a buffer made elsewhere (it is destroyed with the list). */
  own(b: GPUBuffer): GPUBuffer {
    this.owned.push(b);
    return b;
  }

  /** A dispatch op of `p` over `buffers` bound at 0, 1, 2, … (not recorded; see `add`). */
  op(p: Program, buffers: GPUBuffer[], workgroups: readonly [number, number?, number?]): Op {
    const [x, y = 1, z = 1] = workgroups;
    if (x > MAX_WORKGROUPS || y > MAX_WORKGROUPS || z > MAX_WORKGROUPS) {
      throw new UserError(
        `${this.label}: the problem is too large for one dispatch (${x}×${y}×${z} workgroups)`,
      );
    }
    const pipeline = pipelineOf(this.ctx, p);
    const group = bindGroup(this.ctx.device, pipeline, `${this.label}.${p.key}`, buffers);
    return { kind: 'dispatch', pipeline, group, x, y, z };
  }

  /** Records a dispatch of `p`; an empty grid (a zero dimension) records nothing. */
  add(p: Program, buffers: GPUBuffer[], workgroups: readonly [number, number?, number?]): this {
    const [x, y = 1, z = 1] = workgroups;
    if (x === 0 || y === 0 || z === 0) return this;
    this.ops.push(this.op(p, buffers, workgroups));
    return this;
  }

  clear(buffer: GPUBuffer): this {
    this.ops.push({ kind: 'clear', buffer });
    return this;
  }

  copy(src: GPUBuffer, dst: GPUBuffer, bytes: number): this {
    this.ops.push({ kind: 'copy', src, dst, bytes });
    return this;
  }

  encode(enc: GPUCommandEncoder, ts?: PassTimestamps): void {
    encodeOps(enc, this.ops, this.label, ts);
  }

  /** Encodes and submits the recorded ops (or `ops`, e.g. a subset) in one command buffer. */
  run(ops: readonly Op[] = this.ops): void {
    const enc = this.ctx.device.createCommandEncoder({ label: this.label });
    encodeOps(enc, ops, this.label);
    this.ctx.device.queue.submit([enc.finish()]);
  }

  destroy(): void {
    for (const b of this.owned) b.destroy();
    this.owned.length = 0;
    this.ops.length = 0;
  }
}
