/**
 * Sparse regression lab: Lasso / elastic net (scikit-learn's objective), LARS, OMP, IHT, HTP, FISTA,
 * sparse Bayesian learning, ridge, and the local-differential-privacy estimators of arXiv 2310.07367.
 * One spec drives single fits, paths, cross-validation, error sweeps and phase diagrams (`study`).
 */
import { limitFields, seedField } from './common';
import { type DataIssue, fileLabel, missingFiles, shapeOf, unusedFiles } from './data-rule';
import { defineSpec, type Issue } from './define';
import { bool, choice, file, num } from './fields';
import {
  SOLVER_INFO,
  SOLVERS,
  type SolverField,
  STUDIES,
  type Study,
  solverDocs,
  solverInfo,
  solverLabels,
  solversWhere,
  solverUses,
  studyDocs,
  studyLabels,
} from './regression-methods';

export { SOLVERS, type Solver, STUDIES, type Study } from './regression-methods';

type V = Record<string, unknown>;
const is =
  (key: string, ...options: string[]) =>
  (v: V) =>
    options.includes(String(v[key]));

/** A field of the solver table: shown when the chosen solver lists it. */
const uses = (field: SolverField) => (v: V) => solverUses(v.solver, field);
const isLdp = (v: V) => solverInfo(v.solver)?.ldp === true;
const isPath = (v: unknown) => solverInfo(v)?.path === true;
/** "a, b or c". */
const names = (list: readonly string[]) =>
  list.length < 2 ? list.join('') : `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;

const isPhase = is('study', 'phase');
/** The random-support studies: certificates over supports, or the preconditioned Lasso's error vs N. */
const isRandomSupport = (v: V) =>
  v.study === 'supports' || (v.study === 'sweep_n' && v.solver === 'precond_lasso');
/** Designs built by the random-support harness (columns scaled to ‖X_j‖²/N = 1). */
export const HARD_DESIGNS = ['gaussian', 'grouped', 'lowrank', 'cumsum'];
const isEpsSweep = is('study', 'sweep_eps');
/** Sweeps and phase diagrams always generate their problems; fits and CV may use real data. */
const synthData = (v: V) => !is('study', 'fit', 'cv')(v) || v.source === 'synthetic';
/** A synthetic w* is drawn (also on the digits design). */
const wData = (v: V) => synthData(v) || v.source === 'digits';
const isDK = is('study', 'sweep_d', 'sweep_k');
const usesDesign = (v: V) => synthData(v) && !isPhase(v) && !isDK(v);

/**
 * The α rule a Lasso/enet/FISTA fit uses: `auto` is the theory rule in error-vs-n sweeps (a fixed α
 * would make the error level off at the penalty's bias instead of following √(s log d / n)) and the α
 * field everywhere else.
 */
export function effectiveAlphaRule(v: V): 'fixed' | 'theory' {
  if (v.alphaRule === 'theory' || v.alphaRule === 'fixed') return v.alphaRule;
  return v.study === 'sweep_n' ? 'theory' : 'fixed';
}

export const regressionSpec = defineSpec({
  id: 'regression',
  title: 'Sparse regression',
  fields: {
    study: choice(STUDIES, {
      label: 'Study',
      default: 'fit',
      group: 'Study',
      optionLabels: studyLabels,
      optionDocs: studyDocs,
      help: 'What to compute: one fit (or a whole path), a K-fold CV curve over α, ℓ2 error against n or ε over seeded trials, or a Donoho–Tanner phase diagram.',
    }),
    solver: choice(SOLVERS, {
      label: 'Solver',
      default: 'lasso_path',
      group: 'Method',
      optionLabels: solverLabels,
      optionDocs: solverDocs,
      // What runs on WebGPU: the Lasso/elastic-net paths are solved by FISTA there, by CD on the CPU.
      optionLabelOn: (o, backend) => (backend === 'webgpu' ? SOLVER_INFO[o].webgpuLabel : undefined),
      help: 'Lasso/elastic net use scikit-learn’s objective (1/2n)‖y − Xw‖² + αρ‖w‖₁ + ½α(1−ρ)‖w‖². The LDP estimators privatise every user’s (x, y) before the server sees it; their constants are this lab’s reading of the paper.',
    }),
    alpha: num({
      label: 'α (regularisation)',
      default: 0.1,
      min: 0,
      max: 1e6,
      log: true,
      group: 'Method',
      help: 'Penalty for single fits (Lasso, elastic net, FISTA; ridge uses scikit-learn Ridge’s ‖y − Xw‖² + α‖w‖²). Not used when the α rule is the theory rule.',
      show: (v) =>
        uses('alpha')(v) &&
        (!uses('alphaRule')(v) || effectiveAlphaRule(v) === 'fixed') &&
        (solverInfo(v.solver)?.alphaStudies?.includes(v.study as Study) ?? true) &&
        !isPhase(v) &&
        v.study !== 'cv',
    }),
    alphaRule: choice(['auto', 'fixed', 'theory'], {
      label: 'α rule',
      default: 'auto',
      group: 'Method',
      optionLabels: {
        auto: 'auto: theory rule in error-vs-n sweeps, the α field otherwise',
        fixed: 'the α field',
        theory: 'α = 2σ√(2 log d / n) (needs σ > 0)',
      },
      help: 'The Lasso’s theoretical choice α ∝ σ√(log d / n) shrinks with n, so the ℓ2 error follows √(s log d / n); a fixed α stops improving once its bias dominates. Error-vs-n sweeps use the theory rule unless you pick “the α field”.',
      show: (v) => uses('alphaRule')(v) && !isPhase(v) && v.study !== 'cv',
    }),
    nAlphas: num({
      label: 'Number of α values',
      default: 100,
      min: 2,
      max: 1000,
      int: true,
      group: 'Method',
      help: 'Path grid: nAlphas values log-spaced from α_max = max|Xᵀy|/(n·l1Ratio) down to eps·α_max (scikit-learn’s grid).',
      show: (v) => uses('nAlphas')(v) || v.study === 'cv',
    }),
    eps: num({
      label: 'eps = α_min/α_max',
      default: 1e-3,
      min: 1e-8,
      max: 0.99,
      log: true,
      group: 'Method',
      help: 'Ratio of the smallest to the largest α on the path grid (scikit-learn’s eps).',
      show: (v) => uses('nAlphas')(v) || v.study === 'cv',
    }),
    l1Ratio: num({
      label: 'l1Ratio ρ',
      default: 0.5,
      min: 0.01,
      max: 1,
      group: 'Method',
      help: 'Elastic-net mix: 1 is the Lasso, smaller adds ½α(1−ρ)‖w‖².',
      show: uses('l1Ratio'),
    }),
    intercept: bool({
      label: 'Fit intercept',
      default: true,
      group: 'Method',
      help: '1: centre X and y, fit, and report b = ȳ − x̄ᵀw (scikit-learn’s estimators). 0: use X and y as given (scikit-learn’s lasso_path; the golden cases).',
      show: (v) => !isPhase(v) && !isLdp(v) && !isRandomSupport(v),
    }),
    k: num({
      label: 'Atoms k',
      default: 8,
      min: 1,
      max: 10000,
      int: true,
      group: 'Method',
      help: 'Sparsity level for OMP (stops at k atoms), IHT/HTP (keep k), and the LDP estimators (keep k; LDP-IHT keeps 2k). Phase diagrams use each problem’s true k; the error-vs-ε sweep keeps k = its s.',
      show: (v) => uses('k')(v) && !isPhase(v) && !isEpsSweep(v) && !isDK(v),
    }),
    residTol: num({
      label: 'OMP residual tolerance',
      default: 0,
      min: 0,
      max: 1e12,
      group: 'Method',
      help: 'OMP stops early once ‖r‖² ≤ this (scikit-learn’s tol is on the squared residual); 0 = run k atoms.',
      show: (v) => uses('residTol')(v) && !isPhase(v),
    }),
    sblUpdate: choice(['em', 'mackay'], {
      label: 'SBL update',
      default: 'em',
      group: 'Method',
      optionLabels: { em: 'EM: γ ← μ² + Σ_ii', mackay: 'MacKay: γ ← μ²/(1 − Σ_ii/γ)' },
      help: 'EM is the textbook baseline and shrinks irrelevant γ slowly (∝ 1/t); MacKay’s fixed point prunes them much faster.',
      show: uses('sblUpdate'),
    }),
    tol: num({
      label: 'Tolerance',
      default: 1e-4,
      min: 1e-14,
      max: 0.1,
      log: true,
      group: 'Method',
      help: 'Coordinate descent and FISTA stop when the duality gap < tol·‖y‖² (scikit-learn); IHT/HTP/SBL on relative change.',
      show: uses('tol'),
    }),
    maxIter: num({
      label: 'Max iterations',
      default: 1000,
      min: 1,
      max: 100000,
      int: true,
      group: 'Method',
      help: 'Per α for paths.',
      show: uses('tol'),
    }),
    epsilon: num({
      label: 'Privacy ε',
      default: 1,
      min: 0.01,
      max: 1,
      log: true,
      group: 'Privacy',
      help: 'Each user’s message is (ε, δ)-LDP. The classical Gaussian mechanism used here is valid for ε ≤ 1.',
      show: (v) => uses('epsilon')(v) && v.study !== 'sweep_eps',
    }),
    delta: num({
      label: 'Privacy δ',
      default: 1e-5,
      min: 1e-12,
      max: 0.1,
      log: true,
      group: 'Privacy',
      help: 'Gaussian mechanism: σ = Δ₂·√(2 ln(1.25/δ))/ε.',
      show: uses('delta'),
    }),
    publicX: bool({
      label: 'Public unlabeled x’s',
      default: false,
      group: 'Privacy',
      help: 'Non-interactive LDP with n public unlabeled samples: the server estimates the covariance from them, and the whole budget goes to x·y.',
      show: (v) => uses('publicX')(v) && !isDK(v),
    }),
    clip: num({
      label: 'Truncation τ (× std)',
      default: 1,
      min: 0,
      max: 20,
      group: 'Privacy',
      help: 'Users truncate each x_j to ±τ·std and y to ±τ·std(y). The noise scales with τ² (covariance) and τ_xτ_y, so 1 std keeps it small at a small truncation bias. 0 = the paper’s rule τ = √(2 ln n) (no truncation w.h.p., but 2 ln n ≈ 28 times the covariance noise at n = 10⁶).',
      show: uses('delta'),
    }),

    source: choice(['synthetic', 'diabetes', 'digits', 'file'], {
      label: 'Data',
      default: 'synthetic',
      group: 'Data',
      optionLabels: {
        synthetic: 'Synthetic (seeded)',
        diabetes: 'Diabetes (442 × 10, scikit-learn scaling)',
        digits: 'Digits pixels as the design, synthetic w*',
        file: 'Your X and y (.npy or .csv)',
      },
      help: 'Sweeps and phase diagrams always use synthetic data. Supplying X (and y) selects your data; choosing another source drops them.',
      show: is('study', 'fit', 'cv'),
    }),
    design: choice(['gaussian', 'rademacher', 'toeplitz', 'grouped', 'lowrank', 'cumsum'], {
      label: 'Design X',
      default: 'gaussian',
      group: 'Data',
      optionLabels: {
        gaussian: 'i.i.d. N(0, 1)',
        rademacher: 'i.i.d. ±1',
        toeplitz: 'Gaussian, corr ρ^|i−j|',
        grouped: 'Grouped near-collinear (worst case)',
        lowrank: 'Low rank + noise (worst case)',
        cumsum: 'Cumulative sums (worst case)',
      },
      help: 'The worst-case designs of the random-support setting (arXiv 2511.06211) have columns scaled to ‖X_j‖²/n = 1: grouped = d/g groups of near-copies X_j = G_group(j) + δZ_j (condition number ~ 1/δ²); low rank = GWᵀ/√r + δZ; cumulative sums = column j is the running sum of j + 1 Gaussian columns.',
      show: usesDesign,
    }),
    groups: num({
      label: 'Groups g',
      default: 20,
      min: 1,
      max: 10000,
      int: true,
      group: 'Data',
      help: 'Grouped design: d/g contiguous groups of near-collinear columns.',
      show: (v) => usesDesign(v) && v.design === 'grouped',
    }),
    perturb: num({
      label: 'Perturbation δ',
      default: 0.01,
      min: 1e-6,
      max: 10,
      log: true,
      group: 'Data',
      help: 'Grouped and low-rank designs: the size of the independent part δZ_j of each column.',
      show: (v) => usesDesign(v) && (v.design === 'grouped' || v.design === 'lowrank'),
    }),
    lowRank: num({
      label: 'Rank r',
      default: 4,
      min: 1,
      max: 10000,
      int: true,
      group: 'Data',
      help: 'Low-rank design: rank of the shared part GWᵀ/√r.',
      show: (v) => usesDesign(v) && v.design === 'lowrank',
    }),
    ldpN: num({
      label: 'Users n (error vs d or k)',
      default: 50000,
      min: 100,
      max: 1e7,
      int: true,
      group: 'Study',
      help: 'Users in the LDP sweeps over d and k (the paper’s experiment uses 2·10⁵; n·d_max is capped at 2·10⁷).',
      show: is('study', 'sweep_d', 'sweep_k'),
    }),
    dMin: num({
      label: 'Smallest d',
      default: 8,
      min: 2,
      max: 400,
      int: true,
      group: 'Study',
      show: is('study', 'sweep_d'),
    }),
    dMax: num({
      label: 'Largest d',
      default: 64,
      min: 2,
      max: 400,
      int: true,
      group: 'Study',
      show: is('study', 'sweep_d'),
    }),
    kMin: num({
      label: 'Smallest k',
      default: 1,
      min: 1,
      max: 400,
      int: true,
      group: 'Study',
      show: is('study', 'sweep_k'),
    }),
    kMax: num({
      label: 'Largest k',
      default: 16,
      min: 1,
      max: 400,
      int: true,
      group: 'Study',
      show: is('study', 'sweep_k'),
    }),
    kronVariant: choice(['am', 'svd'], {
      label: 'KroSBL M-step',
      default: 'am',
      group: 'Method',
      optionLabels: {
        am: 'AM: alternating exact minimisation over γ₁, γ₂',
        svd: 'SVD: best rank-1 fit γ₁ ⊗ γ₂ of μ² + diag Σ',
      },
      help: 'He & Joseph (arXiv 2307.14719). Both run the E-step through the two small factors only. The fit also runs plain SBL (EM) on the dense A ⊗ B for comparison when it has at most 1024 columns (at most 100 EM iterations).',
      show: uses('kronVariant'),
    }),
    kronM: num({
      label: 'Rows per factor m_i',
      default: 12,
      min: 1,
      max: 200,
      int: true,
      group: 'Data',
      help: 'Synthetic KroSBL problem: A, B are m_i × n_i Gaussian, y has m₁m₂ entries.',
      show: (v) => uses('kronData')(v) && v.source === 'synthetic',
    }),
    kronN: num({
      label: 'Columns per factor n_i',
      default: 32,
      min: 1,
      max: 400,
      int: true,
      group: 'Data',
      show: (v) => uses('kronData')(v) && v.source === 'synthetic',
    }),
    kronK: num({
      label: 'Nonzeros per factor K',
      default: 3,
      min: 1,
      max: 400,
      int: true,
      group: 'Data',
      help: 'x = x₁ ⊗ x₂ with K nonzeros in each factor (K² in x), values ±U[1, 2].',
      show: (v) => uses('kronData')(v) && v.source === 'synthetic',
    }),
    A: file({
      label: 'A (m₁ × n₁)',
      group: 'Data',
      help: 'KroSBL with your data: the first Kronecker factor; with B and y (m₁m₂, row i·m₂ + j).',
      show: (v) => uses('kronData')(v) && v.source === 'file',
    }),
    B: file({
      label: 'B (m₂ × n₂)',
      group: 'Data',
      help: 'The second Kronecker factor (X = A ⊗ B).',
      show: (v) => uses('kronData')(v) && v.source === 'file',
    }),
    wValues: choice(['worst', 'gaussian'], {
      label: 'w* on its support',
      default: 'worst',
      group: 'Data',
      optionLabels: {
        worst: 'worst direction (smallest singular vector of X_S)',
        gaussian: 'N(0, 1)',
      },
      help: 'Random-support studies: the values of w* on S, scaled to ‖Xw*‖²/n = 1. The worst direction is the hardest w on S for the plain Lasso (largest ‖w‖₁ per unit prediction norm).',
      show: isRandomSupport,
    }),
    lamMin: num({
      label: 'Smallest λ of the oracle grid',
      default: 1e-3,
      min: 1e-8,
      max: 0.1,
      log: true,
      group: 'Method',
      help: 'Random-support studies report each Lasso at the theory λ = 2σ√(2 log p/n) and at the best λ (oracle) of a 16-point grid from 0.3 down to this. In-sample, a tiny λ lets the Lasso nearly interpolate y: with n < d that fits the noise and can beat both at low noise, so the oracle column depends on this floor (see the notes).',
      show: isRandomSupport,
    }),
    rho: num({
      label: 'Column correlation ρ',
      default: 0.5,
      min: 0,
      max: 0.99,
      group: 'Data',
      help: 'Toeplitz design: corr(x_i, x_j) = ρ^|i−j|.',
      show: (v) => usesDesign(v) && v.design === 'toeplitz',
    }),
    normalize: bool({
      label: 'Unit-norm columns',
      default: false,
      group: 'Data',
      help: 'Scale every column of X to ‖X_j‖ = 1 (as the OMP golden cases do).',
      show: (v) => usesDesign(v) && !isRandomSupport(v),
    }),
    n: num({
      label: 'Samples n',
      default: 200,
      min: 2,
      max: 1e7,
      int: true,
      group: 'Data',
      help: 'Rows of X (digits: the first n of 1797 images).',
      show: (v) => wData(v) && !is('study', 'sweep_n', 'sweep_eps', 'phase')(v),
    }),
    d: num({
      label: 'Features d',
      default: 50,
      min: 1,
      max: 100000,
      int: true,
      group: 'Data',
      help: 'Columns of X (the phase diagram’s d; the d of the LDP error-vs-k sweep).',
      show: (v) => synthData(v) && !isEpsSweep(v) && v.study !== 'sweep_d',
    }),
    s: num({
      label: 'Nonzeros in w* (s)',
      default: 8,
      min: 1,
      max: 100000,
      int: true,
      group: 'Data',
      help: 'The true sparsity of w* (the k of the LDP error-vs-d sweep).',
      show: (v) => wData(v) && !isPhase(v) && !isEpsSweep(v) && v.study !== 'sweep_k',
    }),
    epsN: num({
      label: 'Users n (error vs ε)',
      default: 1000000,
      min: 100,
      max: 1e7,
      int: true,
      group: 'Data',
      help: 'Samples (users) of the error-vs-ε sweep. Local privacy is costly: the error is of order d√k/(√n·ε) times large constants, so it only falls like 1/ε once n is in the millions for a small d; with too few users the noise swamps every ε (the non-interactive estimate shrinks to 0, error ‖w*‖; LDP-IHT does worse).',
      show: isEpsSweep,
    }),
    epsD: num({
      label: 'Features d (error vs ε)',
      default: 2,
      min: 1,
      max: 400,
      int: true,
      group: 'Data',
      help: 'Dimension of the error-vs-ε sweep. The non-interactive estimator’s covariance noise grows like d^1.5/(√n·ε), so keep d small (or n large).',
      show: isEpsSweep,
    }),
    epsS: num({
      label: 'Nonzeros s (error vs ε)',
      default: 1,
      min: 1,
      max: 400,
      int: true,
      group: 'Data',
      help: 'True sparsity of w* in the error-vs-ε sweep; the estimators keep k = s.',
      show: isEpsSweep,
    }),
    wStar: choice(['pm1', 'gaussian', 'fixed'], {
      label: 'w* values',
      default: 'pm1',
      group: 'Data',
      optionLabels: { pm1: '±amp (random signs)', gaussian: 'N(0, amp²)', fixed: '+amp (all positive)' },
      show: (v) => wData(v) && !isRandomSupport(v) && !isDK(v),
    }),
    amp: num({
      label: 'w* magnitude',
      default: 1,
      min: 1e-6,
      max: 1e6,
      log: true,
      group: 'Data',
      show: (v) => wData(v) && !isPhase(v) && !isRandomSupport(v) && !isDK(v),
    }),
    support: choice(['random', 'first', 'spaced'], {
      label: 'Support of w*',
      default: 'random',
      group: 'Data',
      optionLabels: { random: 'uniformly random', first: 'the first s features', spaced: 'evenly spaced' },
      show: (v) => wData(v) && !isPhase(v) && !isRandomSupport(v) && !isDK(v),
    }),
    sigma: num({
      label: 'Noise σ',
      default: 0.5,
      min: 0,
      max: 1e6,
      group: 'Data',
      help: 'y = Xw* + σ·N(0, 1).',
      show: (v) => wData(v) && !isPhase(v),
    }),
    seed: seedField,
    ...limitFields,
    X: file({
      label: 'X (n × d)',
      group: 'Data',
      help: 'Your design matrix, .npy or .csv, one row per sample. Choosing it selects “Your X and y”.',
      show: (v) => is('study', 'fit', 'cv')(v) || v.X !== null,
    }),
    y: file({
      label: 'y (n)',
      group: 'Data',
      help: 'Your targets, .npy (n or n×1) or a one-column .csv; needs X.',
      show: (v) => is('study', 'fit', 'cv')(v) || v.y !== null,
    }),

    folds: num({
      label: 'Folds K',
      default: 5,
      min: 2,
      max: 50,
      int: true,
      group: 'Study',
      help: 'Contiguous K-fold split (scikit-learn’s KFold without shuffling); α with the least mean test MSE is chosen.',
      show: is('study', 'cv'),
    }),
    nMin: num({
      label: 'Smallest n',
      default: 50,
      min: 4,
      max: 1e7,
      int: true,
      group: 'Study',
      show: is('study', 'sweep_n'),
    }),
    nMax: num({
      label: 'Largest n',
      default: 2000,
      min: 4,
      max: 1e7,
      int: true,
      group: 'Study',
      show: is('study', 'sweep_n'),
    }),
    epsMin: num({
      label: 'Smallest ε',
      default: 0.1,
      min: 0.01,
      max: 1,
      log: true,
      group: 'Study',
      help: 'The classical Gaussian mechanism used here holds for ε ≤ 1, so the sweep stays in (0, 1]. With the default 10⁶ users and d = 2 the error falls like 1/ε above ε ≈ 0.3 and bends towards the trivial ‖w*‖ below.',
      show: is('study', 'sweep_eps'),
    }),
    epsMax: num({
      label: 'Largest ε',
      default: 1,
      min: 0.01,
      max: 1,
      log: true,
      group: 'Study',
      show: is('study', 'sweep_eps'),
    }),
    points: num({
      label: 'Sweep points',
      default: 8,
      min: 2,
      max: 40,
      int: true,
      group: 'Study',
      help: 'Log-spaced values between the ends.',
      show: is('study', 'sweep_n', 'sweep_eps'),
    }),
    trials: num({
      label: 'Trials',
      default: 8,
      min: 1,
      max: 200,
      int: true,
      group: 'Study',
      help: 'Independent seeded problems per point (sweeps: mean and spread) or per cell (phase diagram).',
      show: is('study', 'sweep_n', 'sweep_eps', 'phase', 'supports'),
    }),
    cells: num({
      label: 'Cells per axis',
      default: 12,
      min: 2,
      max: 64,
      int: true,
      group: 'Study',
      help: 'Grid of δ = n/d and ρ = k/n, each from 0.05 to 0.95.',
      show: isPhase,
    }),
    threshold: num({
      label: 'Success threshold',
      default: 1e-2,
      min: 1e-8,
      max: 1,
      log: true,
      group: 'Study',
      help: 'A trial succeeds when ‖ŵ − w*‖/‖w*‖ < threshold (and, with “exact support”, the support is exact).',
      show: isPhase,
    }),
    success: choice(['relerr', 'support'], {
      label: 'Success means',
      default: 'relerr',
      group: 'Study',
      optionLabels: {
        relerr: 'relative error below threshold',
        support: 'exact support and error below threshold',
      },
      show: isPhase,
    }),
    phaseNoise: num({
      label: 'Noise σ (phase)',
      default: 0,
      min: 0,
      max: 10,
      group: 'Study',
      help: 'y = Ax₀ + σ·N(0, 1) in every phase-diagram trial (A has N(0, 1/n) entries, so ‖A_j‖ ≈ 1); the classical diagram is noiseless.',
      show: isPhase,
    }),
    alphaRatio: num({
      label: 'Lasso α / α_max',
      default: 1e-3,
      min: 1e-6,
      max: 1,
      log: true,
      group: 'Study',
      help: 'Phase diagrams with the Lasso solve each problem at α = this × its own α_max (small α approximates basis pursuit).',
      show: (v) => isPhase(v) && solverInfo(v.solver)?.phase === 'fista',
    }),
  },
  rules: (v) => {
    const issues: Issue[] = [];
    const pathLike = isPath(v.solver);
    if (v.study === 'cv' && !SOLVER_INFO[v.solver].cv) {
      issues.push({
        field: 'solver',
        fields: ['study'],
        message: `the CV curve needs ${names(solversWhere((i) => i.cv))}`,
      });
    }
    if (v.study === 'sweep_eps' && !isLdp(v)) {
      issues.push({
        field: 'solver',
        fields: ['study'],
        message: `error vs ε needs an LDP solver (${names(solversWhere((i) => i.ldp))})`,
      });
    }
    if (v.study === 'phase' && SOLVER_INFO[v.solver].phase === null) {
      issues.push({
        field: 'solver',
        fields: ['study'],
        message: 'the phase diagram is solved by omp or lasso (batched FISTA)',
      });
    }
    if (v.solver === 'precond_lasso' && v.study === 'fit' && v.d > 600 && synthData(v)) {
      issues.push({
        field: 'd',
        message: 'the preconditioned Lasso takes d ≤ 600 (a d×d eigendecomposition)',
      });
    }
    if (v.solver === 'kron_sbl') {
      if (v.study !== 'fit')
        issues.push({ field: 'study', message: 'KroSBL runs as a single fit (study=fit)' });
      if (v.source === 'diabetes' || v.source === 'digits')
        issues.push({
          field: 'source',
          message: 'KroSBL needs a Kronecker design: synthetic, or your factors A and B with y',
        });
      if (v.source === 'synthetic' && v.kronK > v.kronN)
        issues.push({ field: 'kronK', message: 'K nonzeros per factor cannot exceed n_i' });
    }
    if (v.study === 'sweep_d' || v.study === 'sweep_k') {
      if (!isLdp(v))
        issues.push({
          field: 'solver',
          message:
            'error vs d or k draws all three LDP estimators: choose ldp_ni or ldp_si (its privacy fields apply to all three)',
        });
      const hi = v.study === 'sweep_d' ? v.dMax : v.d;
      if (v.study === 'sweep_d' && v.dMin >= v.dMax)
        issues.push({ field: 'dMin', message: 'smallest d must be below largest d' });
      if (v.study === 'sweep_k' && v.kMin >= v.kMax)
        issues.push({ field: 'kMin', message: 'smallest k must be below largest k' });
      if (v.study === 'sweep_k' && v.kMax > v.d) issues.push({ field: 'kMax', message: 'k cannot exceed d' });
      if (v.study === 'sweep_d' && v.s > v.dMin)
        issues.push({ field: 's', message: 'k = s cannot exceed the smallest d' });
      if (v.ldpN * hi > 2e7)
        issues.push({
          field: 'ldpN',
          message: 'users × largest d must stay under 2·10⁷ (160 MB as float64)',
        });
    }
    if (v.study === 'supports' && v.solver !== 'precond_lasso') {
      issues.push({
        field: 'solver',
        message:
          'random vs adversarial supports compares the preconditioned Lasso with the Lasso: choose solver=precond_lasso',
      });
    }
    if (isRandomSupport(v)) {
      if (!HARD_DESIGNS.includes(v.design))
        issues.push({
          field: 'design',
          message: 'the random-support studies take the gaussian, grouped, lowrank or cumsum design',
        });
      if (v.d > 600)
        issues.push({
          field: 'd',
          message: 'the random-support studies take d ≤ 600 (eigendecompositions on the CPU)',
        });
      if (v.s > v.d) issues.push({ field: 's', message: 'the support cannot be larger than d (s ≤ d)' });
      if (v.study === 'supports' && v.n > 2000)
        issues.push({ field: 'n', message: 'the random-support studies take n ≤ 2000' });
      if (v.study === 'sweep_n' && v.nMax > 2000)
        issues.push({ field: 'nMax', message: 'the random-support studies take n ≤ 2000' });
    }
    if (v.study === 'sweep_n' && pathLike) {
      issues.push({
        field: 'solver',
        fields: ['study'],
        message: 'error vs n needs a single-fit solver (not a path)',
      });
    }
    if (isLdp(v) && v.source !== 'synthetic' && (v.study === 'fit' || v.study === 'cv')) {
      issues.push({
        field: 'source',
        fields: ['solver', 'study'],
        message: 'the LDP estimators run on synthetic data (their truncation levels come from the model)',
      });
    }
    if (v.s > v.d && usesDesign(v) && v.study !== 'sweep_eps') {
      issues.push({
        field: 's',
        fields: ['d'],
        message: 'w* cannot have more nonzeros than there are features (s ≤ d)',
      });
    }
    if (v.study === 'sweep_n' && v.nMin >= v.nMax)
      issues.push({ field: 'nMin', fields: ['nMax'], message: 'smallest n must be below largest n' });
    if (v.study === 'sweep_eps' && v.epsMin >= v.epsMax) {
      issues.push({ field: 'epsMin', fields: ['epsMax'], message: 'smallest ε must be below largest ε' });
    }
    if (v.study === 'phase' && (v.d < 20 || v.d > 512)) {
      issues.push({
        field: 'd',
        fields: ['study'],
        message:
          'phase diagrams take d from 20 to 512 (one workgroup per problem keeps its vectors in workgroup memory)',
      });
    }
    if ((v.study === 'fit' || v.study === 'cv') && synthData(v) && v.n * v.d > 2e7) {
      issues.push({
        field: 'n',
        fields: ['d'],
        message: 'n·d must stay under 20M entries (160 MB as float64)',
      });
    }
    if (v.study === 'sweep_eps') {
      if (v.epsS > v.epsD)
        issues.push({
          field: 'epsS',
          fields: ['epsD'],
          message: 'w* cannot have more nonzeros than there are features (s ≤ d)',
        });
      if (v.epsN * v.epsD > 2e7)
        issues.push({
          field: 'epsN',
          fields: ['epsD'],
          message: 'n·d must stay under 20M entries (160 MB as float64)',
        });
    }
    if (v.study === 'sweep_n' && v.nMax * v.d > 2e7) {
      issues.push({
        field: 'nMax',
        fields: ['d'],
        message: 'largest n · d must stay under 20M entries (160 MB as float64)',
      });
    }
    if (isLdp(v) && v.study !== 'sweep_eps' && v.d > 400)
      issues.push({ field: 'd', fields: ['solver'], message: 'the LDP estimators take d ≤ 400' });
    return issues;
  },
  data: {
    sourceField: 'source',
    fileSource: 'file',
    check(v, given) {
      const issues: DataIssue[] = [];
      if (v.solver === 'kron_sbl') {
        // KroSBL reads the two Kronecker factors and y (X = A ⊗ B is never formed from a file).
        if (v.source !== 'file') {
          issues.push(
            ...unusedFiles(
              v,
              given,
              ['A', 'B', 'y', 'X'],
              `the data source is ${v.source} (source=${v.source}); choose source=file to use your factors A, B and y`,
            ),
          );
          return issues;
        }
        if (given.has('X'))
          issues.push({
            field: 'X',
            message: 'X: KroSBL takes the two factors A and B (X = A ⊗ B), not X itself',
          });
        issues.push(
          ...missingFiles(given, [
            ['A', 'KroSBL with your data needs A: the first Kronecker factor (m₁ × n₁)'],
            ['B', 'KroSBL with your data needs B: the second Kronecker factor (m₂ × n₂)'],
            ['y', 'KroSBL with your data needs y: the measurements (m₁·m₂ values)'],
          ]),
        );
        return issues;
      }
      issues.push(
        ...unusedFiles(v, given, ['A', 'B'], 'A and B are the Kronecker factors of solver=kron_sbl only'),
      );
      const files = ['X', 'y'];
      if (given.has('y') && !given.has('X'))
        issues.push({
          field: 'y',
          message: `${fileLabel(v, 'y')} needs X: give the design matrix X (n × d) as well`,
        });
      const studyWhy: Record<string, string> = {
        sweep_n: 'the error-vs-n study draws a new synthetic problem for every n and trial',
        sweep_eps: 'the error-vs-ε study draws a new synthetic problem for every ε and trial',
        phase: 'the phase diagram draws its own random problems for every cell',
      };
      if (studyWhy[String(v.study)]) {
        issues.push(
          ...unusedFiles(
            v,
            given,
            files,
            `${studyWhy[String(v.study)]}; choose study fit or cv for your data`,
          ),
        );
        return issues;
      }
      if (isLdp(v)) {
        issues.push(
          ...unusedFiles(
            v,
            given,
            files,
            'the LDP estimators run on synthetic data only (their truncation levels come from the model)',
          ),
        );
        return issues;
      }
      if (v.source !== 'file') {
        issues.push(
          ...unusedFiles(
            v,
            given,
            files,
            `the data source is ${v.source} (source=${v.source}); choose source=file (“Your X and y”) to use your files`,
          ),
        );
        return issues;
      }
      issues.push(
        ...missingFiles(given, [
          ['X', 'your data (source=file) needs X (n × d, .npy or .csv)'],
          ['y', 'your data (source=file) needs y (n values)'],
        ]),
      );
      return issues;
    },
    derived(v): Record<string, number> {
      const shape = v.source === 'file' && is('study', 'fit', 'cv')(v) ? shapeOf(v, 'X') : null;
      return shape?.length === 2 ? { n: shape[0], d: shape[1] } : {};
    },
    ignored(v) {
      if (!is('study', 'fit', 'cv')(v) || isLdp(v)) return [];
      const design = ['design', 'rho', 'normalize'];
      if (v.source === 'digits') return ['d', ...design];
      if (v.source === 'file' || v.source === 'diabetes')
        return ['n', 'd', 's', ...design, 'wStar', 'amp', 'support', 'sigma'];
      return [];
    },
  },
});

export type RegressionValues = typeof regressionSpec.defaults;
