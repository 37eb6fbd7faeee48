/**
 * The L0–MSE frontier: for each architecture, a sweep of its sparsity knob (k for TopK-like models, λ for
 * ReLU-L1, the L0 coefficient for JumpReLU) over ×¼ … ×4 of the chosen value, each point one training run
 * scored on held-out rows. Points are streamed as runs finish.
 */
import { initParams, type SaeConfig, type SaeModel } from '../../reference/sae/model';
import type { SaeValues } from '../../spec/sae';
import { FRONTIER_SWEEPS, SAE_MODEL_INFO } from '../../spec/sae-models';
import type { RunContext } from '../types';
import { CpuTrainer, GpuTrainer, type SaeTrainer } from './backends';
import { checkConfig, checkGpuFits, decoderKind, saeConfig } from './config';
import type { SaeData } from './data';
import { trainLoop } from './train';
import type { FrontierPoint, SaePartial } from './views-data';

export function sweepModels(v: SaeValues): SaeModel[] {
  return v.sweep === 'model' ? [v.model] : [...FRONTIER_SWEEPS[v.sweep]];
}

export function sweepValues(
  v: SaeValues,
  model: SaeModel,
): { knob: FrontierPoint['knob']; values: number[] } {
  const n = v.sweepPoints;
  const mult = Array.from({ length: n }, (_, i) => 2 ** (-2 + (4 * i) / (n - 1)));
  const knob = SAE_MODEL_INFO[model].frontierKnob;
  if (knob === 'l1') return { knob, values: mult.map((f) => v.l1 * f) };
  if (knob === 'l0Coeff') return { knob, values: mult.map((f) => v.l0Coeff * f) };
  const ks = mult.map((f) => Math.max(1, Math.min(128, v.latents, Math.round(v.k * f))));
  return { knob: 'k', values: [...new Set(ks)] };
}

export async function runFrontier(v: SaeValues, ctx: RunContext, data: SaeData) {
  const { ds } = data;
  const runs: Array<{ model: SaeModel; knob: FrontierPoint['knob']; value: number }> = [];
  for (const model of sweepModels(v)) {
    const { knob, values } = sweepValues(v, model);
    for (const value of values) runs.push({ model, knob, value });
  }
  const points: FrontierPoint[] = [];
  const t0 = performance.now();
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r];
    const c: SaeConfig = saeConfig(v, ds, { model: run.model, [run.knob]: run.value } as Partial<SaeConfig>);
    checkConfig(c, ds, v.batch);
    const decoder = decoderKind(v, c);
    checkGpuFits(ctx, c, ds, v.batch, decoder);
    const params = initParams(c, v.seed, ds.mean);
    const t: SaeTrainer = ctx.gpu
      ? await GpuTrainer.create(ctx.gpu, c, params, ds, v.batch, decoder)
      : new CpuTrainer(c, params, ds, v.batch);
    try {
      const stage = `${run.model} ${run.knob} = ${fmt(run.value)} (${r + 1} of ${runs.length})`;
      await trainLoop(
        t,
        ds,
        { steps: v.steps, batch: v.batch, metricsEvery: v.metricsEvery, seed: v.seed },
        ctx,
        undefined,
        (h, done) =>
          ctx.progress({
            fraction: (r + (0.95 * done) / v.steps) / runs.length,
            stage: `training ${stage}`,
            partial: {
              kind: 'frontier',
              points,
              current: { ...run, history: h.slice(-200) },
            } satisfies SaePartial,
          }),
      );
      const nHeld = ds.n - ds.nTrain;
      const res = await t.evaluate(ds.nTrain, nHeld, {});
      let err = 0;
      for (const x of res.e) err += x * x;
      let fired = 0;
      let dead = 0;
      for (const cnt of res.counts) {
        fired += cnt;
        if (cnt === 0) dead++;
      }
      points.push({ ...run, l0: fired / nHeld, nmse: err / nHeld / ds.variance, dead });
      ctx.progress({
        fraction: (r + 1) / runs.length,
        stage: `finished ${stage}`,
        partial: { kind: 'frontier', points } satisfies SaePartial,
      });
    } finally {
      t.destroy();
    }
  }
  const curves = sweepModels(v).map((model) => ({
    model,
    knob: points.find((p) => p.model === model)?.knob ?? 'k',
    points: points.filter((p) => p.model === model).sort((a, b) => a.l0 - b.l0),
  }));
  const table = new Float64Array(points.length * 4);
  const models = sweepModels(v);
  points.forEach((p, i) => {
    table.set([models.indexOf(p.model), p.value, p.l0, p.nmse], i * 4);
  });
  return { points, curves, table, ms: performance.now() - t0 };
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(3));
