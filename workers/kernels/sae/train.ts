/**
 * A whole SAE training step on the GPU, recorded once into a `PassList` (workers/gpu/pass.ts) and replayed:
 * gather → the model's encoder unit (top-k radix select, BatchTopK threshold, JumpReLU or fused ReLU) →
 * code product (sparse gather of k atoms, or dense GEMM) and the model's decoder unit → residual and AuxK →
 * gradients → the decoder's corrections → Adam → its renormalisation or retraction → statistics. The units
 * (./units/) are chosen per model by the SAE registry (workers/experiments/sae/registry.ts). Parameters,
 * optimiser state and dead-latent counters stay on the GPU and are private to this class; each step writes
 * only its batch's row indices and a 32-byte step uniform. Metrics are read when asked.
 */
import { readFloat32, readUint32 } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import { type Op, PassList } from '../../gpu/pass';
import {
  centresInput,
  isPolyGeneral,
  type Params,
  paramLayout,
  type SaeConfig,
  sizeOfShape,
  usesAux,
} from '../../reference/sae/model';
import { gemmOp } from './gemm';
import type { TopkVariant } from './topk';
import type { SaeGpuUnits, StepContext } from './units/types';
import * as K from './util/ops';
import {
  type GpuMetrics,
  readLatentStats,
  readParamBuffers,
  readStepMetrics,
  stepUniform,
} from './util/state';

export type DecoderKind = 'sparse' | 'dense';

/** Codes of this many latents are read back by `evaluate` for the top-activating samples. */
export const SLICE_LATENTS = 32;

export interface GpuSaePlan {
  /** Buffer name → bytes. */
  bytes: Record<string, number>;
  largest: number;
  total: number;
  sparse: boolean;
  /** Selected entries per sample (main k, then AuxK), and rows of the stacked [main; AuxK] arrays. */
  E: number;
  rows2: number;
}

/** Every buffer the trainer will allocate, so a runner can check it fits before allocating anything. */
export function planGpuSae(
  c: SaeConfig,
  n: number,
  B: number,
  decoder: DecoderKind,
  units: SaeGpuUnits,
): GpuSaePlan {
  const { d, m: M } = c;
  const aux = usesAux(c);
  const ka = aux ? c.auxK : 0;
  const rows2 = aux ? 2 * B : B;
  const E = units.encoder.entries(c, ka);
  const sparse = decoder === 'sparse' && units.encoder.exactK;
  const f = (count: number) => 4 * Math.max(4, count);
  const bytes: Record<string, number> = {
    data: f(n * d),
    rows: f(B),
    X: f(B * d),
    xc: f(B * d),
    pre: f(units.encoder.keepsPre ? B * M : 1),
    z: f(rows2 * M),
    gz: f(sparse ? 1 : rows2 * M),
    idx: f(B * E),
    ent: f(2 * B * E),
    xraw: f(rows2 * d),
    e: f(B * d),
    G: f(rows2 * d),
    rowSq: f(rows2),
    sc: f(16),
    lat: f(4 * M),
    fired: f(M),
    minKept: f(1),
    sel: f(4),
    hist: f(256),
    count: f(sparse ? M : 1),
    offsets: f(sparse ? M + 1 : 1),
    cursor: f(sparse ? M : 1),
    list: f(sparse ? B * E : 1),
    order: f(sparse ? B * E : 1),
    slice: f(B * Math.min(SLICE_LATENTS, M)),
    counts: f(M),
  };
  for (const [name, count] of Object.entries(units.decoder.buffers(c, B))) bytes[name] = f(count);
  for (const { name, shape } of paramLayout(c)) {
    for (const kind of ['p', 'g', 'm', 'v']) bytes[`${kind}.${name}`] = f(sizeOfShape(shape));
  }
  const values = Object.values(bytes);
  return { bytes, largest: Math.max(...values), total: values.reduce((a, b) => a + b, 0), sparse, E, rows2 };
}

export interface GpuSaeInit {
  cfg: SaeConfig;
  params: Params;
  /** All samples (n × d): training rows are addressed by `trainStep`, any row by `evaluate`. */
  data: Float32Array;
  n: number;
  batch: number;
  decoder: DecoderKind;
  /** The model's encoder and decoder step units (from the SAE registry: `saeImpl(model).gpu`). */
  units: SaeGpuUnits;
  /** Force a top-k kernel (tests); by default chosen from the row length and the adapter. */
  topk?: TopkVariant;
}

export type { GpuMetrics } from './util/state';

