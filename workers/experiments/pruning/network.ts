/**
 * The digits MLP studies: train it (seeded, CPU float64), prune both layers in turn with any method of
 * the table (each calibrated on the outputs of the already-pruned layer before it), accuracy against
 * sparsity for every method, and training schedules: one-shot vs gradual magnitude pruning (and a
 * stepwise progressive N:M schedule) and a sparse soup of fine-tunes that share one mask.
 */
import { nd } from '../../core/ndarray';
import {
  accuracy,
  accuracyOf,
  applyMasks,
  cloneMlp,
  digitsSplits,
  gmpSparsity,
  hiddenOf,
  initMlp,
  linear,
  logitsOf,
  type Masks,
  type Mlp,
  SGD_DEFAULTS,
  type Split,
  stepwiseFrames,
  trainMlp,
} from '../../reference/pruning/mlp';
import { layerMask, maskSparsity, nmMask, type Pattern, patternLabel } from '../../reference/pruning/select';
import { PRUNING_METHOD_IDS, type PruningValues } from '../../spec/pruning';
import { breathe, type RunContext, UserError } from '../types';
import type { Layer } from './data';
import { METHODS, type MethodEntry, type MethodRun } from './registry';
import type { PruningPartial, PruningTrainingViews, StageRecord, SweepPoint } from './views-data';

const TRAIN_N = 1200;

export async function loadDigits(ctx: RunContext, seed: number) {
  const t = await ctx.dataset('digits');
  if (t.cols !== 65) throw new UserError(`digits.csv: expected 64 pixels + label, got ${t.cols} columns`);
  return digitsSplits(t.data, t.rows, t.cols, TRAIN_N, seed);
}

export function trainDense(v: PruningValues, train: Split): Mlp {
  const m = initMlp(64, v.hidden, 10, v.seed);
  trainMlp(m, train, v.epochs, v.seed, SGD_DEFAULTS, { m1: null, m2: null });
  return m;
}

export interface PrunedNetwork {
  accuracy: number;
  layers: Array<{ name: string; run: MethodRun; rows: number; cols: number }>;
}

const layerForward = (r: MethodRun, W: Float64Array, rows: number, cols: number) =>
  r.forward ?? ((X: Float64Array, n: number) => linear(X, n, r.approx ?? W, rows, cols));

/** Prunes W1 then W2 with one method; layer 2 is calibrated on the pruned layer 1's outputs. */
export function pruneNetwork(
  m: Mlp,
  train: Split,
  test: Split,
  entry: MethodEntry,
  p: Pattern,
  v: PruningValues,
  s: number,
): PrunedNetwork {
  const L1: Layer = {
    W: m.W1,
    rows: m.hidden,
    cols: m.inputs,
    Xcal: train.X,
    tokens: train.n,
    Xheld: test.X,
    held: test.n,
    notes: 'digits MLP, layer 1',
  };
  const r1 = entry.reference(L1, p, v, s);
  const f1 = layerForward(r1, m.W1, m.hidden, m.inputs);
  const Htrain = hiddenOf(m, train.X, train.n, f1);
  const Htest = hiddenOf(m, test.X, test.n, f1);
  const L2: Layer = {
    W: m.W2,
    rows: m.classes,
    cols: m.hidden,
    Xcal: Htrain,
    tokens: train.n,
    Xheld: Htest,
    held: test.n,
    notes: 'digits MLP, layer 2',
  };
  const r2 = entry.reference(L2, p, v, s);
  const f2 = layerForward(r2, m.W2, m.classes, m.hidden);
  const acc = accuracyOf(logitsOf(m, Htest, test.n, f2), test.y, test.n, m.classes);
  return {
    accuracy: acc,
    layers: [
      { name: 'layer 1 (hidden × 64)', run: r1, rows: m.hidden, cols: m.inputs },
      { name: `layer 2 (10 × hidden)`, run: r2, rows: m.classes, cols: m.hidden },
    ],
  };
}

