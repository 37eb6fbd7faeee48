/**
 * Study "phase": the Donoho–Tanner diagram. Each cell (δ = n/d, ρ = k/n) holds `trials` problems
 * A ~ N(0, 1/n), k-sparse x₀, y = Ax₀ (+σ noise) from the counter-based hash generator, solved by OMP
 * (k atoms) or the Lasso (FISTA at α = ratio·α_max); a trial succeeds when ‖x̂ − x₀‖/‖x₀‖ < threshold
 * (and, if asked, the support is exact). On the GPU whole batches are generated and solved in two
 * dispatches; on the CPU the references loop over the very same problems. Cells fill in as batches finish.
 */
import { type NdArray, nd } from '../../core/ndarray';
import { checkFits } from '../../gpu/device';
import { PHASE_MAX, phaseBatchGpu, phaseBatchSizes } from '../../kernels/regression/phase';
import { alphaMax } from '../../reference/regression/enet-cd';
import { fista, lipschitz } from '../../reference/regression/fista';
import { maxAbs } from '../../reference/regression/linalg';
import { omp } from '../../reference/regression/omp';
import { phaseGrid, phaseProblem, problemKey } from '../../reference/regression/phase';
import type { RegressionValues } from '../../spec/regression';
import { SOLVER_INFO } from '../../spec/regression-methods';
import { breathe, type Parity, type RunContext, type RunOutput, UserError } from '../types';
import { donohoTannerCurve, rhoAt } from './donoho-tanner';
import { metricTable } from './fit';
import type { PhaseView, RegressionViewsData } from './views';

export interface PhaseSetup {
  cells: number;
  d: number;
  trials: number;
  /** The batched kernel (and its CPU twin) that solves each problem: the solver's `phase` entry. */
  kernel: 'omp' | 'fista';
  gaussianValues: boolean;
  sigma: number;
  seed: number;
  tol: number;
  maxIter: number;
  ratio: number;
}

export function phaseSetup(v: RegressionValues): PhaseSetup {
  return {
    cells: v.cells,
    d: v.d,
    trials: v.trials,
    kernel: SOLVER_INFO[v.solver].phase ?? 'fista',
    gaussianValues: v.wStar === 'gaussian',
    sigma: v.phaseNoise,
    seed: v.seed,
    tol: v.tol,
    maxIter: v.maxIter,
    ratio: v.alphaRatio,
  };
}

/** Problem p ↔ (row r = ρ index, column c = δ index, trial t), row-major then trial. */
export function problemList(s: PhaseSetup) {
  const g = phaseGrid(s.cells, s.d);
  const count = s.cells * s.cells * s.trials;
  const keys = new Uint32Array(count);
  const ns = new Uint32Array(count);
  const ks = new Uint32Array(count);
  for (let r = 0; r < s.cells; r++) {
    for (let c = 0; c < s.cells; c++) {
      const cell = g.cell(r, c);
      for (let t = 0; t < s.trials; t++) {
        const p = (r * s.cells + c) * s.trials + t;
        keys[p] = problemKey(s.seed, p);
        ns[p] = cell.n;
        ks[p] = cell.k;
      }
    }
  }
  return { grid: g, keys, ns, ks, count };
}

/** The CPU reference for one problem: exactly what the batched kernel computes. */
export function solvePhaseProblemCpu(s: PhaseSetup, key: number, n: number, k: number) {
  const prob = phaseProblem(key, n, s.d, k, s.gaussianValues, s.sigma);
  let coef: Float64Array;
  let margin = 1;
  if (s.kernel === 'omp') {
    const r = omp(prob.X, prob.y, n, s.d, k);
    coef = r.coef;
    margin = r.minMargin;
  } else {
    const alpha = s.ratio * alphaMax(prob.X, prob.y, n, s.d, 1);
    coef = fista(prob.X, prob.y, n, s.d, alpha, 1, {
      L: lipschitz(prob.X, n, s.d),
      tol: s.tol,
      maxIter: s.maxIter,
      checkEvery: 10,
    }).w;
  }
  return { coef, wTrue: prob.wTrue, margin };
}

