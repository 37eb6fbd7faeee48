/**
 * Pruning → Python (NumPy; PyTorch's torch.nn.utils.prune.custom_from_mask applies the masks): the layer
 * study of one method on one W and its calibration / held-out X. Magnitude, Wanda, SparseGPT, DSnoT,
 * R-Sparse and CoSpaDi (K-SVD) are recomputed from scratch with the lab's count-based selection and tie rule
 * (masks must agree exactly, weights within 1e-6 of max |w|); each mask's N:M / sparsity count and CoSpaDi's
 * stored factors (Ŵ = C·Dᵀ, at most s non-zeros per row) are checked too. CoSpaDi with more atoms than W·L's
 * rank (extra atoms from the lab's random stream) is checked through its factors only.
 */
import { type NdArray, nd } from '../core/ndarray';
import { METHOD_IMPLS } from '../experiments/pruning/registry';
import { loadLayer, patternFor } from '../experiments/pruning/run';
import { UserError } from '../experiments/types';
import type { PruningValues } from '../spec/pruning';
import {
  PRUNING_GPU_MASK_TOL,
  PRUNING_WEIGHT_TOL,
  PY_SELECT,
  PY_SUMS,
  type PythonContext,
} from './pruning-python';
import { folder, preamble, py } from './python';
import type { ExportRequest, PythonExporter } from './types';

export {
  COSPADI_KSVD_TOL,
  COSPADI_TOL,
  PRUNING_GPU_MASK_TOL,
  PRUNING_RELERR_TOL,
  PRUNING_WEIGHT_TOL,
  RSPARSE_LOWRANK_TOL,
} from './pruning-python';

export const pruningExporter: PythonExporter = {
  experiment: 'pruning',
  requires: ['numpy', 'torch'],
  async export(req: ExportRequest) {
    const v = req.values as unknown as PruningValues;
    const r = req.result;
    if (v.study !== 'layer')
      throw new UserError(
        `Export → Python covers the layer study (one method on one layer); "${v.study}" ${
          v.study === 'sweep'
            ? 'runs every method at many sparsities and keeps only the error curve, no masks or weights to compare'
            : 'trains the digits MLP with the lab’s own seeded SGD stream, which NumPy cannot replay step for step'
        }`,
      );
    if (v.data === 'digits_mlp')
      throw new UserError(
        'Export → Python: the digits MLP is trained in the page with the lab’s own seeded SGD stream, which NumPy cannot replay step for step, and each layer is calibrated on that network; export a single layer (a synthetic one or data = file)',
      );
    const method = v.method;
    const L = loadLayer(v, { data: req.data });
    const p = patternFor(v);
    const inputs: Record<string, NdArray> = {
      W: nd(Float64Array.from(L.W), [L.rows, L.cols]),
      X_cal: nd(Float64Array.from(L.Xcal), [L.tokens, L.cols]),
      X_held: nd(Float64Array.from(L.Xheld), [L.held, L.cols]),
    };
    const script = METHOD_IMPLS[method].python;
    const c: PythonContext = {
      v,
      rows: L.rows,
      cols: L.cols,
      unstructured: p.kind === 'unstructured',
      // On WebGPU, magnitude and Wanda masks were selected on float32 scores; the lab kept the GPU's mask when
      // it differed from the float64 reference (metric maskMismatchVsCpu).
      gpuMask: r.backend === 'webgpu' && (r.metrics.maskMismatchVsCpu ?? 0) > 0,
    };
    const outputs: Record<string, NdArray> = {};
    for (const name of script.outputs) {
      const a = r.arrays[name];
      if (!a)
        throw new UserError(
          `Export → Python: the run has no "${name}" array to compare (was it a layer run?)`,
        );
      outputs[name] = a;
    }
    outputs.relErr = nd(Float64Array.of(r.metrics.relErr), []);
    const isMask = script.mask;
    const pattern = isMask
      ? p.kind === 'nm'
        ? { kind: 'nm', n: p.n, m: p.m }
        : { kind: 'unstructured', sparsity: p.sparsity }
      : null;
    const params: Record<string, unknown> = { method };
    for (const k of script.params(c)) params[k] = v[k];
    const code = PY_SUMS + (isMask ? PY_SELECT : '') + script.helpers(c).join('') + script.compute(c);
    const patternText = pattern
      ? pattern.kind === 'nm'
        ? ` ${pattern.n}:${pattern.m}`
        : ` unstructured ${v.sparsity}`
      : '';
    const relErr = script.relErrTol(c);
    const run = `${preamble(
      `Pruning: ${method}${patternText}`,
      req,
      `${script.what(c)} from the same W and calibration tokens, and the layer-output error
relErr = ||(W - W_hat) X^T|| / ||W X^T|| on the held-out tokens; compares them with the lab's.`,
      isMask ? 'import torch\nimport torch.nn.utils.prune as prune\n' : '',
    )}
PARAMS = ${py(params)}${pattern ? `\nPATTERN = ${py(pattern)}` : ''}${script.header?.(c) ?? ''}
# Tolerances (relative errors): masks are compared exactly (0) — both sides select by the same count and tie rule.
WEIGHT_TOL = ${py(PRUNING_WEIGHT_TOL)}  # pruned weights, relative to max |w|: float64 here, the lab's stored as float32
RELERR_TOL = ${py(relErr.tol)}  # relErr: ${relErr.note}${script.tolerances?.(c) ?? ''}${
      c.gpuMask
        ? `\nGPU_MASK_TOL = ${py(PRUNING_GPU_MASK_TOL)}  # the lab's mask was selected on the GPU from float32 scores: this fraction of entries may differ`
        : ''
    }

${code}

def load_data():
    """W (out x in, nn.Linear's orientation), calibration tokens X_cal and held-out tokens X_held (tokens x in),
    as the lab used them. Replace with your own layer and its inputs."""
    z = load_npz("inputs.npz")
    return z["W"], z["X_cal"], z["X_held"]

${script.main(c)}

if __name__ == "__main__":
    sys.exit(main())
`;
    return folder(req, run, inputs, outputs, isMask ? this.requires : ['numpy']);
  },
};
