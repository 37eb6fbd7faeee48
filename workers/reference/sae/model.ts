/**
 * The SAE models as data: configuration, parameter layout and seeded initialisation, shared by the CPU
 * reference and the GPU kernels. Conventions: the encoder W_enc and the decoder W_dec are both stored M×d
 * (row i is latent i's encoder vector / decoder atom), so "encoder = decoderᵀ" at start means W_enc = W_dec.
 * PolySAE, shared form (polyShared): U is M×R₁, C₁ d×R₁, C₂ and C₃ d×R₂, lambda = [λ₂, λ₃].
 * PolySAE, general form: one projection per order, U = U⁽¹⁾ M×R₁, U2 = U⁽²⁾ M×R₂, U3 = U⁽³⁾ M×R₃
 * (R₃ ≤ R₂ ≤ R₁), C_p d×R_p, lambda = [λ₂, λ₃].
 */
import { Rng } from '../../io/rng';
import { SAE_MODEL_INFO, type SaeModelInfo, type SaeModelName, saeForm } from '../../spec/sae-models';

/**
 * `relu_l1` is the April-2024 ReLU-L1 (no pre-encoder bias, free decoder norms, penalty λΣf_i‖d_i‖);
 * `relu_l1_unit` the 2023 form (input centred by b_dec, unit-norm atoms renormalised after every step).
 */
export type SaeModel = SaeModelName;

export interface SaeConfig {
  model: SaeModel;
  d: number;
  m: number;
  /** Active latents per sample (TopK, PolySAE) or on average (BatchTopK). */
  k: number;
  /** ReLU-L1 coefficient λ (penalty λ Σ f_i‖d_i‖ / √v). */
  l1: number;
  /** AuxK: how many dead latents reconstruct the residual (0 = off), and its weight. */
  auxK: number;
  auxCoeff: number;
  /** A latent is dead after this many training samples without firing. */
  deadSamples: number;
  /** JumpReLU: initial threshold θ₀, STE bandwidth ε, L0 coefficient. */
  threshold: number;
  bandwidth: number;
  l0Coeff: number;
  /** PolySAE ranks: R₁ (linear), R₂ (quadratic) and R₃ (cubic; equal to R₂ in the shared form). */
  rank1: number;
  rank2: number;
  rank3: number;
  /** PolySAE: one shared projection U (true) or one projection per order, the general form (false). */
  polyShared: boolean;
  /** v: mean ‖x − x̄‖² of the training data, the normaliser of the reconstruction loss. */
  variance: number;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  steps: number;
  /** Fractions of the steps for the linear warm-up and the final linear decay of the learning rate. */
  warmup: number;
  decay: number;
}

export type Params = Record<string, Float64Array>;

export interface ParamInfo {
  name: string;
  shape: number[];
}

/**
 * The model's descriptor in the configured form (workers/spec/sae-models.ts, `saeForm`): the code asks it
 * instead of comparing model ids or form flags.
 */
export const infoOf = (c: Pick<SaeConfig, 'model' | 'polyShared'>): SaeModelInfo => saeForm(c.model, c);
/** What no form changes (a form overrides only fields, decoder kind and export text): the entry itself. */
const baseOf = (c: Pick<SaeConfig, 'model'>): SaeModelInfo => SAE_MODEL_INFO[c.model];
/** A polynomial decoder (PolySAE, either form). */
export const isPoly = (c: Pick<SaeConfig, 'model'>) => baseOf(c).decoder !== 'linear';
/** Either ReLU-L1 form (ReLU codes, decoder-norm-weighted L1 penalty). */
export const isReluL1 = (c: Pick<SaeConfig, 'model'>) => baseOf(c).encoder === 'relu';
/** JumpReLU's learnt threshold and L0 penalty. */
export const isJump = (c: Pick<SaeConfig, 'model'>) => baseOf(c).encoder === 'jump';
/** BatchTopK: k·B codes over the batch, a threshold θ at inference. */
export const isBatchTopk = (c: Pick<SaeConfig, 'model'>) => baseOf(c).encoder === 'batchTopK';
/** The encoder sees x − b_dec (every model but the 2024 ReLU-L1, which has no pre-encoder bias). */
export const centresInput = (c: Pick<SaeConfig, 'model'>) => baseOf(c).centresInput;
/** Linear decoders kept at unit-norm atoms (every linear model but the 2024 ReLU-L1). */
export const unitAtoms = (c: Pick<SaeConfig, 'model'>) => baseOf(c).unitAtoms;
/** Exactly k codes per sample. */
export const usesTopk = (c: Pick<SaeConfig, 'model'>) => baseOf(c).encoder === 'rowTopK';
/** PolySAE's general form: separate projections U⁽¹⁾, U⁽²⁾, U⁽³⁾ with independent ranks, and AuxK. */
export const isPolyGeneral = (c: Pick<SaeConfig, 'model' | 'polyShared'>) =>
  infoOf(c).decoder === 'polyGeneral';
