/**
 * CoSpaDi-style compression (our reading of arXiv 2509.22075's abstract; no official code was found):
 * each row of W is a sparse combination of k dictionary atoms, W ≈ C Dᵀ (C: rows × k with q non-zeros
 * per row, D: cols × k), fitted to minimise ‖(W − C Dᵀ)Xᵀ‖_F. With XᵀX + λI = L Lᵀ the objective is
 * ‖W L − C (LᵀD)ᵀ‖_F, a plain dictionary-learning problem on W̃ = W L, solved by K-SVD (OMP codes,
 * rank-1 atom updates) started from W̃'s top right singular vectors. Compared with the calibrated
 * truncated SVD at the same number of stored values.
 */
import { Rng } from '../../io/rng';
import { cholesky } from '../regression/linalg';
import { cholLower, gram, invLower, projectRows, svdRight, svdRightCached } from './linalg';

export interface CospadiOptions {
  atoms: number;
  nonzeros: number;
  iterations: number;
  percdamp: number;
  seed: number;
}

export interface CospadiResult {
  approx: Float64Array;
  /** D (cols × k) in W's input space. */
  dictionary: Float64Array;
  /** C (rows × k), q non-zeros per row. */
  codes: Float64Array;
  /** ‖W̃ − C D̃ᵀ‖_F / ‖W̃‖_F after each iteration (iteration 0 = the initial codes). */
  history: number[];
  /** Values stored: cols·k + rows·q (the q indices per row are extra, ⌈log₂ k⌉ bits each). */
  storedValues: number;
  indexBits: number;
  /** Truncated SVD with the same number of values: rank ⌊stored / (rows + cols)⌋. */
  svdRank: number;
  svdCalibrated: Float64Array;
  svdPlain: Float64Array;
}

function weightedFactor(X: ArrayLike<number>, tokens: number, cols: number, percdamp: number) {
  const G = gram(X, tokens, cols);
  let mean = 0;
  for (let j = 0; j < cols; j++) mean += G[j * cols + j];
  mean /= cols;
  let lambda = percdamp * mean;
  for (let attempt = 0; attempt < 8; attempt++) {
    const Gd = Float64Array.from(G);
    for (let j = 0; j < cols; j++) Gd[j * cols + j] += lambda;
    const L = cholLower(Gd, cols);
    if (L) return { L, lambda };
    lambda = lambda > 0 ? lambda * 10 : 1e-8 * Math.max(mean, 1);
  }
  throw new Error('CoSpaDi: XᵀX could not be factorised even with damping');
}

/** Codes for one signal y with at most q atoms of D̃ (cols × k), by orthogonal matching pursuit. */
function omp(
  y: Float64Array,
  Dt: Float64Array,
  DtD: Float64Array,
  cols: number,
  k: number,
  q: number,
): Float64Array {
  const dty = new Float64Array(k);
  for (let p = 0; p < cols; p++) {
    const v = y[p];
    if (v === 0) continue;
    for (let a = 0; a < k; a++) dty[a] += Dt[p * k + a] * v;
  }
  const sel: number[] = [];
  let coef = new Float64Array(0);
  const corr = Float64Array.from(dty);
  for (let step = 0; step < q; step++) {
    let best = -1;
    let bestV = -1;
    for (let a = 0; a < k; a++) {
      if (sel.includes(a)) continue;
      const v = Math.abs(corr[a]);
      if (v > bestV) {
        bestV = v;
        best = a;
      }
    }
    if (best < 0 || bestV <= 1e-14 * Math.max(1, Math.abs(dty[best]))) break;
    sel.push(best);
    const s = sel.length;
    const A = new Float64Array(s * s);
    for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) A[i * s + j] = DtD[sel[i] * k + sel[j]];
    if (!cholesky(A, s)) {
      sel.pop();
      break;
    }
    const b = Float64Array.from(sel, (a) => dty[a]);
    // Solve L Lᵀ c = b.
    for (let i = 0; i < s; i++) {
      let v = b[i];
      for (let j = 0; j < i; j++) v -= A[i * s + j] * b[j];
      b[i] = v / A[i * s + i];
    }
    for (let i = s - 1; i >= 0; i--) {
      let v = b[i];
      for (let j = i + 1; j < s; j++) v -= A[j * s + i] * b[j];
      b[i] = v / A[i * s + i];
    }
    coef = b;
    for (let a = 0; a < k; a++) {
      let v = dty[a];
      for (let i = 0; i < s; i++) v -= DtD[a * k + sel[i]] * coef[i];
      corr[a] = v;
    }
  }
  const c = new Float64Array(k);
  sel.forEach((a, i) => {
    c[a] = coef[i];
  });
  return c;
}