export async function networkLayerStudy(
  v: PruningValues,
  ctx: RunContext,
  p: Pattern,
  stages: StageRecord[],
) {
  const t0 = performance.now();
  const { train, test } = await loadDigits(ctx, v.seed);
  ctx.progress({ fraction: 0.05, stage: 'training the digits MLP' });
  await breathe(ctx.signal);
  const m = trainDense(v, train);
  stages.push({ stage: `train MLP (${v.epochs} epochs)`, backend: 'cpu', ms: performance.now() - t0 });
  const dense = accuracy(m, test);
  const entry = METHODS[v.method];
  const t1 = performance.now();
  const s = entry.patterns && p.kind === 'unstructured' ? p.sparsity : v.sparsity;
  const net = pruneNetwork(m, train, test, entry, p, v, s);
  stages.push({
    stage: `${v.method} on both layers (reference)`,
    backend: 'cpu',
    ms: performance.now() - t1,
  });
  const arrays: Record<string, ReturnType<typeof nd>> = {};
  const metrics: Record<string, number> = { accuracyDense: dense, accuracy: net.accuracy };
  net.layers.forEach((l, i) => {
    const suffix = i === 0 ? '' : String(i + 1);
    if (l.run.keep) arrays[`mask${suffix}`] = nd(l.run.keep, [l.rows, l.cols], 'uint8');
    if (l.run.approx) arrays[`pruned${suffix}`] = nd(Float32Array.from(l.run.approx), [l.rows, l.cols]);
    metrics[`relErr${suffix || '1'}`] = l.run.relErr;
    metrics[`sparsity${suffix || '1'}`] = l.run.sparsity;
  });
  metrics.relErr = net.layers[0].run.relErr;
  metrics.sparsity = net.layers[0].run.sparsity;
  return { arrays, metrics, net, entry };
}

export async function networkSweep(
  v: PruningValues,
  ctx: RunContext,
  stages: StageRecord[],
  sparsities: number[],
) {
  const { train, test } = await loadDigits(ctx, v.seed);
  const t0 = performance.now();
  const m = trainDense(v, train);
  stages.push({ stage: `train MLP (${v.epochs} epochs)`, backend: 'cpu', ms: performance.now() - t0 });
  const dense = accuracy(m, test);
  const points: SweepPoint[] = [];
  const jobs: Array<{ id: (typeof PRUNING_METHOD_IDS)[number]; p: Pattern; s: number }> = [];
  for (const id of PRUNING_METHOD_IDS) {
    for (const s of sparsities) jobs.push({ id, p: { kind: 'unstructured', sparsity: s }, s });
    if (METHODS[id].patterns)
      for (const [n, mm] of [
        [2, 4],
        [4, 8],
      ])
        jobs.push({ id, p: { kind: 'nm', n, m: mm }, s: 0.5 });
  }
  for (let j = 0; j < jobs.length; j++) {
    const { id, p, s } = jobs[j];
    const e = METHODS[id];
    // Sized on layer 1 (hidden × 64); atoms capped by the smaller layer input.
    const params = e.sweepParams
      ? { ...v, ...e.sweepParams(v, m.hidden, m.inputs, s, Math.min(m.inputs, m.hidden)) }
      : v;
    const t1 = performance.now();
    const net = pruneNetwork(m, train, test, e, p, params, s);
    stages.push({ stage: `${id} ${patternLabel(p)}`, backend: 'cpu', ms: performance.now() - t1 });
    const r = net.layers[0].run;
    points.push({
      method: id,
      label: e.label,
      sparsity: r.keep ? maskSparsity(r.keep) : r.sparsity,
      relErr: r.relErr,
      accuracy: net.accuracy,
      pattern: p.kind === 'nm' ? `${p.n}:${p.m}` : 'unstructured',
    });
    ctx.progress({
      fraction: (j + 1) / jobs.length,
      stage: `${e.label} ${patternLabel(p)}`,
      partial: { points: [...points], denseAccuracy: dense } satisfies PruningPartial,
    });
    await breathe(ctx.signal);
  }
  return { points, dense };
}

/** Magnitude keep-masks of both layers for a pattern (per-layer group for unstructured, as GMP). */
function magnitudeMasks(m: Mlp, p: Pattern): Masks {
  const mk = (W: Float64Array, rows: number, cols: number) =>
    p.kind === 'nm'
      ? nmMask(Float64Array.from(W, Math.abs), rows, cols, p.n, p.m)
      : layerMask(Float64Array.from(W, Math.abs), rows, cols, p.sparsity);
  return { m1: mk(m.W1, m.hidden, m.inputs), m2: mk(m.W2, m.classes, m.hidden) };
}

