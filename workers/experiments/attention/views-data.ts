/** The JSON the attention runner puts in `result.views`, shared (as types and constants) with the panel. */

/** Overlay classes of the attention map (index = class code; −1 = no outline). */
export const OVERLAY = {
  kept: 0,
  marginal: 1,
  negligible: 2,
  skipped: 3,
  window: 4,
  sink: 5,
  forced: 6,
  coarse: 7,
} as const;

export const OVERLAY_LABELS = [
  'kept: exact softmax (critical)',
  'marginal: linear attention',
  'negligible: skipped (SLA)',
  'skipped: not in the mask',
  'window band',
  'sink tokens',
  'forced: not self-similar (SpargeAttn guard)',
  'coarse: seen through a pooled key (LLSA)',
];

export const OVERLAY_COLORS = [
  '#ff3b30',
  '#ffb000',
  '#9e9e9e',
  '#4a4a4a',
  '#00c8ff',
  '#ff5cf0',
  '#7cff4d',
  '#b388ff',
];

export interface HeadMap {
  head: number;
  rows: number;
  cols: number;
  /** log10 of the mean dense attention weight per cell (rows = queries, cols = keys). */
  logP: number[];
  domain: [number, number];
  /** Majority overlay class per cell (OVERLAY codes), or null when the method has no mask. */
  classes: number[] | null;
  /** Per-query relative output error, max over the rows of each map row. */
  rowErrorMax: number[];
  rowErrorMean: number[];
  /** Per-query kept dense mass (mean per map row), when the method has a mask. */
  rowRecall: number[] | null;
}

export interface Zoom {
  head: number;
  row0: number;
  col0: number;
  size: number;
  /** log10 of the dense attention weights at full resolution. */
  logP: number[];
  classes: number[] | null;
  /** The query and key the window is centred on (before clamping to the matrix). */
  centreQ: number;
  centreK: number;
  /** True when both were chosen automatically (zoomQ = zoomK = −1). */
  auto: boolean;
  why: string;
}

/**
 * The query (or key) index at the centre of map cell `r` of a map with `cells` rows over `n` tokens: the
 * middle of the cell's range [⌊r·n/cells⌋, ⌊(r+1)·n/cells⌋), the same ranges the map kernels average.
 */
export function cellCentre(r: number, cells: number, n: number): number {
  const i0 = Math.floor((r * n) / cells);
  const i1 = Math.max(i0 + 1, Math.floor(((r + 1) * n) / cells));
  return Math.min(n - 1, Math.floor((i0 + i1 - 1) / 2));
}

export interface SweepPoint {
  x: number;
  y: number;
  recall: number | null;
  label: string;
}

export interface SweepSeries {
  name: string;
  points: SweepPoint[];
}

export interface SpectrumView {
  head: number;
  fraction: number;
  full: number[];
  top: number[];
  rest: number[];
  rank99: { full: number; top: number; rest: number };
}

export interface MetricRowData {
  label: string;
  value: number | string;
  unit?: string;
  hint?: string;
}

/** A line chart a method or a study adds to the views (drawn as given). */
export interface ChartView {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  xLog?: boolean;
  yLog?: boolean;
  series: Array<{ name: string; points: Array<{ x: number; y: number }>; dashed?: boolean }>;
  caption: string;
}

/** A table a study adds to the views; `links` (same length as rows, or absent) are share URLs per row. */
export interface TableView {
  id: string;
  caption: string;
  columns: string[];
  rows: Array<Array<string | number>>;
  links?: Array<string | null>;
  note?: string;
}

/** The views of an attention run (a type, not an interface, so that it is a RunOutput's `views` as it is). */
export type AttentionViewsData = {
  method: string;
  methodLabel: string;
  heads: number;
  n: number;
  d: number;
  causal: boolean;
  maps: HeadMap[];
  zoom: Zoom | null;
  table: MetricRowData[];
  sweep: SweepSeries[] | null;
  spectrum: SpectrumView | null;
  notes: string[];
  /** Extra charts (LLSA cost against N, mass against N, hybrids, tuner steps); absent in older results. */
  charts?: ChartView[];
  tables?: TableView[];
};

/** What an attention run shows while it runs: the sweep's series so far. */
export type AttentionPartial = { sweep: SweepSeries[] };

/** A result's views as the attention lab's, or undefined when they are not (no result, or another lab's). */
export function attentionViews(views: Record<string, unknown> | undefined): AttentionViewsData | undefined {
  if (
    !views ||
    typeof views.methodLabel !== 'string' ||
    !Array.isArray(views.maps) ||
    !Array.isArray(views.table)
  )
    return undefined;
  return views as AttentionViewsData;
}

/** A progress partial as the attention lab's (the sweep so far), or null. */
export function attentionPartial(partial: Record<string, unknown> | undefined): AttentionPartial | null {
  return partial && Array.isArray(partial.sweep) ? (partial as AttentionPartial) : null;
}
