/**
 * Runner for `#/pruning`: builds (or reads) a layer W and its inputs X, prunes it with the chosen
 * method through the method table, measures the output error on held-out tokens, and (study = sweep)
 * traces error against sparsity for every method on one chart, streaming the points.
 */
import { nd, toFloat64 } from '../../core/ndarray';
import { maskSparsity, type Pattern, patternLabel } from '../../reference/pruning/select';
import { PRUNING_METHOD_IDS, type PruningValues, patternOf, pruningSpec } from '../../spec/pruning';
import {
  breathe,
  defineExperiment,
  type Parity,
  type RunContext,
  throwIfCancelled,
  UserError,
} from '../types';
import { type Layer, splitTokens, syntheticLayer } from './data';
import { runGpuStages, sparseKernel } from './gpu-stages';
import { networkLayerStudy, networkSweep, trainingStudy } from './network';
import { METHODS } from './registry';
import type {
  KernelView,
  LayerInfo,
  MaskView,
  PruningLayerViews,
  PruningPartial,
  PruningSweepViews,
  PruningTrainingViews,
  ScoreHistogram,
  StageRecord,
  SweepPoint,
} from './views-data';

const FILE_FIELDS = ['W', 'X'] as const;

/** Files given for a data source that does not read them are errors naming them. */
function rejectUnusedFiles(v: PruningValues, ctx: Pick<RunContext, 'data'>): void {
  if (v.data === 'file') return;
  const given = FILE_FIELDS.filter((f) => ctx.data[f] || v[f]);
  if (given.length)
    throw new UserError(
      `${given.join(' and ')}: data = ${v.data} builds its own ${v.data === 'digits_mlp' ? 'network' : 'layer'}, so the file${given.length > 1 ? 's are' : ' is'} not used; choose data = file or drop ${given.join(', ')}`,
    );
}

export function loadLayer(v: PruningValues, ctx: Pick<RunContext, 'data'>): Layer {
  rejectUnusedFiles(v, ctx);
  if (v.data !== 'file') {
    if (v.data === 'digits_mlp') throw new Error('the digits MLP is not a single layer');
    return syntheticLayer({
      kind: v.data,
      rows: v.rows,
      cols: v.cols,
      tokens: v.tokens,
      held: v.heldTokens,
      seed: v.seed,
      outlierChannels: v.outlierChannels,
      outlierScale: v.outlierScale,
    });
  }
  const W = ctx.data.W;
  const X = ctx.data.X;
  if (!W || !X)
    throw new UserError(
      `data = file needs both W (out × in) and X (tokens × in); missing: ${[!W && 'W', !X && 'X'].filter(Boolean).join(', ')}`,
    );
  if (W.shape.length !== 2)
    throw new UserError(`W: expected a 2-D matrix (out × in), got shape (${W.shape.join(', ')})`);
  if (X.shape.length !== 2)
    throw new UserError(`X: expected a 2-D matrix (tokens × in), got shape (${X.shape.join(', ')})`);
  const [rows, cols] = W.shape;
  const [total, xc] = X.shape;
  if (xc !== cols) throw new UserError(`X has ${xc} columns but W has ${cols} inputs: X must be tokens × in`);
  if (total < 2) throw new UserError('X: need at least 2 rows (calibration and held-out)');
  if (rows * cols > 1 << 22) throw new UserError(`W: ${rows}×${cols} is above the lab's 4M-weight limit`);
  const w = Float64Array.from(toFloat64(W));
  const x = Float64Array.from(toFloat64(X));
  for (const [name, a] of [
    ['W', w],
    ['X', x],
  ] as const) {
    const bad = a.findIndex((z) => !Number.isFinite(z));
    if (bad >= 0) throw new UserError(`${name}: element ${bad} is ${a[bad]}; values must be finite`);
  }
  const split = splitTokens(x, total, cols, v.heldFraction);
  return {
    W: w,
    rows,
    cols,
    ...split,
    notes: `your W (${rows}×${cols}) and X (${total}×${cols}); last ${split.held} rows held out`,
  };
}

export function patternFor(v: PruningValues): Pattern {
  const nm = patternOf(v);
  return nm ? { kind: 'nm', n: nm.n, m: nm.m } : { kind: 'unstructured', sparsity: v.sparsity };
}

function checkSizes(v: PruningValues, L: Layer, p: Pattern): void {
  if (p.kind === 'nm' && p.m > L.cols) throw new UserError(`M (${p.m}) is larger than W's ${L.cols} inputs`);
  if (METHODS[v.method].fields.includes('atoms' as never) && v.study === 'layer' && v.atoms > L.cols)
    throw new UserError(`atoms k (${v.atoms}) must not exceed W's ${L.cols} inputs`);
}

const PREVIEW = 128;

