/** Attention lab: dense, windowed, block-sparse, HiP, SEA, linear, SLA and log-linear attention on the same Q/K/V. */
import { limitFields, seedField } from './common';
import { type DataIssue, shapeOf, unusedFiles } from './data-rule';
import { defineSpec, type Issue } from './define';
import { bool, choice, file, num, text } from './fields';

type V = Record<string, unknown>;

export interface AttentionMethodInfo {
  /** The method's name in the controls (the spec's option label). */
  label: string;
  /**
   * Its name in results (views title, sweep and tables). Kept apart from `label` only because the preset fingerprints
   * (test/fixtures/preset-fingerprints.json) record the views' text: unifying the two changes them.
   */
  resultLabel: string;
  /** Anchor of its section in docs/methods.md (the help link). */
  docs: string;
  /** Method-specific spec fields: a control in this list is shown only for the methods listing it. */
  fields: readonly string[];
  /** Extra conditions on a listed field for this method (e.g. ρ only with top-k selection). */
  when?: Readonly<Record<string, (v: V) => boolean>>;
  /** Which masking it supports: both, causal only or non-causal only (checked by the rules and the hybrid). */
  causality: 'both' | 'causal' | 'non-causal';
  /** The sentence said when the other masking is asked for (methods with one causality only). */
  causalityNote?: string;
  /** Its work on WebGPU: `true` when every stage has a kernel, else the sentence saying what stays on the CPU. */
  gpu: true | string;
}

/** The one table of attention methods: options, labels, help links, which controls show, causality, GPU path. */
export const ATTENTION_METHOD_INFO = {
  dense: {
    label: 'Dense softmax (flash)',
    resultLabel: 'Dense softmax (flash)',
    docs: 'dense-flash-attention',
    fields: [],
    causality: 'both',
    gpu: true,
  },
  window: {
    label: 'Sliding window + sinks',
    resultLabel: 'Sliding window + sinks',
    docs: 'sliding-window-and-sinks',
    fields: ['window', 'sinks'],
    causality: 'both',
    gpu: true,
  },
  blocksparse: {
    label: 'Block-sparse top-k / top-p',
    resultLabel: 'Block-sparse',
    docs: 'block-sparse-top-k-and-top-p',
    fields: ['block', 'selection', 'simGuard', 'simTheta', 'rho', 'topP'],
    when: { rho: (v) => v.selection === 'topk', topP: (v) => v.selection !== 'topk' },
    causality: 'both',
    gpu: 'Block scores and attention run on the GPU; the top-k / top-p selection and the self-similarity guard are plain TypeScript on both backends.',
  },
  hip: {
    label: 'HiP tree-search mask (training-free)',
    resultLabel: 'HiP (training-free)',
    docs: 'hip',
    fields: ['window', 'sinks', 'hipK', 'hipBk', 'hipBsq'],
    causality: 'both',
    gpu: true,
  },
  sea: {
    label: 'SEA estimated mask (training-free variant)',
    resultLabel: 'SEA (training-free variant, lab design)',
    docs: 'sea',
    fields: ['rho', 'featureMap', 'favorFeatures'],
    causality: 'both',
    gpu: 'The mask estimate and attention run on the GPU; the top-k over buckets is plain TypeScript on both backends.',
  },
  linear: {
    label: 'Linear attention',
    resultLabel: 'Linear attention',
    docs: 'linear-attention',
    fields: ['featureMap', 'favorFeatures', 'chunk'],
    causality: 'both',
    gpu: true,
  },
  sla: {
    label: 'SLA sparse + linear (training-free)',
    resultLabel: 'SLA (training-free, lab design)',
    docs: 'sla',
    fields: ['block', 'featureMap', 'favorFeatures', 'kh', 'kl', 'combine', 'projection'],
    causality: 'both',
    gpu: 'Classification, sparse and linear parts run on the GPU; the fitted projection is a CPU ridge fit.',
  },
  loglinear: {
    label: 'Log-linear (Fenwick levels)',
    resultLabel: 'Log-linear (Fenwick levels)',
    docs: 'log-linear-attention',
    fields: ['featureMap', 'favorFeatures', 'chunk', 'levelWeights', 'beta'],
    causality: 'causal',
    causalityNote: 'log-linear attention is causal only',
    gpu: 'The Fenwick-level scan runs on the GPU; fitted level weights are a CPU least-squares fit.',
  },
  llsa: {
    label: 'LLSA log-linear sparse (training-free)',
    resultLabel: 'LLSA (training-free)',
    docs: 'methods-and-where-the-lab-departs-from-each-paper',
    fields: ['llsaK', 'llsaLevels', 'llsaEnrich'],
    causality: 'non-causal',
    causalityNote: 'LLSA is non-causal (as in its paper)',
    gpu: 'Attention over the selected blocks runs on the GPU; the hierarchical selection is plain TypeScript on both backends.',
  },
} as const satisfies Record<string, AttentionMethodInfo>;

