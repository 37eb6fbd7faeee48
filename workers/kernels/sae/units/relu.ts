/** ReLU encoder (both ReLU-L1 forms): the ReLU is fused into the encoder GEMM; an L1 penalty on the codes. */
import type { EncoderUnit } from './types';

export const reluEncoder: EncoderUnit = {
  entries: () => 0,
  exactK: false,
  keepsPre: false,
  gradMode: 'relu',
  hasSparsity: true,
  batchTheta: false,
  encode(s) {
    const { b, p, c } = s;
    return [s.gemm(b.xc, p.W_enc, b.z, { M: s.B, N: c.m, K: c.d, transB: true, relu: true }, p.b_enc)];
  },
};
