/**
 * Attention → Python (PyTorch): dense through torch.nn.functional.scaled_dot_product_attention; window,
 * block-sparse, HiP and SEA through the same call with their explicit boolean mask (built from the lab's
 * selection: blocks / mask in outputs.npz); linear, log-linear and SLA through their formulas.
 */
import { type NdArray, nd, toFloat32 } from '../core/ndarray';
import { loadProblem } from '../experiments/attention/inputs';
import type { AttnValues } from '../experiments/attention/method-types';
import { ATTENTION_IMPLS } from '../experiments/attention/registry';
import { UserError } from '../experiments/types';
import { favorProjection, featureDim, LINEAR_EPS } from '../reference/attention/feature-maps';
import { folder, preamble, py } from './python';
import type { ExportRequest, PythonExporter } from './types';

/** Relative error allowed: CPU results are float64 references rounded to float32; GPU kernels run in float32. */
export const ATTENTION_TOL = { cpu: 1e-6, webgpu: 2e-4 } as const;

export const attentionExporter: PythonExporter = {
  experiment: 'attention',
  requires: ['numpy', 'torch'],
  async export(req: ExportRequest) {
    const v = req.values as unknown as AttnValues;
    const r = req.result;
    if (v.hybrid)
      throw new UserError(
        `Export → Python covers one method on every head; this run is a per-head hybrid (hybrid=${v.hybrid}${
          v.hybrid === 'auto' ? ', each head’s method and setting chosen by the tuner' : ''
        }), whose heads would each need their own script: run each head’s method on its own and export that`,
      );
    const p = loadProblem(v, req.data);
    const { heads, n, d } = p;
    const method = v.method;
    const shape = [heads, n, d];
    const inputs: Record<string, NdArray> = {
      q: nd(Float32Array.from(p.q), shape),
      k: nd(Float32Array.from(p.k), shape),
      v: nd(Float32Array.from(p.v), shape),
    };
    const usesPhi = ATTENTION_IMPLS[method].python.features;
    if (usesPhi && v.featureMap === 'favor') {
      const m = featureDim({ d, featureMap: v.featureMap, favorFeatures: v.favorFeatures });
      inputs.omega = nd(favorProjection(d, m, v.seed), [m, d]);
    }
    const outputs: Record<string, NdArray> = { out: nd(toFloat32(r.arrays.out), shape) };
    for (const [name, a] of Object.entries(r.arrays)) if (name !== 'out') outputs[name] = a;

    const plan = ATTENTION_IMPLS[method].python;
    const params: Record<string, unknown> = { method, causal: v.causal, ...plan.params(v, n) };
    const tol = ATTENTION_TOL[r.backend];
    const selects = plan.selects;
    const body = plan.code.join('');
    const selection = plan.labMask ? ' with the lab’s mask' : '';
    const run = `${preamble(
      `Attention: ${method}${selection}`,
      req,
      `Recomputes the lab's ${method} attention output in PyTorch (float64) from the same Q, K, V${
        selection ? ' and the mask the lab selected (outputs.npz)' : ''
      }.${
        v.tune && v.tune !== 'off'
          ? `\nThe run's error-budget tuner (tune=${v.tune}) is a search over extra runs shown in the charts; it does not
change this output and is not recomputed here.`
          : ''
      }`,
      'import torch\nimport torch.nn.functional as F\n',
    )}
PARAMS = ${py(params)}${usesPhi ? `\nEPS = ${py(LINEAR_EPS)}  # linear-attention denominator guard` : ''}${plan.constants?.(v) ?? ''}
TOLERANCE = ${py(tol)}  # relative to max |out|; ${r.backend === 'cpu' ? 'the lab’s CPU backend is a float64 reference rounded to float32' : 'the lab’s WebGPU kernels accumulate in float32'}


def load_data():
    """Q, K, V as H×N×d float64 tensors (and FAVOR+'s projection when used). Replace with your own."""
    z = load_npz("inputs.npz")
    q, k, v = (torch.from_numpy(z[name]).double() for name in ("q", "k", "v"))
    omega = torch.from_numpy(z["omega"]).double() if "omega" in z else None
    return q, k, v, omega
${body}

def main():
    q, k, v, omega = load_data()
    lab = load_npz("outputs.npz")
    with torch.no_grad():
        out = attention(q, k, v, lab, omega)
    checks = [("out", out.numpy(), lab["out"], TOLERANCE)]${
      selects
        ? r.backend === 'cpu'
          ? `
    # The selection itself, recomputed from Q and K: on the CPU backend it must match exactly.
    for name, ours in select(q, k).items():
        checks.append((name, ours, lab[name], 0))`
          : `
    # The selection itself, recomputed from Q and K in float64: the lab's GPU pooled its scores in float32, so a
    # near-tie may rank differently; reported, not checked (the output check above uses the lab's selection).
    for name, ours in select(q, k).items():
        same = float(np.mean(ours == lab[name]))
        print(f"{name:<14} {same:.2%} of the lab's block decisions recomputed alike (float32 ties may differ)")`
        : ''
    }
    return report(checks)


if __name__ == "__main__":
    sys.exit(main())
`;
    return folder(req, run, inputs, outputs, this.requires);
  },
};
