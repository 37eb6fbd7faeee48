/**
 * Runner for `#/regression`: picks the study (fit / path, CV, error sweeps, phase diagram) and the backend.
 * On WebGPU the heavy parts run on the GPU — FISTA fits and Lasso/enet paths (one large problem, batched
 * mat-vecs) and phase diagrams (thousands of small problems, one workgroup each); everything else runs on
 * the CPU references in both backends. Parity re-runs the CPU reference on the same problem.
 */
import { type RegressionValues, regressionSpec } from '../../spec/regression';
import { defineExperiment, type StageRecord } from '../types';
import { SOLVER_IMPLS, STUDY_IMPLS } from './registry';

const usesGpu = (v: RegressionValues) => STUDY_IMPLS[v.study].gpu(v);

export const regressionExperiment = defineExperiment({
  spec: regressionSpec,
  async run(v, ctx) {
    const solver = SOLVER_IMPLS[v.solver];
    const run = solver.studies?.[v.study] ?? STUDY_IMPLS[v.study].run;
    const out = await run(v, ctx, solver);
    out.stages = regressionStages(v, ctx.gpu !== null);
    if (ctx.gpu && !usesGpu(v) && !out.parity) {
      out.parity = {
        status: 'not-applicable',
        reason: 'this solver / study runs on the CPU references in both backends',
      };
    }
    return out;
  },
  async parity(v, ctx, out, full) {
    const check = STUDY_IMPLS[v.study].parity;
    if (!usesGpu(v) || !check) return { status: 'not-applicable', reason: 'computed by the CPU reference' };
    return check(v, ctx, out, full);
  },
});

/** What a regression run computes where: the GPU paths are FISTA fits/paths and the phase diagram. */
export function regressionStages(v: RegressionValues, gpu: boolean): StageRecord[] {
  return STUDY_IMPLS[v.study].stages(v, gpu);
}
