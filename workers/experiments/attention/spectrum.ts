/**
 * Singular values of the attention matrix split SLA's way (arXiv 2509.24006): P = T + R with T the largest
 * ⌈f·visible⌉ weights of each row and R the remainder. The paper's observation: T is high rank, R low rank.
 * Singular values come from the eigenvalues of A·Aᵀ (Householder tridiagonalisation + implicit QL), which is
 * exact enough for a log plot down to ~1e-8 of the largest; for N ≤ 512 it takes well under a second.
 */
import { attentionRow } from '../../reference/attention/dense';
import { breathe } from '../types';

export interface Spectrum {
  head: number;
  fraction: number;
  full: number[];
  top: number[];
  rest: number[];
  /** Singular values needed for 99% of the squared Frobenius norm. */
  rank99: { full: number; top: number; rest: number };
}

export async function attentionSpectrum(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  n: number,
  d: number,
  causal: boolean,
  fraction: number,
  head: number,
  signal: AbortSignal,
): Promise<Spectrum> {
  const P = new Float64Array(n * n);
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    attentionRow(q, k, n, d, causal, i, row);
    P.set(row, i * n);
  }
  const T = new Float64Array(n * n);
  const R = new Float64Array(n * n);
  const idx = Array.from({ length: n }, (_, j) => j);
  for (let i = 0; i < n; i++) {
    const visible = causal ? i + 1 : n;
    const keep = Math.max(1, Math.ceil(fraction * visible - 1e-9));
    const order = idx.slice(0, visible).sort((a, b) => P[i * n + b] - P[i * n + a] || a - b);
    for (let t = 0; t < visible; t++) {
      const j = order[t];
      (t < keep ? T : R)[i * n + j] = P[i * n + j];
    }
  }
  const pause = () => breathe(signal);
  const full = await singularValues(P, n, pause);
  const top = await singularValues(T, n, pause);
  const rest = await singularValues(R, n, pause);
  const r4 = (xs: Float64Array) => Array.from(xs, (x) => Number(x.toPrecision(4)));
  return {
    head,
    fraction,
    full: r4(full),
    top: r4(top),
    rest: r4(rest),
    rank99: { full: rank99(full), top: rank99(top), rest: rank99(rest) },
  };
}

function rank99(s: Float64Array): number {
  const total = s.reduce((a, x) => a + x * x, 0);
  let acc = 0;
  for (let i = 0; i < s.length; i++) {
    acc += s[i] * s[i];
    if (acc >= 0.99 * total) return i + 1;
  }
  return s.length;
}

/** Yields to the event loop between slices of work (cancel), about every 30 ms. */
type Pause = () => Promise<void>;

function pacer(pause: Pause): () => Promise<void> {
  let t0 = performance.now();
  return async () => {
    if (performance.now() - t0 < 30) return;
    await pause();
    t0 = performance.now();
  };
}

/** Singular values (descending) of a square n×n row-major matrix. */
export async function singularValues(
  a: Float64Array,
  n: number,
  pause: Pause = async () => {},
): Promise<Float64Array> {
  const tick = pacer(pause);
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    await tick();
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += a[i * n + t] * a[j * n + t];
      g[i * n + j] = s;
      g[j * n + i] = s;
    }
  }
  const ev = await symmetricEigenvalues(g, n, tick);
  return Float64Array.from(ev, (x) => Math.sqrt(Math.max(0, x))).sort((x, y) => y - x);
}

/** Eigenvalues of a symmetric matrix (destroys `a`): Householder to tridiagonal, then implicit QL. */
export async function symmetricEigenvalues(
  a: Float64Array,
  n: number,
  tick: () => Promise<void> = async () => {},
): Promise<Float64Array> {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const A = (i: number, j: number) => a[i * n + j];
  for (let i = n - 1; i > 0; i--) {
    await tick();
    const l = i - 1;
    let h = 0;
    if (l > 0) {
      let scale = 0;
      for (let k = 0; k <= l; k++) scale += Math.abs(A(i, k));
      if (scale === 0) e[i] = A(i, l);
      else {
        for (let k = 0; k <= l; k++) {
          a[i * n + k] /= scale;
          h += A(i, k) * A(i, k);
        }
        let f = A(i, l);
        let g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
        e[i] = scale * g;
        h -= f * g;
        a[i * n + l] = f - g;
        f = 0;
        for (let j = 0; j <= l; j++) {
          g = 0;
          for (let k = 0; k <= j; k++) g += A(j, k) * A(i, k);
          for (let k = j + 1; k <= l; k++) g += A(k, j) * A(i, k);
          e[j] = g / h;
          f += e[j] * A(i, j);
        }
        const hh = f / (h + h);
        for (let j = 0; j <= l; j++) {
          f = A(i, j);
          e[j] = g = e[j] - hh * f;
          for (let k = 0; k <= j; k++) a[j * n + k] -= f * e[k] + g * A(i, k);
        }
      }
    } else e[i] = A(i, l);
  }
  for (let i = 0; i < n; i++) d[i] = A(i, i);
  // Implicit QL with Wilkinson-style shifts (tqli).
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  if (n > 0) e[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    let m: number;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * dd) break;
      }
      if (m !== l) {
        if (iter++ === 100) break;
        let g = (d[l + 1] - d[l]) / (2 * e[l]);
        let r = Math.hypot(g, 1);
        g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
        let s = 1;
        let c = 1;
        let p = 0;
        let i: number;
        for (i = m - 1; i >= l; i--) {
          const f = s * e[i];
          const b = c * e[i];
          e[i + 1] = r = Math.hypot(f, g);
          if (r === 0) {
            d[i + 1] -= p;
            e[m] = 0;
            break;
          }
          s = f / r;
          c = g / r;
          g = d[i + 1] - p;
          r = (d[i] - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
        }
        if (r === 0 && i >= l) continue;
        d[l] -= p;
        e[l] = g;
        e[m] = 0;
      }
    } while (m !== l);
  }
  return d;
}
