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
  /** PolySAE: a = z·U, x̂ = C₁a + λ₂C₂(a_{:R₂})² + λ₃C₃(a_{:R₂})³ + b_dec, U with orthonormal columns. */
  | 'polyShared';

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
  },
  polysae: {
    label: 'PolySAE',
    optionLabel: 'PolySAE (polynomial decoder)',
    docs: 'polysae',
    fields: ['k', 'rank', 'rank2', 'decoder'],
    gpu: true,
    encoder: 'rowTopK',
    decoder: 'polyShared',
    centresInput: true,
    unitAtoms: false,
    initNorm: 1,
    frontierKnob: 'k',
    exportUpdate: 'the QR retraction of U',
  },
};

export const saeModelInfo = (model: SaeModelName): SaeModelInfo => SAE_MODEL_INFO[model];

/** The models whose descriptor lists `field` (for the controls' visibility and the rules). */
export const modelsUsing = (field: SaeModelField): SaeModelName[] =>
  SAE_MODELS.filter((m) => SAE_MODEL_INFO[m].fields.includes(field));

/** Whether the chosen model (`values.model`) reads `field`. */
export const modelUses =
  (field: SaeModelField) =>
  (values: Record<string, unknown>): boolean => {
    const info = SAE_MODEL_INFO[values.model as SaeModelName] as SaeModelInfo | undefined;
    return info?.fields.includes(field) === true;
  };

/** The architectures of each frontier sweep (`sweep` = `model` sweeps the chosen model alone). */
export const FRONTIER_SWEEPS: { readonly topk_vs_relu: SaeModelName[]; readonly all: SaeModelName[] } = {
  topk_vs_relu: ['topk', 'relu_l1'],
  all: ['topk', 'batchtopk', 'jumprelu', 'relu_l1', 'relu_l1_unit'],
};
