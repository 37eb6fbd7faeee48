/** JumpReLU encoder: f = π·H(π − θ) with θ = exp(log_threshold) per latent; straight-through gradients. */

import * as K from '../util/ops';
import type { EncoderUnit } from './types';

export const jumpEncoder: EncoderUnit = {
  entries: () => 0,
  exactK: false,
  keepsPre: true,
  gradMode: 'jump',
  hasSparsity: true,
  batchTheta: false,
  encode(s) {
    const { b, p, c, list } = s;
    const act = {
      pre: b.pre,
      logTheta: p.log_threshold,
      z: b.z,
      sel: s.dummyR,
      minKept: b.minKept,
      sc: b.sc,
    };
    return [
      s.gemm(b.xc, p.W_enc, b.pre, { M: s.B, N: c.m, K: c.d, transB: true }, p.b_enc),
      K.actOp(list, act, s.B, c.m, 'jump'),
    ];
  },
};