export function maskView(keep: Uint8Array, rows: number, cols: number, groupM: number): MaskView {
  const rowStep = Math.ceil(rows / PREVIEW);
  const colStep = Math.ceil(cols / (2 * PREVIEW));
  const pr = Math.ceil(rows / rowStep);
  const pc = Math.ceil(cols / colStep);
  const sum = new Float64Array(pr * pc);
  const cnt = new Float64Array(pr * pc);
  const rowSp = new Array<number>(rows).fill(0);
  const colSp = new Array<number>(cols).fill(0);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const k = keep[i * cols + j];
      const q = Math.floor(i / rowStep) * pc + Math.floor(j / colStep);
      sum[q] += k;
      cnt[q]++;
      if (!k) {
        rowSp[i]++;
        colSp[j]++;
      }
    }
  return {
    rows: pr,
    cols: pc,
    values: Array.from(sum, (s, i) => s / cnt[i]),
    rowStep,
    colStep,
    groupM,
    rowSparsity: rowSp.map((x) => x / cols),
    colSparsity: colSp.map((x) => x / rows),
  };
}

/** Block-averaged log10 of a score (or |W|) over the same preview grid as the mask. */
export function logMap(
  values: Float64Array,
  rows: number,
  cols: number,
): { rows: number; cols: number; values: number[] } {
  const rowStep = Math.ceil(rows / PREVIEW);
  const colStep = Math.ceil(cols / (2 * PREVIEW));
  const pr = Math.ceil(rows / rowStep);
  const pc = Math.ceil(cols / colStep);
  const sum = new Float64Array(pr * pc);
  const cnt = new Float64Array(pr * pc);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const q = Math.floor(i / rowStep) * pc + Math.floor(j / colStep);
      sum[q] += Math.log10(Math.max(Math.abs(values[i * cols + j]), 1e-12));
      cnt[q]++;
    }
  return { rows: pr, cols: pc, values: Array.from(sum, (x, i) => x / cnt[i]) };
}

export function scoreHistogram(
  scores: Float64Array,
  keep: Uint8Array,
  label: string,
  bins = 40,
): ScoreHistogram {
  let lo = Infinity;
  let hi = -Infinity;
  let thr = -Infinity;
  for (let i = 0; i < scores.length; i++) {
    if (!(scores[i] > 0)) continue;
    const l = Math.log10(scores[i]);
    lo = Math.min(lo, l);
    hi = Math.max(hi, l);
    if (!keep[i]) thr = Math.max(thr, l);
  }
  if (!Number.isFinite(lo)) return { edges: [0, 1], kept: [0], pruned: [0], threshold: null, label };
  if (hi <= lo) hi = lo + 1;
  const edges = Array.from({ length: bins + 1 }, (_, b) => lo + ((hi - lo) * b) / bins);
  const kept = new Array<number>(bins).fill(0);
  const pruned = new Array<number>(bins).fill(0);
  for (let i = 0; i < scores.length; i++) {
    if (!(scores[i] > 0)) continue;
    const b = Math.min(bins - 1, Math.floor(((Math.log10(scores[i]) - lo) / (hi - lo)) * bins));
    (keep[i] ? kept : pruned)[b]++;
  }
  return { edges, kept, pruned, threshold: Number.isFinite(thr) ? thr : null, label };
}

/** The sweep's points: sparsities 10–90% for every method, and 2:4 / 4:8 for the pattern methods. */
export const SWEEP_SPARSITIES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

