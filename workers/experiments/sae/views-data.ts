/** The shape of the SAE lab's `views` and live `partial` JSON: what app/panels/sae draws. */
import type { DarkMatter } from '../../reference/sae/metrics';
import type { SaeModel } from '../../reference/sae/model';
import type { FrontierPoint } from './frontier';
import type { InteractionView } from './interaction';
import type { HistoryPoint } from './train';

export type { DarkMatter, FrontierPoint, HistoryPoint, InteractionView, SaeModel };

export interface DensityView {
  edges: number[];
  counts: number[];
  dead: number;
  dense: number;
  rows: number;
}

export interface RecoveryView {
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
}

export interface PolyView {
  n: number;
  labels: string[];
  /** n × n interaction weights ‖v_ab‖ of the quadratic term. */
  values: number[];
  pairs: Array<{ a: number; b: number; c: number; weight: number; topFraction: number; cosToC: number }>;
  lambda: [number, number];
  latents: number[];
}

export interface TopSamplesView {
  latents: Array<{
    latent: number;
    samples: Array<{ row: number; value: number; label?: number; pixels?: number[] }>;
  }>;
  image: { width: number; height: number } | null;
}

export interface AtomsView {
  width: number;
  height: number;
  count: number;
  pixels: number[];
  frequency: number[];
}

export interface TrainViews {
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
}

export interface FrontierCurve {
  model: SaeModel;
  knob: FrontierPoint['knob'];
  points: FrontierPoint[];
}

export interface FrontierViews {
  kind: 'frontier';
  source: string;
  curves: FrontierCurve[];
  points: FrontierPoint[];
}

/** Dark matter across dictionary sizes (study=darkmatter). */
export interface DarkSizesViews {
  kind: 'darkmatter';
  model: SaeModel;
  source: string;
  sizes: Array<{ latents: number; nmse: number; l0: number; linearShare: number; normProbeR2: number }>;
  /** S×S Pearson correlations of the per-sample held-out error norms ‖e‖² between sizes. */
  corr: number[];
}

export type SaeViewsData = TrainViews | FrontierViews | DarkSizesViews;

export type SaePartial =
  | { kind: 'train'; model: SaeModel; history: HistoryPoint[]; steps: number }
  | {
      kind: 'frontier';
      points: FrontierPoint[];
      current?: { model: SaeModel; knob: string; value: number; history: HistoryPoint[] };
    };

export const MODEL_LABELS: Record<SaeModel, string> = {
  relu_l1: 'ReLU-L1 (2024)',
  relu_l1_unit: 'ReLU-L1 (2023, unit norm)',
  topk: 'TopK',
  batchtopk: 'BatchTopK',
  jumprelu: 'JumpReLU',
  polysae: 'PolySAE',
};
