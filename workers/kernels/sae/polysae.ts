/**
 * PolySAE's general form, one whole training step on the GPU as a self-contained unit (its own buffers and
 * a PassList): gather → encoder → TopK and AuxK selection → projections a_p = z·U⁽ᵖ⁾ → polynomial decoder →
 * residual, losses and AuxK's output gradient → decoder, projection and encoder gradients → Adam → joint
 * Cholesky-QR retraction of U⁽¹⁾, U⁽²⁾, U⁽³⁾ (packed in the reference's `polyColumns` order) → dead-latent
 * counters. The same sequence as the float64 reference (workers/reference/sae/trainer.ts with
 * forward.ts/backward.ts), one thread per output: sized for the lab's toy problems, not for speed.
 * The SAE registry (workers/experiments/sae/registry.ts) builds this trainer for `polysae` with polyShared=0.
 */

import flatIndexCode from '../../../shaders/common/flat-index.wgsl?raw';
import applyCode from '../../../shaders/sae/polysae-apply.wgsl?raw';
import auxgradCode from '../../../shaders/sae/polysae-auxgrad.wgsl?raw';
import backACode from '../../../shaders/sae/polysae-back-a.wgsl?raw';
import commonCode from '../../../shaders/sae/polysae-common.wgsl?raw';
import decodeCode from '../../../shaders/sae/polysae-decode.wgsl?raw';
import encodeCode from '../../../shaders/sae/polysae-encode.wgsl?raw';
import gatherCode from '../../../shaders/sae/polysae-gather.wgsl?raw';
import gradBdecCode from '../../../shaders/sae/polysae-grad-bdec.wgsl?raw';
import gradCCode from '../../../shaders/sae/polysae-grad-c.wgsl?raw';
import gradEncCode from '../../../shaders/sae/polysae-grad-enc.wgsl?raw';
import gradPreCode from '../../../shaders/sae/polysae-grad-pre.wgsl?raw';
import gradUCode from '../../../shaders/sae/polysae-grad-u.wgsl?raw';
import gramCode from '../../../shaders/sae/polysae-gram.wgsl?raw';
import lambdaCode from '../../../shaders/sae/polysae-lambda.wgsl?raw';
import lossCode from '../../../shaders/sae/polysae-loss.wgsl?raw';
import packCode from '../../../shaders/sae/polysae-pack.wgsl?raw';
import projectCode from '../../../shaders/sae/polysae-project.wgsl?raw';
import residualCode from '../../../shaders/sae/polysae-residual.wgsl?raw';
import selectCode from '../../../shaders/sae/polysae-select.wgsl?raw';
import statsCode from '../../../shaders/sae/polysae-stats.wgsl?raw';
import adamCode from '../../../shaders/sae/train-adam.wgsl?raw';
import cholCode from '../../../shaders/sae/train-poly-chol.wgsl?raw';
import { readFloat32, readUint32 } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import { grid, type Op, PassList, type Program, program } from '../../gpu/pass';
import {
  isPolyGeneral,
  type Params,
  paramLayout,
  polyColumns,
  type SaeConfig,
  sizeOfShape,
  usesAux,
} from '../../reference/sae/model';
import {
  type GpuMetrics,
  readLatentStats,
  readParamBuffers,
  readStepMetrics,
  stepUniform,
} from './util/state';

/** Codes of this many latents are returned by `evaluate` for the top-activating samples (as GpuSae). */
const SLICE_LATENTS = 32;

const WG = 64;
/** A one-thread-per-output kernel: the flat-index prelude (override WG = this wrapper's WG) and the PolySAE sizes. */
const prog = (key: string, body: string): Program =>
  program(`sae-polysae-${key}`, body, { prelude: [flatIndexCode, commonCode], constants: { WG } });
/** A one-workgroup reduction (64 threads over workgroup arrays of 64): the PolySAE sizes only. */
const reduction = (key: string, body: string): Program =>
  program(`sae-polysae-${key}`, body, { prelude: [commonCode] });
