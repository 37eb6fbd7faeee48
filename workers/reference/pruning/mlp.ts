/**
 * A small ReLU MLP (in → hidden → classes) trained with SGD + momentum + weight decay, in float64, for
 * the pruning lab's network studies: masks applied after every optimiser step (pruned weights stay 0).
 */
import { Rng } from '../../io/rng';

export interface Mlp {
  inputs: number;
  hidden: number;
  classes: number;
  /** hidden × inputs (nn.Linear orientation). */
  W1: Float64Array;
  b1: Float64Array;
  /** classes × hidden. */
  W2: Float64Array;
  b2: Float64Array;
}

export interface Split {
  X: Float64Array;
  y: Int32Array;
  n: number;
}

export function initMlp(inputs: number, hidden: number, classes: number, seed: number): Mlp {
  const rng = new Rng(seed, 3);
  const he = (fan: number, n: number) =>
    Float64Array.from({ length: n }, () => rng.normal() * Math.sqrt(2 / fan));
  return {
    inputs,
    hidden,
    classes,
    W1: he(inputs, hidden * inputs),
    b1: new Float64Array(hidden),
    W2: he(hidden, classes * hidden),
    b2: new Float64Array(classes),
  };
}

export function cloneMlp(m: Mlp): Mlp {
  return { ...m, W1: m.W1.slice(), b1: m.b1.slice(), W2: m.W2.slice(), b2: m.b2.slice() };
}

/** Hidden activations ReLU(X W1ᵀ + b1) (n × hidden), optionally with a replacement for the first layer. */
export function hiddenOf(
  m: Mlp,
  X: Float64Array,
  n: number,
  layer1?: (X: Float64Array, n: number) => Float64Array,
): Float64Array {
  const H = layer1 ? layer1(X, n) : linear(X, n, m.W1, m.hidden, m.inputs);
  for (let t = 0; t < n; t++)
    for (let i = 0; i < m.hidden; i++) H[t * m.hidden + i] = Math.max(0, H[t * m.hidden + i] + m.b1[i]);
  return H;
}

/** X W ᵀ for X (n × cols) and W (rows × cols): n × rows, no bias. */
export function linear(
  X: Float64Array,
  n: number,
  W: ArrayLike<number>,
  rows: number,
  cols: number,
): Float64Array {
  const Y = new Float64Array(n * rows);
  for (let t = 0; t < n; t++)
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += W[i * cols + j] * X[t * cols + j];
      Y[t * rows + i] = s;
    }
  return Y;
}

export function logitsOf(
  m: Mlp,
  H: Float64Array,
  n: number,
  layer2?: (H: Float64Array, n: number) => Float64Array,
): Float64Array {
  const Z = layer2 ? layer2(H, n) : linear(H, n, m.W2, m.classes, m.hidden);
  for (let t = 0; t < n; t++) for (let c = 0; c < m.classes; c++) Z[t * m.classes + c] += m.b2[c];
  return Z;
}

export function accuracyOf(Z: Float64Array, y: Int32Array, n: number, classes: number): number {
  let ok = 0;
  for (let t = 0; t < n; t++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (Z[t * classes + c] > Z[t * classes + best]) best = c;
    if (best === y[t]) ok++;
  }
  return ok / Math.max(1, n);
}

export function accuracy(m: Mlp, s: Split): number {
  return accuracyOf(logitsOf(m, hiddenOf(m, s.X, s.n), s.n), s.y, s.n, m.classes);
}

export interface SgdOptions {
  lr: number;
  momentum: number;
  weightDecay: number;
  batch: number;
}

export const SGD_DEFAULTS: SgdOptions = { lr: 0.05, momentum: 0.9, weightDecay: 1e-4, batch: 64 };

/** Keep-masks (1 = kept) per weight matrix; null = dense. */
export interface Masks {
  m1: Uint8Array | null;
  m2: Uint8Array | null;
}

export function applyMasks(m: Mlp, masks: Masks): void {
  if (masks.m1) for (let i = 0; i < m.W1.length; i++) if (!masks.m1[i]) m.W1[i] = 0;
  if (masks.m2) for (let i = 0; i < m.W2.length; i++) if (!masks.m2[i]) m.W2[i] = 0;
}

/**
 * Trains for `epochs` epochs (seeded batch order). `beforeStep(step)` may change the masks (schedules);
 * masks are applied after every optimiser step. Returns the number of steps taken.
 */
