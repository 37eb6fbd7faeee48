/**
 * The regression lab's descriptor tables: one entry per solver and one per study. The spec's options,
 * labels and docs anchors, which controls are shown, which solvers take α or l1Ratio, chart titles,
 * stage records and the cost model all read them. The implementation half (runners, single fits,
 * parity, Python export) is workers/experiments/regression/registry.ts; TypeScript makes both complete.
 */

export const SOLVERS = [
  'lasso',
  'enet',
  'lasso_path',
  'enet_path',
  'lars_lasso',
  'omp',
  'iht',
  'htp',
  'fista',
  'sbl',
  'ridge',
  'ldp_ni',
  'ldp_si',
  'precond_lasso',
  'kron_sbl',
] as const;
export type Solver = (typeof SOLVERS)[number];

export const STUDIES = [
  'fit',
  'cv',
  'sweep_n',
  'sweep_eps',
  'phase',
  'supports',
  'sweep_d',
  'sweep_k',
] as const;
export type Study = (typeof STUDIES)[number];

/** Method fields of the spec that a solver may use (each shown only for the solvers that list it). */
export type SolverField =
  | 'alpha'
  | 'alphaRule'
  | 'nAlphas'
  | 'eps'
  | 'l1Ratio'
  | 'k'
  | 'residTol'
  | 'sblUpdate'
  | 'tol'
  | 'maxIter'
  | 'epsilon'
  | 'delta'
  | 'publicX'
  | 'clip'
  | 'kronVariant'
  | 'kronData';

/**
 * How workers/scale/cost.ts counts one solve: a d×d direct solve, greedy atom selection with a growing
 * Cholesky factor, a LARS path of min(n, d) breakpoints, dense EM updates (d×d per iteration), or
 * 4nd per iteration.
 */
export type SolverCostModel = 'direct' | 'greedy' | 'lars-path' | 'dense-em' | 'iterative';

export interface SolverInfo {
  /** The one label: spec options, controls and exports. */
  label: string;
  /** Its short name in chart titles, tables and stage records. */
  title: string;
  /** The label on WebGPU when another algorithm runs there (paths are solved by FISTA on the GPU). */
  webgpuLabel?: string;
  /** Heading anchor in docs/methods.md. */
  doc?: string;
  /** The spec fields it reads. */
  fields: readonly SolverField[];
  /** The studies in which it reads the α field (default: all that take α). */
  alphaStudies?: readonly Study[];
  /** A whole path over α (alphas.npy, coefs.npy) rather than one fit. */
  path: boolean;
  /** A local-differential-privacy estimator (needs the generating model; synthetic data only). */
  ldp: boolean;
  /** Takes part in K-fold cross-validation over the α grid. */
  cv: boolean;
  /** As the phase-diagram solver: which batched kernel solves each problem (null: not offered). */
  phase: 'omp' | 'fista' | null;
  /** Said under every single fit of this solver (where the lab departs from the paper). */
  note?: string;
  /** On WebGPU (study=fit): what the GPU computes, or null with the reason it stays on the CPU. */
  gpu: { stage: string; what: string } | null;
  /** The CPU stage of a single fit (study=fit). */
  cpu: { stage: string; what: string };
  /** Chart-title note of which algorithm solved it, when it differs by backend. */
  backendNote?: { webgpu: string; cpu: string };
  cost: SolverCostModel;
}

const CD_DOC = 'coordinate-descent-lasso-and-elastic-net';
const ITER = ['tol', 'maxIter'] as const;
const LDP_FIELDS = ['k', 'epsilon', 'delta', 'clip'] as const;
const LDP_NOTE =
  'LDP: every user’s (x, y) is truncated and privatised with the Gaussian mechanism before the server sees it; constants are this lab’s reading of arXiv 2310.07367.';
const onCpu = (title: string) => ({ stage: 'solve', what: title });