export function trialSuccess(
  coef: ArrayLike<number>,
  wTrue: ArrayLike<number>,
  threshold: number,
  exactSupport: boolean,
): boolean {
  let err = 0;
  let nrm = 0;
  let wMax = 0;
  for (let j = 0; j < wTrue.length; j++) {
    err += (coef[j] - wTrue[j]) ** 2;
    nrm += wTrue[j] ** 2;
    wMax = Math.max(wMax, Math.abs(wTrue[j]));
  }
  if (!(Math.sqrt(err) < threshold * Math.sqrt(nrm))) return false;
  if (!exactSupport) return true;
  // Estimated support: entries above 1e-3·max|x₀| (iterative solvers leave tiny residues).
  for (let j = 0; j < wTrue.length; j++)
    if (Math.abs(coef[j]) > 1e-3 * wMax !== (wTrue[j] !== 0)) return false;
  return true;
}

/** Batches of problems under a float budget, in problem order (so rows of cells finish together). */
function batches(
  ns: Uint32Array,
  ks: Uint32Array,
  d: number,
  budget: number,
  maxCount: number,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  let floats = 0;
  for (let p = 0; p < ns.length; p++) {
    const k = Math.min(ks[p], ns[p], d);
    const f = ns[p] * d + ns[p] + k * k + 2 * d;
    if (p > start && (floats + f > budget || p - start >= maxCount)) {
      out.push([start, p]);
      start = p;
      floats = 0;
    }
    floats += f;
  }
  if (start < ns.length) out.push([start, ns.length]);
  return out;
}

const gpuStash = new WeakMap<object, { setup: PhaseSetup; sample: number[]; coefs: Float32Array[] }>();

