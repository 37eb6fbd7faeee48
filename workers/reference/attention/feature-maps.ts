/**
 * Feature maps φ for linear attention (docs/methods.md#linear-attention and the feature-map sections after it), shared by the linear, SLA and log-linear
 * references and by the GPU wrappers (which upload the same FAVOR+ projection).
 *
 * - elu1:      φ(x) = elu(x) + 1                                   (F = d; no 1/√d scaling)
 * - relu:      φ(x) = max(x, 0)                                    (F = d; the denominator can be 0: keep ε)
 * - softmax:   φ(x) = softmax over the d features                  (F = d; SLA's default)
 * - favor:     φ(x)_r = m^{-½}(exp(ω_rᵀx̃ − ‖x̃‖²/2 − c) + 1e-4),  x̃ = d^{-¼}x (F = m)
 *              c = max_r ω_rᵀx̃ per row for queries, one global max over all keys (Performer's stabiliser)
 * - cosformer: φ(x_i) = [ReLU(x_i)·cos(θ_i), ReLU(x_i)·sin(θ_i)],  θ_i = π(i+1)/(2M), M = N (F = 2d)
 *              (positions counted from 1 as in OpenNLPLab/cosFormer, so the first token has θ > 0)
 *
 * FAVOR+ ω (m×d): orthogonal blocks (modified Gram–Schmidt of d×d Gaussian blocks), each row rescaled by
 * the norm of an independent N(0, I_d) draw; drawn from Rng(seed, FAVOR_STREAM) and rounded to float32 so
 * the CPU reference and the GPU kernel use bit-identical projections.
 */
import { Rng } from '../../io/rng';

export type FeatureMap = 'elu1' | 'relu' | 'favor' | 'cosformer' | 'softmax';
export const FEATURE_MAPS: readonly FeatureMap[] = ['elu1', 'relu', 'favor', 'cosformer', 'softmax'];

/** Denominator guard of linear attention: o = num / (den + ε). */
export const LINEAR_EPS = 1e-6;
/** Additive constant inside FAVOR+ features (Performer's kernel_epsilon). */
export const FAVOR_EPS = 1e-4;
/** Rng stream of the FAVOR+ projection (the data generators use small stream numbers). */
export const FAVOR_STREAM = 0x5a7;

export interface FeatureOpts {
  n: number;
  d: number;
  featureMap: FeatureMap;
  /** FAVOR+ feature count m; 0 or less means the default ⌊d ln d⌋. */
  favorFeatures: number;
  seed: number;
}

/** Integer ids of the maps, as shaders/attention/linear-features.wgsl reads them. */
const FEATURE_MAP_IDS: Record<FeatureMap, number> = { elu1: 0, relu: 1, softmax: 2, favor: 3, cosformer: 4 };

export function featureMapId(map: FeatureMap): number {
  const id = Object.hasOwn(FEATURE_MAP_IDS, map) ? FEATURE_MAP_IDS[map] : undefined;
  if (id === undefined)
    throw new Error(`unknown feature map "${map}" (expected one of ${FEATURE_MAPS.join(', ')})`);
  return id;
}

export function favorCount(d: number, favorFeatures: number): number {
  return favorFeatures > 0 ? Math.floor(favorFeatures) : Math.max(1, Math.floor(d * Math.log(d)));
}

/** Width F of φ(x). */
export function featureDim(o: Pick<FeatureOpts, 'd' | 'featureMap' | 'favorFeatures'>): number {
  switch (o.featureMap) {
    case 'favor':
      return favorCount(o.d, o.favorFeatures);
    case 'cosformer':
      return 2 * o.d;
    default:
      featureMapId(o.featureMap);
      return o.d;
  }
}

/** cosFormer's angle of 0-indexed position i among M = N positions. */
export function cosformerAngle(i: number, n: number): number {
  return (Math.PI * (i + 1)) / (2 * n);
}

/** [cos θ_i, sin θ_i] per row, for the GPU (float32). */
export function cosformerTrig(n: number): Float32Array {
  const t = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    t[2 * i] = Math.cos(cosformerAngle(i, n));
    t[2 * i + 1] = Math.sin(cosformerAngle(i, n));
  }
  return t;
}

