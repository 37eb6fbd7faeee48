/**
 * The shape of one entry of the regression registry's solver table (workers/experiments/regression/
 * registry.ts). The studies receive the chosen solver's entry, so they never ask which solver it is.
 */
import type { Rng } from '../../io/rng';
import type { LdpScales } from '../../reference/regression/ldp';
import type { RegressionValues, Study } from '../../spec/regression';
import type { RunContext, RunOutput } from '../types';
import type { LdpModel, SingleFitFn } from './solve';

/** A guide line of the error sweeps: a rate in x (n or ε), drawn as C·f(x) with C fitted. */
export interface Rate {
  name: string;
  f: (x: number) => number;
  lower?: boolean;
}

/**
 * An LDP estimator in the error-vs-ε sweep: given one trial's data and model, a function of the
 * privacy scales and the trial's noise stream (what does not depend on ε may be computed once).
 */
export type EpsEstimator = (
  v: RegressionValues,
  trial: { X: Float64Array; y: Float64Array; n: number; d: number; k: number; model: LdpModel },
) => (s: LdpScales, rng: Rng) => Float64Array;

export type StudyRunner = (v: RegressionValues, ctx: RunContext, solver: SolverImpl) => Promise<RunOutput>;

export interface SolverImpl {
  /** One fit on the CPU reference (sweeps and single fits); null for paths and solvers with their own runner. */
  single: SingleFitFn | null;
  /** The fit study (study=fit): a single fit, a path, or the solver's own runner. */
  fit: (v: RegressionValues, ctx: RunContext) => Promise<RunOutput>;
  /** The guide rates of the error sweeps. */
  rates: (v: RegressionValues, vsEps: boolean) => Rate[];
  /** The error-vs-ε estimator (LDP solvers); null where the sweep over ε does not apply. */
  eps: EpsEstimator | null;
  /** Studies this solver runs its own way (replacing the study's runner). */
  studies?: Partial<Record<Study, StudyRunner>>;
}