export const usesAux = (c: Pick<SaeConfig, 'model' | 'auxK' | 'auxCoeff' | 'polyShared'>) =>
  infoOf(c).fields.includes('auxK') && c.auxK > 0 && c.auxCoeff > 0;

export function defaultConfig(over: Partial<SaeConfig> & Pick<SaeConfig, 'model' | 'd' | 'm'>): SaeConfig {
  return {
    k: 4,
    l1: 0.5,
    auxK: 64,
    auxCoeff: 1 / 32,
    deadSamples: 8192,
    threshold: 0.01,
    bandwidth: 0.05,
    l0Coeff: 0.03,
    rank1: over.d,
    rank2: Math.min(8, over.d),
    rank3: over.rank2 ?? Math.min(8, over.d),
    polyShared: false,
    variance: 1,
    lr: 0.01,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    steps: 1000,
    warmup: 0.05,
    decay: 0.2,
    ...over,
  };
}

export function paramLayout(c: SaeConfig): ParamInfo[] {
  const { m, d } = c;
  const enc: ParamInfo[] = [
    { name: 'W_enc', shape: [m, d] },
    { name: 'b_enc', shape: [m] },
  ];
  if (isPolyGeneral(c)) {
    return [
      ...enc,
      { name: 'U', shape: [m, c.rank1] },
      { name: 'U2', shape: [m, c.rank2] },
      { name: 'U3', shape: [m, c.rank3] },
      { name: 'C1', shape: [d, c.rank1] },
      { name: 'C2', shape: [d, c.rank2] },
      { name: 'C3', shape: [d, c.rank3] },
      { name: 'lambda', shape: [2] },
      { name: 'b_dec', shape: [d] },
    ];
  }
  if (isPoly(c)) {
    return [
      ...enc,
      { name: 'U', shape: [m, c.rank1] },
      { name: 'C1', shape: [d, c.rank1] },
      { name: 'C2', shape: [d, c.rank2] },
      { name: 'C3', shape: [d, c.rank2] },
      { name: 'lambda', shape: [2] },
      { name: 'b_dec', shape: [d] },
    ];
  }
  const out = [...enc, { name: 'W_dec', shape: [m, d] }, { name: 'b_dec', shape: [d] }];
  if (isJump(c)) out.push({ name: 'log_threshold', shape: [m] });
  return out;
}

export const sizeOfShape = (s: number[]) => s.reduce((a, b) => a * b, 1);

export function zerosLike(c: SaeConfig): Params {
  const p: Params = {};
  for (const { name, shape } of paramLayout(c)) p[name] = new Float64Array(sizeOfShape(shape));
  return p;
}

export function cloneParams(p: Params): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(p)) out[k] = v.slice();
  return out;
}

/**
 * Seeded initialisation, every value float32-representable (so the GPU starts from the same numbers).
 * Linear decoders: unit Gaussian atoms, W_enc = W_dec, b_enc = 0, b_dec = the data mean; the 2024 ReLU-L1
 * instead has atoms of norm 0.1 and b_dec = 0 (its April-2024 initialisation). PolySAE: U with
 * orthonormal columns, C Kaiming-uniform (bound √(6/R)), λ₂ = −0.5, λ₃ = 0.5, W_enc = U·C₁ᵀ.
 */
export function initParams(c: SaeConfig, seed: number, mean?: ArrayLike<number>): Params {
  const rng = new Rng(seed, 131);
  const p = zerosLike(c);
  const { m, d } = c;
  if (mean && centresInput(c)) for (let j = 0; j < d; j++) p.b_dec[j] = Math.fround(mean[j]);
  if (isPolyGeneral(c)) {
    for (const name of ['U', 'U2', 'U3']) {
      const a = p[name];
      for (let i = 0; i < a.length; i++) a[i] = rng.normal();
    }
    const packed = packPolyU(c, p);
    gramSchmidtColumns(packed, m, polyColumns(c).length);
    unpackPolyU(c, p, packed);
    for (const [name, r] of [
      ['C1', c.rank1],
      ['C2', c.rank2],
      ['C3', c.rank3],
    ] as const) {
      const bound = Math.sqrt(6 / r);
      const C = p[name];
      for (let i = 0; i < C.length; i++) C[i] = (2 * rng.uniform() - 1) * bound;
    }
    p.lambda[0] = -0.5;
    p.lambda[1] = 0.5;
    for (const name of ['U', 'U2', 'U3', 'C1', 'C2', 'C3']) roundF32(p[name]);
    encoderFromLinear(c, p);
    return p;
  }
  if (isPoly(c)) {
    const R1 = c.rank1;
    const U = p.U;
    for (let i = 0; i < U.length; i++) U[i] = rng.normal();
    gramSchmidtColumns(U, m, R1);
    for (const [name, r] of [
      ['C1', R1],
      ['C2', c.rank2],
      ['C3', c.rank2],
    ] as const) {
      const bound = Math.sqrt(6 / r);
      const C = p[name];
      for (let i = 0; i < C.length; i++) C[i] = (2 * rng.uniform() - 1) * bound;
    }
    p.lambda[0] = -0.5;
    p.lambda[1] = 0.5;
    for (const name of ['U', 'C1', 'C2', 'C3']) roundF32(p[name]);
    // W_enc = U·C₁ᵀ: latent i's encoder vector is its linear decoder direction.
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let r = 0; r < R1; r++) s += U[i * R1 + r] * p.C1[j * R1 + r];
        p.W_enc[i * d + j] = Math.fround(s);
      }
    }
    return p;
  }
  const W = p.W_dec;
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = rng.normal();
      W[i * d + j] = v;
      s += v * v;
    }
    const inv = infoOf(c).initNorm / Math.sqrt(s);
    for (let j = 0; j < d; j++) W[i * d + j] = Math.fround(W[i * d + j] * inv);
  }
  p.W_enc.set(W);
  if (isJump(c)) p.log_threshold.fill(Math.fround(Math.log(c.threshold)));
  return p;
}