export class GpuSae {
  readonly list: PassList;
  readonly plan: GpuSaePlan;
  private readonly units: SaeGpuUnits;
  private readonly b: Record<string, GPUBuffer> = {};
  private readonly p: Record<string, GPUBuffer> = {};
  private readonly g: Record<string, GPUBuffer> = {};
  private readonly m: Record<string, GPUBuffer> = {};
  private readonly v: Record<string, GPUBuffer> = {};
  private readonly stepU: GPUBuffer;
  private readonly evalRowsU: GPUBuffer;
  private readonly trainOps: Op[];
  private readonly evalOps: Op[];
  private readonly dummyR: GPUBuffer;
  private readonly dummyW: GPUBuffer;
  /** 0-based index of the next step. */
  step = 0;

  private constructor(
    readonly ctx: GpuContext,
    readonly c: SaeConfig,
    init: GpuSaeInit,
  ) {
    const list = (this.list = new PassList(ctx, 'sae'));
    this.units = init.units;
    this.plan = planGpuSae(init.cfg, init.n, init.batch, init.decoder, init.units);
    for (const [name, bytes] of Object.entries(this.plan.bytes)) {
      if (name === 'data' || name.includes('.')) continue;
      this.b[name] = list.empty(name, bytes);
    }
    this.b.data = list.data('data', init.data.subarray(0, init.n * init.cfg.d));
    for (const { name } of paramLayout(init.cfg)) {
      this.p[name] = list.data(`p.${name}`, Float32Array.from(init.params[name]));
      this.g[name] = list.empty(`g.${name}`, this.plan.bytes[`g.${name}`]);
      this.m[name] = list.empty(`m.${name}`, this.plan.bytes[`m.${name}`]);
      this.v[name] = list.empty(`v.${name}`, this.plan.bytes[`v.${name}`]);
    }
    ctx.device.queue.writeBuffer(this.b.sc, 0, Float32Array.from([0, 0, -1, 0]));
    this.dummyR = list.empty('dummyR', 16);
    this.dummyW = list.empty('dummyW', 16);
    this.stepU = list.uniform('step', new Array(8).fill({ f32: 0 }));
    this.evalRowsU = list.uniform('evalRows', [
      { u32: init.batch },
      { u32: init.cfg.m },
      { u32: 0 },
      { u32: 0 },
    ]);
    this.batch = init.batch;
    this.topkVariant = init.topk;
    this.trainOps = this.buildTrain();
    this.evalOps = this.buildEval();
  }

  readonly batch: number;
  private readonly topkVariant: TopkVariant | undefined;

  /** Builds the trainer; WebGPU validation errors (a shader that does not compile here) are thrown. */
  static async create(ctx: GpuContext, init: GpuSaeInit): Promise<GpuSae> {
    if (isPolyGeneral(init.cfg))
      throw new Error(
        'GpuSae trains PolySAE’s shared form only; the SAE registry gives the general form its own trainer (GpuPolySae)',
      );
    ctx.device.pushErrorScope('validation');
    let s: GpuSae | null = null;
    let thrown: unknown = null;
    try {
      s = new GpuSae(ctx, init.cfg, init);
    } catch (e) {
      thrown = e;
    }
    const err = await ctx.device.popErrorScope();
    if (thrown || err) {
      s?.destroy();
      throw thrown ?? new Error(`SAE GPU pipeline: ${err?.message}`);
    }
    return s!;
  }

  /** What the model's units may record into. */
  private get stepContext(): StepContext {
    const { list, c, b, p, g, dummyR, dummyW, stepU } = this;
    return {
      list,
      c,
      B: this.batch,
      E: this.plan.E,
      rows2: this.plan.rows2,
      sparse: this.plan.sparse,
      b,
      p,
      g,
      dummyR,
      dummyW,
      stepU,
      topk: this.topkVariant,
      gemm: (A, Bm, C, shape, bias = null) => gemmOp(list, A, Bm, C, shape, bias, dummyR),
    };
  }

  /** Gather and the model's encoder, shared by training and evaluation (inference: no AuxK, learnt θ). */
  private encodeOps(s: StepContext, inference: boolean): Op[] {
    const { c, b, p } = this;
    return [
      K.gatherOp(this.list, b.data, b.rows, p.b_dec, b.X, b.xc, this.batch, c.d, centresInput(c)),
      ...this.units.encoder.encode(s, inference),
    ];
  }

