/**
 * Runner for `#/sae`: loads the data, trains one SAE (or a frontier sweep) on the chosen backend with live
 * loss curves, then evaluates on held-out rows and writes the weights. Array conventions: `encoder` and
 * `decoder` are both M×d, row i being latent i's encoder vector and decoder atom
 * (f = act(encoder·(x − bias_dec) + bias_enc), x̂ = decoderᵀf + bias_dec); weights are in the rescaled units
 * (multiply x by metrics.scale first).
 */
import { nd, toFloat64 } from '../../core/ndarray';
import type { SaeDataset } from '../../data/sae-sources';
import { forward } from '../../reference/sae/forward';
import {
  infoOf,
  initParams,
  isBatchTopk,
  isJump,
  isPoly,
  isPolyGeneral,
  linearAtoms,
  type Params,
  paramLayout,
  type SaeConfig,
} from '../../reference/sae/model';
import { CpuSae } from '../../reference/sae/train';
import { type SaeValues, saeSpec } from '../../spec/sae';
import { SAE_MODEL_INFO } from '../../spec/sae-models';
import {
  breathe,
  defineExperiment,
  maxRelDiff,
  type Parity,
  type RunContext,
  type RunOutput,
  type StageRecord,
  stage,
} from '../types';
import { analyse, evaluateAll } from './analysis';
import { CpuTrainer, GpuTrainer, type SaeTrainer } from './backends';
import { checkConfig, checkGpuFits, decoderKind, saeConfig } from './config';
import { runDarkMatter } from './darkmatter';
import { loadSaeData, type SaeData } from './data';
import { runFrontier } from './frontier';
import type { InteractionView } from './interaction';
import { saeGpuPath } from './registry';
import { type HistoryPoint, type StepProbe, thin, trainLoop } from './train';
import type { SaePartial } from './views-data';

/** Held-out rows compared with the CPU forward after a GPU run. */
const PARITY_ROWS = 64;
const PARITY_TOL = 1e-3;

export const saeExperiment = defineExperiment({
  spec: saeSpec,
  async run(v, ctx) {
    ctx.progress({ fraction: 0, stage: 'loading data' });
    const data = await loadSaeData(v, ctx);
    if (v.study === 'frontier') return frontierOutput(v, ctx, data);
    if (v.study === 'darkmatter') return runDarkMatter(v, ctx, data);
    return trainOne(v, ctx, data);
  },
  async parity(v, ctx, out, full) {
    if (v.study === 'frontier' || v.study === 'darkmatter')
      return { status: 'skipped', reason: 'this sweep keeps no weights to compare' };
    const data = await loadSaeData(v, ctx);
    const c = saeConfig(v, data.ds);
    const p = paramsFromArrays(c, out);
    const theta = out.metrics.theta;
    if (!ctx.gpu) return { status: 'not-applicable', reason: 'the CPU backend is the reference' };
    // Recompute the held-out errors on the GPU from the written weights, then on the CPU.
    const { ds } = data;
    const nHeld = ds.n - ds.nTrain;
    const rows = full ? nHeld : Math.min(nHeld, PARITY_ROWS);
    const t = await GpuTrainer.create(
      ctx.gpu,
      c,
      p,
      ds,
      Math.min(v.batch, Math.max(rows, 1)),
      decoderKind(v, c),
    );
    try {
      if (isBatchTopk(c)) {
        if (!t.sae.setTheta)
          throw new Error(`the GPU trainer of ${c.model} cannot take BatchTopK's threshold θ`);
        t.sae.setTheta(theta);
      }
      const res = await t.evaluate(ds.nTrain, rows, {});
      return compareForward(
        c,
        p,
        data,
        res.e,
        ds.nTrain,
        rows,
        theta,
        rows === nHeld ? 'all' : `${rows} of ${nHeld} held-out rows`,
      );
    } finally {
      t.destroy();
    }
  },
});

