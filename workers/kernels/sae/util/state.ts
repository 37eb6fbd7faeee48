/**
 * What both SAE GPU trainers (GpuSae with its units, GpuPolySae for PolySAE's general form) share around their
 * step: the per-step uniform (learning rate, Adam's bias corrections, sparsity warm-up), and reading back the loss
 * sums, the latent statistics and named parameter buffers. The buffers' layouts are the same in both trainers:
 * `sc` holds the loss sums at 8…13 (reset by the read), `lat` holds since-last-fired then firings per latent.
 */
import { readFloat32 } from '../../../gpu/buffers';
import type { GpuContext } from '../../../gpu/device';
import { type Params, paramLayout, type SaeConfig, sizeOfShape } from '../../../reference/sae/model';
import { lrAt, sparsityScaleAt } from '../../../reference/sae/optim';

export interface GpuMetrics {
  rec: number;
  sparsity: number;
  aux: number;
  total: number;
  l0: number;
  /** Steps averaged. */
  steps: number;
  /** BatchTopK's inference threshold (−1 while unset). */
  theta: number;
}

/** The step uniform of step t: lr, 1 − β₁^(t+1), 1 − β₂^(t+1), sparsity scale, β₁, β₂, ε, 0. */
export function stepUniform(c: SaeConfig, t: number): Float32Array {
  return Float32Array.from([
    lrAt(c, t),
    1 - c.beta1 ** (t + 1),
    1 - c.beta2 ** (t + 1),
    sparsityScaleAt(c.steps, t),
    c.beta1,
    c.beta2,
    c.eps,
    0,
  ]);
}

/** Averages of the loss sums in `sc` since the last call, which resets them. */
export async function readStepMetrics(ctx: GpuContext, sc: GPUBuffer): Promise<GpuMetrics> {
  const s = await readFloat32(ctx.device, sc, 16);
  ctx.device.queue.writeBuffer(sc, 32, new Float32Array(6));
  const n = Math.max(s[13], 1);
  return {
    rec: s[8] / n,
    sparsity: s[9] / n,
    aux: s[10] / n,
    total: s[11] / n,
    l0: s[12] / n,
    steps: s[13],
    theta: s[2],
  };
}

/** Training samples since each latent last fired, and firings per latent since the start. */
export async function readLatentStats(
  ctx: GpuContext,
  lat: GPUBuffer,
  m: number,
): Promise<{ since: Float32Array; firings: Float32Array }> {
  const all = await readFloat32(ctx.device, lat, 2 * m);
  return { since: all.subarray(0, m), firings: all.subarray(m) };
}

/** The named parameter-shaped buffers (parameters, gradients or Adam moments) as float64, in layout order. */
export async function readParamBuffers(
  ctx: GpuContext,
  c: SaeConfig,
  buffers: Record<string, GPUBuffer>,
  names?: readonly string[],
): Promise<Params> {
  const out: Params = {};
  for (const { name, shape } of paramLayout(c)) {
    if (names && !names.includes(name)) continue;
    out[name] = Float64Array.from(await readFloat32(ctx.device, buffers[name], sizeOfShape(shape)));
  }
  return out;
}
