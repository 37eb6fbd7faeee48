/**
 * Sparse autoencoders: train ReLU-L1, TopK, BatchTopK, JumpReLU or PolySAE dictionaries on toy data in
 * superposition, on digits, or on the user's own activations (`x`, samples × d), and sweep the L0–MSE frontier.
 */
import { limitFields, seedField } from './common';
import { type DataIssue, missingFiles, shapeOf, unusedFiles } from './data-rule';
import { defineSpec, type Issue } from './define';
import { bool, choice, file, num } from './fields';
import { modelUses, SAE_MODEL_INFO, SAE_MODELS, type SaeModelName } from './sae-models';

export { SAE_MODELS, type SaeModelName } from './sae-models';

type V = Record<string, unknown>;
const usesK = modelUses('k');
const usesAux = modelUses('auxK');
const byModel = <T>(pick: (info: (typeof SAE_MODEL_INFO)[SaeModelName]) => T) =>
  Object.fromEntries(SAE_MODELS.map((m) => [m, pick(SAE_MODEL_INFO[m])])) as Record<SaeModelName, T>;
const isToy = (v: V) => v.data === 'toy';
const isFrontier = (v: V) => v.study === 'frontier';
const isSweep = (v: V) => v.study === 'frontier' || v.study === 'darkmatter';

