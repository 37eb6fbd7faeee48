/**
 * BatchTopK encoder: in training the k·B largest pre-activations over the batch (radix threshold), AuxK's
 * dead-latent top-k densified below; at inference the running threshold θ (kept in the scalars buffer `sc`).
 */

import type { Op } from '../../../gpu/pass';
import { usesAux } from '../../../reference/sae/model';
import { topkOp } from '../topk';
import * as K from '../util/ops';
import type { EncoderUnit } from './types';

/** Byte offset of θ in the trainer's scalars buffer `sc` (see shaders/sae/train-stats.wgsl). */
const THETA_OFFSET = 8;

export const batchTopkEncoder: EncoderUnit = {
  entries: (_c, auxK) => auxK,
  exactK: false,
  keepsPre: true,
  gradMode: 'mask',
  hasSparsity: false,
  batchTheta: true,
  encode(s, inference) {
    const { b, p, c, list } = s;
    const B = s.B;
    const M = c.m;
    const ops: Op[] = [s.gemm(b.xc, p.W_enc, b.pre, { M: B, N: M, K: c.d, transB: true }, p.b_enc)];
    const act = { pre: b.pre, logTheta: s.dummyR, z: b.z, sel: s.dummyR, minKept: b.minKept, sc: b.sc };
    if (inference) {
      ops.push(K.actOp(list, act, B, M, 'theta'));
      return ops;
    }
    ops.push(
      ...K.batchThresholdOps(
        list,
        { pre: b.pre, sel: b.sel, hist: b.hist, minKept: b.minKept },
        B * M,
        c.k * B,
      ),
    );
    ops.push({ kind: 'clear', buffer: b.z });
    ops.push(K.actOp(list, { ...act, sel: b.sel }, B, M, 'batch'));
    if (usesAux(c)) {
      const aux = { rows: B, M, K: c.auxK, stride: c.auxK, offset: 0, deadAfter: c.deadSamples };
      ops.push(topkOp(list, b.pre, b.lat, b.idx, b.ent, aux, s.topk));
      ops.push(K.densifyOp(list, b.idx, b.ent, b.z, { B, E: c.auxK, kMain: 0, M }));
    }
    return ops;
  },
  setTheta(ctx, b, theta) {
    ctx.device.queue.writeBuffer(b.sc, THETA_OFFSET, Float32Array.of(theta));
  },
};
