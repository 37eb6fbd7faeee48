/**
 * The SAE registry's implementation half: per model, the code that runs it. The descriptor half (label,
 * docs, fields, encoder and decoder kind, flags) is workers/spec/sae-models.ts; TypeScript makes both
 * complete over the same ids.
 *
 * - CPU reference: every model trains with `CpuSae` (workers/reference/sae/train.ts), whose forward and
 *   backward read the descriptor's encoder and decoder kind.
 * - GPU: the model's step units (workers/kernels/sae/units/), composed by `GpuSae` (workers/kernels/sae/train.ts).
 * - Parity: every model is checked the same way (held-out errors recomputed on the GPU from the written
 *   weights and compared with the CPU forward, `saeExperiment.parity` in run.ts); `train.test.ts` compares one
 *   GPU step per model with the CPU step.
 * - Cost: `estimateSae` (estimate.ts) reads the descriptor (k-sparse codes, AuxK); export text reads
 *   `exportUpdate`.
 */
import { batchTopkEncoder } from '../../kernels/sae/units/batch-topk';
import { jumpEncoder } from '../../kernels/sae/units/jump';
import { linearDecoder } from '../../kernels/sae/units/linear';
import { polySharedDecoder } from '../../kernels/sae/units/poly-shared';
import { reluEncoder } from '../../kernels/sae/units/relu';
import { rowTopkEncoder } from '../../kernels/sae/units/row-topk';
import type { SaeGpuUnits } from '../../kernels/sae/units/types';
import type { SaeModelName } from '../../spec/sae-models';

export interface SaeModelImpl {
  /** The GPU training step's per-model units. */
  gpu: SaeGpuUnits;
}

export const SAE_MODEL_IMPLS: { readonly [K in SaeModelName]: SaeModelImpl } = {
  relu_l1: { gpu: { encoder: reluEncoder, decoder: linearDecoder } },
  relu_l1_unit: { gpu: { encoder: reluEncoder, decoder: linearDecoder } },
  topk: { gpu: { encoder: rowTopkEncoder, decoder: linearDecoder } },
  batchtopk: { gpu: { encoder: batchTopkEncoder, decoder: linearDecoder } },
  jumprelu: { gpu: { encoder: jumpEncoder, decoder: linearDecoder } },
  polysae: { gpu: { encoder: rowTopkEncoder, decoder: polySharedDecoder } },
};

export const saeImpl = (model: SaeModelName): SaeModelImpl => SAE_MODEL_IMPLS[model];
