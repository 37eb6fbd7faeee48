/**
 * Linear decoder: x̂ = z·W_dec + b_dec. Before Adam, ReLU-L1's penalty gradient on the atoms and, for unit-norm
 * atoms, the projection of the gradient off each atom; after Adam the atoms are renormalised.
 */
import { isReluL1, unitAtoms } from '../../../reference/sae/model';
import * as K from '../util/ops';
import type { DecoderUnit } from './types';

export const linearDecoder: DecoderUnit = {
  buffers: () => ({}),
  product: (s, rows) => ({ atoms: s.p.W_dec, gAtoms: s.g.W_dec, w: s.c.d, out: s.b.xraw, rows }),
  finish: () => [],
  backward: (s) => ({ ops: [], G: s.b.G }),
  beforeAdam(s) {
    const { c, p, g, b, list } = s;
    return [K.rownormOp(list, p.W_dec, g.W_dec, b.lat, c.m, c.d, true, isReluL1(c), unitAtoms(c))];
  },
  afterAdam(s) {
    const { c, p, g, b, list } = s;
    return unitAtoms(c) ? [K.rownormOp(list, p.W_dec, g.W_dec, b.lat, c.m, c.d, false, false)] : [];
  },
};