export const SOLVER_INFO: { readonly [K in Solver]: SolverInfo } = {
  lasso: {
    label: 'Lasso (coordinate descent)',
    title: 'Lasso (coordinate descent)',
    doc: CD_DOC,
    fields: ['alpha', 'alphaRule', ...ITER],
    path: false,
    ldp: false,
    cv: true,
    phase: 'fista',
    gpu: null,
    cpu: onCpu('Lasso (coordinate descent)'),
    cost: 'iterative',
  },
  enet: {
    label: 'Elastic net (coordinate descent)',
    title: 'Elastic net (coordinate descent)',
    doc: CD_DOC,
    fields: ['alpha', 'alphaRule', 'l1Ratio', ...ITER],
    path: false,
    ldp: false,
    cv: true,
    phase: null,
    gpu: null,
    cpu: onCpu('Elastic net (coordinate descent)'),
    cost: 'iterative',
  },
  lasso_path: {
    label: 'Lasso path (CD, warm starts)',
    title: 'Lasso path',
    webgpuLabel: 'Lasso path (FISTA on WebGPU, warm starts)',
    doc: CD_DOC,
    fields: ['nAlphas', 'eps', ...ITER],
    path: true,
    ldp: false,
    cv: true,
    phase: null,
    gpu: { stage: 'path', what: 'FISTA (warm starts along α)' },
    cpu: { stage: 'path', what: 'coordinate descent (warm starts along α)' },
    backendNote: { webgpu: ' (FISTA on WebGPU)', cpu: ' (coordinate descent)' },
    cost: 'iterative',
  },
  enet_path: {
    label: 'Elastic-net path (CD, warm starts)',
    title: 'Elastic-net path',
    webgpuLabel: 'Elastic-net path (FISTA on WebGPU, warm starts)',
    doc: CD_DOC,
    fields: ['nAlphas', 'eps', 'l1Ratio', ...ITER],
    path: true,
    ldp: false,
    cv: true,
    phase: null,
    gpu: { stage: 'path', what: 'FISTA (warm starts along α)' },
    cpu: { stage: 'path', what: 'coordinate descent (warm starts along α)' },
    backendNote: { webgpu: ' (FISTA on WebGPU)', cpu: ' (coordinate descent)' },
    cost: 'iterative',
  },
  lars_lasso: {
    label: 'LARS-lasso (exact path)',
    title: 'LARS-lasso path',
    doc: 'lars-lasso',
    fields: [],
    path: true,
    ldp: false,
    cv: false,
    phase: null,
    gpu: null,
    cpu: { stage: 'path', what: 'LARS-lasso (exact breakpoints)' },
    cost: 'lars-path',
  },
  omp: {
    label: 'Orthogonal matching pursuit',
    title: 'OMP',
    doc: 'omp',
    fields: ['k', 'residTol'],
    path: false,
    ldp: false,
    cv: false,
    phase: 'omp',
    gpu: null,
    cpu: onCpu('OMP'),
    cost: 'greedy',
  },
  iht: {
    label: 'Iterative hard thresholding (normalised)',
    title: 'Normalised IHT',
    doc: 'iht',
    fields: ['k', ...ITER],
    path: false,
    ldp: false,
    cv: false,
    phase: null,
    gpu: null,
    cpu: onCpu('Normalised IHT'),
    cost: 'iterative',
  },
  htp: {
    label: 'Hard thresholding pursuit',
    title: 'HTP',
    doc: 'htp',
    fields: ['k', ...ITER],
    path: false,
    ldp: false,
    cv: false,
    phase: null,
    gpu: null,
    cpu: onCpu('HTP'),
    cost: 'iterative',
  },
  fista: {
    label: 'FISTA (proximal gradient)',
    title: 'FISTA',
    webgpuLabel: 'FISTA (proximal gradient; WebGPU)',
    doc: 'ista-and-fista',
    fields: ['alpha', 'alphaRule', 'l1Ratio', ...ITER],
    path: false,
    ldp: false,
    cv: false,
    phase: 'fista',
    gpu: { stage: 'solve', what: 'FISTA' },
    cpu: { stage: 'solve', what: 'FISTA' },
    backendNote: { webgpu: ' on WebGPU', cpu: ' on the CPU' },
    cost: 'iterative',
  },
  sbl: {
    label: 'Sparse Bayesian learning (EM)',
    title: 'Sparse Bayesian learning',
    doc: 'sbl',
    fields: ['sblUpdate', ...ITER],
    path: false,
    ldp: false,
    cv: false,
    phase: null,
    gpu: null,
    cpu: onCpu('Sparse Bayesian learning'),
    cost: 'dense-em',
  },
  ridge: {
    label: 'Ridge / least squares',
    title: 'Ridge',
    doc: 'ridge',
    fields: ['alpha'],
    path: false,
    ldp: false,
    cv: false,
    phase: null,
    gpu: null,
    cpu: onCpu('Ridge'),
    cost: 'direct',
  },
  ldp_ni: {
    label: 'LDP, non-interactive (arXiv 2310.07367)',
    title: 'LDP non-interactive',
    doc: 'ldp-estimators',
    fields: [...LDP_FIELDS, 'publicX'],
    path: false,
    ldp: true,
    cv: false,
    phase: null,
    gpu: null,
    cpu: onCpu('LDP non-interactive'),
    note: LDP_NOTE,
    cost: 'direct',
  },
  ldp_si: {
    label: 'LDP, sequentially interactive (LDP-IHT)',
    title: 'LDP sequentially interactive',
    doc: 'ldp-estimators',
    fields: LDP_FIELDS,
    path: false,
    ldp: true,
    cv: false,
    phase: null,
    gpu: null,
    cpu: onCpu('LDP sequentially interactive'),
    note: LDP_NOTE,
    cost: 'direct',
  },
  precond_lasso: {
    label: 'Preconditioned Lasso (exploratory; not arXiv 2511.06211’s algorithm)',
    title: 'Preconditioned Lasso (exploratory)',
    fields: ['alpha'],
    alphaStudies: ['fit'],
    path: false,
    ldp: false,
    cv: false,
    phase: null,
    gpu: null,
    cpu: onCpu('Preconditioned Lasso (exploratory)'),
    note: 'Exploratory: the preconditioned Lasso here is this lab’s spectral-band dictionary D = [I, P₁, P₂, …] with the Lasso on XD (α as λ), NOT the algorithm of arXiv 2511.06211. Study “Random vs adversarial supports” and error vs n compare it with the Lasso.',
    cost: 'iterative',
  },
  kron_sbl: {
    label: 'Kronecker-structured SBL (KroSBL, X = A ⊗ B)',
    title: 'Kronecker SBL (KroSBL)',
    fields: ['kronVariant', 'kronData'],
    path: false,
    ldp: false,
    cv: false,
    phase: null,
    gpu: null,
    cpu: onCpu('Kronecker SBL (KroSBL)'),
    cost: 'iterative',
  },
};

