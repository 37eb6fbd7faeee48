/**
 * PolySAE decoder through one shared projection U (M×R₁, orthonormal columns): a = z·U, then
 * x̂ = C₁a + λ₂C₂(a_{:R₂})² + λ₃C₃(a_{:R₂})³ + b_dec. After Adam U is retracted by QR (Cholesky of UᵀU).
 */
import * as K from '../util/ops';
import type { DecoderUnit } from './types';

export const polySharedDecoder: DecoderUnit = {
  buffers: (c, B) => ({
    a: B * c.rank1,
    ga: B * c.rank1,
    part: 2 * B * c.rank2,
    gram: c.rank1 * c.rank1,
    Linv: c.rank1 * c.rank1,
    Utmp: c.m * c.rank1,
  }),
  // AuxK's residual is never decoded through U (PolySAE has no AuxK): always the B main rows.
  product: (s) => ({ atoms: s.p.U, gAtoms: s.g.U, w: s.c.rank1, out: s.b.a, rows: s.B }),
  finish(s) {
    const { b, p, c, list } = s;
    const shape = { B: s.B, d: c.d, R1: c.rank1, R2: c.rank2 };
    return [
      K.polyDecodeOp(list, { a: b.a, C1: p.C1, C2: p.C2, C3: p.C3, lam: p.lambda, out: b.xraw }, shape),
    ];
  },
  backward(s) {
    const { b, p, g, c, list } = s;
    const pb = { G: b.G, a: b.a, C1: p.C1, C2: p.C2, C3: p.C3, lam: p.lambda, ga: b.ga, part: b.part };
    const pg = { gC1: g.C1, gC2: g.C2, gC3: g.C3, glam: g.lambda };
    return {
      ops: K.polyBackOps(list, { ...pb, ...pg }, { B: s.B, d: c.d, R1: c.rank1, R2: c.rank2 }),
      G: b.ga,
    };
  },
  beforeAdam: () => [],
  afterAdam(s) {
    const { b, p, c, list } = s;
    const M = c.m;
    const R = c.rank1;
    return [
      s.gemm(p.U, p.U, b.gram, { M: R, N: R, K: M, transA: true }),
      K.polyCholOp(list, b.gram, b.Linv, R),
      s.gemm(p.U, b.Linv, b.Utmp, { M, N: R, K: R, transB: true }),
      { kind: 'copy', src: b.Utmp, dst: p.U, bytes: M * R * 4 },
    ];
  },
};