export type AttentionMethod = keyof typeof ATTENTION_METHOD_INFO;
export const ATTENTION_METHODS = Object.keys(ATTENTION_METHOD_INFO) as AttentionMethod[];
const methodInfo = (m: AttentionMethod): AttentionMethodInfo => ATTENTION_METHOD_INFO[m];

/** The method's result label (views, tables, stage records). */
export const attentionMethodLabel = (m: AttentionMethod) => methodInfo(m).resultLabel;

/** Why a method cannot run with this causal setting, or null. */
export function causalityIssue(m: AttentionMethod, causal: boolean): string | null {
  const info = methodInfo(m);
  const wanted = causal ? 'causal' : 'non-causal';
  if (info.causality === 'both' || info.causality === wanted) return null;
  return info.causalityNote ?? `${info.resultLabel} is ${info.causality} only`;
}

const fromTable = <K extends string>(pick: (i: AttentionMethodInfo) => string) =>
  Object.fromEntries(ATTENTION_METHODS.map((m) => [m, pick(methodInfo(m))])) as Record<K, string>;

/** Shown when the chosen method lists the field (and the method's extra condition on it holds). */
const uses = (field: string) => (v: V) => {
  const info = methodInfo(v.method as AttentionMethod);
  return info.fields.includes(field) && (info.when?.[field]?.(v) ?? true);
};

export const ATTENTION_DATA = [
  'gaussian',
  'local',
  'clustered',
  'needle',
  'sinks',
  'sla_structure',
  'rope_local',
  'a_shape',
  'vertical_slash',
  'block_clusters',
  'video3d',
  'video3d_tiled',
  'mixed_heads',
  'file',
] as const;
export type AttentionData = (typeof ATTENTION_DATA)[number];

/** Kernel tile (rows and columns): block sizes must be multiples of it. */
export const ATTN_TILE = 32;

/** The full-resolution zoom is a ZOOM_SIZE×ZOOM_SIZE window, built only when N > ZOOM_SIZE. */
export const ZOOM_SIZE = 64;
/** The largest query/key index a zoom centre can name (the largest N − 1). */
export const ZOOM_MAX_INDEX = 16383;

/** The zoom exists when N > ZOOM_SIZE (own data: N is only known at run time). */
const hasZoom = (v: Record<string, unknown>) => v.data === 'file' || (v.n as number) > ZOOM_SIZE;