export const saeSpec = defineSpec({
  id: 'sae',
  title: 'Sparse autoencoders',
  fields: {
    study: choice(['train', 'frontier', 'darkmatter'], {
      label: 'Study',
      default: 'train',
      group: 'Study',
      optionLabels: {
        train: 'Train one SAE',
        frontier: 'L0–MSE frontier (sweep k and λ)',
        darkmatter: 'Dark matter across sizes (sweep the latents)',
      },
      optionDocs: { frontier: 'l0-mse-frontier', darkmatter: 'dark-matter-of-the-error' },
      help: 'Frontier trains one SAE per point of a sweep (k for TopK-like models, λ for ReLU-L1, the L0 coefficient for JumpReLU) and plots normalised MSE against L0, one curve per architecture.',
    }),
    sweep: choice(['topk_vs_relu', 'all', 'model'], {
      label: 'Architectures in the sweep',
      default: 'topk_vs_relu',
      group: 'Study',
      show: isFrontier,
      optionLabels: {
        topk_vs_relu: 'TopK (over k) and ReLU-L1 (over λ)',
        all: 'TopK, BatchTopK, JumpReLU and ReLU-L1 (2024 and 2023 forms)',
        model: 'Only the chosen model',
      },
    }),
    sweepPoints: num({
      label: 'Points per curve',
      default: 5,
      min: 2,
      max: 9,
      int: true,
      group: 'Study',
      show: isSweep,
      help: 'Frontier: each curve multiplies the chosen k, λ or L0 coefficient by factors spread log-evenly over ×¼ … ×4. Dark matter: the chosen model at latents × ¼ … ×4.',
    }),
    model: choice(SAE_MODELS, {
      label: 'Architecture',
      default: 'topk',
      group: 'Model',
      optionLabels: byModel((info) => info.optionLabel),
      optionDocs: byModel((info) => info.docs),
      help: 'ReLU-L1 (Anthropic, April 2024): f = ReLU(W_e·x + b_e), L = MSE + λΣf_i‖d_i‖ with free decoder norms (atoms start at norm 0.1, W_e = W_dᵀ, b = 0; λ warmed up). ReLU-L1 2023 (Towards Monosemanticity): f = ReLU(W_e(x−b_d)+b_e), atoms renormalised to unit norm after every step, so the penalty is plain λΣf_i (no neuron resampling here). TopK: keep the k largest pre-activations per sample. BatchTopK: keep the k·B largest over the batch. JumpReLU: f = π·H(π−θ) with a learnt threshold and an L0 penalty. PolySAE: TopK encoder, decoder with pairwise and triple interactions through low-rank projections.',
    }),
    latents: num({
      label: 'Latents (M)',
      default: 128,
      min: 2,
      max: 65536,
      int: true,
      log: true,
      group: 'Model',
      help: 'Dictionary size: the number of decoder atoms.',
    }),
    k: num({
      label: 'Active latents k',
      default: 4,
      min: 1,
      max: 128,
      int: true,
      group: 'Model',
      show: usesK,
      help: 'TopK keeps exactly k per sample; BatchTopK keeps k·batch over the whole batch (k on average).',
    }),
    l1: num({
      label: 'L1 coefficient λ',
      default: 0.5,
      min: 0,
      max: 100,
      log: true,
      group: 'Model',
      show: modelUses('l1'),
      help: 'Penalty λ Σ_i f_i‖d_i‖ / √v, with v the data variance, so λ does not depend on the scale of x. Warmed up linearly over the first 5% of steps.',
    }),
    auxK: num({
      label: 'AuxK latents',
      default: 64,
      min: 0,
      max: 512,
      int: true,
      group: 'Model',
      show: usesAux,
      help: 'The auxiliary loss reconstructs the residual from the top-k_aux dead latents (at most M), giving them gradient. 0 turns it off. It revives latents when the residual holds something no live latent explains (e.g. latents knocked out by a high learning rate). In a dictionary many times larger than the true features the residual is only what TopK cut off, so dead latents learn small codes that never win a TopK slot again: expect more dead latents, not fewer.',
    }),
    auxCoeff: num({
      label: 'AuxK coefficient',
      default: 1 / 32,
      min: 0,
      max: 10,
      group: 'Model',
      show: usesAux,
      help: 'Weight of the AuxK loss (1/32 in Gao et al.).',
    }),
    deadSamples: num({
      label: 'Dead after (samples)',
      default: 8192,
      min: 1,
      max: 1e8,
      int: true,
      log: true,
      group: 'Model',
      help: 'A latent that has not fired on this many consecutive training samples counts as dead (and feeds AuxK).',
    }),
    threshold: num({
      label: 'Initial threshold θ₀',
      default: 0.01,
      min: 1e-6,
      max: 10,
      log: true,
      group: 'Model',
      show: modelUses('threshold'),
      help: 'θ = exp(t) per latent, t learnt (SAELens default 0.01).',
    }),
    bandwidth: num({
      label: 'STE bandwidth ε',
      default: 0.05,
      min: 1e-5,
      max: 10,
      log: true,
      group: 'Model',
      show: modelUses('bandwidth'),
      help: 'Width of the rectangle kernel K(u) = 1[|u| < ½] in the straight-through estimators for θ.',
    }),
    l0Coeff: num({
      label: 'L0 coefficient',
      default: 0.03,
      min: 0,
      max: 10,
      log: true,
      group: 'Model',
      show: modelUses('l0Coeff'),
      help: 'Weight of the L0 penalty Σ_i H(π_i − θ_i) per sample. Warmed up linearly over the first 5% of steps.',
    }),
    rank: num({
      label: 'Linear rank R₁',
      default: 0,
      min: 0,
      max: 1024,
      int: true,
      group: 'Model',
      show: modelUses('rank'),
      help: 'Rank of the linear projection U⁽¹⁾ (M×R₁, orthonormal columns; the one shared U in the shared form). 0 means R₁ = d.',
    }),
    polyShared: bool({
      label: 'Shared projection (PolySAE shared-U form)',
      default: false,
      group: 'Model',
      show: modelUses('polyShared'),
      help: 'Off (polyShared=0, the paper code’s default): separate projections U⁽¹⁾, U⁽²⁾, U⁽³⁾ with independent ranks R₁ ≥ R₂ ≥ R₃, kept mutually orthogonal, and AuxK on dead latents. On (polyShared=1, every run in the paper’s README): one U, the interaction terms use its first R₂ coordinates squared and cubed (so R₃ = R₂ and self-terms z_i² are included); no AuxK.',
    }),
    rank3: num({
      label: 'Cubic rank R₃',
      default: 0,
      min: 0,
      max: 256,
      int: true,
      group: 'Model',
      show: modelUses('rank3'),
      help: 'Rank of U⁽³⁾ and C₃ in the general form (R₃ ≤ R₂). 0 means R₃ = R₂.',
    }),
    rank2: num({
      label: 'Interaction rank R₂ (= R₃ when shared)',
      default: 8,
      min: 1,
      max: 256,
      int: true,
      group: 'Model',
      show: modelUses('rank2'),
      help: 'General form: rank of U⁽²⁾ and C₂ (R₂ ≤ R₁). Shared form: how many of the R₁ projected coordinates enter the quadratic and cubic terms.',
    }),
    decoder: choice(['auto', 'sparse', 'dense'], {
      label: 'Decoder kernel (GPU)',
      default: 'auto',
      group: 'Model',
      show: modelUses('decoder'),
      optionLabels: { auto: 'Automatic', sparse: 'Sparse (gather k atoms)', dense: 'Dense matmul' },
      help: 'With exactly k codes per sample the decoder can gather k atoms per row instead of a full matmul; its gradient is then a sparse-transposed product.',
    }),
    steps: num({ label: 'Steps', default: 3000, min: 1, max: 1e6, int: true, log: true, group: 'Training' }),
    batch: num({
      label: 'Batch size',
      default: 256,
      min: 1,
      max: 16384,
      int: true,
      log: true,
      group: 'Training',
    }),
    lr: num({
      label: 'Learning rate',
      default: 0.01,
      min: 1e-7,
      max: 1,
      log: true,
      group: 'Training',
      help: 'Adam (β = 0.9, 0.999). 0.01 suits the small toy problems; large dictionaries on real activations usually want 1e-4 to 1e-3.',
    }),
    warmup: num({
      label: 'Warm-up (fraction of steps)',
      default: 0.05,
      min: 0,
      max: 0.5,
      group: 'Training',
      help: 'Learning rate rises linearly from 0 over this fraction of the steps.',
    }),
    decay: num({
      label: 'Decay (fraction of steps)',
      default: 0.2,
      min: 0,
      max: 1,
      group: 'Training',
      help: 'Learning rate falls linearly to 0 over this last fraction of the steps.',
    }),
    scale: choice(['sqrt_d', 'none'], {
      label: 'Rescale inputs',
      default: 'sqrt_d',
      group: 'Training',
      optionLabels: { sqrt_d: 'So that E‖x‖ = √d', none: 'No rescaling' },
      help: 'Weights are written in the rescaled units; the factor is in the metrics (scale).',
    }),
    metricsEvery: num({
      label: 'Metrics every (steps)',
      default: 25,
      min: 1,
      max: 10000,
      int: true,
      group: 'Training',
      help: 'How often the curves are updated (on the GPU, the only moments metrics are read back).',
    }),
    data: choice(['toy', 'digits', 'file'], {
      label: 'Data',
      default: 'toy',
      group: 'Data',
      optionLabels: {
        toy: 'Toy features in superposition',
        digits: 'Digits (8×8 pixels)',
        file: 'My activations (x.npy)',
      },
    }),
    x: file({
      label: 'Activations x (samples × d)',
      group: 'Data',
      help: 'A 2-D .npy or .csv, one row per sample. Choosing it selects “My activations”; choosing other data drops it.',
    }),
    features: num({
      label: 'True features',
      default: 64,
      min: 2,
      max: 4096,
      int: true,
      group: 'Data',
      show: isToy,
    }),
    dims: num({
      label: 'Dimensions d',
      default: 16,
      min: 2,
      max: 1024,
      int: true,
      group: 'Data',
      show: isToy,
    }),
    sparsity: num({
      label: 'Sparsity S',
      default: 0.9,
      min: 0,
      max: 0.999,
      group: 'Data',
      show: isToy,
      help: 'Each feature is 0 with probability S, else uniform on [0, 1] times its importance.',
    }),
    importance: num({
      label: 'Importance decay r',
      default: 1,
      min: 0.5,
      max: 1,
      group: 'Data',
      show: isToy,
      help: 'Feature i’s magnitude is scaled by r^i: small r makes the late features faint.',
    }),
    noise: num({
      label: 'Noise σ',
      default: 0,
      min: 0,
      max: 1,
      group: 'Data',
      show: isToy,
      help: 'Gaussian noise per coordinate, added after embedding.',
    }),
    corrPairs: num({
      label: 'Correlated pairs',
      default: 0,
      min: 0,
      max: 512,
      int: true,
      group: 'Data',
      show: isToy,
      help: 'In each pair (a, b), b also fires with probability 0.8 whenever a fires.',
    }),
    compPairs: num({
      label: 'Compositional pairs',
      default: 0,
      min: 0,
      max: 256,
      int: true,
      group: 'Data',
      show: isToy,
      help: 'For each triple (a, b → c), c never fires alone: when a and b both fire, x gains c_a·c_b times c’s direction (b co-fires with a half the time). A polynomial decoder can model this as an interaction.',
    }),
    samples: num({
      label: 'Samples',
      default: 16384,
      min: 64,
      max: 1048576,
      int: true,
      log: true,
      group: 'Data',
      show: isToy,
      help: '10% are held out for the final metrics and the dark-matter fit.',
    }),
    seed: seedField,
    ...limitFields,
    keepCodes: bool({
      label: 'Write codes',
      default: false,
      group: 'Output',
      help: 'Also write codes.npy (held-out samples × M, float32). Can be large.',
    }),
  },
  rules: (v) => {
    const issues: Issue[] = [];
    if (usesK(v) && v.k > v.latents)
      issues.push({
        field: 'k',
        fields: ['latents'],
        message: `k (${v.k}) must not exceed the number of latents (${v.latents})`,
      });
    if (v.data === 'toy') {
      if (2 * v.corrPairs + 3 * v.compPairs > v.features)
        issues.push({
          field: 'compPairs',
          fields: ['corrPairs', 'features'],
          message:
            'correlated pairs use 2 features each and compositional pairs 3: they need more true features',
        });
      if (v.batch > Math.floor(v.samples * 0.9))
        issues.push({
          field: 'batch',
          fields: ['samples'],
          message: `the batch (${v.batch}) is larger than the training part of the data (90% of ${v.samples})`,
        });
    }
    if (modelUses('rank')(v)) {
      const general = modelUses('rank3')(v);
      if (v.rank > 0 && v.rank2 > v.rank)
        issues.push({ field: 'rank2', fields: ['rank'], message: 'R₂ must not exceed R₁' });
      if (v.rank > v.latents)
        issues.push({
          field: 'rank',
          fields: ['latents'],
          message: 'R₁ must not exceed the number of latents (U has orthonormal columns)',
        });
      if (!general && v.rank3 > 0)
        issues.push({
          field: 'rank3',
          fields: ['polyShared'],
          message:
            'R₃ applies to the general form only: the shared form uses R₂ for both interaction terms (set polyShared=0 for an independent R₃)',
        });
      if (!modelUses('decoder')(v) && v.decoder !== 'auto')
        issues.push({
          field: 'decoder',
          fields: ['polyShared'],
          message:
            'the decoder kernel choice applies to TopK and PolySAE’s shared form; the general form has its own GPU kernels',
        });
      if (general && v.rank3 > v.rank2)
        issues.push({ field: 'rank3', fields: ['rank2'], message: 'R₃ must not exceed R₂' });
      const R3 = v.rank3 > 0 ? v.rank3 : v.rank2;
      if (general && v.rank > 0 && v.rank + v.rank2 + R3 > v.latents)
        issues.push({
          field: 'rank',
          fields: ['rank2', 'rank3', 'latents'],
          message:
            'R₁ + R₂ + R₃ must not exceed the number of latents (the three projections are mutually orthogonal)',
        });
    }
    if (v.study === 'darkmatter' && v.steps * v.sweepPoints > 2e6)
      issues.push({
        field: 'steps',
        message: 'the sweep would run too many steps in all (steps × points > 2M)',
      });
    if (v.study === 'darkmatter' && SAE_MODEL_INFO[v.model].encoder === 'batchTopK')
      issues.push({
        field: 'model',
        message: `dark matter across sizes evaluates with per-sample codes; choose a model other than ${SAE_MODEL_INFO[v.model].label}`,
      });
    if (v.study === 'frontier' && v.steps * v.sweepPoints * 4 > 2e6)
      issues.push({
        field: 'steps',
        fields: ['sweepPoints', 'study'],
        message: 'the sweep would run too many steps in all (steps × points × 4 architectures > 2M)',
      });
    return issues;
  },
  data: {
    sourceField: 'data',
    fileSource: 'file',
    check(v, given) {
      const issues: DataIssue[] = [];
      if (v.data !== 'file')
        issues.push(
          ...unusedFiles(
            v,
            given,
            ['x'],
            `the data are ${v.data === 'toy' ? 'toy features' : 'digits'} (data=${v.data}); choose data=file (“My activations”) to train on your file`,
          ),
        );
      else
        issues.push(
          ...missingFiles(given, [['x', 'your activations (data=file) need x: a samples × d .npy or .csv']]),
        );
      return issues;
    },
    derived(v): Record<string, number> {
      const shape = v.data === 'file' ? shapeOf(v, 'x') : null;
      return shape?.length === 2 ? { samples: shape[0], dims: shape[1] } : {};
    },
    ignored: (v) =>
      v.data === 'toy'
        ? []
        : ['features', 'dims', 'sparsity', 'importance', 'noise', 'corrPairs', 'compPairs', 'samples'],
  },
});

export type SaeValues = typeof saeSpec.defaults;
