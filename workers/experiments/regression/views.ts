/**
 * The JSON the regression panel draws (result.views and progress.partial). Everything is computed here,
 * in the worker; the panel only lays it out. Kept small: paths show at most MAX_PATH_FEATURES features,
 * stems at most MAX_STEM features, curves a few hundred points.
 */

export interface XY {
  x: number;
  y: number;
  lo?: number;
  hi?: number;
}

export interface CurveSeries {
  name: string;
  points: XY[];
  dashed?: boolean;
  markers?: boolean;
}

export type Status = 'TP' | 'FP' | 'miss' | 'TN';

export interface StemView {
  /** One entry per shown feature: estimate, truth (null when unknown) and its recovery status. */
  features: Array<{ j: number; name: string; est: number; truth: number | null; status: Status | null }>;
  shown: number;
  total: number;
  counts: { tp: number; fp: number; miss: number } | null;
}

export interface PathView {
  /** log10 α of each path point, decreasing α (left = large α in the chart when reversed). */
  logAlpha: number[];
  series: Array<{ j: number; name: string; inSupport: boolean | null; values: number[] }>;
  chosen: { logAlpha: number; label: string } | null;
  shownFeatures: number;
  totalFeatures: number;
  /** LARS: entry/drop events in order. */
  events?: string[];
}

export interface CvView {
  logAlpha: number[];
  mean: number[];
  lo: number[];
  hi: number[];
  chosenLogAlpha: number;
  folds: number;
}

export interface SweepView {
  xLabel: string;
  yLabel: string;
  series: CurveSeries[];
  theory: CurveSeries[];
  note: string;
  /** Which parts are this lab's reading of a paper rather than the paper's own (shown with the chart). */
  reading?: string;
}

export interface PhaseView {
  rows: number;
  cols: number;
  deltas: number[];
  rhos: number[];
  /** rows×cols success fractions, row = ρ index (bottom = small ρ), NaN = not computed yet. */
  values: number[];
  curve: Array<{ delta: number; rho: number }>;
  /** Empirical 50% crossing per δ column (NaN where none). */
  empirical50: number[];
  /** rows×cols overlay classes (view rows): 0 = on the theoretical curve, 1 = at the empirical 50% crossing,
   * 2 = both, −1 = none. */
  overlay: number[];
  done: number;
  total: number;
  solver: string;
  d: number;
  trials: number;
}

/** Counts per log-spaced bin for several groups (random vs adversarial supports). */
export interface HistView {
  title: string;
  xLabel: string;
  /** bins + 1 bin edges. */
  edges: number[];
  series: Array<{ name: string; counts: number[] }>;
}

/**
 * What every regression runner puts in `views` (and in progress `partial`), and what the panel
 * (app/panels/regression/) draws. A type alias, not an interface, so that it is a RunOutput's
 * `views: Record<string, unknown>` as it stands, without a cast.
 */
export type RegressionViewsData = {
  kind: 'fit' | 'path' | 'cv' | 'sweep' | 'phase' | 'supports';
  hists?: HistView[];
  title: string;
  path?: PathView;
  stem?: StemView;
  cv?: CvView;
  sweep?: SweepView;
  phase?: PhaseView;
  table: Array<{ label: string; value: number | string; unit?: string; hint?: string }>;
  notes: string[];
  /** Column names of the arrays written for the CLI (random-support certificates). */
  columns?: string[];
  /** Method ids of the curves, in order (LDP d/k sweeps, random-support error vs n). */
  methods?: string[];
};

/** A result's or a progress update's views, as the regression runners wrote them. */
export function regressionViews(views: Record<string, unknown> | undefined): RegressionViewsData | undefined {
  return views as RegressionViewsData | undefined;
}

export const MAX_PATH_FEATURES = 40;
export const MAX_STEM = 200;

/** Relative threshold under which an estimate counts as zero in support recovery. */
export const ZERO_REL = 1e-6;

export function supportCounts(est: ArrayLike<number>, truth: ArrayLike<number>) {
  const scale = Math.max(maxAbsOf(est), maxAbsOf(truth), 1e-300);
  let tp = 0;
  let fp = 0;
  let miss = 0;
  for (let j = 0; j < est.length; j++) {
    const e = Math.abs(est[j]) > ZERO_REL * scale;
    const t = truth[j] !== 0;
    if (e && t) tp++;
    else if (e) fp++;
    else if (t) miss++;
  }
  return { tp, fp, miss };
}

function maxAbsOf(a: ArrayLike<number>) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

