/**
 * Adam, the learning-rate and sparsity schedules, and the constraints applied around each update:
 * the decoder gradient loses its component along each atom, then after Adam every atom is rescaled to
 * unit norm (linear decoders); PolySAE's U is retracted to orthonormal columns by Cholesky-QR
 * (G = UᵀU = LLᵀ, U ← U·L⁻ᵀ: the QR factor with a positive diagonal). The GPU does the same steps in the same order.
 */
import { type Params, packPolyU, polyColumns, type SaeConfig, unpackPolyU } from './model';

/** Learning rate at 0-based step t: linear warm-up from 0, flat, then linear decay to 0 over the last fraction. */
export function lrAt(c: Pick<SaeConfig, 'lr' | 'steps' | 'warmup' | 'decay'>, t: number): number {
  const W = Math.floor(c.warmup * c.steps);
  const D = Math.floor(c.decay * c.steps);
  let f = 1;
  if (W > 0 && t < W) f = (t + 1) / (W + 1);
  const start = c.steps - D;
  if (D > 0 && t >= start) f = Math.min(f, (c.steps - t) / (D + 1));
  return c.lr * f;
}

/** The sparsity coefficient (ReLU-L1 λ, JumpReLU's L0 coefficient) warms up over the first 5% of steps. */
export const SPARSITY_WARMUP = 0.05;
export function sparsityScaleAt(steps: number, t: number): number {
  const W = Math.floor(SPARSITY_WARMUP * steps);
  return W > 0 && t < W ? (t + 1) / (W + 1) : 1;
}

export interface AdamState {
  m: Params;
  v: Params;
  /** Number of updates done. */
  t: number;
}

export function adamState(p: Params): AdamState {
  const m: Params = {};
  const v: Params = {};
  for (const [k, a] of Object.entries(p)) {
    m[k] = new Float64Array(a.length);
    v[k] = new Float64Array(a.length);
  }
  return { m, v, t: 0 };
}

export function adamUpdate(
  p: Params,
  g: Params,
  s: AdamState,
  lr: number,
  c: Pick<SaeConfig, 'beta1' | 'beta2' | 'eps'>,
): void {
  s.t++;
  const bc1 = 1 - c.beta1 ** s.t;
  const bc2 = 1 - c.beta2 ** s.t;
  const { beta1, beta2, eps } = c; // hoisted: property reads in the loop cost more than the arithmetic
  for (const [k, w] of Object.entries(p)) {
    const gr = g[k];
    const m = s.m[k];
    const v = s.v[k];
    for (let i = 0; i < w.length; i++) {
      m[i] = beta1 * m[i] + (1 - beta1) * gr[i];
      v[i] = beta2 * v[i] + (1 - beta2) * gr[i] * gr[i];
      w[i] -= (lr * (m[i] / bc1)) / (Math.sqrt(v[i] / bc2) + eps);
    }
  }
}

/** g_i ← g_i − (g_i·d̂_i)d̂_i for each atom row d_i. */
export function removeParallel(W: Float64Array, g: Float64Array, m: number, d: number): void {
  for (let i = 0; i < m; i++) {
    let nn = 0;
    let dot = 0;
    for (let j = 0; j < d; j++) {
      nn += W[i * d + j] ** 2;
      dot += W[i * d + j] * g[i * d + j];
    }
    if (nn === 0) continue;
    const s = dot / nn;
    for (let j = 0; j < d; j++) g[i * d + j] -= s * W[i * d + j];
  }
}

export function normalizeRows(W: Float64Array, m: number, d: number): void {
  for (let i = 0; i < m; i++) {
    let nn = 0;
    for (let j = 0; j < d; j++) nn += W[i * d + j] ** 2;
    if (nn === 0) continue;
    const inv = 1 / Math.sqrt(nn);
    for (let j = 0; j < d; j++) W[i * d + j] *= inv;
  }
}

/** Jitter added to the Gram matrix's diagonal, relative to its trace, so Cholesky never meets a zero pivot. */
export const QR_JITTER = 1e-7;

/**
 * Cholesky-QR retraction of U (rows×R) to orthonormal columns. Skipped when ‖U‖_F < 1e-6 (nothing to keep).
 */
export function qrRetract(U: Float64Array, rows: number, R: number): void {
  const G = new Float64Array(R * R);
  let fro = 0;
  for (let i = 0; i < rows; i++) {
    for (let a = 0; a < R; a++) {
      const ua = U[i * R + a];
      fro += ua * ua;
      for (let b = 0; b <= a; b++) G[a * R + b] += ua * U[i * R + b];
    }
  }
  if (Math.sqrt(fro) < 1e-6) return;
  const jitter = (QR_JITTER * fro) / R;
  const L = new Float64Array(R * R);
  for (let j = 0; j < R; j++) {
    let s = G[j * R + j] + jitter;
    for (let p = 0; p < j; p++) s -= L[j * R + p] ** 2;
    const ljj = Math.sqrt(Math.max(s, 1e-30));
    L[j * R + j] = ljj;
    for (let i = j + 1; i < R; i++) {
      let t = G[i * R + j];
      for (let p = 0; p < j; p++) t -= L[i * R + p] * L[j * R + p];
      L[i * R + j] = t / ljj;
    }
  }
  const Linv = lowerInverse(L, R);
  // U ← U·L⁻ᵀ: row u of U becomes (L⁻¹·uᵀ)ᵀ.
  const row = new Float64Array(R);
  for (let i = 0; i < rows; i++) {
    for (let a = 0; a < R; a++) {
      let s = 0;
      for (let b = 0; b <= a; b++) s += Linv[a * R + b] * U[i * R + b];
      row[a] = s;
    }
    for (let a = 0; a < R; a++) U[i * R + a] = row[a];
  }
}

/** Inverse of a lower-triangular matrix by forward substitution, column by column. */
export function lowerInverse(L: Float64Array, R: number): Float64Array {
  const X = new Float64Array(R * R);
  for (let c = 0; c < R; c++) {
    for (let i = c; i < R; i++) {
      let s = i === c ? 1 : 0;
      for (let p = c; p < i; p++) s -= L[i * R + p] * X[p * R + c];
      X[i * R + c] = s / L[i * R + i];
    }
  }
  return X;
}

/**
 * PolySAE general form: U⁽¹⁾, U⁽²⁾, U⁽³⁾ packed side by side in `polyColumns` order and retracted together,
 * so each keeps orthonormal columns and the three subspaces stay mutually orthogonal (the QR of the packed
 * matrix is the block Gram–Schmidt the paper's code does order by order).
 */
export function retractPolyGeneral(c: SaeConfig, p: Params): void {
  const packed = packPolyU(c, p);
  qrRetract(packed, c.m, polyColumns(c).length);
  unpackPolyU(c, p, packed);
}
