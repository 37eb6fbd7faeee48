/** The shape of the SAE lab's `views` and live `partial` JSON: what app/panels/sae draws. */
import type { DarkMatter } from '../../reference/sae/metrics';
import type { SaeModel } from '../../reference/sae/model';
import { SAE_MODEL_INFO, SAE_MODELS } from '../../spec/sae-models';
import type { InteractionView } from './interaction';
import type { HistoryPoint } from './train';

export type { DarkMatter, HistoryPoint, InteractionView, SaeModel };

/** One trained SAE of a frontier sweep: its knob value and where it landed. */
export interface FrontierPoint {
  model: SaeModel;
  knob: 'k' | 'l1' | 'l0Coeff';
  value: number;
  l0: number;
  nmse: number;
  dead: number;
}

export type DensityView = {
  edges: number[];
  counts: number[];
  dead: number;
  dense: number;
  rows: number;
};

export type RecoveryView = {
  rows: number;
  cols: number;
  /** rows × cols |cos|, rows = atoms (ids in `atoms`) sorted by best-matching feature. */
  values: number[];
  atoms: number[];
  latents: number;
  features: number;
  mmcs: number;
  recovered: number;
  bestPerFeature: number[];
};

export type PolyView = {
  n: number;
  labels: string[];
  /** n × n interaction weights ‖v_ab‖ of the quadratic term. */
  values: number[];
  pairs: Array<{ a: number; b: number; c: number; weight: number; topFraction: number; cosToC: number }>;
  lambda: [number, number];
  latents: number[];
};

export type TopSamplesView = {
  latents: Array<{
    latent: number;
    samples: Array<{ row: number; value: number; label?: number; pixels?: number[] }>;
  }>;
  image: { width: number; height: number } | null;
};

export type AtomsView = {
  width: number;
  height: number;
  count: number;
  pixels: number[];
  frequency: number[];
};

export type TrainViews = {
  kind: 'train';
  model: SaeModel;
  source: string;
  decoder: string;
  history: HistoryPoint[];
  conventions: string;
  density: DensityView;
  recovery?: RecoveryView;
  /** Why recovery was not computed (too large). */
  recoverySkipped?: string;
  poly?: PolyView;
  /** PolySAE: interaction strength of latent pairs against their co-occurrence. */
  interaction?: InteractionView;
  top: TopSamplesView;
  atoms?: AtomsView;
  darkMatter: DarkMatter;
};

export type FrontierCurve = {
  model: SaeModel;
  knob: FrontierPoint['knob'];
  points: FrontierPoint[];
};

export type FrontierViews = {
  kind: 'frontier';
  source: string;
  curves: FrontierCurve[];
  points: FrontierPoint[];
};

/** Dark matter across dictionary sizes (study=darkmatter). */
export type DarkSizesViews = {
  kind: 'darkmatter';
  model: SaeModel;
  source: string;
  sizes: Array<{ latents: number; nmse: number; l0: number; linearShare: number; normProbeR2: number }>;
  /** S×S Pearson correlations of the per-sample held-out error norms ‖e‖² between sizes. */
  corr: number[];
};

export type SaeViewsData = TrainViews | FrontierViews | DarkSizesViews;

export type SaePartial =
  | { kind: 'train'; model: SaeModel; history: HistoryPoint[]; steps: number }
  | {
      kind: 'frontier';
      points: FrontierPoint[];
      current?: { model: SaeModel; knob: string; value: number; history: HistoryPoint[] };
    };

/** The one label of each model (from the descriptor table). */
export const MODEL_LABELS: Record<SaeModel, string> = Object.fromEntries(
  SAE_MODELS.map((m) => [m, SAE_MODEL_INFO[m].label]),
) as Record<SaeModel, string>;

const VIEW_KINDS: ReadonlySet<unknown> = new Set<SaeViewsData['kind']>(['train', 'frontier', 'darkmatter']);
const PARTIAL_KINDS: ReadonlySet<unknown> = new Set<SaePartial['kind']>(['train', 'frontier']);
const kindOf = (v: unknown): unknown =>
  typeof v === 'object' && v !== null && 'kind' in v ? (v as { kind: unknown }).kind : undefined;

/** A result's views as the SAE lab wrote them (checked by their `kind`), or undefined. */
export function isSaeViews(views: unknown): views is SaeViewsData {
  return VIEW_KINDS.has(kindOf(views));
}

/** A progress report's partial result as the SAE runner sends it (checked by its `kind`), or undefined. */
export function isSaePartial(partial: unknown): partial is SaePartial {
  return PARTIAL_KINDS.has(kindOf(partial));
}