const featureName = (columns: string[] | null, j: number) => columns?.[j] ?? `x${j}`;

export function stemView(
  est: ArrayLike<number>,
  truth: ArrayLike<number> | null,
  columns: string[] | null,
): StemView {
  const d = est.length;
  const scale = Math.max(maxAbsOf(est), truth ? maxAbsOf(truth) : 0, 1e-300);
  const nz = (v: number) => Math.abs(v) > ZERO_REL * scale;
  let idx = Array.from({ length: d }, (_, j) => j);
  if (d > MAX_STEM) {
    idx = idx.filter((j) => nz(est[j]) || (truth !== null && truth[j] !== 0));
    if (idx.length > MAX_STEM) {
      idx.sort(
        (a, b) =>
          Math.abs(est[b]) + Math.abs(truth?.[b] ?? 0) - (Math.abs(est[a]) + Math.abs(truth?.[a] ?? 0)),
      );
      idx = idx.slice(0, MAX_STEM).sort((a, b) => a - b);
    }
  }
  const features = idx.map((j) => {
    const t = truth ? truth[j] : null;
    let status: Status | null = null;
    if (t !== null) status = nz(est[j]) ? (t !== 0 ? 'TP' : 'FP') : t !== 0 ? 'miss' : 'TN';
    return { j, name: featureName(columns, j), est: est[j], truth: t, status };
  });
  return { features, shown: idx.length, total: d, counts: truth ? supportCounts(est, truth) : null };
}

/** Picks the features worth drawing on a path: the true support and the largest coefficients. */
export function pathView(
  alphas: ArrayLike<number>,
  coefs: Float64Array,
  d: number,
  truth: ArrayLike<number> | null,
  columns: string[] | null,
  chosen: { alpha: number; label: string } | null,
): PathView {
  const A = alphas.length;
  const peak = new Float64Array(d);
  for (let a = 0; a < A; a++)
    for (let j = 0; j < d; j++) peak[j] = Math.max(peak[j], Math.abs(coefs[a * d + j]));
  let idx = Array.from({ length: d }, (_, j) => j).filter(
    (j) => peak[j] > 0 || (truth !== null && truth[j] !== 0),
  );
  if (idx.length > MAX_PATH_FEATURES) {
    const inS = idx.filter((j) => truth !== null && truth[j] !== 0).slice(0, MAX_PATH_FEATURES / 2);
    const rest = idx.filter((j) => !inS.includes(j)).sort((a, b) => peak[b] - peak[a]);
    idx = [...inS, ...rest.slice(0, MAX_PATH_FEATURES - inS.length)].sort((a, b) => a - b);
  }
  const logAlpha = Array.from(alphas, (a) => (a > 0 ? Math.log10(a) : Number.NaN));
  return {
    logAlpha,
    series: idx.map((j) => ({
      j,
      name: featureName(columns, j),
      inSupport: truth ? truth[j] !== 0 : null,
      values: Array.from({ length: A }, (_, a) => coefs[a * d + j]),
    })),
    chosen: chosen && chosen.alpha > 0 ? { logAlpha: Math.log10(chosen.alpha), label: chosen.label } : null,
    shownFeatures: idx.length,
    totalFeatures: d,
  };
}

/** Mean and standard deviation per row of a (points × trials) table. */
export function meanSpread(rows: number[][]): Array<{ mean: number; sd: number }> {
  return rows.map((r) => {
    const m = r.reduce((a, b) => a + b, 0) / Math.max(r.length, 1);
    const sd = Math.sqrt(r.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(r.length - 1, 1));
    return { mean: m, sd };
  });
}

/**
 * A theoretical rate drawn as a guide: C·rate(x) with C fitted in log space to the measured means
 * (the rates hide constants); pass `C` to reuse another line's constant.
 */
export function guideLine(
  name: string,
  xs: number[],
  rate: (x: number) => number,
  measured: number[],
  dashed: boolean,
  C?: number,
): { series: CurveSeries; C: number } {
  let c = C;
  if (c === undefined) {
    let acc = 0;
    let cnt = 0;
    xs.forEach((x, i) => {
      if (measured[i] > 0 && Number.isFinite(measured[i]) && rate(x) > 0) {
        acc += Math.log(measured[i] / rate(x));
        cnt++;
      }
    });
    c = cnt ? Math.exp(acc / cnt) : 1;
  }
  const cc = c;
  return { series: { name, dashed, points: xs.map((x) => ({ x, y: cc * rate(x) })) }, C: cc };
}