async function trainOne(v: SaeValues, ctx: RunContext, data: SaeData): Promise<RunOutput> {
  const { ds, toy } = data;
  const c = saeConfig(v, ds);
  checkConfig(c, ds, v.batch);
  const decoder = decoderKind(v, c);
  checkGpuFits(ctx, c, ds, v.batch, decoder);
  const params = initParams(c, v.seed, ds.mean);
  ctx.progress({ fraction: 0.01, stage: ctx.gpu ? 'building GPU pipelines' : 'starting' });
  const t: SaeTrainer = ctx.gpu
    ? await GpuTrainer.create(ctx.gpu, c, params, ds, v.batch, decoder)
    : new CpuTrainer(c, params, ds, v.batch);
  const stepChecks: StepCheck[] = [];
  const stepWork = c.m * c.d * v.batch;
  const probe =
    t instanceof GpuTrainer && stepWork <= STEP_CHECK_WORK
      ? stepProbe(t, c, ds, v.batch, [...new Set([0, v.steps - 1])], stepChecks)
      : undefined;
  try {
    const stage = `training ${SAE_MODEL_INFO[c.model].label} (${c.m} latents) on ${ctx.gpu ? 'the GPU' : 'the CPU'}`;
    const { history, ms } = await trainLoop(
      t,
      ds,
      { steps: v.steps, batch: v.batch, metricsEvery: v.metricsEvery, seed: v.seed },
      ctx,
      toy,
      (h, done) =>
        ctx.progress({
          fraction: 0.02 + (0.88 * done) / v.steps,
          stage,
          partial: {
            kind: 'train',
            model: c.model,
            history: thin(h, 400),
            steps: v.steps,
          } satisfies SaePartial,
        }),
      probe,
    );
    ctx.progress({ fraction: 0.9, stage: 'evaluating on held-out rows' });
    const last = performance.now();
    let lastYield = last;
    // PolySAE's interaction view needs the held-out codes (co-occurrence); codes.npy is written only when asked.
    const ev = await evaluateAll(t, data, v.keepCodes || isPoly(c), async (f) => {
      if (performance.now() - lastYield > 30) {
        ctx.progress({ fraction: 0.9 + 0.05 * f, stage: 'evaluating on held-out rows' });
        await breathe(ctx.signal);
        lastYield = performance.now();
      }
    });
    const evalMs = performance.now() - last;
    const p = await t.params();
    const theta = isBatchTopk(c) ? (await t.metrics()).theta : Number.NaN;
    ctx.progress({ fraction: 0.96, stage: 'analysing' });
    await breathe(ctx.signal);
    const a = analyse(c, p, data, ev);
    const lastPt = history[history.length - 1];
    const metrics: Record<string, number> = {
      ...a.metrics,
      train_nmse: lastPt?.rec ?? Number.NaN,
      train_l0: lastPt?.l0 ?? Number.NaN,
      dead_train_window: lastPt?.dead ?? 0,
      steps: v.steps,
      samples_per_s: (v.steps * v.batch) / (ms / 1000),
      ms_per_step: ms / v.steps,
    };
    if (isBatchTopk(c)) metrics.theta = theta;
    const out: RunOutput = {
      arrays: {
        ...weightArrays(c, p, v.keepCodes ? ev.held.codes : undefined, ev.nHeld, history),
        ...interactionArrays(a.views.interaction as InteractionView | undefined),
      },
      metrics,
      timings: { train: ms, evaluate: evalMs },
      stages: saeStages(
        ctx.gpu !== null,
        c,
        ctx.gpu
          ? saeGpuPath(c).kind === 'own'
            ? 'its own kernels, one thread per output'
            : `${decoder} decoder`
          : null,
        v.decoder,
      ),
      views: {
        kind: 'train',
        model: c.model,
        source: data.source,
        decoder: ctx.gpu ? decoder : 'cpu',
        history: thin(history, 400),
        conventions:
          'encoder and decoder are M×d (row i = latent i); f = act(encoder·(x − bias_dec) + bias_enc); weights in rescaled units (x·scale).',
        ...a.views,
      },
    };
    if (ctx.gpu) {
      const rows = Math.min(ev.nHeld, PARITY_ROWS);
      const fwd = compareForward(
        c,
        p,
        data,
        ev.held.e,
        ds.nTrain,
        rows,
        theta,
        `${rows} of ${ev.nHeld} held-out rows`,
      );
      out.parity = withStepChecks(
        fwd,
        stepChecks,
        v.steps,
        probe ? null : `M·d·batch = ${stepWork} is above ${STEP_CHECK_WORK}: the CPU step was not repeated`,
      );
    }
    return out;
  } finally {
    t.destroy();
  }
}

/** `decoder`: on the GPU, what decodes (GpuSae's sparse or dense decoder, or the form's own kernels). */
function saeStages(gpu: boolean, c: SaeConfig, decoder: string | null, asked: string): StageRecord[] {
  const on = gpu ? 'webgpu' : 'cpu';
  const info = infoOf(c);
  const name = info.formNote ? `${info.label} (${info.formNote})` : info.label;
  return [
    stage(
      'training step',
      on,
      gpu
        ? `${name}: forward, backward and Adam on the GPU (${decoder})`
        : `${name}: forward, backward and Adam (CPU reference${asked !== 'auto' && info.fields.includes('decoder') ? `; the ${asked} decoder kernel is a GPU choice, not used here` : ''})`,
    ),
    stage('evaluation', on, 'held-out forward pass'),
    stage(
      'analysis',
      'cpu',
      'feature density, recovery, dark matter (ridge fits)',
      gpu ? 'the analysis has no GPU path' : undefined,
    ),
  ];
}

