/**
 * FISTA for one large Lasso / elastic-net problem on the GPU (shaders/regression/fista-residual.wgsl,
 * fista-step.wgsl, fista-xtr.wgsl), step for step the schedule of
 * workers/reference/regression/fista.ts: `checkEvery` iterations per submit (residual + fused step each),
 * then r = y − Xw and g = Xᵀr for the duality gap, read back and judged in float64 on the CPU (stop when
 * gap < tol·‖y‖²; restart the momentum if the objective rose). X stays on the GPU across a whole path:
 * each `solve` warm-starts from the previous solution.
 * Two variants of the three kernels: 'workgroup' (one 256-thread workgroup per output, tree reduction: many
 * workgroups for large problems) and 'thread' (one thread per output, no barriers: small problems, where a
 * workgroup per row would mostly idle); 'auto' picks by n·d.
 */

import codeResidual from '../../../shaders/regression/fista-residual.wgsl?raw';
import codeResidualThread from '../../../shaders/regression/fista-residual-thread.wgsl?raw';
import codeStep from '../../../shaders/regression/fista-step.wgsl?raw';
import codeStepThread from '../../../shaders/regression/fista-step-thread.wgsl?raw';
import codeXtr from '../../../shaders/regression/fista-xtr.wgsl?raw';
import codeXtrThread from '../../../shaders/regression/fista-xtr-thread.wgsl?raw';
import { throwIfCancelled } from '../../experiments/types';
import { bindGroup, emptyBuffer, storageBuffer, uniformBuffer } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import { checkFrom } from '../../reference/regression/fista';

export interface FistaGpuOptions {
  l1Ratio: number;
  tol: number;
  maxIter: number;
  checkEvery?: number;
  accelerate?: boolean;
}

export interface FistaGpuResult {
  w: Float32Array;
  gap: number;
  iterations: number;
  converged: boolean;
  restarts: number;
}

export type FistaVariant = 'workgroup' | 'thread';

/** Up to this many entries of X one thread per output beats a workgroup per output. */
export const THREAD_VARIANT_MAX = 1 << 20;

const MAX_X = 65535;
const grid = (count: number): [number, number] => [Math.min(count, MAX_X), Math.ceil(count / MAX_X)];

export class FistaGpu {
  L = 0;
  private readonly y64: Float64Array;
  private readonly yNormSq: number;
  private readonly buffers: GPUBuffer[];

  private constructor(
    private readonly ctx: GpuContext,
    readonly n: number,
    readonly d: number,
    y: Float32Array,
    private readonly b: Record<
      'X' | 'XT' | 'y' | 'yZero' | 'w' | 'z' | 'r' | 'g' | 'state' | 'paramsZ' | 'paramsW',
      GPUBuffer
    >,
    private readonly groups: Record<'resZ' | 'resW' | 'resPower' | 'step' | 'xtr', GPUBindGroup>,
    private readonly pipes: Record<'res' | 'step' | 'xtr', GPUComputePipeline>,
    readonly variant: FistaVariant,
  ) {
    this.y64 = Float64Array.from(y);
    this.yNormSq = this.y64.reduce((a, v) => a + v * v, 0);
    this.buffers = Object.values(b);
  }

