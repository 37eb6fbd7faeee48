/**
 * Pruning lab: prune one linear layer W (out × in) from calibration inputs X (tokens × in) with
 * magnitude, Wanda, SparseGPT, DSnoT, R-Sparse-style activation sparsity or CoSpaDi, and measure the
 * layer-output error on held-out tokens. PRUNING_METHODS is the one table of methods: the spec's
 * options, which controls are shown, the runner's dispatch (workers/experiments/pruning/registry.ts
 * adds each entry's compute) and every label read it.
 */
import { limitFields, seedField } from './common';
import { type DataIssue, missingFiles, shapeOf, unusedFiles } from './data-rule';
import { defineSpec, type Issue } from './define';
import { bool, choice, type Field, file, num } from './fields';

export const PRUNING_PATTERNS = ['unstructured', '2:4', '4:8', 'N:M'] as const;
export type PruningPattern = (typeof PRUNING_PATTERNS)[number];

export interface PruningMethodInfo {
  label: string;
  /** What it computes, for the method's help text. */
  help: string;
  /** Its heading in docs/methods.md (the app links the help to it). */
  docs: string;
  /** Method-specific spec fields (shown only for this method). */
  fields: readonly string[];
  /** Whether the method takes a weight pattern (unstructured / N:M). */
  patterns: boolean;
  /** Whether it writes a weight mask (mask.npy) in W's shape. */
  weightMask: boolean;
  /** Departures from the paper or official code, shown under the result. */
  departures: string;
  /** Which GPU kernels can stand in for part of the method, or the sentence why none does. */
  gpu: GpuPath;
}

/** GPU kernels that can stand in for part of a method (scores + mask selection), or why none does. */
export type GpuPath = { kernels: 'scores+mask'; score: 'magnitude' | 'wanda' } | { none: string };

const COUNT_RULE =
  'Selection is count-based: a group of n weights loses exactly ⌊s·n⌋, the smallest, ties to the lower index (the official code’s “≤ threshold” can prune one more, and prunes one per group at s = 0).';

