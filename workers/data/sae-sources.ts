/**
 * The three data sources of the SAE lab as one shape: a float32 sample matrix (n × d), optionally rescaled
 * so that E‖x‖ = √d, split into training rows and held-out rows (the last 10%, at least one row).
 */
import { type NdArray, toFloat32 } from '../core/ndarray';
import type { CsvTable } from '../io/csv';
import { Rng } from '../io/rng';

export interface SaeDataset {
  /** Rows [0, nTrain) train the SAE; [nTrain, n) are held out. */
  x: Float32Array;
  n: number;
  nTrain: number;
  d: number;
  /** Factor the raw data was multiplied by (1 when not rescaled). */
  scale: number;
  /** Mean of the training rows (after scaling). */
  mean: Float64Array;
  /** v = mean over training rows of ‖x − x̄‖²: the normaliser of the reconstruction loss. */
  variance: number;
  /** Per-row label (digits) for the top-activating samples view. */
  labels?: Int32Array;
  /** For 8×8 image data: the side of the image. */
  image?: { width: number; height: number };
}

/** Digits: 64 pixel columns (0..16) scaled to [0, 1], and the label column. Rows are shuffled with the seed. */
export function digitsMatrix(
  t: CsvTable,
  seed: number,
): { x: Float32Array; labels: Int32Array; n: number; d: number } {
  const labelCol = t.columns.indexOf('label');
  const pix = t.columns.map((_, j) => j).filter((j) => j !== labelCol);
  if (pix.length !== 64) throw new Error(`digits: expected 64 pixel columns, found ${pix.length}`);
  const order = new Rng(seed, 111).sample(t.rows, t.rows);
  const x = new Float32Array(t.rows * 64);
  const labels = new Int32Array(t.rows);
  order.forEach((r, i) => {
    for (let j = 0; j < 64; j++) x[i * 64 + j] = t.data[r * t.cols + pix[j]] / 16;
    labels[i] = labelCol >= 0 ? t.data[r * t.cols + labelCol] : -1;
  });
  return { x, labels, n: t.rows, d: 64 };
}

/** The user's activations: a 2-D array, samples × d. Throws a message naming the field when it is not one. */
export function userMatrix(a: NdArray | undefined, field = 'x'): { x: Float32Array; n: number; d: number } {
  if (!a) throw new Error(`no data was given for "${field}": choose a .npy file (samples × d)`);
  if (a.shape.length !== 2) {
    throw new Error(
      `"${field}" must be a 2-D array (samples × d), but its shape is ${a.shape.join('×') || 'scalar'}`,
    );
  }
  const [n, d] = a.shape;
  if (n < 2 || d < 1)
    throw new Error(`"${field}" needs at least 2 samples and 1 dimension, its shape is ${n}×${d}`);
  // Finite values and exact integers: checked for every lab by runExperiment (checkUserData).
  const x = toFloat32(a);
  return { x: x === a.data ? x.slice() : x, n, d };
}

/** Rescales in place (when asked), splits off the held-out tail and computes the training statistics. */
export function prepareDataset(
  x: Float32Array,
  n: number,
  d: number,
  rescale: boolean,
  extra: Pick<SaeDataset, 'labels' | 'image'> = {},
): SaeDataset {
  const nTrain = Math.max(1, n - Math.max(1, Math.floor(n / 10)));
  let scale = 1;
  if (rescale) {
    let s = 0;
    for (let i = 0; i < nTrain; i++) {
      let r = 0;
      for (let j = 0; j < d; j++) r += x[i * d + j] ** 2;
      s += Math.sqrt(r);
    }
    const meanNorm = s / nTrain;
    scale = meanNorm > 0 ? Math.sqrt(d) / meanNorm : 1;
    for (let i = 0; i < x.length; i++) x[i] *= scale;
  }
  const mean = new Float64Array(d);
  for (let i = 0; i < nTrain; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= nTrain;
  let v = 0;
  for (let i = 0; i < nTrain; i++) for (let j = 0; j < d; j++) v += (x[i * d + j] - mean[j]) ** 2;
  const variance = Math.max(v / nTrain, 1e-12);
  return { x, n, nTrain, d, scale, mean, variance, ...extra };
}

/** Mini-batches of training-row indices: one seeded permutation per epoch, consecutive windows of it. */
export class BatchSampler {
  private rng: Rng;
  private perm: number[] = [];
  private pos = 0;
  constructor(
    private readonly nTrain: number,
    private readonly batch: number,
    seed: number,
  ) {
    this.rng = new Rng(seed, 121);
  }

  next(out = new Uint32Array(this.batch)): Uint32Array {
    for (let b = 0; b < this.batch; b++) {
      if (this.pos >= this.perm.length) {
        this.perm = this.rng.sample(this.nTrain, this.nTrain);
        this.pos = 0;
      }
      out[b] = this.perm[this.pos++];
    }
    return out;
  }
}
