/** TopK encoder (TopK, PolySAE): exactly k codes per sample by radix select, then AuxK's dead-latent top-k. */
import { usesAux } from '../../../reference/sae/model';
import { topkOp } from '../topk';
import type { EncoderUnit } from './types';

export const rowTopkEncoder: EncoderUnit = {
  entries: (c, auxK) => c.k + auxK,
  exactK: true,
  keepsPre: true,
  gradMode: 'mask',
  hasSparsity: false,
  batchTheta: false,
  encode(s, inference) {
    const { b, p, c, list } = s;
    const M = c.m;
    const ops = [s.gemm(b.xc, p.W_enc, b.pre, { M: s.B, N: M, K: c.d, transB: true }, p.b_enc)];
    const main = { rows: s.B, M, K: c.k, stride: s.E, offset: 0 };
    ops.push(topkOp(list, b.pre, b.lat, b.idx, b.ent, main, s.topk));
    if (usesAux(c) && !inference) {
      const aux = { rows: s.B, M, K: c.auxK, stride: s.E, offset: c.k, deadAfter: c.deadSamples };
      ops.push(topkOp(list, b.pre, b.lat, b.idx, b.ent, aux, s.topk));
    }
    return ops;
  },
};