  static create(
    ctx: GpuContext,
    X: Float32Array,
    y: Float32Array,
    n: number,
    d: number,
    variant: FistaVariant | 'auto' = 'auto',
  ): FistaGpu {
    const { device } = ctx;
    const v: FistaVariant =
      variant === 'auto' ? (n * d <= THREAD_VARIANT_MAX ? 'thread' : 'workgroup') : variant;
    const XT = new Float32Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) XT[j * n + i] = X[i * d + j];
    const params = (advance: number) =>
      uniformBuffer(device, `fista.params${advance}`, [
        { u32: n },
        { u32: d },
        { u32: advance },
        { u32: 1 },
        { f32: 0 },
        { f32: 0 },
        { f32: 1 },
        { f32: 0 },
      ]);
    const b = {
      X: storageBuffer(device, 'fista.X', X),
      XT: storageBuffer(device, 'fista.XT', XT),
      y: storageBuffer(device, 'fista.y', y),
      yZero: emptyBuffer(device, 'fista.y0', n * 4),
      w: emptyBuffer(device, 'fista.w', d * 4),
      z: emptyBuffer(device, 'fista.z', d * 4),
      r: emptyBuffer(device, 'fista.r', n * 4),
      g: emptyBuffer(device, 'fista.g', d * 4),
      state: storageBuffer(device, 'fista.state', new Float32Array([1, 0, 0, 0])),
      paramsZ: params(1),
      paramsW: params(0),
    };
    const thread = v === 'thread';
    const pipes = thread
      ? {
          res: ctx.pipeline('regression-residual-thread', codeResidualThread),
          step: ctx.pipeline('regression-fista-step-thread', codeStepThread),
          xtr: ctx.pipeline('regression-xtr-thread', codeXtrThread),
        }
      : {
          res: ctx.pipeline('regression-residual', codeResidual),
          step: ctx.pipeline('regression-fista-step', codeStep),
          xtr: ctx.pipeline('regression-xtr', codeXtr),
        };
    // Row-wise kernels read X by rows (workgroup) or by columns (thread), and the other way round.
    const rowMat = thread ? b.XT : b.X;
    const colMat = thread ? b.X : b.XT;
    const groups = {
      resZ: bindGroup(device, pipes.res, 'fista.resZ', [rowMat, b.y, b.z, b.r, b.state, b.paramsZ]),
      resW: bindGroup(device, pipes.res, 'fista.resW', [rowMat, b.y, b.w, b.r, b.state, b.paramsW]),
      resPower: bindGroup(device, pipes.res, 'fista.resPower', [
        rowMat,
        b.yZero,
        b.z,
        b.r,
        b.state,
        b.paramsW,
      ]),
      step: bindGroup(device, pipes.step, 'fista.step', [colMat, b.r, b.z, b.w, b.state, b.paramsZ]),
      xtr: bindGroup(device, pipes.xtr, 'fista.xtr', [colMat, b.r, b.g, b.paramsW]),
    };
    return new FistaGpu(ctx, n, d, y, b, groups, pipes, v);
  }

  private pass(enc: GPUCommandEncoder, which: 'resZ' | 'resW' | 'resPower' | 'step' | 'xtr') {
    const pipe = which === 'step' ? this.pipes.step : which === 'xtr' ? this.pipes.xtr : this.pipes.res;
    const outputs = which === 'step' || which === 'xtr' ? this.d : this.n;
    const [x, y] = grid(this.variant === 'thread' ? Math.ceil(outputs / 64) : outputs);
    const pass = enc.beginComputePass({ label: `fista.${which}` });
    pass.setPipeline(pipe);
    pass.setBindGroup(0, this.groups[which]);
    pass.dispatchWorkgroups(x, y);
    pass.end();
  }

  /** Reads the listed buffers (float32) in one mapping. */
  private async read(list: Array<[GPUBuffer, number]>): Promise<Float32Array[]> {
    const { device } = this.ctx;
    const total = list.reduce((a, [, c]) => a + c, 0);
    const staging = device.createBuffer({
      label: 'fista.read',
      size: Math.max(16, total * 4),
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const enc = device.createCommandEncoder({ label: 'fista.read' });
    let off = 0;
    for (const [buf, c] of list) {
      enc.copyBufferToBuffer(buf, 0, staging, off * 4, c * 4);
      off += c;
    }
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const all = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    staging.destroy();
    off = 0;
    return list.map(([, c]) => {
      const part = all.slice(off, off + c);
      off += c;
      return part;
    });
  }

  /** L = 1.01·σ_max(X)²/n by 50 power iterations on XᵀX from the all-ones vector (normalised on the CPU). */
  async lipschitz(iters = 50): Promise<number> {
    const { device } = this.ctx;
    const v = new Float32Array(this.d).fill(1 / Math.sqrt(Math.max(this.d, 1)));
    let lam = 0;
    for (let t = 0; t < iters; t++) {
      device.queue.writeBuffer(this.b.z, 0, v);
      const enc = device.createCommandEncoder({ label: 'fista.power' });
      this.pass(enc, 'resPower'); // r = −Xv
      this.pass(enc, 'xtr'); // g = −XᵀXv
      device.queue.submit([enc.finish()]);
      const [g] = await this.read([[this.b.g, this.d]]);
      let nrm = 0;
      for (const x of g) nrm += x * x;
      nrm = Math.sqrt(nrm);
      if (nrm === 0) break;
      lam = nrm;
      // The sign flips each step (r = −Xv); the norm does not care.
      for (let j = 0; j < this.d; j++) v[j] = g[j] / nrm;
    }
    this.L = (1.01 * lam) / this.n;
    return this.L;
  }

  /** Uses a Lipschitz constant computed elsewhere (e.g. by the CPU reference) instead of the power iteration. */
  setLipschitz(L: number): void {
    this.L = L;
  }

  /** Sets the starting point (default: keep the previous solution, a warm start). */
  setStart(w0: Float32Array): void {
    this.ctx.device.queue.writeBuffer(this.b.w, 0, w0);
  }

  async solve(alpha: number, o: FistaGpuOptions, signal?: AbortSignal): Promise<FistaGpuResult> {
    const { device } = this.ctx;
    if (this.L === 0) await this.lipschitz();
    const { n, d, L } = this;
    const every = o.checkEvery ?? 10;
    const accelerate = o.accelerate ?? true;
    const words = (advance: number) => {
      const ab = new ArrayBuffer(32);
      const dv = new DataView(ab);
      dv.setUint32(0, n, true);
      dv.setUint32(4, d, true);
      dv.setUint32(8, advance, true);
      dv.setUint32(12, accelerate ? 1 : 0, true);
      dv.setFloat32(16, 1 / (n * L), true);
      dv.setFloat32(20, (alpha * o.l1Ratio) / L, true);
      dv.setFloat32(24, 1 / (1 + (alpha * (1 - o.l1Ratio)) / L), true);
      return ab;
    };
    device.queue.writeBuffer(this.b.paramsZ, 0, words(1));
    device.queue.writeBuffer(this.b.paramsW, 0, words(0));
    const restart = () => {
      device.queue.writeBuffer(this.b.state, 0, new Float32Array([1, 0, 0, 0]));
      const enc = device.createCommandEncoder({ label: 'fista.restart' });
      enc.copyBufferToBuffer(this.b.w, 0, this.b.z, 0, d * 4);
      device.queue.submit([enc.finish()]);
    };
    restart();
    const tol = o.tol * this.yNormSq;
    let it = 0;
    let gap = Number.POSITIVE_INFINITY;
    let lastObjective = Number.POSITIVE_INFINITY;
    let restarts = 0;
    let w: Float32Array = new Float32Array(d);
    if (L === 0) return { w, gap: 0, iterations: 0, converged: true, restarts };
    while (it < o.maxIter) {
      const chunk = Math.min(every, o.maxIter - it);
      const enc = device.createCommandEncoder({ label: 'fista.chunk' });
      for (let c = 0; c < chunk; c++) {
        this.pass(enc, 'resZ');
        this.pass(enc, 'step');
      }
      this.pass(enc, 'resW');
      this.pass(enc, 'xtr');
      device.queue.submit([enc.finish()]);
      it += chunk;
      const [wr, r, g] = await this.read([
        [this.b.w, d],
        [this.b.r, n],
        [this.b.g, d],
      ]);
      w = wr;
      const c = checkFrom(g, r, this.y64, w, n, alpha, o.l1Ratio);
      gap = c.gap;
      if (gap < tol) break;
      if (c.objective > lastObjective && accelerate) {
        restart();
        restarts++;
      }
      lastObjective = c.objective;
      if (signal) throwIfCancelled(signal);
    }
    return { w, gap, iterations: it, converged: gap < tol, restarts };
  }

  destroy(): void {
    for (const b of this.buffers) b.destroy();
  }
}