function rowResidualSq(y: Float64Array, c: Float64Array, Dt: Float64Array, cols: number, k: number): number {
  let s = 0;
  for (let p = 0; p < cols; p++) {
    let v = y[p];
    for (let a = 0; a < k; a++) if (c[a] !== 0) v -= c[a] * Dt[p * k + a];
    s += v * v;
  }
  return s;
}

interface Prepared {
  L: Float64Array;
  Li: Float64Array;
  Wt: Float64Array;
  svd: ReturnType<typeof svdRight>;
  totalSq: number;
}
const prepCache = new WeakMap<object, { W: unknown; tokens: number; percdamp: number; prep: Prepared }>();

/** L (XᵀX + λI = LLᵀ), L⁻¹, W̃ = W L and its SVD; memoised on (X, W) so a sweep does it once. */
function prepare(
  W: ArrayLike<number>,
  X: ArrayLike<number>,
  tokens: number,
  rows: number,
  cols: number,
  percdamp: number,
): Prepared {
  const hit = prepCache.get(X as object);
  if (hit && hit.W === W && hit.tokens === tokens && hit.percdamp === percdamp) return hit.prep;
  const { L } = weightedFactor(X, tokens, cols, percdamp);
  const Wt = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let p = 0; p < cols; p++) {
      let s = 0;
      for (let j = p; j < cols; j++) s += W[i * cols + j] * L[j * cols + p];
      Wt[i * cols + p] = s;
    }
  }
  let totalSq = 0;
  for (const v of Wt) totalSq += v * v;
  const prep = { L, Li: invLower(L, cols), Wt, svd: svdRight(Wt, rows, cols), totalSq };
  prepCache.set(X as object, { W, tokens, percdamp, prep });
  return prep;
}

