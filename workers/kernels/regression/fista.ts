/**
 * FISTA for one large Lasso / elastic-net problem on the GPU (shaders/regression/fista-residual.wgsl,
 * fista-step.wgsl, fista-xtr.wgsl), step for step the schedule of
 * workers/reference/regression/fista.ts: `checkEvery` iterations per submit (residual + fused step each),
 * then r = y − Xw and g = Xᵀr for the duality gap, read back and judged in float64 on the CPU (stop when
 * gap < tol·‖y‖²; restart the momentum if the objective rose). X stays on the GPU across a whole path:
 * each `solve` warm-starts from the previous solution.
 * Two layouts of the three kernels, chosen by the prelude they are compiled with: 'workgroup' (one 256-thread
 * workgroup per output, tree reduction: many workgroups for large problems) and 'thread' (one thread per
 * output, no barriers: small problems, where a workgroup per row would mostly idle); 'auto' picks by n·d.
 */

import dotThread from '../../../shaders/common/dot-thread.wgsl?raw';
import dotWorkgroup from '../../../shaders/common/dot-workgroup.wgsl?raw';
import regressionParams from '../../../shaders/common/regression-params.wgsl?raw';
import codeResidual from '../../../shaders/regression/fista-residual.wgsl?raw';
import codeStep from '../../../shaders/regression/fista-step.wgsl?raw';
import codeXtr from '../../../shaders/regression/fista-xtr.wgsl?raw';
import { throwIfCancelled } from '../../experiments/types';
import type { GpuContext } from '../../gpu/device';
import { grid, type Op, PassList, type Program, program } from '../../gpu/pass';
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

/** Threads per workgroup: one workgroup per output (tree reduction, a power of two), or one thread per output. */
const WG = { workgroup: 256, thread: 64 } as const;

/**
 * The three programs of a variant: the same kernel bodies with the layout prelude of the variant
 * (shaders/common/dot-workgroup.wgsl or dot-thread.wgsl) and its workgroup size.
 */
function programs(variant: FistaVariant): Record<'res' | 'step' | 'xtr', Program> {
  const prelude = [regressionParams, variant === 'thread' ? dotThread : dotWorkgroup];
  const constants = { WG: WG[variant] };
  const p = (key: string, body: string) =>
    program(`regression-${key}-${variant}`, body, { prelude, constants });
  return {
    res: p('fista-residual', codeResidual),
    step: p('fista-step', codeStep),
    xtr: p('fista-xtr', codeXtr),
  };
}

type OpName = 'resZ' | 'resW' | 'resPower' | 'step' | 'xtr';

export class FistaGpu {
  L = 0;
  private readonly y64: Float64Array;
  private readonly yNormSq: number;

  private constructor(
    private readonly ctx: GpuContext,
    readonly n: number,
    readonly d: number,
    y: Float32Array,
    private readonly list: PassList,
    private readonly b: Record<'w' | 'z' | 'r' | 'g' | 'state' | 'paramsZ' | 'paramsW', GPUBuffer>,
    private readonly ops: Record<OpName, Op>,
    readonly variant: FistaVariant,
  ) {
    this.y64 = Float64Array.from(y);
    this.yNormSq = this.y64.reduce((a, v) => a + v * v, 0);
  }

  static create(
    ctx: GpuContext,
    X: Float32Array,
    y: Float32Array,
    n: number,
    d: number,
    variant: FistaVariant | 'auto' = 'auto',
  ): FistaGpu {
    const v: FistaVariant =
      variant === 'auto' ? (n * d <= THREAD_VARIANT_MAX ? 'thread' : 'workgroup') : variant;
    const XT = new Float32Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) XT[j * n + i] = X[i * d + j];
    const list = new PassList(ctx, 'fista');
    const params = (advance: number) =>
      list.uniform(`params${advance}`, [
        { u32: n },
        { u32: d },
        { u32: advance },
        { u32: 1 },
        { f32: 0 },
        { f32: 0 },
        { f32: 1 },
        { f32: 0 },
      ]);
    const Xb = list.data('X', X);
    const XTb = list.data('XT', XT);
    const yb = list.data('y', y);
    const yZero = list.empty('y0', n * 4);
    const b = {
      w: list.empty('w', d * 4),
      z: list.empty('z', d * 4),
      r: list.empty('r', n * 4),
      g: list.empty('g', d * 4),
      state: list.data('state', new Float32Array([1, 0, 0, 0])),
      paramsZ: params(1),
      paramsW: params(0),
    };
    const thread = v === 'thread';
    const prog = programs(v);
    // Row-wise kernels read X by rows (workgroup) or by columns (thread), and the other way round.
    const rowMat = thread ? XTb : Xb;
    const colMat = thread ? Xb : XTb;
    // One workgroup per output, or one thread per output in workgroups of WG.
    const rows = grid(n, thread ? WG.thread : 1);
    const cols = grid(d, thread ? WG.thread : 1);
    const ops = {
      resZ: list.op(prog.res, [rowMat, b.z, yb, b.r, b.state, b.paramsZ], rows),
      resW: list.op(prog.res, [rowMat, b.w, yb, b.r, b.state, b.paramsW], rows),
      resPower: list.op(prog.res, [rowMat, b.z, yZero, b.r, b.state, b.paramsW], rows),
      step: list.op(prog.step, [colMat, b.r, b.z, b.w, b.state, b.paramsZ], cols),
      xtr: list.op(prog.xtr, [colMat, b.r, b.g, b.paramsW], cols),
    };
    return new FistaGpu(ctx, n, d, y, list, b, ops, v);
  }

  /** Encodes and submits the named ops, in order, in one command buffer. */
  private submit(names: readonly OpName[]): void {
    this.list.run(names.map((k) => this.ops[k]));
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
      this.submit(['resPower', 'xtr']); // r = −Xv, then g = −XᵀXv
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
      const names: OpName[] = [];
      for (let c = 0; c < chunk; c++) names.push('resZ', 'step');
      this.submit([...names, 'resW', 'xtr']);
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
    this.list.destroy();
  }
}