export interface StudyInfo {
  label: string;
  doc?: string;
  /** Always generates its problems (no real data, no user files). */
  synthetic: boolean;
  /** What it produces (Export → Python recomputes coefficients and CV curves only). */
  output: 'coefficients' | 'cv curve' | 'success rates' | 'error curves';
  /** How the work estimate counts its solves: one problem, folds + 1 paths, points × trials, cells² × trials. */
  work: 'one' | 'folds' | 'trials' | 'cells';
  /** The error sweeps' x axis: n or the privacy ε (sweep_n / sweep_eps), d or k (the LDP d/k sweeps). */
  axis?: 'n' | 'eps' | 'd' | 'k';
}

export const STUDY_INFO: { readonly [K in Study]: StudyInfo } = {
  fit: { label: 'Single fit or path', synthetic: false, output: 'coefficients', work: 'one' },
  cv: {
    label: 'Cross-validation curve (K-fold)',
    doc: 'cross-validation',
    synthetic: false,
    output: 'cv curve',
    work: 'folds',
  },
  sweep_n: {
    label: 'Error vs n (trials)',
    doc: 'error-against-n-and-epsilon',
    synthetic: true,
    output: 'error curves',
    work: 'trials',
    axis: 'n',
  },
  sweep_eps: {
    label: 'Error vs ε (LDP, trials)',
    doc: 'error-against-n-and-epsilon',
    synthetic: true,
    output: 'error curves',
    work: 'trials',
    axis: 'eps',
  },
  phase: {
    label: 'Phase diagram (δ = n/d, ρ = k/n)',
    doc: 'donoho-tanner-phase-diagram',
    synthetic: true,
    output: 'success rates',
    work: 'cells',
  },
  supports: {
    label: 'Random vs adversarial supports (certificate ρ_D(S))',
    synthetic: true,
    output: 'error curves',
    work: 'one',
  },
  sweep_d: {
    label: 'LDP error vs d (all three estimators, trials)',
    synthetic: true,
    output: 'error curves',
    work: 'one',
    axis: 'd',
  },
  sweep_k: {
    label: 'LDP error vs k (all three estimators, trials)',
    synthetic: true,
    output: 'error curves',
    work: 'one',
    axis: 'k',
  },
};

const isSolver = (s: unknown): s is Solver => typeof s === 'string' && s in SOLVER_INFO;

/** The descriptor of a solver value (undefined for a value that is not a solver id). */
export const solverInfo = (s: unknown): SolverInfo | undefined => (isSolver(s) ? SOLVER_INFO[s] : undefined);

/** The descriptor of a study value (undefined for a value that is not a study id). */
export const studyInfo = (s: unknown): StudyInfo | undefined =>
  typeof s === 'string' && s in STUDY_INFO ? STUDY_INFO[s as Study] : undefined;

/** Whether the solver `s` reads the spec field `field`. */
export const solverUses = (s: unknown, field: SolverField): boolean =>
  solverInfo(s)?.fields.includes(field) ?? false;

/** The solvers with a property, in SOLVERS order (for messages and option lists). */
export const solversWhere = (pred: (info: SolverInfo) => boolean): Solver[] =>
  SOLVERS.filter((s) => pred(SOLVER_INFO[s]));

/** The elastic-net mix a solver uses: its l1Ratio field, or 1 (the Lasso) for a solver that has none. */
export const l1RatioFor = (solver: unknown, l1Ratio: number): number =>
  solverUses(solver, 'l1Ratio') ? l1Ratio : 1;

const mapOf = <T>(keys: readonly string[], f: (k: string) => T | undefined): Record<string, T> => {
  const out: Record<string, T> = {};
  for (const k of keys) {
    const v = f(k);
    if (v !== undefined) out[k] = v;
  }
  return out;
};

export const solverLabels = mapOf(SOLVERS, (s) => SOLVER_INFO[s as Solver].label);
export const solverDocs = mapOf(SOLVERS, (s) => SOLVER_INFO[s as Solver].doc);
export const studyLabels = mapOf(STUDIES, (s) => STUDY_INFO[s as Study].label);
export const studyDocs = mapOf(STUDIES, (s) => STUDY_INFO[s as Study].doc);
