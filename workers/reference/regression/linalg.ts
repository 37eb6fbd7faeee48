/**
 * Small dense linear algebra for the regression references: row-major n×d matrices in Float64Array,
 * plain loops, float64 accumulation. Nothing clever: these are the obviously-correct versions.
 */

/** out = X v (length n). */
export function matVec(
  X: Float64Array,
  n: number,
  d: number,
  v: ArrayLike<number>,
  out: Float64Array = new Float64Array(n),
): Float64Array {
  for (let i = 0; i < n; i++) {
    let acc = 0;
    const row = i * d;
    for (let j = 0; j < d; j++) acc += X[row + j] * v[j];
    out[i] = acc;
  }
  return out;
}

/** out = Xᵀ r (length d), row by row so X is read in order. */
export function matTVec(
  X: Float64Array,
  n: number,
  d: number,
  r: ArrayLike<number>,
  out: Float64Array = new Float64Array(d),
): Float64Array {
  out.fill(0);
  for (let i = 0; i < n; i++) {
    const ri = r[i];
    if (ri === 0) continue;
    const row = i * d;
    for (let j = 0; j < d; j++) out[j] += X[row + j] * ri;
  }
  return out;
}

export function colSqNorms(X: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) out[j] += X[row + j] * X[row + j];
  }
  return out;
}

/** Column-major copy (d×n, row j = column j of X): coordinate descent reads columns contiguously. */
export function transpose(X: Float64Array, n: number, d: number): Float64Array {
  const T = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) T[j * n + i] = X[i * d + j];
  return T;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>, len = a.length): number {
  let acc = 0;
  for (let i = 0; i < len; i++) acc += a[i] * b[i];
  return acc;
}

export const sqNorm = (a: ArrayLike<number>) => dot(a, a);

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export function l2Dist(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let acc = 0;
  for (let i = 0; i < a.length; i++) acc += (a[i] - b[i]) ** 2;
  return Math.sqrt(acc);
}

/** Centres the columns of X and y (copies); returns the means so b = ȳ − x̄ᵀw. */
export function centre(X: Float64Array, y: Float64Array, n: number, d: number) {
  const xMean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xMean[j] += X[i * d + j];
  for (let j = 0; j < d; j++) xMean[j] /= n;
  let yMean = 0;
  for (let i = 0; i < n; i++) yMean += y[i];
  yMean /= n;
  const Xc = new Float64Array(n * d);
  const yc = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) Xc[i * d + j] = X[i * d + j] - xMean[j];
    yc[i] = y[i] - yMean;
  }
  return { Xc, yc, xMean, yMean };
}

export function interceptOf(xMean: ArrayLike<number>, yMean: number, w: ArrayLike<number>): number {
  return yMean - dot(xMean, w);
}

/**
 * In-place Cholesky of a symmetric positive definite m×m matrix (row-major, lower triangle used).
 * Returns false when a pivot is not positive (the matrix is singular to working precision).
 */
export function cholesky(A: Float64Array, m: number): boolean {
  for (let j = 0; j < m; j++) {
    let diag = A[j * m + j];
    for (let k = 0; k < j; k++) diag -= A[j * m + k] ** 2;
    if (!(diag > 0)) return false;
    const ljj = Math.sqrt(diag);
    A[j * m + j] = ljj;
    for (let i = j + 1; i < m; i++) {
      let v = A[i * m + j];
      for (let k = 0; k < j; k++) v -= A[i * m + k] * A[j * m + k];
      A[i * m + j] = v / ljj;
    }
    for (let k = j + 1; k < m; k++) A[j * m + k] = 0;
  }
  return true;
}

/** Solves L Lᵀ x = b for a Cholesky factor L (m×m, row-major, leading dimension ld). */
export function cholSolve(L: Float64Array, m: number, b: ArrayLike<number>, ld = m): Float64Array {
  const x = Float64Array.from(b as ArrayLike<number>).subarray(0, m);
  for (let i = 0; i < m; i++) {
    let v = x[i];
    for (let k = 0; k < i; k++) v -= L[i * ld + k] * x[k];
    x[i] = v / L[i * ld + i];
  }
  for (let i = m - 1; i >= 0; i--) {
    let v = x[i];
    for (let k = i + 1; k < m; k++) v -= L[k * ld + i] * x[k];
    x[i] = v / L[i * ld + i];
  }
  return x;
}

