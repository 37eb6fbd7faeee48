/**
 * The SAE models as one descriptor table (the first half of the SAE registry; the implementation half is
 * workers/experiments/sae/registry.ts). Everything outside these two files asks this table about a model —
 * its label, docs, the spec fields it reads, its encoder and decoder kind — instead of comparing model ids.
 * Adding a model: one entry here, one in the implementation table, and its step unit in workers/kernels/sae/units/.
 */

export const SAE_MODELS = ['relu_l1', 'relu_l1_unit', 'topk', 'batchtopk', 'jumprelu', 'polysae'] as const;
export type SaeModelName = (typeof SAE_MODELS)[number];

/** How the encoder turns pre-activations into codes. */
export type SaeEncoderKind =
  /** f = ReLU(W_e·x + b_e), fused into the encoder GEMM; an L1 penalty on the codes. */
  | 'relu'
  /** Exactly k codes per sample (radix select per row). */
  | 'rowTopK'
  /** k·B codes over the whole batch; at inference a learnt threshold θ. */
  | 'batchTopK'
  /** f = π·H(π − θ) with a learnt per-latent θ and an L0 penalty (straight-through gradients). */
  | 'jump';

/** How codes become a reconstruction. */
export type SaeDecoderKind =
  /** x̂ = zᵀ·W_dec + b_dec. */
  | 'linear'
  /** PolySAE, shared form: a = z·U, x̂ = C₁a + λ₂C₂(a_{:R₂})² + λ₃C₃(a_{:R₂})³ + b_dec, U with orthonormal columns. */
  | 'polyShared'
  /**
   * PolySAE, general form: one projection per order, x̂ = C₁(zU⁽¹⁾) + λ₂C₂((zU⁽¹⁾_{:R₂}) ⊙ (zU⁽²⁾)) +
   * λ₃C₃((zU⁽¹⁾_{:R₃}) ⊙ (zU⁽²⁾_{:R₃}) ⊙ (zU⁽³⁾)) + b_dec, the three projections mutually orthogonal; AuxK.
   */
  | 'polyGeneral';

/** Model-specific spec fields (the controls show a field when the chosen model lists it). */
export type SaeModelField =
  | 'k'
  | 'l1'
  | 'auxK'
  | 'auxCoeff'
  | 'threshold'
  | 'bandwidth'
  | 'l0Coeff'
  | 'rank'
  | 'rank2'
  | 'rank3'
  | 'polyShared'
  | 'decoder';

export interface SaeModelInfo {
  /** The one label (spec options, tables, chart titles, stage records). */
  label: string;
  /** The long option label in the spec's select. */
  optionLabel: string;
  /** Anchor in docs/methods.md. */
  docs: string;
  fields: readonly SaeModelField[];
  /** Every model trains on the GPU too; a model without a GPU path says why here. */
  gpu: true | { why: string };
  encoder: SaeEncoderKind;
  decoder: SaeDecoderKind;
  /** The encoder sees x − b_dec (false: no pre-encoder bias, the April-2024 ReLU-L1). */
  centresInput: boolean;
  /** Linear decoder atoms kept at unit norm (gradient projected, rows renormalised after each step). */
  unitAtoms: boolean;
  /** Norm of every decoder atom at initialisation. */
  initNorm: number;
  /** The knob a frontier sweep varies for this model. */
  frontierKnob: 'k' | 'l1' | 'l0Coeff';
  /** The Python export's sentence on what the update does after Adam. */
  exportUpdate: string;
  /** Whether Export → Python writes a PyTorch script for this model (if not, the sentence why). */
  python: true | { why: string };
  /** Appended to the model id in stage records (a model's non-default form names itself). */
  formNote?: string;
  /**
   * A second form of the model, chosen by a boolean spec field: what it changes. `saeForm` resolves it; the
   * implementation registry gives the form its own GPU path when its decoder kind differs.
   */
  altForm?: SaeAltForm;
}

/** What a model's second form overrides, and the boolean spec field that turns it on. */
export interface SaeAltForm
  extends Pick<SaeModelInfo, 'fields' | 'decoder' | 'exportUpdate' | 'python' | 'formNote'> {
  flag: 'polyShared';
}

const LINEAR_UNIT = 'decoder-gradient projection and unit-norm atoms';