  /** Decoder ops: x̂ − b_dec into xraw (rows [B, 2B): AuxK's ê), then the residual. */
  private decodeOps(s: StepContext, sparse: boolean, rows: number): Op[] {
    const { c, b, p, list } = this;
    const B = this.batch;
    const { m: M, d } = c;
    const E = this.plan.E;
    const ops: Op[] = [];
    const prod = this.units.decoder.product(s, rows);
    if (sparse) {
      ops.push(
        K.decodeSparseOp(list, b.idx, b.ent, prod.atoms, prod.out, {
          B,
          E,
          kMain: c.k,
          w: prod.w,
          rows: prod.rows,
        }),
      );
    } else {
      if (this.units.encoder.exactK) {
        ops.push({ kind: 'clear', buffer: b.z });
        ops.push(K.densifyOp(list, b.idx, b.ent, b.z, { B, E, kMain: c.k, M }));
      }
      ops.push(s.gemm(b.z, prod.atoms, prod.out, { M: prod.rows, N: prod.w, K: M }));
    }
    ops.push(...this.units.decoder.finish(s));
    const res = { X: b.X, xraw: b.xraw, bDec: p.b_dec, e: b.e, G: b.G, rowSq: b.rowSq, sc: b.sc };
    ops.push(K.residualOp(list, res, { B, d, variance: c.variance, auxCoeff: c.auxCoeff, aux: false }));
    return ops;
  }

  private buildTrain(): Op[] {
    const { c, b, p, g, list } = this;
    const { encoder, decoder } = this.units;
    const s = this.stepContext;
    const B = this.batch;
    const { m: M, d } = c;
    const { E, rows2, sparse } = this.plan;
    const aux = usesAux(c);
    const ops: Op[] = [];
    if (sparse) ops.push({ kind: 'clear', buffer: b.count }, { kind: 'clear', buffer: b.fired });
    ops.push(...this.encodeOps(s, false));
    ops.push(...this.decodeOps(s, sparse, rows2));
    const statsShape: K.StatsShape = {
      B,
      M,
      variance: c.variance,
      auxCoeff: c.auxCoeff,
      deadAfter: c.deadSamples,
      hasAux: aux,
      hasSparsity: encoder.hasSparsity,
      batchTheta: encoder.batchTheta,
    };
    const statsBufs = { rowSq: b.rowSq, lat: b.lat, fired: b.fired, sc: b.sc, minKept: b.minKept };
    if (aux) {
      ops.push(K.statsOp(list, statsBufs, statsShape, true));
      const res = { X: b.X, xraw: b.xraw, bDec: p.b_dec, e: b.e, G: b.G, rowSq: b.rowSq, sc: b.sc };
      ops.push(K.residualOp(list, res, { B, d, variance: c.variance, auxCoeff: c.auxCoeff, aux: true }));
    }

    // Gradients: through the decoder's own terms, then the code product and the encoder.
    const back = decoder.backward(s);
    ops.push(...back.ops);
    const G = back.G;
    const prod = decoder.product(s, rows2);
    if (sparse) {
      ops.push(K.sparseDotOp(list, b.idx, b.ent, G, prod.atoms, { B, E, kMain: c.k, w: prod.w }));
      const sb = {
        idx: b.idx,
        ent: b.ent,
        count: b.count,
        fired: b.fired,
        offsets: b.offsets,
        cursor: b.cursor,
        list: b.list,
        order: b.order,
      };
      ops.push(
        ...K.sparseGradOps(
          list,
          { ...sb, G, xc: b.xc, gA: prod.gAtoms, gWenc: g.W_enc, gbEnc: g.b_enc },
          { B, E, kMain: c.k, M, w: prod.w, d },
        ),
      );
    } else {
      const gRows = prod.rows;
      ops.push(s.gemm(G, prod.atoms, b.gz, { M: gRows, N: M, K: prod.w, transB: true }));
      const mode = encoder.gradMode;
      const prm = mode === 'relu' ? p.W_dec : mode === 'jump' ? p.log_threshold : this.dummyR;
      const gt = mode === 'jump' ? g.log_threshold : this.dummyW;
      const ab = {
        pre: encoder.keepsPre ? b.pre : this.dummyR,
        z: b.z,
        gz: b.gz,
        prm,
        gt,
        gbEnc: g.b_enc,
        fired: b.fired,
        lat: b.lat,
      };
      const as = {
        B,
        M,
        d,
        hasAux: aux,
        l1: c.l1,
        bandwidth: c.bandwidth,
        l0: c.l0Coeff,
        variance: c.variance,
      };
      ops.push(K.actGradOp(list, { ...ab, step: this.stepU }, as, mode));
      ops.push(s.gemm(b.z, G, prod.gAtoms, { M, N: prod.w, K: gRows, transA: true }));
      ops.push(s.gemm(b.gz, b.xc, g.W_enc, { M, N: d, K: B, transA: true }));
    }
    ops.push(K.bdecGradOp(list, b.G, g.b_enc, p.W_enc, g.b_dec, B, M, d, centresInput(c)));

    // Update: the decoder's gradient corrections, Adam, then its renormalisation or retraction.
    ops.push(...decoder.beforeAdam(s));
    for (const { name, shape } of paramLayout(c)) {
      ops.push(K.adamOp(list, p[name], g[name], this.m[name], this.v[name], sizeOfShape(shape), this.stepU));
    }
    ops.push(...decoder.afterAdam(s));
    ops.push(K.statsOp(list, statsBufs, statsShape, false));
    return ops;
  }

