/** Seeded synthetic layers for the pruning lab: W (out × in) and calibration + held-out inputs X. */
import { Rng } from '../../io/rng';

export const SYNTHETIC_LAYERS = ['outliers', 'correlated', 'relu', 'gaussian', 'decaying'] as const;
export type SyntheticLayer = (typeof SYNTHETIC_LAYERS)[number];

export interface Layer {
  W: Float64Array;
  rows: number;
  cols: number;
  /** Calibration tokens (tokens × cols). */
  Xcal: Float64Array;
  tokens: number;
  /** Held-out tokens from the same distribution. */
  Xheld: Float64Array;
  held: number;
  /** What the generator did, for the result. */
  notes: string;
}

export interface SyntheticOptions {
  kind: SyntheticLayer;
  rows: number;
  cols: number;
  tokens: number;
  held: number;
  seed: number;
  outlierChannels: number;
  outlierScale: number;
}

export function syntheticLayer(o: SyntheticOptions): Layer {
  const rng = new Rng(o.seed, 7);
  const { rows, cols } = o;
  const W = new Float64Array(rows * cols);
  for (let i = 0; i < W.length; i++) W[i] = rng.normal() / Math.sqrt(cols);
  const total = o.tokens + o.held;
  const X = new Float64Array(total * cols);
  let notes = '';
  if (o.kind === 'decaying') {
    // W = U diag(σ_k = 1/k) Vᵀ (random orthonormal U, V) + 2% noise; heavy-tailed inputs.
    const r = Math.min(rows, cols);
    const U = orthonormalColumns(rows, r, rng);
    const V = orthonormalColumns(cols, r, rng);
    let fro = 0;
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) {
        let s = 0;
        for (let k = 0; k < r; k++) s += (U[i * r + k] * V[j * r + k]) / (k + 1);
        W[i * cols + j] = s;
        fro += s * s;
      }
    const noise = (0.02 * Math.sqrt(fro)) / Math.sqrt(rows * cols);
    for (let i = 0; i < W.length; i++) W[i] += noise * rng.normal();
    const scale = Float64Array.from({ length: cols }, () => Math.exp(0.5 * rng.normal()));
    for (let t = 0; t < total; t++)
      for (let j = 0; j < cols; j++) {
        let chi = 0;
        for (let q = 0; q < 4; q++) chi += rng.normal() ** 2;
        X[t * cols + j] = (rng.normal() / Math.sqrt(chi / 4)) * scale[j];
      }
    notes =
      'W with singular values 1/k (+2% noise), X Student-t(4) with log-normal channel scales (where R-Sparse’s low-rank fallback pays)';
  } else if (o.kind === 'correlated') {
    const r = 32;
    const B = new Float64Array(r * cols);
    for (let i = 0; i < B.length; i++) B[i] = rng.normal();
    for (let t = 0; t < total; t++) {
      const g = Array.from({ length: r }, () => rng.normal());
      for (let j = 0; j < cols; j++) {
        let s = 0;
        for (let a = 0; a < r; a++) s += g[a] * B[a * cols + j];
        X[t * cols + j] = s / Math.sqrt(r) + 0.1 * rng.normal();
      }
    }
    notes = 'X = G·B/√32 + 0.1·noise (32 shared factors: strongly correlated input channels)';
  } else if (o.kind === 'relu') {
    const scale = Float64Array.from({ length: cols }, () => Math.exp(0.5 * rng.normal()));
    for (let t = 0; t < total; t++)
      for (let j = 0; j < cols; j++) X[t * cols + j] = Math.max(0, rng.normal() + 0.3) * scale[j];
    notes = 'x_j = ReLU(z + 0.3)·e^{0.5 g_j}: post-ReLU inputs with non-zero channel means';
  } else {
    for (let i = 0; i < X.length; i++) X[i] = rng.normal();
    if (o.kind === 'outliers') {
      const ch = rng.sample(cols, Math.min(cols, o.outlierChannels)).sort((a, b) => a - b);
      for (let t = 0; t < total; t++) for (const j of ch) X[t * cols + j] *= o.outlierScale;
      notes = `X ~ N(0, 1) with ${ch.length} outlier channels ×${o.outlierScale} (${ch.slice(0, 12).join(', ')}${ch.length > 12 ? ', …' : ''})`;
    } else notes = 'X ~ N(0, 1), W ~ N(0, 1/in)';
  }
  return {
    W,
    rows,
    cols,
    Xcal: X.subarray(0, o.tokens * cols),
    tokens: o.tokens,
    Xheld: X.subarray(o.tokens * cols),
    held: o.held,
    notes,
  };
}

/** n × r matrix with orthonormal columns (Gram–Schmidt on Gaussian columns, twice for accuracy). */
function orthonormalColumns(n: number, r: number, rng: Rng): Float64Array {
  const Q = new Float64Array(n * r);
  for (let i = 0; i < Q.length; i++) Q[i] = rng.normal();
  for (let k = 0; k < r; k++) {
    for (let pass = 0; pass < 2; pass++)
      for (let p = 0; p < k; p++) {
        let d = 0;
        for (let i = 0; i < n; i++) d += Q[i * r + k] * Q[i * r + p];
        for (let i = 0; i < n; i++) Q[i * r + k] -= d * Q[i * r + p];
      }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += Q[i * r + k] ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) Q[i * r + k] /= norm;
  }
  return Q;
}

/** Splits a user's X: the first (1 − f) of the rows calibrate, the rest are held out. */
export function splitTokens(X: Float64Array, total: number, cols: number, heldFraction: number) {
  const held = Math.max(1, Math.min(total - 1, Math.round(total * heldFraction)));
  const tokens = total - held;
  return { Xcal: X.subarray(0, tokens * cols), tokens, Xheld: X.subarray(tokens * cols), held };
}
