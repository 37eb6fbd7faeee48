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
