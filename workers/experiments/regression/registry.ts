/**
 * The regression lab's implementation tables, the other half of workers/spec/regression-methods.ts:
 * per solver its CPU single fit, its fit-study runner (CPU, or GPU where the descriptor says so), the
 * guide rates of the error sweeps, its error-vs-ε estimator and any study it runs its own way; per
 * study its runner, its stage records, whether it uses the GPU and its parity check. The runner
 * (run.ts) only looks things up here. Adding a solver: an entry in SOLVER_INFO and one in SOLVER_IMPLS
 * (TypeScript refuses a missing one), plus its reference and tests.
 */
import type { RegressionValues, Solver, Study } from '../../spec/regression';
import { SOLVER_INFO } from '../../spec/regression-methods';
import { type Parity, type RunContext, type RunOutput, type StageRecord, stage, UserError } from '../types';
import { runCv } from './cv';
import { cdFit, cpuFit, enetPath, fistaFit, larsPath, runPathFit, runSingleFit } from './fit';
import { fitParity } from './fit-parity';
import { runKronSbl } from './kron-sbl';
import { runLdpDK } from './ldp-dk';
import { phaseParity, runPhase } from './phase';
import { runPrecondSweep, runSupports } from './random-support';
import {
  cdSingle,
  fistaSingle,
  htpSingle,
  ihtSingle,
  ldpNiSingle,
  ldpSiSingle,
  ompSingle,
  precondSingle,
  ridgeSingle,
  type SingleFit,
  type SingleFitExtra,
  sblSingle,
} from './solve';
import type { Rate, SolverImpl, StudyRunner } from './solver-impl';
import { ldpNiEps, ldpNiRates, ldpSiEps, ldpSiRates, ridgeRates, runSweep, sparseRates } from './sweeps';

/** A single-fit solver that runs on the CPU reference in every backend. */
const cpuSolver = (single: NonNullable<SolverImpl['single']>, rates: SolverImpl['rates'] = sparseRates) => ({
  single,
  fit: (v: RegressionValues, ctx: RunContext) => runSingleFit(v, ctx, cpuFit(single)),
  rates,
  eps: null,
});

export const SOLVER_IMPLS: { readonly [K in Solver]: SolverImpl } = {
  lasso: {
    single: cdSingle,
    fit: (v, ctx) => runSingleFit(v, ctx, cdFit),
    rates: sparseRates,
    eps: null,
  },
  enet: {
    single: cdSingle,
    fit: (v, ctx) => runSingleFit(v, ctx, cdFit),
    rates: sparseRates,
    eps: null,
  },
  lasso_path: { single: null, fit: (v, ctx) => runPathFit(v, ctx, enetPath), rates: sparseRates, eps: null },
  enet_path: { single: null, fit: (v, ctx) => runPathFit(v, ctx, enetPath), rates: sparseRates, eps: null },
  lars_lasso: { single: null, fit: (v, ctx) => runPathFit(v, ctx, larsPath), rates: sparseRates, eps: null },
  omp: cpuSolver(ompSingle),
  iht: cpuSolver(ihtSingle),
  htp: cpuSolver(htpSingle),
  fista: {
    single: fistaSingle,
    fit: (v, ctx) => runSingleFit(v, ctx, fistaFit),
    rates: sparseRates,
    eps: null,
  },
  sbl: cpuSolver(sblSingle),
  ridge: cpuSolver(ridgeSingle, ridgeRates),
  ldp_ni: { ...cpuSolver(ldpNiSingle, ldpNiRates), eps: ldpNiEps },
  ldp_si: { ...cpuSolver(ldpSiSingle, ldpSiRates), eps: ldpSiEps },
  precond_lasso: { ...cpuSolver(precondSingle), studies: { sweep_n: (v, ctx) => runPrecondSweep(v, ctx) } },
  kron_sbl: { single: null, fit: (v, ctx) => runKronSbl(v, ctx), rates: sparseRates, eps: null },
};

export interface StudyImpl {
  run: StudyRunner;
  /** What runs where (the result's stage records). */
  stages: (v: RegressionValues, gpu: boolean) => StageRecord[];
  /** Whether this study, with this solver, computes on the GPU when there is one. */
  gpu: (v: RegressionValues) => boolean;
  /** GPU against the CPU reference (studies with a GPU path). */
  parity?: (v: RegressionValues, ctx: RunContext, out: RunOutput, full: boolean) => Promise<Parity>;
}

