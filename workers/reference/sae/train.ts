/**
 * One training step on the CPU, the same sequence as the GPU: forward, gradients, decoder-gradient
 * projection, Adam, renormalisation or retraction, dead-latent bookkeeping and the BatchTopK threshold EMA.
 */
import { backward } from './backward';
import { type Forward, forward } from './forward';
import { isBatchTopk, isPoly, isPolyGeneral, type Params, type SaeConfig, unitAtoms, usesAux } from './model';
import {
  type AdamState,
  adamState,
  adamUpdate,
  lrAt,
  normalizeRows,
  qrRetract,
  removeParallel,
  retractPolyGeneral,
  sparsityScaleAt,
} from './optim';

export interface StepStats {
  rec: number;
  sparsity: number;
  aux: number;
  total: number;
  l0: number;
}

/** BatchTopK's inference threshold: θ ← 0.99θ + 0.01·(smallest kept positive code), first value taken as is. */
export const THETA_EMA = 0.99;

export class CpuSae {
  readonly adam: AdamState;
  /** 0-based index of the next step. */
  step = 0;
  /** Training samples since each latent last fired. */
  readonly since: Float64Array;
  /** Firings of each latent since the last `takeFirings()`. */
  firings: Float64Array;
  theta = -1;

  constructor(
    readonly c: SaeConfig,
    readonly p: Params,
  ) {
    this.adam = adamState(p);
    this.since = new Float64Array(c.m);
    this.firings = new Float64Array(c.m);
  }

  deadMask(): Uint8Array {
    const dead = new Uint8Array(this.c.m);
    for (let i = 0; i < this.c.m; i++) dead[i] = this.since[i] >= this.c.deadSamples ? 1 : 0;
    return dead;
  }

  /** Runs forward and gradients without updating (what the parity tests compare). */
  gradients(X: ArrayLike<number>, B: number): { f: Forward; g: Params; scale: number } {
    const scale = sparsityScaleAt(this.c.steps, this.step);
    const f = forward(this.c, this.p, X, B, {
      dead: usesAux(this.c) ? this.deadMask() : undefined,
      sparsityScale: scale,
    });
    const g = backward(this.c, this.p, X, f, scale);
    return { f, g, scale };
  }

  trainStep(X: ArrayLike<number>, B: number): StepStats {
    const { c, p } = this;
    const { f, g } = this.gradients(X, B);
    if (unitAtoms(c)) removeParallel(p.W_dec, g.W_dec, c.m, c.d);
    adamUpdate(p, g, this.adam, lrAt(c, this.step), c);
    if (isPolyGeneral(c)) retractPolyGeneral(c, p);
    else if (isPoly(c)) qrRetract(p.U, c.m, c.rank1);
    else if (unitAtoms(c)) normalizeRows(p.W_dec, c.m, c.d);
    this.afterStep(f);
    return { ...f.loss };
  }

  private afterStep(f: Forward): void {
    const { m } = this.c;
    let minKept = Number.POSITIVE_INFINITY;
    for (let i = 0; i < m; i++) {
      let fired = 0;
      for (let b = 0; b < f.B; b++) {
        const v = f.z[b * m + i];
        if (v > 0) {
          fired++;
          if (v < minKept) minKept = v;
        }
      }
      this.firings[i] += fired;
      this.since[i] = fired > 0 ? 0 : this.since[i] + f.B;
    }
    if (isBatchTopk(this.c) && Number.isFinite(minKept)) {
      this.theta = this.theta < 0 ? minKept : THETA_EMA * this.theta + (1 - THETA_EMA) * minKept;
    }
    this.step++;
  }
}