export const PRUNING_METHODS = {
  magnitude: {
    docs: 'magnitude',
    label: 'Magnitude |W|',
    help: 'Score |W_ij|. Unstructured: the whole layer competes (as the Wanda and SparseGPT repositories’ baselines) or, as a variant, each row. N:M: keep the N largest of every M consecutive inputs of a row. No weight update.',
    fields: ['magGroup'],
    patterns: true,
    weightMask: true,
    gpu: { kernels: 'scores+mask', score: 'magnitude' },
    departures: COUNT_RULE,
  },
  wanda: {
    docs: 'wanda',
    label: 'Wanda |W|·‖X_col‖',
    help: 'Score |W_ij|·‖X_:,j‖₂ over the calibration tokens; each output row loses ⌊s·in⌋ weights (or N:M per row). No weight update. Equals per-row magnitude pruning when every input column has the same norm.',
    fields: [],
    patterns: true,
    weightMask: true,
    gpu: { kernels: 'scores+mask', score: 'wanda' },
    departures: `${COUNT_RULE} The appendix variant (cumulative-score threshold) is not offered.`,
  },
  sparsegpt: {
    docs: 'sparsegpt',
    label: 'SparseGPT (OBS update)',
    help: 'Row-wise optimal brain surgeon with H = (2/T)XᵀX + λI, λ = percdamp·mean diag H. Columns are visited left to right in blocks; a pruned weight’s error is spread over the columns not yet visited through the Cholesky factor of H⁻¹, with lazy batched updates between blocks. Unstructured masks are chosen per block of columns across all rows on the already-updated weights (score w²/[H⁻¹]_jj); N:M per row and group.',
    fields: ['percdamp', 'blocksize', 'sgptMask'],
    patterns: true,
    weightMask: true,
    gpu: {
      none: 'the column sweep is sequential with an O(in²) factorisation; it runs on the CPU in float64 (the GPU runs the pruned layer’s sparse kernel)',
    },
    departures: `${COUNT_RULE} The factorisation is float64; a failed Cholesky retries with λ ×10 and the result says so. Blocks are rounded down to a multiple of M for N:M.`,
  },
  dsnot: {
    docs: 'dsnot',
    label: 'DSnoT (mask refinement)',
    help: 'Starts from a mask (Wanda’s by default) and, per row, swaps a pruned weight for a kept one to shrink the expected output shift e_i = Σ_pruned W_ij·μ_j, keeping the row’s (or N:M group’s) count; weights never change. Grow: the pruned weight with the largest c_ij/v_j of the sign of e_i; prune: the lowest-scored kept weight with the opposite sign (N:M: the lowest-scored in the grown weight’s group).',
    fields: ['dsnotInit', 'maxCycles', 'tau', 'signCheck'],
    patterns: true,
    weightMask: true,
    gpu: {
      none: 'the swaps are a short sequential loop per row; the initial Wanda scores and mask can run on the GPU',
    },
    departures:
      'Sign check on and τ = 0 by default (the official defaults run without the sign check, and τ = 0.1 is in per-sequence-sum units); grow and prune candidates are filtered by the sign of their contribution, and an N:M swap must shrink |e_i| (our additions, so the error it optimises never rises). Official DSnoT skips MLP layers by default; here the layer is always refined.',
  },
  rsparse: {
    docs: 'r-sparse-style-activation-sparsity',
    label: 'R-Sparse (activation sparsity + low rank)',
    help: 'Activation sparsity: per token, input channels with |x_j|·σ_j ≤ θ (σ_j = ‖W_:,j‖, θ one per layer from the calibration tokens) skip W and go through a rank-r copy of W instead: y = W(x⊙m) + W_r(x⊙(1−m)). α is the share of the budget spent on kept channels; r is set so MACs/token ≈ (1 − s)·in·out. α = 1: activation sparsity alone (raw |x|, as the official code).',
    fields: ['alpha'],
    patterns: false,
    weightMask: false,
    gpu: { none: 'activation masks are per token; the lab runs R-Sparse on the CPU reference only' },
    departures:
      'Every token is sparsified (the official evaluation keeps the first 90% of each sequence dense) and (α, s) are yours to set (officially per layer from an evolutionary search). W stays dense: the error is ‖Y − Ŷ‖/‖Y‖ on held-out tokens.',
  },
  cospadi: {
    docs: 'cospadi--our-reconstruction',
    label: 'CoSpaDi (sparse dictionary)',
    help: 'Each row of W is a combination of at most s of k dictionary atoms, W ≈ C·Dᵀ, fitted to minimise ‖(W − C·Dᵀ)Xᵀ‖_F: with XᵀX + λI = LLᵀ this is dictionary learning on W·L, solved by K-SVD (OMP codes, rank-1 atom updates) from the calibrated SVD. Compared with the truncated SVD at the same number of stored values.',
    fields: ['atoms', 'nonzeros', 'iterations', 'percdamp'],
    patterns: false,
    weightMask: false,
    gpu: { none: 'K-SVD (OMP and rank-1 updates) runs on the CPU reference only' },
    departures:
      'Our reading of the abstract (no code or algorithm text was available): per-layer dictionary, K-SVD, SVD start, codes per output row. Index storage (⌈log₂k⌉ bits per code) is reported but not counted in the equal-size SVD comparison.',
  },
} as const satisfies Record<string, PruningMethodInfo>;

export type PruningMethod = keyof typeof PRUNING_METHODS;
export const PRUNING_METHOD_IDS = Object.keys(PRUNING_METHODS) as PruningMethod[];

export const PRUNING_DATA = [
  'outliers',
  'correlated',
  'relu',
  'gaussian',
  'decaying',
  'file',
  'digits_mlp',
] as const;

/** The built-in network: 64 digit pixels → hidden → 10 classes. */
export const DIGITS_INPUTS = 64;

type V = Record<string, unknown>;
const info = (v: V) => PRUNING_METHODS[v.method as PruningMethod];
/** Shown when the chosen method lists this field (the method table decides, no per-id switch). */
const methodUses = (field: string) => (v: V) =>
  (info(v)?.fields as readonly string[] | undefined)?.includes(field) ?? false;
const isLayer = (v: V) => v.study === 'layer';
const isTraining = (v: V) => v.study === 'training';
const takesPattern = (v: V) => (isLayer(v) && info(v)?.patterns === true) || isTraining(v);
const synthetic = (v: V) => v.data !== 'file' && v.data !== 'digits_mlp';
const isNet = (v: V) => v.data === 'digits_mlp';
const usesSparsity = (v: V) =>
  (isTraining(v) && v.pattern === 'unstructured') ||
  (isLayer(v) && (info(v)?.patterns ? v.pattern === 'unstructured' : methodUses('alpha')(v)));

function methodField<T extends Field>(f: T, field: string): T {
  return { ...f, show: (v: V) => isLayer(v) && methodUses(field)(v) };
}