/** ω ∈ ℝ^{m×d}, row-major, float32-rounded. */
export function favorProjection(d: number, m: number, seed: number): Float32Array {
  const rng = new Rng(seed, FAVOR_STREAM);
  const out = new Float32Array(m * d);
  const blocks = Math.ceil(m / d);
  const rows: Float64Array[] = [];
  for (let b = 0; b < blocks; b++) {
    const g = Array.from({ length: d }, () => Float64Array.from({ length: d }, () => rng.normal()));
    // Modified Gram–Schmidt on the rows: an orthonormal basis (the Q of a QR, up to signs).
    for (let i = 0; i < d; i++) {
      const gi = g[i];
      for (let j = 0; j < i; j++) {
        const gj = g[j];
        let dot = 0;
        for (let c = 0; c < d; c++) dot += gi[c] * gj[c];
        for (let c = 0; c < d; c++) gi[c] -= dot * gj[c];
      }
      let nrm = 0;
      for (let c = 0; c < d; c++) nrm += gi[c] * gi[c];
      nrm = Math.sqrt(nrm);
      for (let c = 0; c < d; c++) gi[c] /= nrm;
      rows.push(gi);
    }
  }
  for (let r = 0; r < m; r++) {
    let s = 0;
    for (let c = 0; c < d; c++) {
      const z = rng.normal();
      s += z * z;
    }
    const scale = Math.sqrt(s);
    for (let c = 0; c < d; c++) out[r * d + c] = rows[r][c] * scale;
  }
  return out;
}

/**
 * φ(Q) and φ(K), N×F each (float64). `proj` is the FAVOR+ projection (made from the seed when absent).
 */
export function featurePair(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  o: FeatureOpts,
  proj?: Float32Array,
): { phiQ: Float64Array; phiK: Float64Array; f: number } {
  const f = featureDim(o);
  const w = o.featureMap === 'favor' ? (proj ?? favorProjection(o.d, f, o.seed)) : undefined;
  return { phiQ: featureRows(q, o, 'query', w), phiK: featureRows(k, o, 'key', w), f };
}

/** φ applied to every row of x (N×d). */
export function featureRows(
  x: ArrayLike<number>,
  o: FeatureOpts,
  role: 'query' | 'key',
  proj?: Float32Array,
): Float64Array {
  const { n, d } = o;
  const f = featureDim(o);
  const out = new Float64Array(n * f);
  switch (o.featureMap) {
    case 'elu1':
      for (let i = 0; i < n * d; i++) out[i] = x[i] > 0 ? x[i] + 1 : Math.exp(x[i]);
      break;
    case 'relu':
      for (let i = 0; i < n * d; i++) out[i] = Math.max(x[i], 0);
      break;
    case 'softmax':
      for (let i = 0; i < n; i++) {
        let mx = Number.NEGATIVE_INFINITY;
        for (let c = 0; c < d; c++) mx = Math.max(mx, x[i * d + c]);
        let s = 0;
        for (let c = 0; c < d; c++) s += out[i * d + c] = Math.exp(x[i * d + c] - mx);
        for (let c = 0; c < d; c++) out[i * d + c] /= s;
      }
      break;
    case 'cosformer':
      for (let i = 0; i < n; i++) {
        const th = cosformerAngle(i, n);
        const cs = Math.cos(th);
        const sn = Math.sin(th);
        for (let c = 0; c < d; c++) {
          const r = Math.max(x[i * d + c], 0);
          out[i * f + c] = r * cs;
          out[i * f + d + c] = r * sn;
        }
      }
      break;
    case 'favor':
      favorRows(x, n, d, f, role, proj ?? favorProjection(d, f, o.seed), out);
      break;
    default:
      featureMapId(o.featureMap);
  }
  return out;
}

function favorRows(
  x: ArrayLike<number>,
  n: number,
  d: number,
  m: number,
  role: 'query' | 'key',
  w: Float32Array,
  out: Float64Array,
): void {
  const xs = d ** -0.25;
  const half = new Float64Array(n);
  const dash = out; // ω·x̃ first, then overwritten by the features
  const rowMax = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < n; i++) {
    let sq = 0;
    for (let c = 0; c < d; c++) sq += (x[i * d + c] * xs) ** 2;
    half[i] = sq / 2;
    for (let r = 0; r < m; r++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += w[r * d + c] * x[i * d + c];
      s *= xs;
      dash[i * m + r] = s;
      if (s > rowMax[i]) rowMax[i] = s;
    }
  }
  let globalMax = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) globalMax = Math.max(globalMax, rowMax[i]);
  const ratio = 1 / Math.sqrt(m);
  for (let i = 0; i < n; i++) {
    const c = role === 'query' ? rowMax[i] : globalMax;
    for (let r = 0; r < m; r++)
      out[i * m + r] = ratio * (Math.exp(dash[i * m + r] - half[i] - c) + FAVOR_EPS);
  }
}