  private buildEval(): Op[] {
    const { c, b, list } = this;
    const B = this.batch;
    const C = Math.min(SLICE_LATENTS, c.m);
    const s = this.stepContext;
    return [
      ...this.encodeOps(s, true),
      ...this.decodeOps(s, false, B),
      K.sliceOp(list, b.z, b.slice, B, C, c.m),
      K.colcountOp(list, b.z, b.counts, this.evalRowsU, c.m),
    ];
  }

  /** Sets BatchTopK's inference threshold θ (used by `evaluate`); an error for an encoder without one. */
  setTheta(theta: number): void {
    const set = this.units.encoder.setTheta;
    if (!set) throw new Error(`${this.c.model}: this encoder has no inference threshold to set`);
    set(this.ctx, this.b, theta);
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
  async readMetrics(): Promise<GpuMetrics> {
    return readStepMetrics(this.ctx, this.b.sc);
  }

  /** Training samples since each latent last fired, and firings per latent since the start. */
  async readLatentStats(): Promise<{ since: Float32Array; firings: Float32Array }> {
    return readLatentStats(this.ctx, this.b.lat, this.c.m);
  }

  async readParams(which: 'p' | 'g' = 'p', names?: string[]): Promise<Params> {
    return readParamBuffers(this.ctx, this.c, which === 'p' ? this.p : this.g, names);
  }

  /** Adam's moments, for parity checks that repeat a step on the CPU from this state. */
  async readOptimizer(): Promise<{ m: Params; v: Params }> {
    return {
      m: await readParamBuffers(this.ctx, this.c, this.m),
      v: await readParamBuffers(this.ctx, this.c, this.v),
    };
  }

  /** Reads `count` floats (or u32 when asked) of an internal buffer (tests, parity). */
  async read(name: string, count: number, asU32 = false): Promise<Float32Array | Uint32Array> {
    return asU32
      ? readUint32(this.ctx.device, this.b[name], count)
      : readFloat32(this.ctx.device, this.b[name], count);
  }

  /**
   * Inference forward over rows [start, start + count) in batch-sized chunks: the errors e = x − x̂, the codes
   * of the first 32 latents, firing counts per latent, and all codes when asked. `onChunk` lets a caller yield.
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
    const codes = opts.codes ? new Float32Array(count * M) : undefined;
    const q = this.ctx.device.queue;
    const clear = this.ctx.device.createCommandEncoder();
    clear.clearBuffer(this.b.counts);
    q.submit([clear.finish()]);
    const rows = new Uint32Array(B);
    for (let done = 0; done < count; done += B) {
      const valid = Math.min(B, count - done);
      for (let r = 0; r < B; r++) rows[r] = start + done + Math.min(r, valid - 1);
      q.writeBuffer(this.b.rows, 0, rows);
      q.writeBuffer(this.evalRowsU, 0, Uint32Array.from([valid, M, 0, 0]));
      this.list.run(this.evalOps);
      e.set((await readFloat32(this.ctx.device, this.b.e, valid * d)).subarray(0, valid * d), done * d);
      slice.set(await readFloat32(this.ctx.device, this.b.slice, valid * C), done * C);
      if (codes) codes.set(await readFloat32(this.ctx.device, this.b.z, valid * M), done * M);
      await opts.onChunk?.(done + valid);
    }
    const counts = await readFloat32(this.ctx.device, this.b.counts, M);
    return { e, slice, sliceCols: C, counts, codes };
  }

  destroy(): void {
    this.list.destroy();
  }
}

/**
 * What a runner uses of a GPU SAE trainer: GpuSae, or a self-contained trainer for one model form (the SAE
 * registry says which). `setTheta` only where the encoder has an inference threshold (BatchTopK).
 */
export type GpuSaeUnit = Pick<
  GpuSae,
  | 'c'
  | 'batch'
  | 'step'
  | 'trainStep'
  | 'readMetrics'
  | 'readLatentStats'
  | 'readParams'
  | 'readOptimizer'
  | 'read'
  | 'evaluate'
  | 'destroy'
> &
  Partial<Pick<GpuSae, 'setTheta'>>;
