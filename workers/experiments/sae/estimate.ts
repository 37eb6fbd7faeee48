/**
 * SAE work and memory before training (formulas in docs/methods.md, "Resource limits"), per training run:
 *   FLOPs/step = 2·B·M·d (encoder) + 6·B·c·d (decoder forward and both gradients) + 20·M·d (Adam, norms)
 *     with c = k + auxK when codes are k-sparse per row and decoded sparsely, c = M otherwise (dense decoder);
 *   bytes = s·(8·M·d + A·B·M + 2·n·d): parameters, gradients and Adam moments of W_enc and W_dec; the B×M
 *     activation arrays of a step (A = 6 on the CPU in float64, 4 on WebGPU in float32); the data twice.
 * A frontier study trains one SAE per point (points × architectures runs, one after another).
 */
import type { NdArray } from '../../core/ndarray';
import { SAE_MODEL_INFO, type SaeModelName, saeForm } from '../../spec/sae-models';
import type { Estimate } from '../estimate-types';
import type { Backend } from '../types';

const ARCHS: Record<string, number> = { topk_vs_relu: 2, all: 4, model: 1 };

export function estimateSae(
  v: Record<string, unknown>,
  backend: Backend,
  data: Record<string, NdArray>,
): Estimate {
  let n: number;
  let d: number;
  if (v.data === 'file' && data.x) [n, d] = [data.x.shape[0], data.x.shape[1] ?? 1];
  else if (v.data === 'digits') [n, d] = [1797, 64];
  else [n, d] = [Number(v.samples), Number(v.dims)];
  const M = Number(v.latents);
  const B = Number(v.batch);
  const steps = Number(v.steps);
  const model = String(v.model);
  const info = Object.hasOwn(SAE_MODEL_INFO, model) ? saeForm(model as SaeModelName, v) : undefined;
  const runs = v.study === 'frontier' ? (ARCHS[String(v.sweep)] ?? 1) * Number(v.sweepPoints) : 1;
  const sparse =
    info?.fields.includes('k') === true &&
    (backend === 'cpu' ||
      // PolySAE's general form decodes densely on WebGPU (its own kernels, a thread per output); it has AuxK.
      (v.decoder !== 'dense' && info.encoder !== 'batchTopK' && info.decoder !== 'polyGeneral'));
  const k = Number(v.k);
  const auxK = info?.fields.includes('auxK') ? Number(v.auxK) : 0;
  const c = sparse ? Math.min(M, k + auxK) : M;
  const perStep = 2 * B * M * d + 6 * B * c * d + 20 * M * d;
  const s = backend === 'cpu' ? 8 : 4;
  const A = backend === 'cpu' ? 6 : 4;
  const bytes = s * (8 * M * d + A * B * M + 2 * n * d);
  return {
    flops: runs * steps * perStep,
    bytes,
    detail: `${runs > 1 ? `${runs} runs × ` : ''}${steps} steps of a ${model} SAE with M = ${M} latents, d = ${d}, batch ${B} (${sparse ? 'sparse' : 'dense'} decoder); ${n} samples`,
  };
}