/** Every study ends with the CPU's metrics stage (a fresh record per result). */
const metrics = () => stage('metrics', 'cpu', 'errors, support recovery and the views');
const cpuNote = (gpu: boolean, what: string) => (gpu ? `${what} has no GPU path` : undefined);
const onCpu = (name: string, what: string, noGpu: string) => (_v: RegressionValues, gpu: boolean) => [
  stage(name, 'cpu', what, cpuNote(gpu, noGpu)),
  metrics(),
];
const never = () => false;

/** Error sweeps (against n or ε): the chosen solver per trial and point, on the CPU. */
const sweepStages = (v: RegressionValues, gpu: boolean) => [
  stage(
    'solve',
    'cpu',
    `${SOLVER_INFO[v.solver].title} per trial and point`,
    cpuNote(gpu, 'the error sweep'),
  ),
  metrics(),
];

export const STUDY_IMPLS: { readonly [K in Study]: StudyImpl } = {
  fit: {
    run: (v, ctx, solver) => solver.fit(v, ctx),
    stages: (v, gpu) => {
      const info = SOLVER_INFO[v.solver];
      if (info.gpu && gpu) return [stage(info.gpu.stage, 'webgpu', info.gpu.what), metrics()];
      if (info.gpu) return [stage(info.cpu.stage, 'cpu', info.cpu.what), metrics()];
      return [stage(info.cpu.stage, 'cpu', info.cpu.what, cpuNote(gpu, info.cpu.what)), metrics()];
    },
    gpu: (v) => SOLVER_INFO[v.solver].gpu !== null,
    parity: fitParity,
  },
  cv: {
    run: (v, ctx) => runCv(v, ctx),
    stages: (v, gpu) =>
      onCpu('solve', `${v.folds}-fold coordinate-descent paths (warm starts)`, 'cross-validation')(v, gpu),
    gpu: never,
  },
  sweep_n: { run: runSweep, stages: sweepStages, gpu: never },
  sweep_eps: { run: runSweep, stages: sweepStages, gpu: never },
  phase: {
    run: (v, ctx) => runPhase(v, ctx),
    stages: (v, gpu) => {
      const alg = SOLVER_INFO[v.solver].phase === 'omp' ? 'OMP' : 'Lasso by FISTA at α = ratio·α_max';
      return [
        gpu
          ? stage('generate + solve', 'webgpu', `${alg}, every problem of a batch in one dispatch`)
          : stage('generate + solve', 'cpu', `${alg}, one problem at a time`),
        metrics(),
      ];
    },
    gpu: () => true,
    parity: async (v, _ctx, out, full) => phaseParity(out, v, full),
  },
  supports: {
    run: (v, ctx) => runSupports(v, ctx),
    stages: onCpu(
      'certificate + solves',
      'ρ_D(S) by ADMM, Lasso and the preconditioned Lasso',
      'the support study',
    ),
    gpu: never,
  },
  sweep_d: {
    run: (v, ctx) => runLdpDK(v, ctx),
    stages: onCpu('solve', 'the three LDP estimators per trial and point', 'the LDP sweep'),
    gpu: never,
  },
  sweep_k: {
    run: (v, ctx) => runLdpDK(v, ctx),
    stages: onCpu('solve', 'the three LDP estimators per trial and point', 'the LDP sweep'),
    gpu: never,
  },
};

/** One CPU fit of `solver` (the table's single fit; a path solver has none). */
export function solveSingle(
  solver: Solver,
  v: RegressionValues,
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  extra: SingleFitExtra = {},
): SingleFit {
  const single = SOLVER_IMPLS[solver].single;
  if (!single) throw new UserError(`solver: ${solver} is a path solver, not a single fit`);
  return single(v, X, y, n, d, extra);
}

/** The error sweeps' guide lines for the chosen solver. */
export const rates = (v: RegressionValues, vsEps: boolean): Rate[] => SOLVER_IMPLS[v.solver].rates(v, vsEps);