export async function runPhase(v: RegressionValues, ctx: RunContext): Promise<RunOutput> {
  const s = phaseSetup(v);
  if (s.d > PHASE_MAX) throw new UserError(`d: the batched phase solver takes d ≤ ${PHASE_MAX}`);
  const { grid, keys, ns, ks, count } = problemList(s);
  const cells = s.cells;
  const succ = new Float64Array(cells * cells);
  const done = new Uint32Array(cells * cells);
  const trialOk = new Uint8Array(count);
  const curve = donohoTannerCurve();
  const title = `Phase diagram: ${s.kernel === 'omp' ? 'OMP' : `Lasso (FISTA, α = ${s.ratio}·α_max)`}, d = ${s.d}, ${s.trials} trials per cell`;
  const t0 = performance.now();
  const view = (): PhaseView => phaseView(s, grid, succ, done, curve);
  const record = (p: number, ok: boolean) => {
    trialOk[p] = ok ? 1 : 0;
    const cell = Math.floor(p / s.trials);
    done[cell]++;
    if (ok) succ[cell]++;
  };
  const report = (finished: number) =>
    ctx.progress({
      fraction: finished / count,
      stage: `${finished} of ${count} problems`,
      partial: { kind: 'phase', title, phase: view(), table: [], notes: [] } satisfies RegressionViewsData,
    });
  const exact = v.success === 'support';
  let sample: number[] = [];
  const sampleCoefs: Float32Array[] = [];
  if (ctx.gpu) {
    const gpu = ctx.gpu;
    const maxFloats = Math.min(32 * 2 ** 20, Math.floor(gpu.adapter.limits.maxStorageBufferBindingSize / 4));
    const list = batches(ns, ks, s.d, maxFloats, 4096);
    const stride = Math.max(1, Math.floor(count / 24));
    sample = [
      ...new Set(
        Array.from({ length: Math.min(24, count) }, (_, i) =>
          Math.min(count - 1, i * stride + (i % s.trials)),
        ),
      ),
    ];
    const sampleSet = new Map(sample.map((p, i) => [p, i]));
    for (const [a, b] of list) {
      const sizes = phaseBatchSizes(ns.subarray(a, b), ks.subarray(a, b), s.d);
      const why = checkFits(
        gpu.adapter,
        4 * Math.max(sizes.x, sizes.l, sizes.out),
        4 * (sizes.x + sizes.y + sizes.l + sizes.out),
      );
      if (why) throw new UserError(`phase batch ${why}; lower d or cells`);
      const r = await phaseBatchGpu(
        gpu,
        {
          keys: keys.subarray(a, b),
          ns: ns.subarray(a, b),
          ks: ks.subarray(a, b),
          d: s.d,
          gaussianValues: s.gaussianValues,
          sigma: s.sigma,
        },
        { kernel: s.kernel, tol: s.tol, maxIter: s.maxIter, ratio: s.ratio, every: 10 },
      );
      for (let p = a; p < b; p++) {
        const off = (p - a) * s.d;
        const coef = r.coef.subarray(off, off + s.d);
        record(p, trialSuccess(coef, r.wTrue.subarray(off, off + s.d), v.threshold, exact));
        const si = sampleSet.get(p);
        if (si !== undefined) sampleCoefs[si] = Float32Array.from(coef);
      }
      report(b);
      await breathe(ctx.signal);
    }
  } else {
    let last = performance.now();
    for (let p = 0; p < count; p++) {
      const { coef, wTrue } = solvePhaseProblemCpu(s, keys[p], ns[p], ks[p]);
      record(p, trialSuccess(coef, wTrue, v.threshold, exact));
      if (performance.now() - last > 40 || p === count - 1) {
        report(p + 1);
        await breathe(ctx.signal);
        last = performance.now();
      }
    }
  }
  const ms = performance.now() - t0;
  const fractions = new Float64Array(cells * cells);
  for (let i = 0; i < fractions.length; i++) fractions[i] = succ[i] / Math.max(done[i], 1);
  // Agreement with the theory: cells with ≥ 50% success should lie below the ℓ1 curve (ρ < ρ_DT(δ)).
  let agree = 0;
  for (let r = 0; r < cells; r++) {
    for (let c = 0; c < cells; c++) {
      const below = grid.rhos[r] < rhoAt(curve, grid.deltas[c]);
      if (fractions[r * cells + c] >= 0.5 === below) agree++;
    }
  }
  const metrics: Record<string, number> = {
    problems: count,
    d: s.d,
    cells_per_axis: cells,
    trials: s.trials,
    mean_success: fractions.reduce((a, b) => a + b, 0) / fractions.length,
    dt_agreement: agree / (cells * cells),
    problems_per_second: count / (ms / 1000),
  };
  const arrays: Record<string, NdArray> = {
    success: nd(fractions, [cells, cells]),
    deltas: nd(Float64Array.from(grid.deltas), [cells]),
    rhos: nd(Float64Array.from(grid.rhos), [cells]),
    trial_success: nd(trialOk, [cells, cells, s.trials], 'uint8'),
  };
  const views: RegressionViewsData = {
    kind: 'phase',
    title,
    phase: view(),
    table: metricTable(metrics),
    notes: [
      'Rows: ρ = k/n (up = larger), columns: δ = n/d. Success = relative error below the threshold' +
        (exact ? ' and exact support.' : '.'),
      'The overlaid curve is the ℓ1 (basis pursuit) phase transition of Donoho–Tanner via Amelunxen et al. 2014; OMP’s transition lies lower.',
    ],
  };
  const out: RunOutput = {
    arrays,
    metrics,
    timings: { phase: ms },
    views,
  };
  if (ctx.gpu) {
    gpuStash.set(arrays, { setup: s, sample, coefs: sampleCoefs });
    out.parity = await phaseParity(out, v, false);
  }
  return out;
}

