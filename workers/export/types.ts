/**
 * "Export → Python": a run as a self-contained folder — its inputs (`inputs.npz`), the lab's outputs
 * (`outputs.npz`) and a short `run.py` that recomputes the same thing with NumPy, scikit-learn or PyTorch and
 * prints its agreement with the lab (relative error per array, PASS/FAIL against a stated tolerance).
 */
import type { NdArray } from '../core/ndarray';
import type { RunResult } from '../experiments/types';
import type { CsvTable } from '../io/csv';

export interface ExportRequest {
  /** The finished run (spec, backend, arrays). */
  result: RunResult;
  /** The run's resolved spec values (file fields hold FileRefs). */
  values: Record<string, unknown>;
  /** The user's arrays the run used, by file-field name. */
  data: Record<string, NdArray>;
  /** Built-in datasets, as the runner's context loads them. */
  dataset(name: string): Promise<CsvTable>;
  /** The share URL (hash) of the run, written into run.py and README.txt. */
  url: string;
}

export interface ExportFolder {
  /** Relative path → contents: run.py, inputs.npz, outputs.npz, README.txt. */
  files: Record<string, Uint8Array | string>;
}

/** One per lab, registered by experiment id in workers/export/registry.ts. */
export interface PythonExporter {
  experiment: string;
  /** Python packages run.py imports (besides the standard library), for the README and the tests. */
  requires: readonly string[];
  /** Throws UserError naming what cannot be exported (e.g. a study without coefficients). */
  export(req: ExportRequest): Promise<ExportFolder>;
}