export const pruningExperiment = defineExperiment({
  spec: pruningSpec,
  async run(v, ctx) {
    const p = patternFor(v);
    if (v.data === 'digits_mlp') {
      rejectUnusedFiles(v, ctx);
      return networkRun(v, ctx, p);
    }
    ctx.progress({ fraction: 0, stage: 'building the layer' });
    const L = loadLayer(v, ctx);
    checkSizes(v, L, p);
    const stages: StageRecord[] = [];
    const timed = <T>(stage: string, f: () => T): T => {
      const t0 = performance.now();
      const r = f();
      stages.push({ stage, backend: 'cpu', ms: performance.now() - t0 });
      return r;
    };
    const layerInfo = { rows: L.rows, cols: L.cols, tokens: L.tokens, held: L.held, notes: L.notes };
    if (v.study === 'sweep') return sweep(v, L, ctx, stages, layerInfo);

    const entry = METHODS[v.method];
    ctx.progress({ fraction: 0.1, stage: `${entry.label} on the CPU reference` });
    await breathe(ctx.signal);
    const sparsity = entry.patterns && p.kind === 'unstructured' ? p.sparsity : v.sparsity;
    const res = timed(`${v.method} (reference)`, () => entry.reference(L, p, v, sparsity));
    throwIfCancelled(ctx.signal);
    let parity: Parity | undefined;
    const gpuMetrics: Record<string, number> = {};
    let kernel: KernelView | undefined;
    if (ctx.gpu) {
      ctx.progress({ fraction: 0.7, stage: 'GPU kernels' });
      const g = await runGpuStages(ctx.gpu, entry, L, p, res, v);
      stages.push(...g.stages);
      Object.assign(gpuMetrics, g.metrics);
      kernel = g.kernel;
      parity = g.parity;
    }
    const arrays = { ...res.arrays };
    if (res.keep) arrays.mask = nd(res.keep, [L.rows, L.cols], 'uint8');
    if (res.approx) arrays.pruned = nd(Float32Array.from(res.approx), [L.rows, L.cols]);
    if (res.scores) arrays.scores = nd(Float32Array.from(res.scores), [L.rows, L.cols]);
    const views: PruningLayerViews = {
      ...res.views,
      layer: layerInfo,
      method: {
        id: v.method,
        label: entry.label,
        help: entry.help,
        departures: entry.departures,
        gpu: 'kernels' in entry.gpu ? `GPU: ${entry.gpu.kernels}` : `GPU: none — ${entry.gpu.none}`,
      },
      pattern: entry.patterns ? patternLabel(p) : null,
    };
    if (kernel) views.kernel = kernel;
    if (res.keep) views.mask = maskView(res.keep, L.rows, L.cols, p.kind === 'nm' ? p.m : 0);
    const act = res.arrays.actMask;
    if (act) views.actMask = maskView(act.data as Uint8Array, act.shape[0], act.shape[1], 0);
    if (res.keep && res.scores) {
      views.scores = scoreHistogram(res.scores, res.keep, `${entry.label} score`);
      views.scoreMap = logMap(res.scores, L.rows, L.cols);
      views.weightMap = logMap(L.W, L.rows, L.cols);
    }
    const metrics: Record<string, number> = {
      relErr: res.relErr,
      relErrCalibration: res.relErrCal,
      sparsity: res.sparsity,
      ...res.metrics,
      ...gpuMetrics,
    };
    views.stages = stages;
    ctx.progress({ fraction: 1, stage: 'done' });
    return {
      arrays,
      metrics,
      timings: Object.fromEntries(stages.map((s) => [`${s.stage} [${s.backend}]`, s.ms])),
      views,
      ...(parity ? { parity } : {}),
    };
  },
});

async function sweep(
  v: PruningValues,
  L: Layer,
  ctx: RunContext,
  stages: StageRecord[],
  layerInfo: LayerInfo,
) {
  const points: SweepPoint[] = [];
  type Job = { method: (typeof PRUNING_METHOD_IDS)[number]; p: Pattern; s: number };
  const jobs: Job[] = [];
  for (const id of PRUNING_METHOD_IDS) {
    const e = METHODS[id];
    for (const s of SWEEP_SPARSITIES) jobs.push({ method: id, p: { kind: 'unstructured', sparsity: s }, s });
    if (e.patterns)
      for (const [n, m] of [
        [2, 4],
        [4, 8],
      ])
        if (m <= L.cols) jobs.push({ method: id, p: { kind: 'nm', n, m }, s: 1 - n / m });
  }
  const svdPoints: SweepPoint[] = [];
  const kernelPoints: Array<KernelView & { sparsity: number; pattern: string }> = [];
  let kernelWorst = 0;
  for (let j = 0; j < jobs.length; j++) {
    const { method, p, s } = jobs[j];
    const e = METHODS[method];
    const params = e.sweepParams ? { ...v, ...e.sweepParams(v, L.rows, L.cols, s, L.cols) } : v;
    const t0 = performance.now();
    const r = e.reference(L, p, params, s);
    stages.push({ stage: `${method} ${patternLabel(p)}`, backend: 'cpu', ms: performance.now() - t0 });
    if (ctx.gpu && e.kernelSweep && r.keep && r.approx && L.rows <= 65535) {
      const k = await sparseKernel(ctx.gpu, L, r.keep, r.approx, p);
      kernelPoints.push({ sparsity: maskSparsity(r.keep), pattern: patternLabel(p), ...k.view });
      stages.push({
        stage: `sparse × dense ${patternLabel(p)} (${k.view.format})`,
        backend: 'webgpu',
        ms: k.view.sparseMs,
      });
      stages.push({
        stage: `dense tiled matmul (vs ${patternLabel(p)})`,
        backend: 'webgpu',
        ms: k.view.denseMs,
      });
      kernelWorst = Math.max(kernelWorst, k.maxRelDiff);
    }
    points.push({
      method,
      label: e.label,
      sparsity: r.keep ? maskSparsity(r.keep) : r.sparsity,
      relErr: r.relErr,
      pattern: p.kind === 'nm' ? `${p.n}:${p.m}` : 'unstructured',
    });
    for (const b of e.baselines ?? [])
      if (r.metrics[b.metric] !== undefined)
        svdPoints.push({
          method: b.id,
          label: b.label,
          sparsity: r.sparsity,
          relErr: r.metrics[b.metric],
          pattern: b.pattern,
        });
    ctx.progress({
      fraction: (j + 1) / jobs.length,
      stage: `${e.label} ${patternLabel(p)}`,
      partial: { points: [...points, ...svdPoints] } satisfies PruningPartial,
    });
    await breathe(ctx.signal);
  }
  const all = [...points, ...svdPoints];
  const at = (m: string, pat: string, s = 0.5) =>
    all.find((q) => q.method === m && q.pattern === pat && Math.abs(q.sparsity - s) < 1e-9)?.relErr;
  const metrics: Record<string, number> = {};
  for (const id of PRUNING_METHOD_IDS) {
    const u = at(id, 'unstructured');
    if (u !== undefined) metrics[`relErr_${id}_50`] = u;
    const t = at(id, '2:4');
    if (t !== undefined) metrics[`relErr_${id}_2of4`] = t;
  }
  return {
    arrays: {
      sweep: nd(Float64Array.from(all.flatMap((q) => [q.sparsity, q.relErr])), [all.length, 2]),
    },
    metrics,
    timings: Object.fromEntries(stages.map((s) => [`${s.stage} [${s.backend}]`, s.ms])),
    views: { points: all, layer: layerInfo, stages, kernelPoints } satisfies PruningSweepViews,
    parity: ctx.gpu
      ? {
          status: 'checked' as const,
          maxRelDiff: kernelWorst,
          tolerance: 1e-4,
          ok: kernelWorst <= 1e-4,
          compared: `sparse kernel products at ${kernelPoints.length} sparsities (magnitude masks) against float64`,
        }
      : undefined,
  };
}