/** Re-solves sampled problems (all of them when `full`) on the CPU and compares with the GPU's answers. */
export async function phaseParity(out: RunOutput, v: RegressionValues, full: boolean): Promise<Parity> {
  const stash = gpuStash.get(out.arrays);
  if (!stash)
    return {
      status: 'skipped',
      reason: 'the GPU coefficients of this run are no longer in memory; run it again',
    };
  const { setup: s, sample, coefs } = stash;
  const { keys, ns, ks } = problemList(s);
  const trialOk = out.arrays.trial_success.data as Uint8Array;
  let worst = 0;
  let flips = 0;
  let ties = 0;
  const indices = full ? sample : sample.slice(0, 12);
  for (const [i, p] of indices.entries()) {
    const { coef, wTrue, margin } = solvePhaseProblemCpu(s, keys[p], ns[p], ks[p]);
    // OMP near-ties (a failing cell, typically) may be broken differently in float32: not comparable.
    if (margin < 1e-3) {
      ties++;
      continue;
    }
    const scale = Math.max(maxAbs(wTrue), 1e-12);
    worst = Math.max(worst, maxAbs(Array.from(coef, (c, j) => c - coefs[i][j])) / scale);
    if (trialSuccess(coef, wTrue, v.threshold, v.success === 'support') !== (trialOk[p] === 1)) flips++;
  }
  // float32 vs float64 (and the GPU's float32 log/cos in the generator): coefficient agreement to ~1e-3 of max|x₀|.
  const tolerance = 5e-3;
  return {
    status: 'checked',
    maxRelDiff: worst,
    tolerance,
    ok: worst <= tolerance && flips === 0,
    compared: `${indices.length - ties} sampled problems of ${keys.length}${ties ? ` (${ties} OMP near-ties skipped)` : ''}${flips ? `; ${flips} success flags differ` : ''}`,
  };
}

function phaseView(
  s: PhaseSetup,
  grid: ReturnType<typeof phaseGrid>,
  succ: Float64Array,
  done: Uint32Array,
  curve: Array<{ delta: number; rho: number }>,
): PhaseView {
  const cells = s.cells;
  // Row 0 of the view is the largest ρ, so ρ grows upwards on the heatmap.
  const values: number[] = [];
  for (let vr = 0; vr < cells; vr++) {
    const r = cells - 1 - vr;
    for (let c = 0; c < cells; c++) {
      const i = r * cells + c;
      values.push(done[i] ? succ[i] / done[i] : Number.NaN);
    }
  }
  const empirical50 = grid.deltas.map((_, c) => {
    for (let r = 0; r < cells - 1; r++) {
      const a = done[r * cells + c] ? succ[r * cells + c] / done[r * cells + c] : Number.NaN;
      const b = done[(r + 1) * cells + c]
        ? succ[(r + 1) * cells + c] / done[(r + 1) * cells + c]
        : Number.NaN;
      if (a >= 0.5 && b < 0.5)
        return grid.rhos[r] + ((a - 0.5) / (a - b)) * (grid.rhos[r + 1] - grid.rhos[r]);
    }
    return Number.NaN;
  });
  let finished = 0;
  for (const x of done) finished += x;
  const rowsDesc = [...grid.rhos].reverse();
  const nearestRow = (rho: number) => {
    let best = 0;
    for (let vr = 1; vr < cells; vr++)
      if (Math.abs(rowsDesc[vr] - rho) < Math.abs(rowsDesc[best] - rho)) best = vr;
    return best;
  };
  const overlay = new Array<number>(cells * cells).fill(-1);
  grid.deltas.forEach((delta, c) => {
    overlay[nearestRow(rhoAt(curve, delta)) * cells + c] = 0;
    if (Number.isFinite(empirical50[c])) {
      const i = nearestRow(empirical50[c]) * cells + c;
      overlay[i] = overlay[i] === 0 ? 2 : 1;
    }
  });
  return {
    rows: cells,
    cols: cells,
    deltas: grid.deltas,
    rhos: [...grid.rhos].reverse(),
    values,
    curve: curve.filter((_, i) => i % 2 === 0),
    empirical50,
    overlay,
    done: finished,
    total: cells * cells * s.trials,
    solver: s.kernel,
    d: s.d,
    trials: s.trials,
  };
}
