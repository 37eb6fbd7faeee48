/**
 * The same trainer interface over the CPU reference (CpuSae) and the GPU (GpuSae), so the training loop,
 * the live metrics and the final analysis do not care which backend runs.
 */

import type { SaeDataset } from '../../data/sae-sources';
import type { GpuContext } from '../../gpu/device';
import { type DecoderKind, type GpuSaeUnit, SLICE_LATENTS } from '../../kernels/sae/train';
import { forward } from '../../reference/sae/forward';
import { isBatchTopk, isPoly, linearAtoms, type Params, type SaeConfig } from '../../reference/sae/model';
import { CpuSae } from '../../reference/sae/train';
import { createGpuSae } from './registry';

export interface Averages {
  rec: number;
  sparsity: number;
  aux: number;
  total: number;
  l0: number;
  steps: number;
  theta: number;
}

export interface EvalResult {
  /** e = x − x̂ for the evaluated rows (rows × d). */
  e: Float32Array;
  /** Codes of the first `sliceCols` latents (rows × sliceCols). */
  slice: Float32Array;
  sliceCols: number;
  /** Rows on which each latent fired. */
  counts: Float32Array;
  codes?: Float32Array;
}

export interface SaeTrainer {
  readonly c: SaeConfig;
  step(rows: Uint32Array): void;
  /** Loss averages since the last call. */
  metrics(): Promise<Averages>;
  /** Training samples since each latent last fired. */
  since(): Promise<ArrayLike<number>>;
  params(): Promise<Params>;
  evaluate(
    start: number,
    count: number,
    opts: { codes?: boolean; onChunk?: (done: number) => Promise<void> },
  ): Promise<EvalResult>;
  /** Wait for queued work (the GPU's command queue); lets a cancel arrive. */
  settle(): Promise<void>;
  destroy(): void;
}

export class CpuTrainer implements SaeTrainer {
  readonly sae: CpuSae;
  private acc = { rec: 0, sparsity: 0, aux: 0, total: 0, l0: 0, steps: 0 };
  private readonly X: Float64Array;

  constructor(
    readonly c: SaeConfig,
    params: Params,
    private readonly ds: SaeDataset,
    private readonly batch: number,
  ) {
    this.sae = new CpuSae(c, params);
    this.X = new Float64Array(batch * c.d);
  }

  step(rows: Uint32Array): void {
    const { d } = this.c;
    for (let b = 0; b < rows.length; b++) {
      const o = rows[b] * d;
      for (let j = 0; j < d; j++) this.X[b * d + j] = this.ds.x[o + j];
    }
    const s = this.sae.trainStep(this.X, this.batch);
    this.acc.rec += s.rec;
    this.acc.sparsity += s.sparsity;
    this.acc.aux += s.aux;
    this.acc.total += s.total;
    this.acc.l0 += s.l0;
    this.acc.steps++;
  }

  async metrics(): Promise<Averages> {
    const a = this.acc;
    const n = Math.max(a.steps, 1);
    this.acc = { rec: 0, sparsity: 0, aux: 0, total: 0, l0: 0, steps: 0 };
    return {
      rec: a.rec / n,
      sparsity: a.sparsity / n,
      aux: a.aux / n,
      total: a.total / n,
      l0: a.l0 / n,
      steps: a.steps,
      theta: this.sae.theta,
    };
  }

  async since(): Promise<ArrayLike<number>> {
    return this.sae.since;
  }

  async params(): Promise<Params> {
    return this.sae.p;
  }

  async evaluate(
    start: number,
    count: number,
    opts: { codes?: boolean; onChunk?: (done: number) => Promise<void> },
  ): Promise<EvalResult> {
    const { d, m: M } = this.c;
    const C = Math.min(SLICE_LATENTS, M);
    const e = new Float32Array(count * d);
    const slice = new Float32Array(count * C);
    const counts = new Float32Array(M);
    const codes = opts.codes ? new Float32Array(count * M) : undefined;
    const chunk = Math.max(1, Math.min(256, Math.floor(4e6 / (M * d))));
    const theta = isBatchTopk(this.c) && this.sae.theta > 0 ? this.sae.theta : undefined;
    for (let done = 0; done < count; done += chunk) {
      const n = Math.min(chunk, count - done);
      const X = this.ds.x.subarray((start + done) * d, (start + done + n) * d);
      const f = forward(this.c, this.sae.p, X, n, { batchTheta: theta });
      e.set(f.e, done * d);
      for (let b = 0; b < n; b++) {
        for (let i = 0; i < M; i++) {
          const z = f.z[b * M + i];
          if (z > 0) counts[i]++;
          if (i < C) slice[(done + b) * C + i] = z;
        }
      }
      if (codes) codes.set(f.z, done * M);
      await opts.onChunk?.(done + n);
    }
    return { e, slice, sliceCols: C, counts, codes };
  }

  async settle(): Promise<void> {}

  destroy(): void {}
}

export class GpuTrainer implements SaeTrainer {
  private constructor(
    readonly c: SaeConfig,
    readonly sae: GpuSaeUnit,
    private readonly ctx: GpuContext,
  ) {}

  static async create(
    ctx: GpuContext,
    c: SaeConfig,
    params: Params,
    ds: SaeDataset,
    batch: number,
    decoder: DecoderKind,
  ) {
    const sae = await createGpuSae(ctx, { cfg: c, params, data: ds.x, n: ds.n, batch, decoder });
    return new GpuTrainer(c, sae, ctx);
  }

  step(rows: Uint32Array): void {
    this.sae.trainStep(rows);
  }

  metrics(): Promise<Averages> {
    return this.sae.readMetrics();
  }

  async since(): Promise<ArrayLike<number>> {
    return (await this.sae.readLatentStats()).since;
  }

  params(): Promise<Params> {
    return this.sae.readParams('p');
  }

  evaluate(
    start: number,
    count: number,
    opts: { codes?: boolean; onChunk?: (done: number) => Promise<void> },
  ): Promise<EvalResult> {
    return this.sae.evaluate(start, count, opts);
  }

  settle(): Promise<void> {
    return this.ctx.device.queue.onSubmittedWorkDone();
  }

  destroy(): void {
    this.sae.destroy();
  }
}

/** The linear atoms (M×d) of the current parameters, for recovery tracking. */
export async function currentAtoms(t: SaeTrainer): Promise<Float64Array> {
  const p =
    t instanceof GpuTrainer
      ? await t.sae.readParams('p', isPoly(t.c) ? ['U', 'C1'] : ['W_dec'])
      : await t.params();
  return linearAtoms(t.c, p);
}