const NETWORK_PARITY: Parity = {
  status: 'not-applicable',
  reason: 'the digits MLP is trained and pruned on the CPU reference only (every stage runs on the CPU)',
};

async function networkRun(v: PruningValues, ctx: RunContext, p: Pattern) {
  const stages: StageRecord[] = [];
  const timings = () => Object.fromEntries(stages.map((s) => [`${s.stage} [${s.backend}]`, s.ms]));
  const network = {
    hidden: v.hidden,
    epochs: v.epochs,
    notes: `digits MLP 64 → ${v.hidden} → 10 (ReLU), 1 200 train / 597 test digits`,
  };
  if (v.study === 'training') {
    const r = await trainingStudy(v, ctx, p, stages);
    return {
      arrays: r.arrays,
      metrics: r.metrics,
      timings: timings(),
      views: { ...r.views, network, pattern: patternLabel(p), stages } satisfies PruningTrainingViews,
      parity: NETWORK_PARITY,
    };
  }
  if (v.study === 'sweep') {
    const { points, dense } = await networkSweep(v, ctx, stages, SWEEP_SPARSITIES);
    const metrics: Record<string, number> = { accuracyDense: dense };
    for (const q of points)
      if (q.pattern === '2:4' || (q.pattern === 'unstructured' && Math.abs(q.sparsity - 0.5) < 0.01))
        metrics[`accuracy_${q.method}_${q.pattern === '2:4' ? '2of4' : '50'}`] = q.accuracy ?? Number.NaN;
    return {
      arrays: {
        sweep: nd(Float64Array.from(points.flatMap((q) => [q.sparsity, q.accuracy ?? Number.NaN])), [
          points.length,
          2,
        ]),
      },
      metrics,
      timings: timings(),
      views: { points, denseAccuracy: dense, network, stages } satisfies PruningSweepViews,
      parity: NETWORK_PARITY,
    };
  }
  const r = await networkLayerStudy(v, ctx, p, stages);
  const first = r.net.layers[0];
  const views: PruningLayerViews = {
    ...first.run.views,
    network,
    layer: {
      rows: first.rows,
      cols: first.cols,
      tokens: 1200,
      held: 597,
      notes: `${network.notes}; the charts show layer 1`,
    },
    method: {
      id: v.method,
      label: r.entry.label,
      help: r.entry.help,
      departures: r.entry.departures,
      gpu: 'GPU: none for the network study (the MLP and its pruning run on the CPU reference)',
    },
    pattern: r.entry.patterns ? patternLabel(p) : null,
    stages,
  };
  if (first.run.keep)
    views.mask = maskView(first.run.keep, first.rows, first.cols, p.kind === 'nm' ? p.m : 0);
  if (first.run.keep && first.run.scores)
    views.scores = scoreHistogram(first.run.scores, first.run.keep, `${r.entry.label} score (layer 1)`);
  return { arrays: r.arrays, metrics: r.metrics, timings: timings(), views, parity: NETWORK_PARITY };
}