/** Forward substitution L z = b (L lower, leading dimension ld). */
export function forwardSolve(L: Float64Array, m: number, b: ArrayLike<number>, ld = m): Float64Array {
  const z = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let v = b[i];
    for (let k = 0; k < i; k++) v -= L[i * ld + k] * z[k];
    z[i] = v / L[i * ld + i];
  }
  return z;
}

/** Least squares on the columns `cols` of X: argmin ‖y − X_S c‖ by the normal equations (Cholesky). */
export function leastSquaresOn(
  X: Float64Array,
  n: number,
  d: number,
  y: ArrayLike<number>,
  cols: number[],
  ridge = 0,
): Float64Array | null {
  const m = cols.length;
  const G = new Float64Array(m * m);
  const b = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let a = 0; a < m; a++) {
      const xa = X[row + cols[a]];
      b[a] += xa * y[i];
      for (let c = 0; c <= a; c++) G[a * m + c] += xa * X[row + cols[c]];
    }
  }
  for (let a = 0; a < m; a++) {
    G[a * m + a] += ridge;
    for (let c = 0; c < a; c++) G[c * m + a] = G[a * m + c];
  }
  if (!cholesky(G, m)) return null;
  return cholSolve(G, m, b);
}

/** Largest squared singular value of X by power iteration on XᵀX from the all-ones vector. */
export function spectralNormSq(X: Float64Array, n: number, d: number, iters = 50): number {
  let v: Float64Array = new Float64Array(d).fill(1 / Math.sqrt(Math.max(d, 1)));
  const u = new Float64Array(n);
  let g: Float64Array = new Float64Array(d);
  let lam = 0;
  for (let t = 0; t < iters; t++) {
    matVec(X, n, d, v, u);
    g = matTVec(X, n, d, u, g);
    const nrm = Math.sqrt(sqNorm(g));
    if (nrm === 0) return 0;
    lam = nrm;
    for (let j = 0; j < d; j++) g[j] /= nrm;
    [v, g] = [g, v];
  }
  return lam;
}

/**
 * Eigen-decomposition of a symmetric m×m matrix by cyclic Jacobi rotations (accurate, O(m³) per sweep;
 * fine for the few-hundred sizes the LDP estimators use). Returns eigenvalues and row-major eigenvectors
 * as columns of V.
 */
export function symmetricEigen(
  A: Float64Array,
  m: number,
  maxSweeps = 60,
): { values: Float64Array; V: Float64Array } {
  const a = Float64Array.from(A);
  const V = new Float64Array(m * m);
  for (let i = 0; i < m; i++) V[i * m + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let total = 0;
    for (let p = 0; p < m; p++) {
      for (let q = 0; q < m; q++) {
        const v = a[p * m + q] ** 2;
        total += v;
        if (p !== q) off += v;
      }
    }
    if (off <= 1e-30 * Math.max(total, 1e-300)) break;
    for (let p = 0; p < m - 1; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = a[p * m + q];
        if (apq === 0) continue;
        const theta = (a[q * m + q] - a[p * m + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < m; k++) {
          const akp = a[k * m + p];
          const akq = a[k * m + q];
          a[k * m + p] = c * akp - s * akq;
          a[k * m + q] = s * akp + c * akq;
        }
        for (let k = 0; k < m; k++) {
          const apk = a[p * m + k];
          const aqk = a[q * m + k];
          a[p * m + k] = c * apk - s * aqk;
          a[q * m + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < m; k++) {
          const vkp = V[k * m + p];
          const vkq = V[k * m + q];
          V[k * m + p] = c * vkp - s * vkq;
          V[k * m + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(m);
  for (let i = 0; i < m; i++) values[i] = a[i * m + i];
  return { values, V };
}

/** Indices of the k largest |v_i| (ties to the lower index), sorted ascending. */
export function topK(v: ArrayLike<number>, k: number): number[] {
  const idx = Array.from({ length: v.length }, (_, i) => i);
  idx.sort((a, b) => Math.abs(v[b]) - Math.abs(v[a]) || a - b);
  return idx.slice(0, Math.min(k, v.length)).sort((a, b) => a - b);
}

export function softThreshold(u: number, t: number): number {
  return u > t ? u - t : u < -t ? u + t : 0;
}
