/** From spec values to the trainer's configuration, and the checks that need the data's size. */
import type { SaeDataset } from '../../data/sae-sources';
import { checkFits } from '../../gpu/device';
import { type DecoderKind, planGpuSae } from '../../kernels/sae/train';
import { defaultConfig, isPoly, type SaeConfig, type SaeModel, usesTopk } from '../../reference/sae/model';
import type { SaeValues } from '../../spec/sae';
import { type RunContext, UserError } from '../types';
import { saeImpl } from './registry';

export function saeConfig(v: SaeValues, ds: SaeDataset, over: Partial<SaeConfig> = {}): SaeConfig {
  const model = (over.model ?? v.model) as SaeModel;
  const rank1 = v.rank > 0 ? v.rank : ds.d;
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
    rank2: Math.min(v.rank2, rank1),
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
}

/** Sparse decoder when asked, or automatically for TopK-like models whose k is a small part of M. */
export function decoderKind(v: SaeValues, c: SaeConfig): DecoderKind {
  if (!usesTopk(c)) return 'dense';
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
  const plan = planGpuSae(c, ds.n, batch, decoder, saeImpl(c.model).gpu);
  const why = checkFits(ctx.gpu.adapter, plan.largest, plan.total);
  if (why) {
    throw new UserError(
      `latents/batch: an SAE with ${c.m} latents on ${ds.n} × ${ds.d} data at batch ${batch} ${why}; use fewer latents, a smaller batch or less data`,
    );
  }
}