const P = {
  gather: prog('gather', gatherCode),
  encode: prog('encode', encodeCode),
  select: prog('select', selectCode),
  project: prog('project', projectCode),
  decode: prog('decode', decodeCode),
  residual: prog('residual', residualCode),
  loss: reduction('loss', lossCode),
  auxgrad: prog('auxgrad', auxgradCode),
  backA: prog('back-a', backACode),
  lambda: reduction('lambda', lambdaCode),
  gradC: prog('grad-c', gradCCode),
  gradU: prog('grad-u', gradUCode),
  gradPre: prog('grad-pre', gradPreCode),
  gradEnc: prog('grad-enc', gradEncCode),
  gradBdec: prog('grad-bdec', gradBdecCode),
  pack: prog('pack', packCode),
  gram: prog('gram', gramCode),
  apply: prog('apply', applyCode),
  stats: prog('stats', statsCode),
  // Shared with the other SAE models: Adam on one buffer, and Cholesky + L⁻¹ of a Gram matrix.
  adam: program('sae-polysae-adam', adamCode, { prelude: [flatIndexCode], constants: { WG: 256 } }),
  chol: program('sae-polysae-chol', cholCode),
};

export interface PolySaeInit {
  cfg: SaeConfig;
  params: Params;
  /** All samples (n × d). */
  data: Float32Array;
  n: number;
  batch: number;
}

/** The same loss averages as GpuSae's. */
export type PolySaeMetrics = GpuMetrics;

/** Every buffer the unit allocates (bytes), so a runner can check it fits first. */
export function planPolySae(c: SaeConfig, n: number, B: number): Record<string, number> {
  const { d, m: M } = c;
  const T = c.rank1 + c.rank2 + c.rank3;
  const f = (count: number) => 4 * Math.max(4, count);
  const bytes: Record<string, number> = {
    data: f(n * d),
    rows: f(B),
    X: f(B * d),
    xc: f(B * d),
    pre: f(B * M),
    sel: f(2 * B * M),
    z: f(2 * B * M),
    A: f(2 * B * T),
    GA: f(2 * B * T),
    xraw: f(2 * B * d),
    e: f(B * d),
    G: f(2 * B * d),
    gpre: f(B * M),
    lossOut: f(4),
    sc: f(16),
    lat: f(2 * M),
    colmap: f(2 * T),
    Ucat: f(M * T),
    gram: f(T * T),
    Linv: f(T * T),
  };
  for (const { name, shape } of paramLayout(c))
    for (const kind of ['p', 'g', 'm', 'v']) bytes[`${kind}.${name}`] = f(sizeOfShape(shape));
  return bytes;
}

export class GpuPolySae {
  readonly list: PassList;
  readonly b: Record<string, GPUBuffer> = {};
  readonly p: Record<string, GPUBuffer> = {};
  readonly g: Record<string, GPUBuffer> = {};
  private readonly m: Record<string, GPUBuffer> = {};
  private readonly v: Record<string, GPUBuffer> = {};
  private readonly stepU: GPUBuffer;
  private readonly trainOps: Op[];
  private readonly evalOps: Op[];
  readonly batch: number;
  /** 0-based index of the next step. */
  step = 0;