function roundF32(a: Float64Array): void {
  for (let i = 0; i < a.length; i++) a[i] = Math.fround(a[i]);
}

/** W_enc = U·C₁ᵀ (rounded to float32): latent i's encoder vector is its linear decoder direction. */
function encoderFromLinear(c: SaeConfig, p: Params): void {
  const { m, d, rank1: R1 } = c;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let r = 0; r < R1; r++) s += p.U[i * R1 + r] * p.C1[j * R1 + r];
      p.W_enc[i * d + j] = Math.fround(s);
    }
  }
}

/**
 * The general form's projection columns in the order they are orthogonalised (PolySAE's retraction): the
 * first R₃ columns of U⁽¹⁾, U⁽²⁾ and U⁽³⁾, then U⁽²⁾'s remaining columns, then U⁽¹⁾'s. Each entry is
 * [parameter, its column count, the column]. Orthonormalising the packed M×(R₁+R₂+R₃) matrix in this
 * order makes the three subspaces mutually orthogonal.
 */
export function polyColumns(
  c: Pick<SaeConfig, 'rank1' | 'rank2' | 'rank3'>,
): Array<[string, number, number]> {
  const { rank1: R1, rank2: R2, rank3: R3 } = c;
  const out: Array<[string, number, number]> = [];
  for (let r = 0; r < R3; r++) out.push(['U', R1, r]);
  for (let r = 0; r < R3; r++) out.push(['U2', R2, r]);
  for (let r = 0; r < R3; r++) out.push(['U3', R3, r]);
  for (let r = R3; r < R2; r++) out.push(['U2', R2, r]);
  for (let r = R3; r < R1; r++) out.push(['U', R1, r]);
  return out;
}

/** U⁽¹⁾, U⁽²⁾, U⁽³⁾ side by side (M × (R₁+R₂+R₃)) in `polyColumns` order. */
export function packPolyU(c: SaeConfig, p: Params): Float64Array {
  const cols = polyColumns(c);
  const T = cols.length;
  const out = new Float64Array(c.m * T);
  cols.forEach(([name, w, r], q) => {
    for (let i = 0; i < c.m; i++) out[i * T + q] = p[name][i * w + r];
  });
  return out;
}

export function unpackPolyU(c: SaeConfig, p: Params, packed: Float64Array): void {
  const cols = polyColumns(c);
  const T = cols.length;
  cols.forEach(([name, w, r], q) => {
    for (let i = 0; i < c.m; i++) p[name][i * w + r] = packed[i * T + q];
  });
}

/** Modified Gram–Schmidt on the columns of a rows×cols row-major matrix (rows ≥ cols). */
export function gramSchmidtColumns(a: Float64Array, rows: number, cols: number): void {
  for (let c = 0; c < cols; c++) {
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += a[r * cols + c] * a[r * cols + p];
      for (let r = 0; r < rows; r++) a[r * cols + c] -= dot * a[r * cols + p];
    }
    let s = 0;
    for (let r = 0; r < rows; r++) s += a[r * cols + c] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let r = 0; r < rows; r++) a[r * cols + c] *= inv;
  }
}

/**
 * The linear decoder directions, M×d: W_dec, or for PolySAE the linear term U·C₁ᵀ (what `decoder.npy` holds
 * and what recovery is measured on; the interaction terms are reported separately).
 */
export function linearAtoms(c: SaeConfig, p: Params): Float64Array {
  if (!isPoly(c)) return p.W_dec;
  const { m, d, rank1: R } = c;
  const out = new Float64Array(m * d);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let r = 0; r < R; r++) s += p.U[i * R + r] * p.C1[j * R + r];
      out[i * d + j] = s;
    }
  return out;
}