/** Largest M·d·batch for which a GPU run repeats its first and last training step on the CPU. */
const STEP_CHECK_WORK = 2e8;
/** Parameters after one step, GPU (float32) vs CPU (float64) from the same state: max |Δ| / max |p|. */
const STEP_TOL = 1e-4;

export interface StepCheck {
  step: number;
  /** Parameter → max relative difference after the step. */
  diffs: Record<string, number>;
}

/**
 * Reads the GPU trainer's whole state (parameters, Adam moments, step, dead-latent counters, BatchTopK's θ)
 * before each probed step, puts it in a CPU trainer, runs the same batch through one full CPU step
 * (forward, backward, Adam update, decoder renormalisation) and compares every parameter afterwards.
 */
export function stepProbe(
  t: GpuTrainer,
  c: SaeConfig,
  ds: SaeDataset,
  batch: number,
  at: number[],
  out: StepCheck[],
): StepProbe {
  let cpu: CpuSae | null = null;
  return {
    at,
    async before(step) {
      const p = await t.params();
      const { m, v } = await t.sae.readOptimizer();
      const { since } = await t.sae.readLatentStats();
      const theta = (await t.sae.read('sc', 4))[2];
      cpu = new CpuSae(c, p);
      cpu.adam.m = m;
      cpu.adam.v = v;
      cpu.adam.t = step;
      cpu.step = step;
      cpu.since.set(since);
      cpu.theta = theta;
    },
    async after(step, rows) {
      if (!cpu) return;
      const X = new Float64Array(batch * c.d);
      rows.forEach((r, b) => {
        X.set(ds.x.subarray(r * c.d, (r + 1) * c.d), b * c.d);
      });
      cpu.trainStep(X, batch);
      const got = await t.params();
      const diffs: Record<string, number> = {};
      for (const name of Object.keys(cpu.p)) diffs[name] = maxRelDiff(got[name], cpu.p[name], 1e-6);
      out.push({ step, diffs });
      cpu = null;
    },
  };
}

function withStepChecks(fwd: Parity, checks: StepCheck[], steps: number, skipped: string | null): Parity {
  const params: Record<string, number> = {};
  let worst = 0;
  for (const { step, diffs } of checks) {
    const label = step === 0 ? 'first step' : `step ${step + 1} of ${steps}`;
    for (const [name, d] of Object.entries(diffs)) {
      params[`${label}: ${name}`] = d;
      worst = Math.max(worst, Number.isNaN(d) ? Number.POSITIVE_INFINITY : d);
    }
  }
  const stepOk = worst <= STEP_TOL;
  const details = [
    `held-out forward pass on the trained weights: max rel. diff ${fwd.maxRelDiff?.toExponential(2) ?? fwd.reason} (${fwd.compared ?? ''}, tolerance ${PARITY_TOL})`,
    skipped ??
      `one full training step (forward, backward, Adam) on GPU and CPU from the same state, ${checks.map((k) => (k.step === 0 ? 'the first' : `step ${k.step + 1}`)).join(' and ')}: largest parameter difference ${worst.toExponential(2)} (tolerance ${STEP_TOL})`,
  ];
  if (fwd.status !== 'checked') return { ...fwd, params, details };
  return {
    status: 'checked',
    maxRelDiff: checks.length ? worst : fwd.maxRelDiff,
    tolerance: checks.length ? STEP_TOL : fwd.tolerance,
    ok: fwd.ok === true && (checks.length === 0 || stepOk),
    compared: checks.length
      ? `training steps ${checks.map((k) => k.step + 1).join(' and ')} (every parameter) + ${fwd.compared}`
      : fwd.compared,
    params,
    details,
  };
}

/** CPU forward of `rows` rows from `start` against the GPU's errors e (first rows of gotE). */
function compareForward(
  c: SaeConfig,
  p: Params,
  data: SaeData,
  gotE: Float32Array,
  start: number,
  rows: number,
  theta: number,
  compared: string,
): Parity {
  const { ds } = data;
  if (rows === 0) return { status: 'skipped', reason: 'no held-out rows' };
  const X = ds.x.subarray(start * ds.d, (start + rows) * ds.d);
  const f = forward(c, p, X, rows, { batchTheta: isBatchTopk(c) && theta > 0 ? theta : undefined });
  const d = maxRelDiff(gotE.subarray(0, rows * ds.d), f.e);
  return { status: 'checked', maxRelDiff: d, tolerance: PARITY_TOL, ok: d <= PARITY_TOL, compared };
}