export function trainMlp(
  m: Mlp,
  train: Split,
  epochs: number,
  seed: number,
  opts: SgdOptions,
  masks: Masks,
  hooks: {
    beforeStep?: (step: number) => void;
    afterEpoch?: (epoch: number) => void;
    firstStep?: number;
  } = {},
): number {
  const rng = new Rng(seed, 11);
  const { inputs: D, hidden: Hn, classes: C } = m;
  const vel = {
    W1: new Float64Array(m.W1.length),
    b1: new Float64Array(Hn),
    W2: new Float64Array(m.W2.length),
    b2: new Float64Array(C),
  };
  const g = {
    W1: new Float64Array(m.W1.length),
    b1: new Float64Array(Hn),
    W2: new Float64Array(m.W2.length),
    b2: new Float64Array(C),
  };
  const h = new Float64Array(Hn);
  const z = new Float64Array(C);
  const dh = new Float64Array(Hn);
  let step = hooks.firstStep ?? 0;
  for (let e = 0; e < epochs; e++) {
    const order = rng.sample(train.n, train.n);
    for (let b0 = 0; b0 < train.n; b0 += opts.batch) {
      hooks.beforeStep?.(step);
      const idx = order.slice(b0, b0 + opts.batch);
      for (const a of [g.W1, g.b1, g.W2, g.b2]) a.fill(0);
      for (const t of idx) {
        const x = train.X.subarray(t * D, (t + 1) * D);
        for (let i = 0; i < Hn; i++) {
          let s = m.b1[i];
          for (let j = 0; j < D; j++) s += m.W1[i * D + j] * x[j];
          h[i] = Math.max(0, s);
        }
        let zmax = -Infinity;
        for (let c = 0; c < C; c++) {
          let s = m.b2[c];
          for (let i = 0; i < Hn; i++) s += m.W2[c * Hn + i] * h[i];
          z[c] = s;
          zmax = Math.max(zmax, s);
        }
        let sum = 0;
        for (let c = 0; c < C; c++) {
          z[c] = Math.exp(z[c] - zmax);
          sum += z[c];
        }
        dh.fill(0);
        for (let c = 0; c < C; c++) {
          const dz = z[c] / sum - (c === train.y[t] ? 1 : 0);
          g.b2[c] += dz;
          for (let i = 0; i < Hn; i++) {
            g.W2[c * Hn + i] += dz * h[i];
            dh[i] += dz * m.W2[c * Hn + i];
          }
        }
        for (let i = 0; i < Hn; i++) {
          if (h[i] <= 0) continue;
          g.b1[i] += dh[i];
          for (let j = 0; j < D; j++) g.W1[i * D + j] += dh[i] * x[j];
        }
      }
      const scale = 1 / idx.length;
      for (const key of ['W1', 'b1', 'W2', 'b2'] as const) {
        const w = m[key];
        const gg = g[key];
        const v = vel[key];
        const wd = key === 'W1' || key === 'W2' ? opts.weightDecay : 0;
        for (let i = 0; i < w.length; i++) {
          v[i] = opts.momentum * v[i] + gg[i] * scale + wd * w[i];
          w[i] -= opts.lr * v[i];
        }
      }
      applyMasks(m, masks);
      step++;
    }
    hooks.afterEpoch?.(e);
  }
  return step;
}

/** The digits table (pixels 0–16 + label) as inputs /16, shuffled with the seed and split. */
export function digitsSplits(
  data: Float64Array,
  rows: number,
  cols: number,
  trainN: number,
  seed: number,
): { train: Split; test: Split } {
  const D = cols - 1;
  const order = new Rng(seed, 5).sample(rows, rows);
  const take = (ids: number[]): Split => {
    const X = new Float64Array(ids.length * D);
    const y = new Int32Array(ids.length);
    ids.forEach((r, t) => {
      for (let j = 0; j < D; j++) X[t * D + j] = data[r * cols + j] / 16;
      y[t] = data[r * cols + D];
    });
    return { X, y, n: ids.length };
  };
  return { train: take(order.slice(0, trainN)), test: take(order.slice(trainN)) };
}

/** GMP (Zhu & Gupta): s_t = s_f + (s_i − s_f)(1 − (t − t₀)/(nΔt))³ for t₀ ≤ t ≤ t₀ + nΔt. */
export function gmpSparsity(t: number, t0: number, span: number, si: number, sf: number): number {
  if (t <= t0) return si;
  if (t >= t0 + span) return sf;
  return sf + (si - sf) * (1 - (t - t0) / span) ** 3;
}

/** Stepwise N:M frames as in progressive gradient flow: (M−1):M → M/2:M → … → N:M (kept per group). */
export function stepwiseFrames(n: number, m: number): number[] {
  const frames = [m - 1];
  for (let k = Math.floor(m / 2); k > n; k = Math.floor(k / 2)) frames.push(k);
  if (frames[frames.length - 1] !== n) frames.push(n);
  return frames.filter((k, i) => i === 0 || k < frames[i - 1]);
}
