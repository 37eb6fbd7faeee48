/**
 * A whole SAE training step on the GPU, recorded once and replayed: gather → encoder GEMM → activation
 * (top-k radix select, BatchTopK threshold, JumpReLU or fused ReLU) → decoder (sparse gather of k atoms, or
 * dense GEMM) → residual and AuxK → gradients → decoder-gradient projection → Adam → renormalisation or
 * PolySAE retraction → statistics. Parameters, optimiser state and dead-latent counters stay on the GPU;
 * each step writes only its batch's row indices and a 32-byte step uniform. Metrics are read when asked.
 */
import { readFloat32, readUint32 } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import {
  centresInput,
  isBatchTopk,
  isJump,
  isPoly,
  isReluL1,
  type Params,
  paramLayout,
  type SaeConfig,
  sizeOfShape,
  unitAtoms,
  usesAux,
  usesTopk,
} from '../../reference/sae/model';
import { lrAt, sparsityScaleAt } from '../../reference/sae/optim';
import { type GemmShape, gemmOp } from './gemm';
import { type TopkVariant, topkOp } from './topk';
import { BufferSet, type Op, runOps } from './util/buffer-set';
import * as K from './util/ops';

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
export function planGpuSae(c: SaeConfig, n: number, B: number, decoder: DecoderKind): GpuSaePlan {
  const { d, m: M } = c;
  const aux = usesAux(c);
  const ka = aux ? c.auxK : 0;
  const rows2 = aux ? 2 * B : B;
  const topkLike = usesTopk(c);
  const E = topkLike ? c.k + ka : isBatchTopk(c) ? ka : 0;
  const sparse = decoder === 'sparse' && topkLike;
  const poly = isPoly(c);
  const R1 = c.rank1;
  const R2 = c.rank2;
  const f = (count: number) => 4 * Math.max(4, count);
  const bytes: Record<string, number> = {
    data: f(n * d),
    rows: f(B),
    X: f(B * d),
    xc: f(B * d),
    pre: f(isReluL1(c) ? 1 : B * M),
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
    a: f(poly ? B * R1 : 1),
    ga: f(poly ? B * R1 : 1),
    part: f(poly ? 2 * B * R2 : 1),
    gram: f(poly ? R1 * R1 : 1),
    Linv: f(poly ? R1 * R1 : 1),
    Utmp: f(poly ? M * R1 : 1),
    slice: f(B * Math.min(SLICE_LATENTS, M)),
    counts: f(M),
  };
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
  /** Force a top-k kernel (tests); by default chosen from the row length and the adapter. */
  topk?: TopkVariant;
}

export interface GpuMetrics {
  rec: number;
  sparsity: number;
  aux: number;
  total: number;
  l0: number;
  /** Steps averaged. */
  steps: number;
  /** BatchTopK's inference threshold (−1 while unset). */
  theta: number;
}