export const attentionSpec = defineSpec({
  id: 'attention',
  title: 'Attention: dense, sparse and linear',
  fields: {
    method: choice(ATTENTION_METHODS, {
      label: 'Method',
      default: 'blocksparse',
      group: 'Method',
      optionLabels: fromTable<AttentionMethod>((i) => i.label),
      optionDocs: fromTable<AttentionMethod>((i) => i.docs),
      help: 'Which attention to run; every method is compared against dense softmax attention on the same Q, K, V.',
    }),
    causal: bool({
      label: 'Causal',
      default: true,
      group: 'Method',
      help: 'Query i sees key j only when j ≤ i.',
    }),
    data: choice(ATTENTION_DATA, {
      label: 'Q, K, V',
      default: 'local',
      group: 'Data',
      optionLabels: {
        gaussian: 'i.i.d. Gaussian',
        local: 'Local (scores decay with distance)',
        clustered: 'Clustered keys',
        needle: 'Needle retrieval',
        sinks: 'Attention sinks',
        sla_structure: 'SLA structure (sparse high-rank + low-rank)',
        rope_local: 'Realistic: RoPE local head',
        a_shape: 'Realistic: A-shape (sinks + local)',
        vertical_slash: 'Realistic: vertical-slash (MInference)',
        block_clusters: 'Realistic: block-sparse topics (retrieval)',
        video3d: 'Realistic: video DiT 3D locality (F×H×W, raster order)',
        video3d_tiled: 'Realistic: video DiT 3D locality, 4×4×4-tile order',
        mixed_heads: 'Realistic: mixed heads (local, retrieval, sink, slash)',
        file: 'My own .npy files',
      },
      help: 'Synthetic Q/K/V showing one phenomenon each, or your own arrays (N×d or H×N×d .npy). Choosing a file selects “My own .npy files”; choosing a generator drops the files.',
    }),
    q: file({
      label: 'Q (.npy)',
      group: 'Data',
      help: 'Queries, N×d or H×N×d.',
    }),
    k: file({
      label: 'K (.npy)',
      group: 'Data',
      help: 'Keys, same shape as Q.',
    }),
    v: file({
      label: 'V (.npy)',
      group: 'Data',
      help: 'Values, same shape as Q.',
    }),
    n: num({
      label: 'Sequence length N',
      default: 512,
      min: 16,
      max: 16384,
      int: true,
      log: true,
      group: 'Sizes',
      show: (v) => v.data !== 'file',
      help: 'Tokens per head; any length, not only multiples of the tile.',
    }),
    d: num({
      label: 'Head dim d',
      default: 64,
      min: 16,
      max: 256,
      int: true,
      group: 'Sizes',
      show: (v) => v.data !== 'file',
    }),
    heads: num({
      label: 'Heads H',
      default: 1,
      min: 1,
      max: 16,
      int: true,
      group: 'Sizes',
      show: (v) => v.data !== 'file',
    }),
    seed: seedField,
    ...limitFields,
    window: num({
      label: 'Window w',
      default: 64,
      min: 1,
      max: 32768,
      int: true,
      log: true,
      group: 'Sparsity',
      show: uses('window'),
      help: 'Causal: the w most recent keys (i−w < j ≤ i). Non-causal: |i−j| ≤ ⌊w/2⌋.',
    }),
    sinks: num({
      label: 'Sink tokens s',
      default: 4,
      min: 0,
      max: 1024,
      int: true,
      group: 'Sparsity',
      show: uses('sinks'),
      help: 'The first s keys are visible to every query (StreamingLLM).',
    }),
    block: num({
      label: 'Block size b',
      default: 32,
      min: 32,
      max: 256,
      int: true,
      step: 32,
      group: 'Sparsity',
      show: uses('block'),
      help: 'Query and key block size for pooling and selection; a multiple of the kernel tile (32).',
    }),
    selection: choice(['topk', 'topp', 'topp_sparge'], {
      label: 'Block selection',
      default: 'topk',
      group: 'Sparsity',
      show: uses('selection'),
      optionLabels: {
        topk: 'Top-k (fraction ρ)',
        topp: 'Top-p: fewest blocks reaching mass p',
        topp_sparge: 'Top-p, SpargeAttn: longest prefix with mass ≤ p',
      },
      help: 'The two top-p rules differ by at most one block per row: SpargeAttn’s code stops before the block that would pass p.',
    }),
    simGuard: bool({
      label: 'Self-similarity guard (SpargeAttn)',
      default: false,
      group: 'Sparsity',
      show: uses('simGuard'),
      help: 'Blocks whose queries or keys do not point the same way (mean pairwise cosine ≤ θ) are not represented by their mean: they are always computed, shown as their own class and counted as kept.',
    }),
    simTheta: num({
      label: 'Self-similarity threshold θ',
      default: 0.3,
      min: -1,
      max: 0.99,
      step: 0.01,
      group: 'Sparsity',
      show: (v) => uses('simTheta')(v) && v.simGuard === true,
      help: 'A block is self-similar when the mean cosine over all pairs of its rows (keys centred) exceeds θ. SpargeAttn’s defaults range from −0.1 to 0.6 by entry point.',
    }),
    rho: num({
      label: 'Kept fraction ρ',
      default: 0.2,
      min: 0.01,
      max: 1,
      step: 0.01,
      group: 'Sparsity',
      show: uses('rho'),
      help: 'Block-sparse: fraction of visible key blocks kept per query block. SEA: fraction of compressed columns kept per query.',
    }),
    topP: num({
      label: 'Top-p mass p',
      default: 0.9,
      min: 0.5,
      max: 1,
      step: 0.01,
      group: 'Sparsity',
      show: uses('topP'),
      help: 'Estimated (pooled) attention mass p the kept key blocks reach (or, SpargeAttn’s rule, do not exceed).',
    }),
    hipK: num({
      label: 'HiP token budget k',
      default: 64,
      min: 8,
      max: 8192,
      int: true,
      log: true,
      group: 'Sparsity',
      show: uses('hipK'),
      help: 'Keys selected per query block by the tree search, on top of sinks and window.',
    }),
    hipBk: num({
      label: 'HiP key block b_k',
      default: 2,
      min: 1,
      max: 8,
      int: true,
      group: 'Sparsity',
      show: uses('hipBk'),
    }),
    hipBsq: num({
      label: 'HiP query stride b_sq',
      default: 2,
      min: 1,
      max: 8,
      int: true,
      group: 'Sparsity',
      show: uses('hipBsq'),
      help: 'Every b_sq-th query of a block scores the tree nodes.',
    }),
    featureMap: choice(['elu1', 'relu', 'favor', 'cosformer', 'softmax'], {
      label: 'Feature map φ',
      default: 'elu1',
      group: 'Linear part',
      show: uses('featureMap'),
      optionLabels: {
        elu1: 'elu + 1',
        relu: 'ReLU',
        favor: 'Performer FAVOR+',
        cosformer: 'cosFormer',
        softmax: 'softmax over the head dim (SLA’s default)',
      },
      optionDocs: {
        elu1: 'feature-map-elu1',
        relu: 'feature-map-relu',
        favor: 'feature-map-favor',
        cosformer: 'feature-map-cosformer',
        softmax: 'methods-and-where-the-lab-departs-from-each-paper',
      },
      help: 'Linear attention, SLA’s marginal blocks and SEA’s mask estimate use this φ.',
    }),
    favorFeatures: num({
      label: 'FAVOR+ features m',
      default: 0,
      min: 0,
      max: 2048,
      int: true,
      group: 'Linear part',
      show: (v) => uses('favorFeatures')(v) && v.featureMap === 'favor',
      help: '0 = ⌊d·ln d⌋. Random features, seeded.',
    }),
    chunk: num({
      label: 'Chunk size C',
      default: 64,
      min: 16,
      max: 1024,
      int: true,
      log: true,
      group: 'Linear part',
      show: uses('chunk'),
      help: 'Causal linear attention runs as chunked prefix sums with this chunk.',
    }),
    kh: num({
      label: 'SLA critical kh',
      default: 5,
      min: 1,
      max: 100,
      unit: '%',
      group: 'Sparsity',
      show: uses('kh'),
      help: 'Top kh% of key blocks per query block: exact softmax attention.',
    }),
    kl: num({
      label: 'SLA negligible kl',
      default: 10,
      min: 0,
      max: 99,
      unit: '%',
      group: 'Sparsity',
      show: uses('kl'),
      help: 'Bottom kl% of key blocks: skipped. The rest are marginal: linear attention.',
    }),
    combine: choice(['mix', 'sum'], {
      label: 'SLA combination',
      default: 'mix',
      group: 'Linear part',
      show: uses('combine'),
      optionLabels: {
        mix: 'mix: α·O_s + (1−α)·O_l (lab design)',
        sum: 'sum: O_s + Proj(O_l) (the paper)',
      },
      help: 'How SLA adds its linear branch. The paper sums O_s and a learned projection of O_l; the lab’s mix weights by the estimated critical mass α.',
    }),
    projection: choice(['zero', 'identity', 'fitted'], {
      label: 'SLA projection Proj',
      default: 'fitted',
      group: 'Linear part',
      show: (v) => uses('projection')(v) && v.combine === 'sum',
      optionLabels: {
        zero: 'zero (paper’s initialisation: SLA = block-sparse)',
        identity: 'identity (untrained, no projection)',
        fitted: 'fitted: ridge on calibration rows (training-free stand-in)',
      },
      help: 'Proj(o) = [o, 1]·W. Fitted: W from a ridge regression of (dense − sparse) on the linear branch over a seeded quarter of the rows; errors are reported on the other rows. The paper fine-tunes the whole model instead.',
    }),
    levelWeights: choice(['beta', 'fitted'], {
      label: 'Log-linear level weights λ',
      default: 'beta',
      group: 'Linear part',
      show: uses('levelWeights'),
      optionLabels: {
        beta: 'fixed profile λ^(ℓ) = β^ℓ',
        fitted: 'fitted by least squares on calibration rows',
      },
      help: 'The paper learns λ per token and level. Fitted: one λ per level and head from a quarter of the rows (seeded), judged on the rest.',
    }),
    beta: num({
      label: 'Log-linear β',
      default: 0.5,
      min: 0.01,
      max: 1,
      step: 0.01,
      group: 'Linear part',
      show: (v) => uses('beta')(v) && v.levelWeights === 'beta',
      help: 'λ^(ℓ) = β^ℓ; β = 1 is plain causal linear attention.',
    }),
    llsaK: num({
      label: 'LLSA blocks per level K',
      default: 8,
      min: 1,
      max: 1024,
      int: true,
      log: true,
      group: 'Sparsity',
      show: uses('llsaK'),
      help: 'Each query block keeps its K best blocks at every level (16-token blocks at level 1, 256 at level 2, …). The released config uses K = 8.',
    }),
    llsaLevels: num({
      label: 'LLSA levels L',
      default: 0,
      min: 0,
      max: 4,
      int: true,
      group: 'Sparsity',
      show: uses('llsaLevels'),
      help: '0 = the released code’s rule: one pooled level below N = 16384, two from there.',
    }),
    llsaEnrich: choice(['code', 'partition', 'none'], {
      label: 'LLSA KV enrichment',
      default: 'code',
      group: 'Sparsity',
      show: uses('llsaEnrich'),
      optionLabels: {
        code: 'code: pooled tokens of every candidate, weighted by size',
        partition: 'partition: pooled tokens of unpicked candidates only (lab design)',
        none: 'none: fine tokens of the picks only',
      },
      help: 'What besides the picked 16-token blocks each query sees: coarse (pooled) keys and values standing for the rest.',
    }),
    tune: text({
      label: 'Error budget (tuner)',
      default: 'off',
      pattern: /^(off|cosine:(0(\.\d{1,6})?|1(\.0{1,6})?)|rel:\d{1,3}(\.\d{1,6})?)$/,
      expects: 'off, cosine:C (0 < C ≤ 1, e.g. cosine:0.99) or rel:X (relative L2 error ≤ X, e.g. rel:0.05)',
      maxLength: 20,
      placeholder: 'cosine:0.99',
      group: 'Views',
      help: 'Find, per method, the cheapest setting of its sparsity knob that meets the target (bisection over a grid; steps appear in the error-vs-compute chart). off = no tuning.',
    }),
    hybrid: text({
      label: 'Per-head methods (hybrid)',
      default: '',
      pattern: new RegExp(
        `^(|auto|(${ATTENTION_METHODS.join('|')})(,(${ATTENTION_METHODS.join('|')})){0,63})$`,
      ),
      expects:
        'empty, auto, or a comma list of methods, one per head (e.g. blocksparse,window,linear,window)',
      maxLength: 800,
      placeholder: 'auto',
      group: 'Method',
      show: (v) => v.data === 'file' || (v.heads as number) > 1,
      help: 'Give each head its own method (each with this spec’s knob values), or auto: heads whose dense mass is local (window + sinks) get the window, the others block-sparse; with an error budget set, auto takes each head’s cheapest method meeting it. Compared with all-dense and all-block-sparse.',
    }),
    massCurve: bool({
      label: 'Block-mass curve against N',
      default: false,
      group: 'Views',
      help: 'Also chart the share of attention mass in the top 10% of key blocks for N = 512…4096 on the realistic generators and i.i.d. Gaussian data (and your own Q/K).',
    }),
    sweep: bool({
      label: 'Error-vs-sparsity sweep',
      default: true,
      group: 'Views',
      help: 'Also run several methods at several sparsities on the same data (first head) and plot error vs sparsity.',
    }),
    zoomQ: num({
      label: 'Zoom centre: query',
      default: -1,
      min: -1,
      max: ZOOM_MAX_INDEX,
      int: true,
      group: 'Views',
      show: hasZoom,
      help: `Query index at the centre of the ${ZOOM_SIZE}×${ZOOM_SIZE} full-resolution zoom (clamped to the matrix). −1 = automatic: the query with the largest error. Click the map to set it.`,
    }),
    zoomK: num({
      label: 'Zoom centre: key',
      default: -1,
      min: -1,
      max: ZOOM_MAX_INDEX,
      int: true,
      group: 'Views',
      show: hasZoom,
      help: 'Key index at the centre of the zoom. −1 = automatic: the heaviest key of the zoom’s centre query. Click the map to set it.',
    }),
  },
  rules: (v) => {
    const issues: Issue[] = [];
    const fromFile = v.data === 'file';
    if (!fromFile && v.window > 2 * v.n)
      issues.push({
        field: 'window',
        fields: ['n'],
        message: 'window must be at most 2·N (non-causal half-width ≤ N)',
      });
    if (!fromFile && v.sinks > v.n)
      issues.push({ field: 'sinks', fields: ['n'], message: 'sinks must be at most N' });
    if (v.block % 32 !== 0)
      issues.push({ field: 'block', message: 'block size must be a multiple of 32 (the kernel tile)' });
    if (Math.ceil(v.hipK / v.hipBk) > 256)
      issues.push({
        field: 'hipK',
        fields: ['hipBk'],
        message: 'HiP keeps at most 256 tree nodes: k/b_k ≤ 256',
      });
    if (v.kh + v.kl > 100)
      issues.push({ field: 'kl', fields: ['kh'], message: 'kh + kl must be at most 100%' });
    if (v.tune.startsWith('cosine:') && !(Number(v.tune.slice(7)) > 0 && Number(v.tune.slice(7)) <= 1))
      issues.push({ field: 'tune', message: 'tune=cosine:C needs 0 < C ≤ 1' });
    if (v.tune.startsWith('rel:') && !(Number(v.tune.slice(4)) > 0))
      issues.push({ field: 'tune', message: 'tune=rel:X needs X > 0' });
    if (v.hybrid && v.hybrid !== 'auto') {
      const list = v.hybrid.split(',');
      if (!fromFile && list.length !== v.heads)
        issues.push({
          field: 'hybrid',
          fields: ['heads'],
          message: `hybrid lists ${list.length} method(s) but there are ${v.heads} heads: give one per head`,
        });
      for (const m of new Set(list)) {
        const why = causalityIssue(m as AttentionMethod, v.causal);
        if (why)
          issues.push({
            field: 'hybrid',
            fields: ['causal'],
            message: `${why}: remove ${m} from hybrid or set causal ${v.causal ? 'off' : 'on'}`,
          });
      }
    }
    {
      const why = causalityIssue(v.method, v.causal);
      if (why)
        issues.push({
          field: 'causal',
          fields: ['method'],
          message:
            ATTENTION_METHOD_INFO[v.method].causality === 'non-causal' ? `${why}: set causal off` : why,
        });
    }
    // Checked only while the zoom exists (its controls are shown); own data: the runner clamps to its N.
    if (!fromFile && v.n > ZOOM_SIZE) {
      for (const key of ['zoomQ', 'zoomK'] as const) {
        if (v[key] !== -1 && v[key] >= v.n)
          issues.push({
            field: key,
            fields: ['n'],
            message: `${key} must be −1 (automatic) or below N = ${v.n}`,
          });
      }
    }
    return issues;
  },
  data: {
    sourceField: 'data',
    fileSource: 'file',
    check(v, given) {
      const issues: DataIssue[] = [];
      if (v.data !== 'file') {
        issues.push(
          ...unusedFiles(
            v,
            given,
            ['q', 'k', 'v'],
            `Q, K and V come from the “${v.data}” generator (data=${v.data}); choose data=file (“My own .npy files”) to use your files`,
          ),
        );
      } else {
        const missing = (['q', 'k', 'v'] as const).filter((key) => !given.has(key));
        if (missing.length)
          issues.push({
            field: missing[0],
            missing: true,
            message: `your own Q, K, V (data=file) need all three .npy files; missing: ${missing.join(', ')}`,
          });
      }
      return issues;
    },
    derived(v): Record<string, number> {
      const shape = v.data === 'file' ? shapeOf(v, 'q') : null;
      if (!shape || (shape.length !== 2 && shape.length !== 3)) return {};
      const [heads, n, d] = shape.length === 2 ? [1, shape[0], shape[1]] : shape;
      return { heads, n, d };
    },
  },
});