export function cospadiFit(
  W: ArrayLike<number>,
  X: ArrayLike<number>,
  tokens: number,
  rows: number,
  cols: number,
  opts: CospadiOptions,
): CospadiResult {
  const k = opts.atoms;
  const q = Math.min(opts.nonzeros, k);
  const { Li, Wt, svd, totalSq } = prepare(W, X, tokens, rows, cols, opts.percdamp);
  // D̃ (cols × k): top right singular vectors, then seeded random unit atoms if k exceeds the rank.
  const Dt = new Float64Array(cols * k);
  const rng = new Rng(opts.seed, 41);
  for (let a = 0; a < k; a++) {
    if (a < svd.r && svd.sigma[a] > 1e-12 * (svd.sigma[0] || 1)) {
      for (let p = 0; p < cols; p++) Dt[p * k + a] = svd.V[p * svd.r + a];
    } else {
      let n = 0;
      for (let p = 0; p < cols; p++) {
        const v = rng.normal();
        Dt[p * k + a] = v;
        n += v * v;
      }
      for (let p = 0; p < cols; p++) Dt[p * k + a] /= Math.sqrt(n);
    }
  }
  const C = new Float64Array(rows * k);
  const rowErr = new Float64Array(rows).fill(Infinity);
  const history: number[] = [];
  const dtd = () => {
    const G = new Float64Array(k * k);
    for (let p = 0; p < cols; p++)
      for (let a = 0; a < k; a++) {
        const v = Dt[p * k + a];
        if (v === 0) continue;
        for (let b = 0; b < k; b++) G[a * k + b] += v * Dt[p * k + b];
      }
    return G;
  };
  const codeStep = () => {
    const G = dtd();
    let sum = 0;
    for (let i = 0; i < rows; i++) {
      const y = Wt.subarray(i * cols, (i + 1) * cols);
      const c = omp(y, Dt, G, cols, k, q);
      const e = rowResidualSq(y, c, Dt, cols, k);
      const old = C.subarray(i * k, (i + 1) * k);
      // Keep the old codes when greedy OMP does worse than them for the updated dictionary.
      const eOld = Number.isFinite(rowErr[i]) ? rowResidualSq(y, old, Dt, cols, k) : Infinity;
      if (e <= eOld) {
        old.set(c);
        rowErr[i] = e;
      } else rowErr[i] = eOld;
      sum += rowErr[i];
    }
    return Math.sqrt(sum / Math.max(totalSq, 1e-300));
  };
  history.push(codeStep());
  for (let it = 0; it < opts.iterations; it++) {
    // Residual R = W̃ − C D̃ᵀ, kept up to date atom by atom.
    const R = Float64Array.from(Wt);
    for (let i = 0; i < rows; i++)
      for (let a = 0; a < k; a++) {
        const c = C[i * k + a];
        if (c === 0) continue;
        for (let p = 0; p < cols; p++) R[i * cols + p] -= c * Dt[p * k + a];
      }
    for (let a = 0; a < k; a++) {
      const users: number[] = [];
      for (let i = 0; i < rows; i++) if (C[i * k + a] !== 0) users.push(i);
      if (!users.length) continue;
      // E = W̃_ω − Σ_{b≠a} c_b d̃_bᵀ = R_ω + c_a d̃_aᵀ on the rows that use atom a.
      const E = new Float64Array(users.length * cols);
      users.forEach((i, u) => {
        const c = C[i * k + a];
        for (let p = 0; p < cols; p++) E[u * cols + p] = R[i * cols + p] + c * Dt[p * k + a];
      });
      // Rank-1 fit by power iteration started from the current atom (never worse than the current pair).
      let vvec = Float64Array.from({ length: cols }, (_, p) => Dt[p * k + a]);
      let uvec = new Float64Array(users.length);
      for (let pit = 0; pit < 12; pit++) {
        uvec = new Float64Array(users.length);
        for (let u = 0; u < users.length; u++) {
          let s = 0;
          for (let p = 0; p < cols; p++) s += E[u * cols + p] * vvec[p];
          uvec[u] = s;
        }
        const nv = new Float64Array(cols);
        for (let u = 0; u < users.length; u++)
          for (let p = 0; p < cols; p++) nv[p] += E[u * cols + p] * uvec[u];
        let n = 0;
        for (const x of nv) n += x * x;
        n = Math.sqrt(n);
        if (n === 0) break;
        let change = 0;
        for (let p = 0; p < cols; p++) {
          const x = nv[p] / n;
          change += (x - vvec[p]) ** 2;
          nv[p] = x;
        }
        vvec = nv;
        if (change < 1e-20) break;
      }
      for (let u = 0; u < users.length; u++) {
        let s = 0;
        for (let p = 0; p < cols; p++) s += E[u * cols + p] * vvec[p];
        uvec[u] = s;
      }
      for (let p = 0; p < cols; p++) Dt[p * k + a] = vvec[p];
      users.forEach((i, u) => {
        C[i * k + a] = uvec[u] === 0 ? Number.MIN_VALUE : uvec[u];
        for (let p = 0; p < cols; p++) R[i * cols + p] = E[u * cols + p] - C[i * k + a] * vvec[p];
      });
    }
    history.push(codeStep());
  }
  // Back to W's input space: D = L⁻ᵀ D̃, Ŵ = C Dᵀ.
  const D = new Float64Array(cols * k);
  for (let p = 0; p < cols; p++)
    for (let j = p; j < cols; j++) {
      const l = Li[j * cols + p];
      if (l === 0) continue;
      for (let a = 0; a < k; a++) D[p * k + a] += l * Dt[j * k + a];
    }
  const approx = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let a = 0; a < k; a++) {
      const c = C[i * k + a];
      if (c === 0) continue;
      for (let p = 0; p < cols; p++) approx[i * cols + p] += c * D[p * k + a];
    }
  const storedValues = cols * k + rows * q;
  const svdRank = Math.min(svd.r, Math.floor(storedValues / (rows + cols)));
  const tr = projectRows(Wt, rows, cols, svd.V, svd.r, svdRank);
  const svdCalibrated = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let p = 0; p < cols; p++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += tr[i * cols + j] * Li[j * cols + p];
      svdCalibrated[i * cols + p] = s;
    }
  const plain = W instanceof Float64Array ? svdRightCached(W, rows, cols) : svdRight(W, rows, cols);
  const svdPlain = projectRows(W, rows, cols, plain.V, plain.r, Math.min(plain.r, svdRank));
  return {
    approx,
    dictionary: D,
    codes: C,
    history,
    storedValues,
    indexBits: rows * q * Math.max(1, Math.ceil(Math.log2(k))),
    svdRank,
    svdCalibrated,
    svdPlain,
  };
}