export class GpuSae {
  readonly bs: BufferSet;
  readonly plan: GpuSaePlan;
  readonly b: Record<string, GPUBuffer> = {};
  readonly p: Record<string, GPUBuffer> = {};
  readonly g: Record<string, GPUBuffer> = {};
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
    const bs = (this.bs = new BufferSet(ctx));
    this.plan = planGpuSae(init.cfg, init.n, init.batch, init.decoder);
    for (const [name, bytes] of Object.entries(this.plan.bytes)) {
      if (name === 'data' || name.includes('.')) continue;
      this.b[name] = bs.empty(name, bytes);
    }
    this.b.data = bs.data('data', init.data.subarray(0, init.n * init.cfg.d));
    for (const { name } of paramLayout(init.cfg)) {
      this.p[name] = bs.data(`p.${name}`, Float32Array.from(init.params[name]));
      this.g[name] = bs.empty(`g.${name}`, this.plan.bytes[`g.${name}`]);
      this.m[name] = bs.empty(`m.${name}`, this.plan.bytes[`m.${name}`]);
      this.v[name] = bs.empty(`v.${name}`, this.plan.bytes[`v.${name}`]);
    }
    ctx.device.queue.writeBuffer(this.b.sc, 0, Float32Array.from([0, 0, -1, 0]));
    this.dummyR = bs.empty('dummyR', 16);
    this.dummyW = bs.empty('dummyW', 16);
    this.stepU = bs.uniform('step', new Array(8).fill({ f32: 0 }));
    this.evalRowsU = bs.uniform('evalRows', [
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

  private gemm(A: GPUBuffer, Bm: GPUBuffer, C: GPUBuffer, s: GemmShape, bias: GPUBuffer | null = null): Op {
    return gemmOp(this.bs, A, Bm, C, s, bias, this.dummyR);
  }

  private get topkLike(): boolean {
    return usesTopk(this.c);
  }

  /** Encoder and activation ops shared by training and evaluation (inference picks BatchTopK's θ). */
  private encodeOps(inference: boolean): Op[] {
    const { c, b, p, bs } = this;
    const B = this.batch;
    const { m: M, d } = c;
    const ops: Op[] = [K.gatherOp(bs, b.data, b.rows, p.b_dec, b.X, b.xc, B, d, centresInput(c))];
    if (isReluL1(c)) {
      ops.push(this.gemm(b.xc, p.W_enc, b.z, { M: B, N: M, K: d, transB: true, relu: true }, p.b_enc));
      return ops;
    }
    ops.push(this.gemm(b.xc, p.W_enc, b.pre, { M: B, N: M, K: d, transB: true }, p.b_enc));
    const act = { pre: b.pre, logTheta: this.dummyR, z: b.z, sel: this.dummyR, minKept: b.minKept, sc: b.sc };
    if (this.topkLike) {
      const main = { rows: B, M, K: c.k, stride: this.plan.E, offset: 0 };
      ops.push(topkOp(bs, b.pre, b.lat, b.idx, b.ent, main, this.topkVariant));
      if (usesAux(c) && !inference) {
        const s = { rows: B, M, K: c.auxK, stride: this.plan.E, offset: c.k, deadAfter: c.deadSamples };
        ops.push(topkOp(bs, b.pre, b.lat, b.idx, b.ent, s, this.topkVariant));
      }
    } else if (isJump(c)) {
      ops.push(K.actOp(bs, { ...act, logTheta: p.log_threshold }, B, M, 'jump'));
    } else if (inference) {
      ops.push(K.actOp(bs, act, B, M, 'theta'));
    } else {
      ops.push(
        ...K.batchThresholdOps(
          bs,
          { pre: b.pre, sel: b.sel, hist: b.hist, minKept: b.minKept },
          B * M,
          c.k * B,
        ),
      );
      ops.push({ kind: 'clear', buffer: b.z });
      ops.push(K.actOp(bs, { ...act, sel: b.sel }, B, M, 'batch'));
      if (usesAux(c)) {
        ops.push(
          topkOp(
            bs,
            b.pre,
            b.lat,
            b.idx,
            b.ent,
            { rows: B, M, K: c.auxK, stride: c.auxK, offset: 0, deadAfter: c.deadSamples },
            this.topkVariant,
          ),
        );
        ops.push(K.densifyOp(bs, b.idx, b.ent, b.z, { B, E: c.auxK, kMain: 0, M }));
      }
    }
    return ops;
  }

  /** Decoder ops: x̂ − b_dec into xraw (rows [B, 2B): AuxK's ê), via a = z·U for PolySAE. */
  private decodeOps(sparse: boolean, rows: number): Op[] {
    const { c, b, p, bs } = this;
    const B = this.batch;
    const { m: M, d } = c;
    const E = this.plan.E;
    const ops: Op[] = [];
    const atoms = isPoly(c) ? p.U : p.W_dec;
    const w = isPoly(c) ? c.rank1 : d;
    const out = isPoly(c) ? b.a : b.xraw;
    if (sparse) {
      ops.push(
        K.decodeSparseOp(bs, b.idx, b.ent, atoms, out, { B, E, kMain: c.k, w, rows: isPoly(c) ? B : rows }),
      );
    } else {
      if (this.topkLike) {
        ops.push({ kind: 'clear', buffer: b.z });
        ops.push(K.densifyOp(bs, b.idx, b.ent, b.z, { B, E, kMain: c.k, M }));
      }
      ops.push(this.gemm(b.z, atoms, out, { M: isPoly(c) ? B : rows, N: w, K: M }));
    }
    if (isPoly(c)) {
      const shape = { B, d, R1: c.rank1, R2: c.rank2 };
      ops.push(
        K.polyDecodeOp(bs, { a: b.a, C1: p.C1, C2: p.C2, C3: p.C3, lam: p.lambda, out: b.xraw }, shape),
      );
    }
    const res = { X: b.X, xraw: b.xraw, bDec: p.b_dec, e: b.e, G: b.G, rowSq: b.rowSq, sc: b.sc };
    ops.push(K.residualOp(bs, res, { B, d, variance: c.variance, auxCoeff: c.auxCoeff, aux: false }));
    return ops;
  }

  private buildTrain(): Op[] {
    const { c, b, p, g, bs } = this;
    const B = this.batch;
    const { m: M, d } = c;
    const { E, rows2, sparse } = this.plan;
    const aux = usesAux(c);
    const poly = isPoly(c);
    const ops: Op[] = [];
    if (sparse) ops.push({ kind: 'clear', buffer: b.count }, { kind: 'clear', buffer: b.fired });
    ops.push(...this.encodeOps(false));
    ops.push(...this.decodeOps(sparse, rows2));
    const statsShape: K.StatsShape = {
      B,
      M,
      variance: c.variance,
      auxCoeff: c.auxCoeff,
      deadAfter: c.deadSamples,
      hasAux: aux,
      hasSparsity: isReluL1(c) || isJump(c),
      batchTheta: isBatchTopk(c),
    };
    const statsBufs = { rowSq: b.rowSq, lat: b.lat, fired: b.fired, sc: b.sc, minKept: b.minKept };
    if (aux) {
      ops.push(K.statsOp(bs, statsBufs, statsShape, true));
      const res = { X: b.X, xraw: b.xraw, bDec: p.b_dec, e: b.e, G: b.G, rowSq: b.rowSq, sc: b.sc };
      ops.push(K.residualOp(bs, res, { B, d, variance: c.variance, auxCoeff: c.auxCoeff, aux: true }));
    }

    // Gradients.
    const G = poly ? b.ga : b.G;
    const atoms = poly ? p.U : p.W_dec;
    const gAtoms = poly ? g.U : g.W_dec;
    const w = poly ? c.rank1 : d;
    if (poly) {
      const pb = { G: b.G, a: b.a, C1: p.C1, C2: p.C2, C3: p.C3, lam: p.lambda, ga: b.ga, part: b.part };
      const pg = { gC1: g.C1, gC2: g.C2, gC3: g.C3, glam: g.lambda };
      ops.push(...K.polyBackOps(bs, { ...pb, ...pg }, { B, d, R1: c.rank1, R2: c.rank2 }));
    }
    if (sparse) {
      ops.push(K.sparseDotOp(bs, b.idx, b.ent, G, atoms, { B, E, kMain: c.k, w }));
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
          bs,
          { ...sb, G, xc: b.xc, gA: gAtoms, gWenc: g.W_enc, gbEnc: g.b_enc },
          { B, E, kMain: c.k, M, w, d },
        ),
      );
    } else {
      const gRows = poly ? B : rows2;
      ops.push(this.gemm(G, atoms, b.gz, { M: gRows, N: M, K: w, transB: true }));
      const mode: K.ActGradMode = isReluL1(c) ? 'relu' : isJump(c) ? 'jump' : 'mask';
      const prm = mode === 'relu' ? p.W_dec : mode === 'jump' ? p.log_threshold : this.dummyR;
      const gt = mode === 'jump' ? g.log_threshold : this.dummyW;
      const ab = {
        pre: isReluL1(c) ? this.dummyR : b.pre,
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
      ops.push(K.actGradOp(bs, { ...ab, step: this.stepU }, as, mode));
      ops.push(this.gemm(b.z, G, gAtoms, { M, N: w, K: gRows, transA: true }));
      ops.push(this.gemm(b.gz, b.xc, g.W_enc, { M, N: d, K: B, transA: true }));
    }
    ops.push(K.bdecGradOp(bs, b.G, g.b_enc, p.W_enc, g.b_dec, B, M, d, centresInput(c)));

    // Update: the penalty's atom gradient (ReLU-L1), and for unit-norm atoms the projection.
    if (!poly) ops.push(K.rownormOp(bs, p.W_dec, g.W_dec, b.lat, M, d, true, isReluL1(c), unitAtoms(c)));
    for (const { name, shape } of paramLayout(c)) {
      ops.push(K.adamOp(bs, p[name], g[name], this.m[name], this.v[name], sizeOfShape(shape), this.stepU));
    }
    if (poly) {
      const R = c.rank1;
      ops.push(this.gemm(p.U, p.U, b.gram, { M: R, N: R, K: M, transA: true }));
      ops.push(K.polyCholOp(bs, b.gram, b.Linv, R));
      ops.push(this.gemm(p.U, b.Linv, b.Utmp, { M, N: R, K: R, transB: true }));
      ops.push({ kind: 'copy', src: b.Utmp, dst: p.U, bytes: M * R * 4 });
    } else if (unitAtoms(c)) {
      ops.push(K.rownormOp(bs, p.W_dec, g.W_dec, b.lat, M, d, false, false));
    }
    ops.push(K.statsOp(bs, statsBufs, statsShape, false));
    return ops;
  }

  private buildEval(): Op[] {
    const { c, b, bs } = this;
    const B = this.batch;
    const C = Math.min(SLICE_LATENTS, c.m);
    return [
      ...this.encodeOps(true),
      ...this.decodeOps(false, B),
      K.sliceOp(bs, b.z, b.slice, B, C, c.m),
      K.colcountOp(bs, b.z, b.counts, this.evalRowsU, c.m),
    ];
  }

  /** One step on these training rows (batch-many indices into the data). */
  trainStep(rows: Uint32Array): void {
    const q = this.ctx.device.queue;
    q.writeBuffer(this.b.rows, 0, rows);
    const t = this.step;
    const c = this.c;
    q.writeBuffer(
      this.stepU,
      0,
      Float32Array.from([
        lrAt(c, t),
        1 - c.beta1 ** (t + 1),
        1 - c.beta2 ** (t + 1),
        sparsityScaleAt(c.steps, t),
        c.beta1,
        c.beta2,
        c.eps,
        0,
      ]),
    );
    runOps(this.ctx, this.trainOps, 'sae-step');
    this.step++;
  }

  /** Averages of the losses since the last call (then reset). */
  async readMetrics(): Promise<GpuMetrics> {
    const sc = await readFloat32(this.ctx.device, this.b.sc, 16);
    this.ctx.device.queue.writeBuffer(this.b.sc, 32, new Float32Array(6));
    const n = Math.max(sc[13], 1);
    return {
      rec: sc[8] / n,
      sparsity: sc[9] / n,
      aux: sc[10] / n,
      total: sc[11] / n,
      l0: sc[12] / n,
      steps: sc[13],
      theta: sc[2],
    };
  }

  /** Training samples since each latent last fired, and firings per latent since the start. */
  async readLatentStats(): Promise<{ since: Float32Array; firings: Float32Array }> {
    const lat = await readFloat32(this.ctx.device, this.b.lat, 2 * this.c.m);
    return { since: lat.subarray(0, this.c.m), firings: lat.subarray(this.c.m) };
  }

  async readParams(which: 'p' | 'g' = 'p', names?: string[]): Promise<Params> {
    const out: Params = {};
    for (const { name, shape } of paramLayout(this.c)) {
      if (names && !names.includes(name)) continue;
      const src = which === 'p' ? this.p[name] : this.g[name];
      out[name] = Float64Array.from(await readFloat32(this.ctx.device, src, sizeOfShape(shape)));
    }
    return out;
  }

  /** Adam's moments, for parity checks that repeat a step on the CPU from this state. */
  async readOptimizer(): Promise<{ m: Params; v: Params }> {
    const m: Params = {};
    const v: Params = {};
    for (const { name, shape } of paramLayout(this.c)) {
      m[name] = Float64Array.from(await readFloat32(this.ctx.device, this.m[name], sizeOfShape(shape)));
      v[name] = Float64Array.from(await readFloat32(this.ctx.device, this.v[name], sizeOfShape(shape)));
    }
    return { m, v };
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
      runOps(this.ctx, this.evalOps, 'sae-eval');
      e.set((await readFloat32(this.ctx.device, this.b.e, valid * d)).subarray(0, valid * d), done * d);
      slice.set(await readFloat32(this.ctx.device, this.b.slice, valid * C), done * C);
      if (codes) codes.set(await readFloat32(this.ctx.device, this.b.z, valid * M), done * M);
      await opts.onChunk?.(done + valid);
    }
    const counts = await readFloat32(this.ctx.device, this.b.counts, M);
    return { e, slice, sliceCols: C, counts, codes };
  }

  destroy(): void {
    this.bs.destroy();
  }
}
