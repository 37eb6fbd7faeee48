/**
 * The SAE registry's implementation half: per model, the code that runs it. The descriptor half (label,
 * docs, fields, encoder and decoder kind, flags) is workers/spec/sae-models.ts; TypeScript makes both
 * complete over the same ids.
 *
 * - CPU reference: every model trains with `CpuSae` (workers/reference/sae/train.ts), whose forward and
 *   backward read the descriptor's encoder and decoder kind.
 * - GPU: the model's step units (workers/kernels/sae/units/), composed by `GpuSae` (workers/kernels/sae/train.ts),
 *   or a self-contained trainer of its own (PolySAE's general form: `GpuPolySae`, workers/kernels/sae/polysae.ts).
 *   A model with a second form (the descriptor's `altForm`) gives that form its own path here; `saeGpuPath`
 *   picks the one the configuration asks for, and `createGpuSae` builds it.
 * - Parity: every model is checked the same way (held-out errors recomputed on the GPU from the written
 *   weights and compared with the CPU forward, `saeExperiment.parity` in run.ts); `train.test.ts` compares one
 *   GPU step per model with the CPU step.
 * - Cost: `estimateSae` (estimate.ts) reads the descriptor (k-sparse codes, AuxK); export text reads
 *   `exportUpdate`.
 */
import type { GpuContext } from '../../gpu/device';
import { GpuPolySae, planPolySae } from '../../kernels/sae/polysae';
import {
  type DecoderKind,
  GpuSae,
  type GpuSaeInit,
  type GpuSaeUnit,
  planGpuSae,
} from '../../kernels/sae/train';
import { batchTopkEncoder } from '../../kernels/sae/units/batch-topk';
import { jumpEncoder } from '../../kernels/sae/units/jump';
import { linearDecoder } from '../../kernels/sae/units/linear';
import { polySharedDecoder } from '../../kernels/sae/units/poly-shared';
import { reluEncoder } from '../../kernels/sae/units/relu';
import { rowTopkEncoder } from '../../kernels/sae/units/row-topk';
import type { SaeGpuUnits } from '../../kernels/sae/units/types';
import type { SaeConfig } from '../../reference/sae/model';
import { SAE_MODEL_INFO, type SaeModelName } from '../../spec/sae-models';

/** What the GPU trainer is built from. */
export type SaeGpuPath =
  /** Encoder and decoder units composed by `GpuSae`. */
  | { kind: 'units'; units: SaeGpuUnits }
  /** A self-contained trainer with its own kernels; `plan` gives its buffer sizes in bytes for the fit check. */
  | {
      kind: 'own';
      create(ctx: GpuContext, init: Omit<GpuSaeInit, 'units' | 'decoder'>): Promise<GpuSaeUnit>;
      plan(c: SaeConfig, n: number, batch: number): { largest: number; total: number };
    };

export interface SaeModelImpl {
  /** The GPU training step of the model's (default) form. */
  gpu: SaeGpuPath;
  /** The GPU training step of the descriptor's `altForm` (when the model has one). */
  altForm?: { gpu: SaeGpuPath };
}

const units = (encoder: SaeGpuUnits['encoder'], decoder: SaeGpuUnits['decoder']): SaeGpuPath => ({
  kind: 'units',
  units: { encoder, decoder },
});

/** PolySAE's general form: `GpuPolySae`, one thread per output, its own retraction of the three projections. */
const polyGeneral: SaeGpuPath = {
  kind: 'own',
  create: (ctx, init) => GpuPolySae.create(ctx, init),
  plan: (c, n, batch) => {
    const sizes = Object.values(planPolySae(c, n, batch));
    return { largest: Math.max(...sizes), total: sizes.reduce((a, b) => a + b, 0) };
  },
};

export const SAE_MODEL_IMPLS: { readonly [K in SaeModelName]: SaeModelImpl } = {
  relu_l1: { gpu: units(reluEncoder, linearDecoder) },
  relu_l1_unit: { gpu: units(reluEncoder, linearDecoder) },
  topk: { gpu: units(rowTopkEncoder, linearDecoder) },
  batchtopk: { gpu: units(batchTopkEncoder, linearDecoder) },
  jumprelu: { gpu: units(jumpEncoder, linearDecoder) },
  // Default polyShared = 0: the general form; polyShared = 1: the shared-U form on GpuSae's units.
  polysae: { gpu: polyGeneral, altForm: { gpu: units(rowTopkEncoder, polySharedDecoder) } },
};

export const saeImpl = (model: SaeModelName): SaeModelImpl => SAE_MODEL_IMPLS[model];

/** The GPU path of the configured form: the model's own, or its `altForm`'s when that form's flag is on. */
export function saeGpuPath(c: Pick<SaeConfig, 'model' | 'polyShared'>): SaeGpuPath {
  const alt = SAE_MODEL_INFO[c.model].altForm;
  const impl = SAE_MODEL_IMPLS[c.model];
  if (!alt || c[alt.flag] !== true) return impl.gpu;
  if (!impl.altForm) throw new Error(`the SAE registry has no GPU path for ${c.model} with ${alt.flag}=1`);
  return impl.altForm.gpu;
}

/** The encoder and decoder units of the configured form, for code that builds `GpuSae` itself (tests, bench). */
export function gpuUnits(c: Pick<SaeConfig, 'model' | 'polyShared'>): SaeGpuUnits {
  const path = saeGpuPath(c);
  if (path.kind !== 'units')
    throw new Error(`${c.model} in this form has its own GPU trainer, not GpuSae units`);
  return path.units;
}

/** Buffer sizes (bytes) of the configured form's GPU trainer, for the fit check. */
export function planSaeGpu(
  c: SaeConfig,
  n: number,
  batch: number,
  decoder: DecoderKind,
): { largest: number; total: number } {
  const path = saeGpuPath(c);
  return path.kind === 'units' ? planGpuSae(c, n, batch, decoder, path.units) : path.plan(c, n, batch);
}

/** Builds the configured form's GPU trainer. */
export function createGpuSae(ctx: GpuContext, init: Omit<GpuSaeInit, 'units'>): Promise<GpuSaeUnit> {
  const path = saeGpuPath(init.cfg);
  return path.kind === 'units' ? GpuSae.create(ctx, { ...init, units: path.units }) : path.create(ctx, init);
}
