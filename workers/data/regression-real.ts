/**
 * Real designs for the regression lab: diabetes with scikit-learn's scaling, digits pixels as a
 * correlated design, and the user's own X and y (shape checks with messages naming the file).
 */
import { type NdArray, toFloat64 } from '../core/ndarray';
import type { CsvTable } from '../io/csv';

export class DataShapeError extends Error {
  override name = 'DataShapeError';
}

/**
 * scikit-learn's `load_diabetes(scaled=True)`: every feature centred and divided by
 * std·√n_samples, i.e. unit ℓ2 norm; the target is the raw disease progression.
 */
export function diabetesProblem(t: CsvTable): {
  X: Float64Array;
  y: Float64Array;
  n: number;
  d: number;
  columns: string[];
} {
  if (t.cols !== 11)
    throw new DataShapeError(`diabetes.csv: expected 10 features and a target, got ${t.cols} columns`);
  const n = t.rows;
  const d = 10;
  const X = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) X[i * d + j] = t.data[i * 11 + j];
    y[i] = t.data[i * 11 + 10];
  }
  scaleLikeSklearn(X, n, d);
  return { X, y, n, d, columns: t.columns.slice(0, 10) };
}

/** Centres columns and scales them to unit ℓ2 norm (constant columns stay zero). */
export function scaleLikeSklearn(X: Float64Array, n: number, d: number): void {
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += X[i * d + j];
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const v = X[i * d + j] - mean;
      X[i * d + j] = v;
      ss += v * v;
    }
    const scale = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let i = 0; i < n; i++) X[i * d + j] *= scale;
  }
}

/**
 * The first n digit images (64 pixels each) as a design: centred columns of unit variance (‖X_j‖ = √n,
 * like the synthetic N(0, 1) designs, so σ means the same); always-blank pixels stay zero columns.
 */
export function digitsDesign(t: CsvTable, n: number): { X: Float64Array; n: number; d: number } {
  if (t.cols !== 65)
    throw new DataShapeError(`digits.csv: expected 64 pixels and a label, got ${t.cols} columns`);
  const rows = Math.min(n, t.rows);
  const d = 64;
  const X = new Float64Array(rows * d);
  for (let i = 0; i < rows; i++) for (let j = 0; j < d; j++) X[i * d + j] = t.data[i * 65 + j];
  scaleLikeSklearn(X, rows, d);
  const root = Math.sqrt(rows);
  for (let e = 0; e < X.length; e++) X[e] *= root;
  return { X, n: rows, d };
}

/** The user's X (n×d) and y (n, n×1 or 1×n), as float64, or a message naming what is wrong. */
export function userProblem(
  Xa: NdArray | undefined,
  ya: NdArray | undefined,
): { X: Float64Array; y: Float64Array; n: number; d: number } {
  if (!Xa) throw new DataShapeError('X: choose your design matrix file (data source “Your X and y”)');
  if (!ya) throw new DataShapeError('y: choose your target file as well as X');
  if (Xa.shape.length !== 2)
    throw new DataShapeError(`X must be 2-D (n × d); the file is ${Xa.shape.join('×')}`);
  const [n, d] = Xa.shape;
  const yLen = ya.shape.reduce((a, b) => a * b, 1);
  const yOk = ya.shape.length === 1 || (ya.shape.length === 2 && (ya.shape[0] === 1 || ya.shape[1] === 1));
  if (!yOk) throw new DataShapeError(`y must be a vector (n, n×1 or 1×n); the file is ${ya.shape.join('×')}`);
  if (yLen !== n) throw new DataShapeError(`y has ${yLen} values but X has ${n} rows`);
  if (n < 2 || d < 1) throw new DataShapeError(`X is ${n}×${d}: need at least 2 rows and 1 column`);
  // Finite values and exact integers: checked for every lab by runExperiment (checkUserData).
  const X = Float64Array.from(toFloat64(Xa));
  const y = Float64Array.from(toFloat64(ya));
  return { X, y, n, d };
}
