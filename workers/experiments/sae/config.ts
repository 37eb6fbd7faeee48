/** From spec values to the trainer's configuration, and the checks that need the data's size. */
import type { SaeDataset } from '../../data/sae-sources';
import { checkFits } from '../../gpu/device';
import { planPolySae } from '../../kernels/sae/polysae';
import { type DecoderKind, planGpuSae } from '../../kernels/sae-train';
import { defaultConfig, isPolyGeneral, type SaeConfig, type SaeModel } from '../../reference/sae/model';
import type { SaeValues } from '../../spec/sae';
import { type RunContext, UserError } from '../types';

export function saeConfig(v: SaeValues, ds: SaeDataset, over: Partial<SaeConfig> = {}): SaeConfig {
  const model = (over.model ?? v.model) as SaeModel;
  const rank1 = v.rank > 0 ? v.rank : ds.d;
  const rank2 = Math.min(v.rank2, rank1);
  return defaultConfig({
    model,
    d: ds.d,
    m: v.latents,
    k: v.k,
    l1: v.l1,
    auxK: Math.min(v.auxK, v.latents),
    auxCoeff: v.auxCoeff,
    deadSamples: v.deadSamples,
    threshold: v.threshold,
    bandwidth: v.bandwidth,
    l0Coeff: v.l0Coeff,
    rank1,
    rank2,
    rank3: v.polyShared ? rank2 : v.rank3 > 0 ? v.rank3 : rank2,
    polyShared: v.polyShared,
    variance: ds.variance,
    lr: v.lr,
    steps: v.steps,
    warmup: v.warmup,
    decay: v.decay,
    ...over,
  });
}

export function checkConfig(c: SaeConfig, ds: SaeDataset, batch: number): void {
  if (batch > ds.nTrain) {
    throw new UserError(
      `batch: ${batch} is more than the ${ds.nTrain} training rows (90% of the ${ds.n} samples); lower the batch size`,
    );
  }
  if (c.model === 'polysae' && c.rank1 > c.m) {
    throw new UserError(
      `rank: R₁ = ${c.rank1} (the data's d when 0) must not exceed the ${c.m} latents; set a smaller rank`,
    );
  }
  if (isPolyGeneral(c) && c.rank1 + c.rank2 + c.rank3 > c.m) {
    throw new UserError(
      `rank, rank2, rank3: R₁ + R₂ + R₃ = ${c.rank1} + ${c.rank2} + ${c.rank3} (R₁ = the data's d when rank is 0) must not exceed the ${c.m} latents: the general form keeps the three projections mutually orthogonal; set smaller ranks or polyShared=1`,
    );
  }
  if (isPolyGeneral(c) && c.rank3 > c.rank2) {
    throw new UserError(`rank3: R₃ = ${c.rank3} must not exceed R₂ = ${c.rank2}`);
  }
}

/** Sparse decoder when asked, or automatically for TopK-like models whose k is a small part of M. */
export function decoderKind(v: SaeValues, c: SaeConfig): DecoderKind {
  if (c.model !== 'topk' && c.model !== 'polysae') return 'dense';
  if (isPolyGeneral(c)) return 'dense'; // its own unit: a thread per output (the decoder field is not offered)
  if (v.decoder !== 'auto') return v.decoder;
  return c.k * 8 <= c.m ? 'sparse' : 'dense';
}

export function checkGpuFits(
  ctx: RunContext,
  c: SaeConfig,
  ds: SaeDataset,
  batch: number,
  decoder: DecoderKind,
): void {
  if (!ctx.gpu) return;
  const plan = isPolyGeneral(c)
    ? (() => {
        const sizes = Object.values(planPolySae(c, ds.n, batch));
        return { largest: Math.max(...sizes), total: sizes.reduce((a, b) => a + b, 0) };
      })()
    : planGpuSae(c, ds.n, batch, decoder);
  const why = checkFits(ctx.gpu.adapter, plan.largest, plan.total);
  if (why) {
    throw new UserError(
      `latents/batch: an SAE with ${c.m} latents on ${ds.n} × ${ds.d} data at batch ${batch} ${why}; use fewer latents, a smaller batch or less data`,
    );
  }
}