  private constructor(
    readonly ctx: GpuContext,
    readonly c: SaeConfig,
    init: PolySaeInit,
  ) {
    if (!isPolyGeneral(c)) throw new Error('GpuPolySae runs PolySAE’s general form only (polyShared=0)');
    const list = (this.list = new PassList(ctx, 'sae-polysae'));
    const B = (this.batch = init.batch);
    const { d, m: M } = c;
    const bytes = planPolySae(c, init.n, B);
    for (const [name, n] of Object.entries(bytes)) {
      if (name === 'data' || name === 'colmap' || name.includes('.')) continue;
      this.b[name] = list.empty(name, n);
    }
    this.b.data = list.data('data', init.data.subarray(0, init.n * d));
    const which: Record<string, number> = { U: 0, U2: 1, U3: 2 };
    this.b.colmap = list.data(
      'colmap',
      Uint32Array.from(polyColumns(c).flatMap(([nm, , r]) => [which[nm], r])),
    );
    for (const { name } of paramLayout(c)) {
      this.p[name] = list.data(`p.${name}`, Float32Array.from(init.params[name]));
      this.g[name] = list.empty(`g.${name}`, bytes[`g.${name}`]);
      this.m[name] = list.empty(`m.${name}`, bytes[`m.${name}`]);
      this.v[name] = list.empty(`v.${name}`, bytes[`v.${name}`]);
    }
    ctx.device.queue.writeBuffer(this.b.sc, 0, Float32Array.from([0, 0, -1, 0]));
    this.stepU = list.uniform('step', new Array(8).fill({ f32: 0 }));
    const aux = usesAux(c);
    const T = c.rank1 + c.rank2 + c.rank3;
    const dims = (auxOn: boolean) =>
      list.uniform(auxOn ? 'dims-train' : 'dims-eval', [
        { u32: B },
        { u32: d },
        { u32: M },
        { u32: c.rank1 },
        { u32: c.rank2 },
        { u32: c.rank3 },
        { u32: T },
        { u32: c.k },
        { u32: Math.min(c.auxK, M) },
        { u32: auxOn ? 1 : 0 },
        { u32: auxOn ? 2 * B : B },
        { u32: 0 },
        { f32: c.deadSamples },
        { f32: c.variance },
        { f32: c.auxCoeff },
        { f32: 0 },
      ]);
    const trainD = dims(aux);
    const evalD = aux ? dims(false) : trainD;
    this.trainOps = this.build(trainD, aux, true);
    this.evalOps = this.build(evalD, false, false);
  }

  /** Builds the unit; WebGPU validation errors (a shader that does not compile here) are thrown. */
  static async create(ctx: GpuContext, init: PolySaeInit): Promise<GpuPolySae> {
    ctx.device.pushErrorScope('validation');
    let s: GpuPolySae | null = null;
    let thrown: unknown = null;
    try {
      s = new GpuPolySae(ctx, init.cfg, init);
    } catch (e) {
      thrown = e;
    }
    const err = await ctx.device.popErrorScope();
    if (thrown || err) {
      s?.destroy();
      throw thrown ?? new Error(`PolySAE (general form) GPU pipeline: ${err?.message}`);
    }
    return s!;
  }

  private build(D: GPUBuffer, aux: boolean, train: boolean): Op[] {
    const { b, p, g, list, c } = this;
    const B = this.batch;
    const { d, m: M } = c;
    const T = c.rank1 + c.rank2 + c.rank3;
    const rows = aux ? 2 * B : B;
    const at = (n: number) => grid(n, WG);
    const op = (prg: Program, bufs: GPUBuffer[], n: number) => list.op(prg, [...bufs, D], at(n));
    const ops: Op[] = [
      op(P.gather, [b.data, b.rows, p.b_dec, b.X, b.xc], B * d),
      op(P.encode, [b.xc, p.W_enc, p.b_enc, b.pre], B * M),
      op(P.select, [b.pre, b.lat, b.sel, b.z], rows),
      op(P.project, [b.z, p.U, p.U2, p.U3, b.A], rows * T),
      op(P.decode, [b.A, p.C1, p.C2, p.C3, p.lambda, b.xraw], rows * d),
      op(P.residual, [b.X, b.xraw, p.b_dec, b.e, b.G], B * d),
    ];
    if (!train) return ops;
    ops.push(list.op(P.loss, [b.e, b.xraw, b.z, b.lat, b.lossOut, b.sc, D], [1]));
    if (aux) ops.push(op(P.auxgrad, [b.e, b.xraw, b.lossOut, b.G], B * d));
    ops.push(
      op(P.backA, [b.G, b.A, p.C1, p.C2, p.C3, p.lambda, b.GA], rows * T),
      list.op(P.lambda, [b.G, b.A, p.C2, p.C3, g.lambda, D], [1]),
      op(P.gradC, [b.G, b.A, p.lambda, g.C1, g.C2, g.C3], d * T),
      op(P.gradU, [b.z, b.GA, g.U, g.U2, g.U3], M * T),
      op(P.gradPre, [b.sel, b.z, b.pre, b.GA, p.U, p.U2, p.U3, b.gpre], B * M),
      op(P.gradEnc, [b.gpre, b.xc, g.W_enc, g.b_enc], M * (d + 1)),
      op(P.gradBdec, [b.G, g.b_enc, p.W_enc, g.b_dec], d),
    );
    for (const { name, shape } of paramLayout(c)) {
      const n = sizeOfShape(shape);
      const u = list.uniform(`adam.${name}`, [{ u32: n }, { u32: 0 }, { u32: 0 }, { u32: 0 }]);
      ops.push(list.op(P.adam, [p[name], g[name], this.m[name], this.v[name], u, this.stepU], grid(n)));
    }
    const cholDims = list.uniform('chol', [{ u32: T }, { u32: 0 }, { u32: 0 }, { u32: 0 }]);
    ops.push(
      op(P.pack, [p.U, p.U2, p.U3, b.colmap, b.Ucat], M * T),
      op(P.gram, [b.Ucat, b.gram], T * T),
      list.op(P.chol, [b.gram, b.Linv, cholDims], [1]),
      op(P.apply, [b.Ucat, b.Linv, b.colmap, p.U, p.U2, p.U3], M * T),
      op(P.stats, [b.z, b.lat], M),
    );
    return ops;
  }

