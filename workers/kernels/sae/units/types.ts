/**
 * The per-model pieces of the GPU training step. `GpuSae` (../train.ts) owns the buffers and the parts every
 * model shares (gather, residual, gradients of the encoder, Adam, statistics); an SAE model is an encoder unit
 * (pre-activations → codes) and a decoder unit (codes → reconstruction), chosen per model in the SAE
 * registry (workers/experiments/sae/registry.ts). A new model adds a unit file here and a registry entry.
 */
import type { Op, PassList } from '../../../gpu/pass';
import type { SaeConfig } from '../../../reference/sae/model';
import type { GemmShape } from '../gemm';
import type { TopkVariant } from '../topk';
import type { ActGradMode } from '../util/ops';

/** What a unit may record: the trainer's buffers (by name), its parameters and gradients, and helpers. */
export interface StepContext {
  readonly list: PassList;
  readonly c: SaeConfig;
  /** Batch rows. */
  readonly B: number;
  /** Selected entries per sample in idx/ent (main k, then AuxK). */
  readonly E: number;
  /** Rows of the stacked [main; AuxK] arrays (2B with AuxK, else B). */
  readonly rows2: number;
  readonly sparse: boolean;
  readonly b: Readonly<Record<string, GPUBuffer>>;
  readonly p: Readonly<Record<string, GPUBuffer>>;
  readonly g: Readonly<Record<string, GPUBuffer>>;
  /** 16-byte placeholders for bindings a kernel mode does not read (R) or write (W). */
  readonly dummyR: GPUBuffer;
  readonly dummyW: GPUBuffer;
  /** The per-step uniform (learning rate, bias corrections, sparsity warm-up). */
  readonly stepU: GPUBuffer;
  readonly topk: TopkVariant | undefined;
  gemm(A: GPUBuffer, B: GPUBuffer, C: GPUBuffer, s: GemmShape, bias?: GPUBuffer | null): Op;
}

export interface EncoderUnit {
  /** Entries per sample the encoder writes into idx/ent: main codes, then `auxK` AuxK candidates. */
  entries(c: SaeConfig, auxK: number): number;
  /** Exactly k codes per sample in idx/ent, so the decoder may gather k atoms instead of a full matmul. */
  readonly exactK: boolean;
  /** Keeps the B×M pre-activations (false: the activation is fused into the encoder GEMM). */
  readonly keepsPre: boolean;
  /** x_c → codes (z, or idx/ent when `exactK`); `inference` leaves out AuxK and uses learnt thresholds. */
  encode(s: StepContext, inference: boolean): Op[];
  /** How the dense path's activation backward passes ∂L/∂z to the pre-activations. */
  readonly gradMode: ActGradMode;
  /** A sparsity penalty is part of the loss (ReLU-L1's L1, JumpReLU's L0). */
  readonly hasSparsity: boolean;
  /** The statistics pass keeps a running inference threshold θ (BatchTopK). */
  readonly batchTheta: boolean;
  /** Sets the inference threshold θ (BatchTopK); absent where the encoder has none. */
  setTheta?(ctx: { device: GPUDevice }, b: Readonly<Record<string, GPUBuffer>>, theta: number): void;
}

export interface DecoderUnit {
  /** Extra buffers in floats (name → count) this decoder needs for a batch of B. */
  buffers(c: SaeConfig, B: number): Record<string, number>;
  /**
   * The code product over `rows` stacked rows ([main; AuxK] when the decoder reconstructs AuxK's residual):
   * x̂ − b_dec = z·atoms (linear) or a = z·U (then `finish`); `rows` is how many it actually multiplies.
   */
  product(
    s: StepContext,
    rows: number,
  ): { atoms: GPUBuffer; gAtoms: GPUBuffer; w: number; out: GPUBuffer; rows: number };
  /** Ops from the product to x̂ − b_dec in xraw (none for a linear decoder). */
  finish(s: StepContext): Op[];
  /** Backward through `finish` (its parameters' gradients); returns the gradient of the product's output. */
  backward(s: StepContext): { ops: Op[]; G: GPUBuffer };
  /** Before Adam: the decoder's own gradient corrections (penalty gradient, unit-norm projection). */
  beforeAdam(s: StepContext): Op[];
  /** After Adam: renormalisation or retraction. */
  afterAdam(s: StepContext): Op[];
}

export interface SaeGpuUnits {
  encoder: EncoderUnit;
  decoder: DecoderUnit;
}