function weightArrays(
  c: SaeConfig,
  p: Params,
  codes: Float32Array | undefined,
  nHeld: number,
  history: HistoryPoint[],
) {
  const { m: M, d } = c;
  const f32 = (a: Float64Array) => Float32Array.from(a);
  const arrays: RunOutput['arrays'] = {
    encoder: nd(f32(p.W_enc), [M, d]),
    decoder: nd(f32(linearAtoms(c, p)), [M, d]),
    bias_dec: nd(f32(p.b_dec), [d]),
    bias_enc: nd(f32(p.b_enc), [M]),
  };
  if (isJump(c)) arrays.threshold = nd(Float32Array.from(p.log_threshold, Math.exp), [M]);
  if (isPoly(c)) {
    arrays.U = nd(f32(p.U), [M, c.rank1]);
    arrays.C1 = nd(f32(p.C1), [d, c.rank1]);
    arrays.C2 = nd(f32(p.C2), [d, c.rank2]);
    arrays.C3 = nd(f32(p.C3), [d, c.rank3]);
    if (isPolyGeneral(c)) {
      arrays.U2 = nd(f32(p.U2), [M, c.rank2]);
      arrays.U3 = nd(f32(p.U3), [M, c.rank3]);
    }
    arrays.lambda = nd(f32(p.lambda), [2]);
  }
  if (codes) arrays.codes = nd(codes, [nHeld, M]);
  const cols = ['step', 'rec', 'sparsity', 'aux', 'total', 'l0', 'ev', 'dead'] as const;
  const h = new Float64Array(history.length * cols.length);
  history.forEach((pt, i) => {
    cols.forEach((k, j) => {
      h[i * cols.length + j] = pt[k];
    });
  });
  arrays.history = nd(h, [history.length, cols.length]);
  return arrays;
}

/**
 * PolySAE's interaction diagnostic as a table, one row per pair shown: latent i, latent j, strength ‖W_ij‖,
 * co-occurrence, kind (0 other, 1 true correlated pair, 2 true compositional pair).
 */
function interactionArrays(iv: InteractionView | undefined): RunOutput['arrays'] {
  if (!iv) return {};
  const t = new Float64Array(iv.points.length * 5);
  iv.points.forEach((q, n) => {
    t.set([q.i, q.j, q.s, q.c, q.kind], n * 5);
  });
  return { interaction: nd(t, [iv.points.length, 5]) };
}

/** The parameters back from the written arrays (for the parity check of a finished run). */
function paramsFromArrays(c: SaeConfig, out: RunOutput): Params {
  const a = out.arrays;
  const p: Params = {};
  for (const { name } of paramLayout(c)) {
    const src: Record<string, string> = {
      W_enc: 'encoder',
      b_enc: 'bias_enc',
      W_dec: 'decoder',
      b_dec: 'bias_dec',
    };
    if (name === 'log_threshold') p[name] = toFloat64(a.threshold).map(Math.log);
    else p[name] = toFloat64(a[src[name] ?? name]).slice();
  }
  return p;
}

async function frontierOutput(v: SaeValues, ctx: RunContext, data: SaeData): Promise<RunOutput> {
  const f = await runFrontier(v, ctx, data);
  const metrics: Record<string, number> = { runs: f.points.length, steps: v.steps };
  for (const c of f.curves) {
    if (!c.points.length) continue;
    const best = c.points.reduce((a, b) => (b.nmse < a.nmse ? b : a));
    metrics[`${c.model}_best_nmse`] = best.nmse;
  }
  return {
    arrays: { frontier: nd(f.table, [f.points.length, 4]) },
    metrics,
    timings: { sweep: f.ms },
    stages: [
      stage(
        'training steps',
        ctx.gpu ? 'webgpu' : 'cpu',
        `every model of the sweep: forward, backward, Adam (${ctx.gpu ? 'WGSL kernels' : 'CPU reference'})`,
      ),
      stage('evaluation', ctx.gpu ? 'webgpu' : 'cpu', 'held-out forward pass (L0, NMSE)'),
    ],
    views: {
      kind: 'frontier',
      source: data.source,
      curves: f.curves,
      points: f.points,
      columns: ['model index', 'knob value', 'L0', 'NMSE'],
    },
    parity: { status: 'skipped', reason: 'the frontier compares architectures, not backends' },
  };
}
