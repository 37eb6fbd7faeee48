/** Matmul → Python: C = A·B in NumPy (float64) against the lab's C. */
import { nd, toFloat32 } from '../core/ndarray';
import type { RunResult } from '../experiments/types';
import { folder, preamble, py } from './python';
import type { ExportRequest, PythonExporter } from './types';

/** Relative error allowed against NumPy's float64 product: the CPU backend rounds a float64 sum to float32, the GPU accumulates in float32. */
export const MATMUL_TOL = { cpu: 1e-6, webgpu: 1e-4 } as const;

export const matmulExporter: PythonExporter = {
  experiment: 'matmul',
  requires: ['numpy'],
  async export(req: ExportRequest) {
    const r: RunResult = req.result;
    const { a, b, c } = r.arrays;
    const k = a.shape[1];
    const run = `${preamble(
      'Matrix multiply C = A·B',
      req,
      'Recomputes C with NumPy in float64 and compares it with the lab’s float32 C.',
      '',
    )}
TOLERANCE = ${py(MATMUL_TOL[r.backend])}  # ${r.backend === 'cpu' ? 'float64 sums rounded to float32' : `float32 accumulation over k = ${k} terms`}, relative to max |C|


def load_data():
    """A (m×k) and B (k×n). Replace with your own matrices."""
    z = load_npz("inputs.npz")
    return z["a"], z["b"]


def compute(a, b):
    return a.astype(np.float64) @ b.astype(np.float64)


def main():
    a, b = load_data()
    c = compute(a, b)
    lab = load_npz("outputs.npz")
    return report([("c", c, lab["c"], TOLERANCE)])


if __name__ == "__main__":
    sys.exit(main())
`;
    return folder(req, run, { a, b }, { c: nd(toFloat32(c), c.shape) }, this.requires);
  },
};
