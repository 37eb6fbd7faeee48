/** The shape of the pruning lab's `views` and live `partial` JSON: what app/panels/pruning draws. */

export interface MaskView {
  /** Block-averaged kept fraction (1 = all kept), rows × cols of the preview grid. */
  rows: number;
  cols: number;
  values: number[];
  /** Weight rows/columns per preview cell. */
  rowStep: number;
  colStep: number;
  /** The pattern's group size along the inputs (M), or 0 for unstructured. */
  groupM: number;
  /** Per-row and per-column sparsity of the full mask. */
  rowSparsity: number[];
  colSparsity: number[];
}

export interface ScoreHistogram {
  /** Bin edges in log10(score). */
  edges: number[];
  kept: number[];
  pruned: number[];
  /** log10 of the largest pruned score (the effective threshold; per-row methods have one per row). */
  threshold: number | null;
  label: string;
}

export interface SweepPoint {
  method: string;
  label: string;
  /** Fraction of weights (or MACs, or stored values) saved. */
  sparsity: number;
  relErr: number;
  /** Test accuracy of the pruned network (digits MLP only). */
  accuracy?: number;
  pattern: string;
}

export interface StageRecord {
  stage: string;
  backend: 'cpu' | 'webgpu';
  ms: number;
}

export interface KernelView {
  format: string;
  sparseMs: number;
  denseMs: number;
  ideal: number;
  bytesSparse: number;
  bytesDense: number;
}

/** A log-scaled preview grid (scores, weights). */
export interface GridView {
  rows: number;
  cols: number;
  values: number[];
}

/** The method that ran, from its registry entry. */
export interface MethodInfoView {
  id: string;
  label: string;
  help: string;
  departures: string;
  /** "GPU: …" or "GPU: none — why". */
  gpu: string;
}

export interface LayerInfo {
  rows: number;
  cols: number;
  tokens: number;
  held: number;
  notes: string;
}

export interface NetworkInfo {
  hidden: number;
  epochs: number;
  notes: string;
}

/** A sparse-kernel timing at one point of the sweep. */
export type KernelPoint = KernelView & { sparsity: number; pattern: string };

export interface TrainingCurve {
  name: string;
  accuracy: number[];
  sparsity: number[];
}

export interface SoupView {
  ingredients: number[];
  soup: number;
  recipes: [number, number][];
}

/** Views a method adds of its own (its registry entry's `reference` returns them). */
export type MethodViews = {
  /** DSnoT: |e_i| per row before and after the swaps. */
  shiftBefore?: number[];
  shiftAfter?: number[];
  /** R-Sparse: singular values of W. */
  spectrum?: number[];
  /** CoSpaDi: the objective after each K-SVD step. */
  kSvdHistory?: number[];
};

/** The layer study (one layer, or layer 1 of the digits network). */
export type PruningLayerViews = MethodViews & {
  network?: NetworkInfo;
  layer: LayerInfo;
  method: MethodInfoView;
  pattern: string | null;
  kernel?: KernelView;
  mask?: MaskView;
  actMask?: MaskView;
  scores?: ScoreHistogram;
  scoreMap?: GridView;
  weightMap?: GridView;
  /** What ran where (set last, after the run's GPU stages). */
  stages?: StageRecord[];
};

/** The sweep (every method at many sparsities; on the network, test accuracy too). */
export type PruningSweepViews = {
  points: SweepPoint[];
  layer?: LayerInfo;
  stages: StageRecord[];
  kernelPoints?: KernelPoint[];
  denseAccuracy?: number;
  network?: NetworkInfo;
};

/** The digits-MLP training study. */
export type PruningTrainingViews = {
  curves: TrainingCurve[];
  schedule: string;
  soup: SoupView;
  network?: NetworkInfo;
  pattern?: string;
  stages?: StageRecord[];
};

/** Live progress data (`partial`) of a sweep or a training run. */
export type PruningPartial = {
  points?: SweepPoint[];
  kernelPoints?: KernelPoint[];
  denseAccuracy?: number;
  curves?: TrainingCurve[];
};

/**
 * What the panel reads: a result of any study (the last result may belong to another study until the
 * current run finishes), so every field is optional.
 */
export type PruningViews = Partial<PruningLayerViews & PruningSweepViews & PruningTrainingViews>;