  /** One step on these training rows (batch-many indices into the data). */
  trainStep(rows: Uint32Array): void {
    const q = this.ctx.device.queue;
    q.writeBuffer(this.b.rows, 0, rows);
    const t = this.step;
    q.writeBuffer(this.stepU, 0, stepUniform(this.c, t));
    this.list.run(this.trainOps);
    this.step++;
  }

  /** Averages of the losses since the last call (then reset). */
  async readMetrics(): Promise<PolySaeMetrics> {
    return readStepMetrics(this.ctx, this.b.sc);
  }

  async readLatentStats(): Promise<{ since: Float32Array; firings: Float32Array }> {
    return readLatentStats(this.ctx, this.b.lat, this.c.m);
  }

  async readParams(which: 'p' | 'g' = 'p', names?: string[]): Promise<Params> {
    return readParamBuffers(this.ctx, this.c, which === 'p' ? this.p : this.g, names);
  }

  async readOptimizer(): Promise<{ m: Params; v: Params }> {
    return {
      m: await readParamBuffers(this.ctx, this.c, this.m),
      v: await readParamBuffers(this.ctx, this.c, this.v),
    };
  }

  async read(name: string, count: number, asU32 = false): Promise<Float32Array | Uint32Array> {
    return asU32
      ? readUint32(this.ctx.device, this.b[name], count)
      : readFloat32(this.ctx.device, this.b[name], count);
  }

  /**
   * Inference forward over rows [start, start + count) in batch-sized chunks (no AuxK): the errors, the codes
   * of the first 32 latents, firings per latent and, when asked, all codes (codes are read back per chunk).
   */
  async evaluate(
    start: number,
    count: number,
    opts: { codes?: boolean; onChunk?: (done: number) => Promise<void> } = {},
  ): Promise<{
    e: Float32Array;
    slice: Float32Array;
    sliceCols: number;
    counts: Float32Array;
    codes?: Float32Array;
  }> {
    const { d, m: M } = this.c;
    const B = this.batch;
    const C = Math.min(SLICE_LATENTS, M);
    const e = new Float32Array(count * d);
    const slice = new Float32Array(count * C);
    const counts = new Float32Array(M);
    const codes = opts.codes ? new Float32Array(count * M) : undefined;
    const rows = new Uint32Array(B);
    for (let done = 0; done < count; done += B) {
      const valid = Math.min(B, count - done);
      for (let r = 0; r < B; r++) rows[r] = start + done + Math.min(r, valid - 1);
      this.ctx.device.queue.writeBuffer(this.b.rows, 0, rows);
      this.list.run(this.evalOps);
      e.set((await readFloat32(this.ctx.device, this.b.e, valid * d)).subarray(0, valid * d), done * d);
      const z = await readFloat32(this.ctx.device, this.b.z, valid * M);
      for (let r = 0; r < valid; r++) {
        for (let i = 0; i < M; i++) {
          const v = z[r * M + i];
          if (v > 0) counts[i]++;
          if (i < C) slice[(done + r) * C + i] = v;
        }
      }
      codes?.set(z.subarray(0, valid * M), done * M);
      await opts.onChunk?.(done + valid);
    }
    return { e, slice, sliceCols: C, counts, codes };
  }

  destroy(): void {
    this.list.destroy();
  }
}