export interface TrainingCurve {
  name: string;
  /** Test accuracy after each epoch. */
  accuracy: number[];
  /** Weight sparsity of both layers together after each epoch. */
  sparsity: number[];
}

const SOUP_RECIPES: Array<[number, number]> = [
  [0.05, 0],
  [0.05, 1e-3],
  [0.1, 1e-4],
  [0.02, 3e-3],
  [0.1, 1e-3],
];

export async function trainingStudy(v: PruningValues, ctx: RunContext, p: Pattern, stages: StageRecord[]) {
  const { train, test } = await loadDigits(ctx, v.seed);
  const E = v.epochs;
  const half = Math.floor(E / 2);
  const curves: TrainingCurve[] = [];
  const stepsPerEpoch = Math.ceil(train.n / SGD_DEFAULTS.batch);
  const totalW = (m: Mlp) => m.W1.length + m.W2.length;
  const sparsityOf = (m: Mlp) => {
    let z = 0;
    for (const w of m.W1) if (w === 0) z++;
    for (const w of m.W2) if (w === 0) z++;
    return z / totalW(m);
  };
  const track = (name: string, m: Mlp) => {
    const c: TrainingCurve = { name, accuracy: [], sparsity: [] };
    curves.push(c);
    return () => {
      c.accuracy.push(accuracy(m, test));
      c.sparsity.push(sparsityOf(m));
    };
  };
  const report = async (stage: string, f: number) => {
    ctx.progress({
      fraction: f,
      stage,
      partial: { curves: curves.map((c) => ({ ...c })) } satisfies PruningPartial,
    });
    await breathe(ctx.signal);
  };
  const timed = async <T>(stage: string, f: () => T): Promise<T> => {
    const t0 = performance.now();
    const r = f();
    stages.push({ stage, backend: 'cpu', ms: performance.now() - t0 });
    return r;
  };
  const none: Masks = { m1: null, m2: null };
  // 1. Dense, E epochs; its snapshot at E/2 seeds the one-shot runs.
  const dense = initMlp(64, v.hidden, 10, v.seed);
  const denseTrack = track('dense', dense);
  await timed(`dense, first ${half} epochs`, () =>
    trainMlp(dense, train, half, v.seed, SGD_DEFAULTS, none, { afterEpoch: denseTrack }),
  );
  const snapshot = cloneMlp(dense);
  await report('dense training', 0.15);
  await timed(`dense, last ${E - half} epochs`, () =>
    trainMlp(dense, train, E - half, v.seed + 1, SGD_DEFAULTS, none, {
      afterEpoch: denseTrack,
      firstStep: half * stepsPerEpoch,
    }),
  );
  // 2. One-shot magnitude pruning at E/2, then fine-tuning.
  const oneshot = cloneMlp(snapshot);
  const masks = magnitudeMasks(oneshot, p);
  applyMasks(oneshot, masks);
  const oneshotNoFt = accuracy(oneshot, test);
  const pruned = cloneMlp(oneshot);
  const osTrack = track('one-shot at E/2 + fine-tune', oneshot);
  await timed(`one-shot ${patternLabel(p)} + ${E - half} epochs fine-tuning`, () =>
    trainMlp(oneshot, train, E - half, v.seed + 1, SGD_DEFAULTS, masks, { afterEpoch: osTrack }),
  );
  await report('one-shot pruning', 0.35);
  // 3. Gradual: GMP's cubic schedule (unstructured) or stepwise progressive N:M frames.
  const gradual = initMlp(64, v.hidden, 10, v.seed);
  const gMasks: Masks = { m1: null, m2: null };
  const t0 = Math.floor(E / 6) * stepsPerEpoch;
  const span = Math.max(1, Math.floor(E / 2) * stepsPerEpoch);
  const every = 5;
  let schedule: string;
  let beforeStep: (step: number) => void;
  if (p.kind === 'unstructured') {
    schedule = `GMP: dense ${Math.floor(E / 6)} epochs, cubic schedule 0 → ${p.sparsity} over ${Math.floor(E / 2)} epochs (mask updated every ${every} steps), then recovery`;
    beforeStep = (step) => {
      // Every `every` steps, and at the end of the schedule so the final sparsity is exact.
      if (step < t0 || step > t0 + span || ((step - t0) % every !== 0 && step !== t0 + span)) return;
      const st = gmpSparsity(step, t0, span, 0, p.sparsity);
      Object.assign(gMasks, magnitudeMasks(gradual, { kind: 'unstructured', sparsity: st }));
      applyMasks(gradual, gMasks);
    };
  } else {
    const frames = stepwiseFrames(p.n, p.m);
    schedule = `progressive N:M (stepwise frames ${frames.map((k) => `${k}:${p.m}`).join(' → ')} over ${Math.floor(E / 2)} epochs after ${Math.floor(E / 6)} dense), mask recomputed from |W| every step, then fine-tuning at ${p.n}:${p.m}`;
    beforeStep = (step) => {
      if (step < t0) return;
      const f = Math.min(frames.length - 1, Math.floor(((step - t0) / span) * frames.length));
      Object.assign(gMasks, magnitudeMasks(gradual, { kind: 'nm', n: frames[f], m: p.m }));
      applyMasks(gradual, gMasks);
    };
  }
  const gTrack = track(p.kind === 'unstructured' ? 'gradual (GMP)' : 'progressive N:M', gradual);
  await timed(`gradual: ${schedule}`, () =>
    trainMlp(gradual, train, E, v.seed, SGD_DEFAULTS, gMasks, { beforeStep, afterEpoch: gTrack }),
  );
  await report('gradual pruning', 0.6);
  // 4. Sparse soup: fine-tunes of the one-shot pruned model sharing its mask, averaged.
  const ingredients: Mlp[] = [];
  const ingredientAcc: number[] = [];
  for (let k = 0; k < v.soupSize; k++) {
    const [lr, wd] = SOUP_RECIPES[k % SOUP_RECIPES.length];
    const ing = cloneMlp(pruned);
    await timed(`soup ingredient ${k + 1} (lr ${lr}, wd ${wd})`, () =>
      trainMlp(ing, train, E - half, v.seed + 10 + k, { ...SGD_DEFAULTS, lr, weightDecay: wd }, masks),
    );
    ingredients.push(ing);
    ingredientAcc.push(accuracy(ing, test));
    await report(`soup ingredient ${k + 1}`, 0.6 + (0.35 * (k + 1)) / v.soupSize);
  }
  const soup = cloneMlp(pruned);
  for (const key of ['W1', 'b1', 'W2', 'b2'] as const) {
    const out = soup[key];
    out.fill(0);
    for (const ing of ingredients)
      for (let i = 0; i < out.length; i++) out[i] += ing[key][i] / ingredients.length;
  }
  const soupAcc = accuracy(soup, test);
  const finalAcc = (name: string) => curves.find((c) => c.name === name)?.accuracy.at(-1) ?? Number.NaN;
  const metrics: Record<string, number> = {
    accuracyDense: finalAcc('dense'),
    accuracyOneShotNoFinetune: oneshotNoFt,
    accuracyOneShotFinetuned: finalAcc('one-shot at E/2 + fine-tune'),
    accuracyGradual: accuracy(gradual, test),
    sparsityOneShot: sparsityOf(oneshot),
    sparsityGradual: sparsityOf(gradual),
    accuracySoup: soupAcc,
    accuracyIngredientMean: ingredientAcc.reduce((a, b) => a + b, 0) / ingredientAcc.length,
    accuracyIngredientBest: Math.max(...ingredientAcc),
    sparsitySoup: sparsityOf(soup),
    sparsityIngredient: sparsityOf(ingredients[0]),
  };
  return {
    arrays: {
      mask: nd(masks.m1 ?? new Uint8Array(0), [v.hidden, 64], 'uint8'),
      mask2: nd(masks.m2 ?? new Uint8Array(0), [10, v.hidden], 'uint8'),
    },
    metrics,
    views: {
      curves,
      schedule,
      soup: { ingredients: ingredientAcc, soup: soupAcc, recipes: SOUP_RECIPES.slice(0, v.soupSize) },
    } satisfies PruningTrainingViews,
  };
}