export const pruningSpec = defineSpec({
  id: 'pruning',
  title: 'Pruning: weight and activation sparsity',
  fields: {
    study: choice(['layer', 'sweep', 'training'], {
      label: 'Study',
      default: 'layer',
      group: 'Study',
      optionLabels: {
        layer: 'Prune with one method',
        sweep: 'Error (or accuracy) against sparsity, every method',
        training: 'Digits MLP: gradual vs one-shot pruning, sparse soups',
      },
      help: 'Sweep: every method at sparsities 10%–90% (plus 2:4 and 4:8) on the same layer or network; the points stream in. Training (digits MLP only): one-shot magnitude pruning with and without fine-tuning, gradual magnitude pruning (cubic schedule; for N:M a stepwise progressive schedule), and a sparse soup of fine-tunes sharing one mask.',
    }),
    method: choice(PRUNING_METHOD_IDS, {
      label: 'Method',
      default: 'wanda',
      group: 'Method',
      primary: true,
      show: isLayer,
      optionLabels: Object.fromEntries(PRUNING_METHOD_IDS.map((id) => [id, PRUNING_METHODS[id].label])),
      optionDocs: Object.fromEntries(PRUNING_METHOD_IDS.map((id) => [id, PRUNING_METHODS[id].docs])),
      help: 'Which pruning method; what the chosen one computes, and where the lab departs from its paper, is written under its result.',
    }),
    pattern: choice(PRUNING_PATTERNS, {
      label: 'Pattern',
      default: 'unstructured',
      group: 'Method',
      primary: true,
      show: takesPattern,
      optionLabels: {
        unstructured: 'Unstructured',
        '2:4': '2:4 (keep 2 of every 4 inputs)',
        '4:8': '4:8',
        'N:M': 'N:M (choose)',
      },
      help: 'N:M keeps N of every M consecutive input weights of a row (50% for 2:4 and 4:8); a last partial group keeps min(N, its size).',
    }),
    sparsity: num({
      label: 'Sparsity s',
      default: 0.5,
      min: 0,
      max: 0.99,
      step: 0.01,
      group: 'Method',
      primary: true,
      show: usesSparsity,
      help: 'Fraction of weights pruned (R-Sparse: of the layer’s MACs per token saved).',
    }),
    nmN: num({
      label: 'N (kept)',
      default: 2,
      min: 1,
      max: 64,
      int: true,
      group: 'Method',
      show: (v) => takesPattern(v) && v.pattern === 'N:M',
    }),
    nmM: num({
      label: 'M (group)',
      default: 4,
      min: 2,
      max: 128,
      int: true,
      group: 'Method',
      show: (v) => takesPattern(v) && v.pattern === 'N:M',
    }),
    magGroup: methodField(
      choice(['layer', 'row'], {
        label: 'Magnitude: who competes',
        default: 'layer',
        group: 'Method',
        optionLabels: {
          layer: 'The whole layer (official baseline)',
          row: 'Each row (what Wanda reduces to)',
        },
      }),
      'magGroup',
    ),
    percdamp: methodField(
      num({
        label: 'Damping (percdamp)',
        default: 0.01,
        min: 0,
        max: 1,
        log: true,
        group: 'Method',
        help: 'λ = percdamp · mean(diag H) added to H (official default 0.01).',
      }),
      'percdamp',
    ),
    blocksize: methodField(
      num({
        label: 'Block size',
        default: 128,
        min: 1,
        max: 4096,
        int: true,
        group: 'Method',
        help: 'Columns per block: unstructured masks are chosen per block; updates to later columns are batched per block (official default 128).',
      }),
      'blocksize',
    ),
    sgptMask: methodField(
      choice(['adaptive', 'wanda'], {
        label: 'SparseGPT: mask',
        default: 'adaptive',
        group: 'Method',
        optionLabels: {
          adaptive: 'Its own (chosen block by block on updated weights)',
          wanda: 'Wanda’s mask, SparseGPT’s update only',
        },
        help: 'With Wanda’s mask, only the weight update runs: it separates what the mask and what the update contribute.',
      }),
      'sgptMask',
    ),
    dsnotInit: methodField(
      choice(['wanda', 'magnitude', 'sparsegpt'], {
        label: 'DSnoT: initial mask',
        default: 'wanda',
        group: 'Method',
        optionLabels: {
          wanda: 'Wanda',
          magnitude: 'Magnitude (per row)',
          sparsegpt: 'SparseGPT’s score w²/[H⁻¹]_jj (no update)',
        },
      }),
      'dsnotInit',
    ),
    maxCycles: methodField(
      num({ label: 'DSnoT: max cycles', default: 50, min: 0, max: 10000, int: true, group: 'Method' }),
      'maxCycles',
    ),
    tau: methodField(
      num({
        label: 'DSnoT: threshold τ',
        default: 0,
        min: 0,
        max: 100,
        group: 'Method',
        help: 'A row stops once |e_i| ≤ τ (e in per-token units).',
      }),
      'tau',
    ),
    signCheck: methodField(
      bool({
        label: 'DSnoT: sign check',
        default: true,
        group: 'Method',
        help: 'Accept a swap only if e_i keeps its sign (always on for N:M). Off, with τ = 0, swaps overshoot and the error can grow.',
      }),
      'signCheck',
    ),
    alpha: methodField(
      num({
        label: 'R-Sparse: α (sparse share)',
        default: 0.5,
        min: 0,
        max: 1,
        step: 0.05,
        group: 'Method',
        help: 'Share of the budget spent on kept input channels; the rest buys the rank of the low-rank part. 1 = activation sparsity only, 0 = low rank only.',
      }),
      'alpha',
    ),
    atoms: methodField(
      num({ label: 'CoSpaDi: atoms k', default: 64, min: 1, max: 4096, int: true, group: 'Method' }),
      'atoms',
    ),
    nonzeros: methodField(
      num({
        label: 'CoSpaDi: non-zeros per row s',
        default: 16,
        min: 1,
        max: 4096,
        int: true,
        group: 'Method',
        help: 'Each row of W is a combination of at most s atoms.',
      }),
      'nonzeros',
    ),
    iterations: methodField(
      num({ label: 'CoSpaDi: K-SVD iterations', default: 8, min: 0, max: 100, int: true, group: 'Method' }),
      'iterations',
    ),
    data: choice(PRUNING_DATA, {
      label: 'Layer',
      default: 'outliers',
      group: 'Data',
      optionLabels: {
        outliers: 'Synthetic, outlier input channels (as in LLMs)',
        correlated: 'Synthetic, correlated inputs',
        relu: 'Synthetic, post-ReLU inputs (non-zero means)',
        gaussian: 'Synthetic, i.i.d. Gaussian',
        decaying: 'Synthetic, W with a decaying spectrum, heavy-tailed inputs',
        file: 'My W and X (.npy)',
        digits_mlp: 'Digits MLP (trained in the page, both layers pruned)',
      },
      help: 'The digits MLP (64 → hidden → 10, ReLU) is trained on 1 200 of the built-in 8×8 digits (seeded SGD) and tested on the other 597; both weight matrices are pruned in turn, each calibrated on the outputs of the already-pruned layer before it.',
    }),
    epochs: num({
      label: 'MLP training epochs',
      default: 20,
      min: 2,
      max: 200,
      int: true,
      group: 'Data',
      show: isNet,
      help: 'SGD, momentum 0.9, lr 0.05, weight decay 1e-4, batch 64. The training study uses the same number of epochs for every schedule.',
    }),
    hidden: num({
      label: 'MLP hidden units',
      default: 128,
      min: 4,
      max: 512,
      int: true,
      group: 'Data',
      show: isNet,
    }),
    soupSize: num({
      label: 'Soup ingredients',
      default: 3,
      min: 2,
      max: 5,
      int: true,
      group: 'Study',
      show: isTraining,
      help: 'Fine-tunes of the one-shot pruned model, each with its own (learning rate, weight decay), sharing the mask; the soup averages their weights.',
    }),
    W: file({
      label: 'Weight W (out × in)',
      group: 'Data',
      show: (v) => v.data === 'file',
      help: 'A 2-D .npy (or .npz entry / CSV) of the layer’s weight, PyTorch’s nn.Linear orientation.',
    }),
    X: file({
      label: 'Calibration inputs X (tokens × in)',
      group: 'Data',
      show: (v) => v.data === 'file',
      help: 'The layer’s inputs; the last rows (held-out fraction) measure the error.',
    }),
    heldFraction: num({
      label: 'Held-out fraction of X',
      default: 0.2,
      min: 0.05,
      max: 0.5,
      group: 'Data',
      show: (v) => v.data === 'file',
      help: 'The last rows of X are held out; the rest calibrate.',
    }),
    rows: num({
      label: 'Outputs (rows of W)',
      default: 128,
      min: 1,
      max: 2048,
      int: true,
      group: 'Data',
      show: synthetic,
    }),
    cols: num({
      label: 'Inputs (columns of W)',
      default: 256,
      min: 2,
      max: 2048,
      int: true,
      group: 'Data',
      show: synthetic,
    }),
    tokens: num({
      label: 'Calibration tokens',
      default: 1024,
      min: 2,
      max: 16384,
      int: true,
      log: true,
      group: 'Data',
      show: synthetic,
    }),
    heldTokens: num({
      label: 'Held-out tokens',
      default: 256,
      min: 1,
      max: 16384,
      int: true,
      log: true,
      group: 'Data',
      show: synthetic,
    }),
    outlierChannels: num({
      label: 'Outlier channels',
      default: 8,
      min: 0,
      max: 2048,
      int: true,
      group: 'Data',
      show: (v) => v.data === 'outliers',
    }),
    outlierScale: num({
      label: 'Outlier scale',
      default: 20,
      min: 1,
      max: 1000,
      group: 'Data',
      show: (v) => v.data === 'outliers',
    }),
    seed: seedField,
    ...limitFields,
  },
  rules: (v) => {
    const issues: Issue[] = [];
    if (v.pattern === 'N:M' && v.nmN >= v.nmM)
      issues.push({ field: 'nmN', message: `N (${v.nmN}) must be smaller than M (${v.nmM})` });
    if (v.data !== 'file') {
      if (v.rows * v.cols > 1 << 20)
        issues.push({
          field: 'cols',
          message: 'rows × inputs must stay under 1M weights (the CPU references are float64 loops)',
        });
      if (v.outlierChannels > v.cols && v.data === 'outliers')
        issues.push({ field: 'outlierChannels', message: 'more outlier channels than inputs' });
      if (v.pattern === 'N:M' && v.nmM > v.cols)
        issues.push({
          field: 'nmM',
          message: `M (${v.nmM}) is larger than the number of inputs (${v.cols})`,
        });
      if (isLayer(v) && methodUses('atoms')(v) && v.atoms > v.cols)
        issues.push({
          field: 'atoms',
          message: `atoms k (${v.atoms}) must not exceed the inputs (${v.cols})`,
        });
    }
    if (v.study === 'training' && v.data !== 'digits_mlp')
      issues.push({
        field: 'study',
        message: 'the training study needs data = digits_mlp (it trains the network)',
      });
    if (v.data === 'digits_mlp') {
      const minIn = Math.min(DIGITS_INPUTS, v.hidden);
      if (v.pattern === 'N:M' && v.nmM > minIn)
        issues.push({ field: 'nmM', message: `M (${v.nmM}) is larger than a layer's inputs (${minIn})` });
      if (isLayer(v) && methodUses('atoms')(v) && v.atoms > minIn)
        issues.push({
          field: 'atoms',
          message: `atoms k (${v.atoms}) must not exceed a layer's inputs (${minIn})`,
        });
    }
    if (isLayer(v) && methodUses('nonzeros')(v) && v.nonzeros > v.atoms)
      issues.push({
        field: 'nonzeros',
        message: `non-zeros s (${v.nonzeros}) must not exceed the atoms k (${v.atoms})`,
      });
    return issues;
  },
  // The data-source rule the CLI, the page and the runner share (workers/spec/data-rule.ts): a W or X file
  // selects data = file; with a built-in layer or the digits network, a file is an error naming it.
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
            ['W', 'X'],
            `data = ${v.data} builds its own ${v.data === 'digits_mlp' ? 'network' : 'layer'}; choose data = file to prune your own layer`,
          ),
        );
      else
        issues.push(
          ...missingFiles(given, [
            ['W', 'your layer (data=file) needs W: the layer’s weights, out × in (.npy)'],
            ['X', 'your layer (data=file) needs X: its calibration inputs, tokens × in (.npy)'],
          ]),
        );
      return issues;
    },
    derived(v): Record<string, number> {
      const w = v.data === 'file' ? shapeOf(v, 'W') : null;
      return w?.length === 2 ? { rows: w[0], cols: w[1] } : {};
    },
    ignored: (v) =>
      v.data === 'file'
        ? ['tokens', 'heldTokens', 'outlierChannels', 'outlierScale']
        : v.data === 'digits_mlp'
          ? ['rows', 'cols', 'tokens', 'heldTokens', 'outlierChannels', 'outlierScale']
          : [],
  },
});

export type PruningValues = typeof pruningSpec.defaults;

/** The pattern a spec asks for, as N and M (null: unstructured at `sparsity`). */
export function patternOf(
  v: Pick<PruningValues, 'pattern' | 'nmN' | 'nmM'>,
): { n: number; m: number } | null {
  if (v.pattern === 'unstructured') return null;
  if (v.pattern === 'N:M') return { n: v.nmN, m: v.nmM };
  const [n, m] = v.pattern.split(':').map(Number);
  return { n, m };
}
