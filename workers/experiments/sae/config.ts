/** From spec values to the trainer's configuration, and the checks that need the data's size. */
import type { SaeDataset } from '../../data/sae-sources';
import { checkFits } from '../../gpu/device';
import type { DecoderKind } from '../../kernels/sae/train';
import {
  defaultConfig,
  infoOf,
  isPoly,
  isPolyGeneral,
  type SaeConfig,
  type SaeModel,
} from '../../reference/sae/model';
import type { SaeValues } from '../../spec/sae';
import { saeForm } from '../../spec/sae-models';
import { type RunContext, UserError } from '../types';
import { planSaeGpu } from './registry';

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
    // R₃ is its own rank only where the form reads it (PolySAE's general form); else R₃ = R₂.
    rank3: saeForm(model, v).fields.includes('rank3') && v.rank3 > 0 ? v.rank3 : rank2,
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
  if (isPoly(c) && c.rank1 > c.m) {
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
  // Only models whose (form's) descriptor offers the decoder choice: exactly k codes on GpuSae's units.
  if (!infoOf(c).fields.includes('decoder')) return 'dense';
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
  const plan = planSaeGpu(c, ds.n, batch, decoder);
  const why = checkFits(ctx.gpu.adapter, plan.largest, plan.total);
  if (why) {
    throw new UserError(
      `latents/batch: an SAE with ${c.m} latents on ${ds.n} × ${ds.d} data at batch ${batch} ${why}; use fewer latents, a smaller batch or less data`,
    );
  }
}