export const SAE_MODEL_INFO: { readonly [K in SaeModelName]: SaeModelInfo } = {
  relu_l1: {
    label: 'ReLU-L1 (2024)',
    optionLabel: 'ReLU + L1 penalty (April 2024: free decoder norms)',
    docs: 'relu-l1-sae',
    fields: ['l1'],
    gpu: true,
    encoder: 'relu',
    decoder: 'linear',
    centresInput: false,
    unitAtoms: false,
    initNorm: 0.1,
    frontierKnob: 'l1',
    exportUpdate: 'no pre-encoder bias and free decoder norms (ReLU-L1, April-2024 form)',
    python: true,
  },
  relu_l1_unit: {
    label: 'ReLU-L1 (2023, unit norm)',
    optionLabel: 'ReLU + L1, 2023 form (unit-norm atoms)',
    docs: 'relu-l1-sae',
    fields: ['l1'],
    gpu: true,
    encoder: 'relu',
    decoder: 'linear',
    centresInput: true,
    unitAtoms: true,
    initNorm: 1,
    frontierKnob: 'l1',
    exportUpdate: LINEAR_UNIT,
    python: true,
  },
  topk: {
    label: 'TopK',
    optionLabel: 'TopK (+ AuxK)',
    docs: 'topk-sae-and-auxk',
    fields: ['k', 'auxK', 'auxCoeff', 'decoder'],
    gpu: true,
    encoder: 'rowTopK',
    decoder: 'linear',
    centresInput: true,
    unitAtoms: true,
    initNorm: 1,
    frontierKnob: 'k',
    exportUpdate: LINEAR_UNIT,
    python: true,
  },
  batchtopk: {
    label: 'BatchTopK',
    optionLabel: 'BatchTopK',
    docs: 'batchtopk',
    fields: ['k', 'auxK', 'auxCoeff'],
    gpu: true,
    encoder: 'batchTopK',
    decoder: 'linear',
    centresInput: true,
    unitAtoms: true,
    initNorm: 1,
    frontierKnob: 'k',
    exportUpdate: LINEAR_UNIT,
    python: true,
  },
  jumprelu: {
    label: 'JumpReLU',
    optionLabel: 'JumpReLU (straight-through)',
    docs: 'jumprelu',
    fields: ['threshold', 'bandwidth', 'l0Coeff'],
    gpu: true,
    encoder: 'jump',
    decoder: 'linear',
    centresInput: true,
    unitAtoms: true,
    initNorm: 1,
    frontierKnob: 'l0Coeff',
    exportUpdate: LINEAR_UNIT,
    python: true,
  },
  polysae: {
    label: 'PolySAE',
    optionLabel: 'PolySAE (polynomial decoder)',
    docs: 'polysae',
    // The general form (polyShared = 0, the default); `altForm` is the shared-U form.
    fields: ['k', 'auxK', 'auxCoeff', 'rank', 'rank2', 'rank3', 'polyShared'],
    gpu: true,
    encoder: 'rowTopK',
    decoder: 'polyGeneral',
    centresInput: true,
    unitAtoms: false,
    initNorm: 1,
    frontierKnob: 'k',
    exportUpdate: 'the QR retraction of U⁽¹⁾, U⁽²⁾, U⁽³⁾ together',
    python: {
      why: 'Export → Python covers PolySAE’s shared form only (polyShared=1); the general form (separate projections, AuxK) has no PyTorch script yet',
    },
    formNote: 'general form',
    altForm: {
      flag: 'polyShared',
      fields: ['k', 'rank', 'rank2', 'polyShared', 'decoder'],
      decoder: 'polyShared',
      exportUpdate: 'the QR retraction of U',
      python: true,
    },
  },
};

export const saeModelInfo = (model: SaeModelName): SaeModelInfo => SAE_MODEL_INFO[model];

/**
 * The descriptor of the model in the form the values choose: the entry itself, or with its `altForm`'s
 * overrides when that form's flag is on (PolySAE with polyShared = 1).
 */
export function saeForm(model: SaeModelName, values: { readonly polyShared?: unknown }): SaeModelInfo {
  const info = SAE_MODEL_INFO[model];
  if (!info.altForm || values[info.altForm.flag] !== true) return info;
  const { flag: _flag, ...over } = info.altForm;
  return { ...info, formNote: undefined, ...over };
}

/** The models whose descriptor (in either form) lists `field` (for the controls' visibility and the rules). */
export const modelsUsing = (field: SaeModelField): SaeModelName[] =>
  SAE_MODELS.filter(
    (m) =>
      SAE_MODEL_INFO[m].fields.includes(field) || SAE_MODEL_INFO[m].altForm?.fields.includes(field) === true,
  );

/** Whether the chosen model (`values.model`, in the form the values choose) reads `field`. */
export const modelUses =
  (field: SaeModelField) =>
  (values: Record<string, unknown>): boolean => {
    const model = values.model as SaeModelName;
    if (!(SAE_MODELS as readonly string[]).includes(model)) return false;
    return saeForm(model, values).fields.includes(field);
  };

/** The architectures of each frontier sweep (`sweep` = `model` sweeps the chosen model alone). */
export const FRONTIER_SWEEPS: { readonly topk_vs_relu: SaeModelName[]; readonly all: SaeModelName[] } = {
  topk_vs_relu: ['topk', 'relu_l1'],
  all: ['topk', 'batchtopk', 'jumprelu', 'relu_l1', 'relu_l1_unit'],
};
