/**
 * PolySAE's general form in float64 (one projection per order, U⁽¹⁾ = U, U⁽²⁾ = U2, U⁽³⁾ = U3): the projections
 * a_p = z·U⁽ᵖ⁾, the decoder x̂ = b_dec + a₁C₁ᵀ + λ₂(a₁_{:R₂} ⊙ a₂)C₂ᵀ + λ₃(a₁_{:R₃} ⊙ a₂_{:R₃} ⊙ a₃)C₃ᵀ and its
 * gradients. forward.ts and backward.ts call these for the general form (the descriptor's decoder kind
 * polyGeneral); the packing and joint retraction of the projections are `polyColumns` (model.ts) and
 * `retractPolyGeneral` (optim.ts). The GPU trainer workers/kernels/sae/polysae.ts is checked against them.
 */
import type { Params, SaeConfig } from './model';

export interface PolyProjection {
  a1: Float64Array;
  a2: Float64Array;
  a3: Float64Array;
}

/** a_p = z·U⁽ᵖ⁾ for the three orders (general form), summed over each row's nonzero codes. */
export function polyProject(c: SaeConfig, p: Params, z: Float64Array, B: number): PolyProjection {
  const project = (U: Float64Array, R: number) => {
    const out = new Float64Array(B * R);
    for (let b = 0; b < B; b++)
      for (let i = 0; i < c.m; i++) {
        const zi = z[b * c.m + i];
        if (zi !== 0) for (let r = 0; r < R; r++) out[b * R + r] += zi * U[i * R + r];
      }
    return out;
  };
  return { a1: project(p.U, c.rank1), a2: project(p.U2, c.rank2), a3: project(p.U3, c.rank3) };
}

/**
 * The general form's decoder: b_dec (when `bias`) + a₁C₁ᵀ + λ₂(a₁_{:R₂} ⊙ a₂)C₂ᵀ + λ₃(a₁_{:R₃} ⊙ a₂_{:R₃} ⊙ a₃)C₃ᵀ.
 */
export function polyDecodeGeneral(
  c: SaeConfig,
  p: Params,
  q: PolyProjection,
  B: number,
  bias: boolean,
): Float64Array {
  const { d, rank1: R1, rank2: R2, rank3: R3 } = c;
  const [l2, l3] = p.lambda;
  const { a1, a2, a3 } = q;
  const out = new Float64Array(B * d);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < d; j++) {
      let s1 = bias ? p.b_dec[j] : 0;
      for (let r = 0; r < R1; r++) s1 += a1[b * R1 + r] * p.C1[j * R1 + r];
      let s2 = 0;
      for (let r = 0; r < R2; r++) s2 += a1[b * R1 + r] * a2[b * R2 + r] * p.C2[j * R2 + r];
      let s3 = 0;
      for (let r = 0; r < R3; r++) s3 += a1[b * R1 + r] * a2[b * R2 + r] * a3[b * R3 + r] * p.C3[j * R3 + r];
      out[b * d + j] = s1 + l2 * s2 + l3 * s3;
    }
  }
  return out;
}

/**
 * The general form's decoder gradients for one set of rows (codes z, output gradient G): accumulates into
 * g.U, g.U2, g.U3, g.C1–C3 and g.lambda, and writes ∂L/∂z where `sel` kept an entry.
 */
export function polyGeneralBackward(
  c: SaeConfig,
  p: Params,
  q: PolyProjection,
  z: Float64Array,
  sel: Uint8Array,
  G: Float64Array,
  B: number,
  g: Params,
  gz: Float64Array,
): void {
  const { d, m, rank1: R1, rank2: R2, rank3: R3 } = c;
  const [l2, l3] = p.lambda;
  const { a1, a2, a3 } = q;
  const ga1 = new Float64Array(B * R1);
  const ga2 = new Float64Array(B * R2);
  const ga3 = new Float64Array(B * R3);
  for (let b = 0; b < B; b++) {
    const h = (C: Float64Array, R: number, r: number) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += G[b * d + j] * C[j * R + r];
      return s;
    };
    for (let r = 0; r < R1; r++) {
      const x1 = a1[b * R1 + r];
      let v1 = h(p.C1, R1, r);
      if (r < R2) {
        const x2 = a2[b * R2 + r];
        const h2 = h(p.C2, R2, r);
        v1 += l2 * h2 * x2;
        ga2[b * R2 + r] += l2 * h2 * x1;
        g.lambda[0] += h2 * x1 * x2;
        if (r < R3) {
          const x3 = a3[b * R3 + r];
          const h3 = h(p.C3, R3, r);
          v1 += l3 * h3 * x2 * x3;
          ga2[b * R2 + r] += l3 * h3 * x1 * x3;
          ga3[b * R3 + r] = l3 * h3 * x1 * x2;
          g.lambda[1] += h3 * x1 * x2 * x3;
        }
      }
      ga1[b * R1 + r] = v1;
    }
  }
  for (let j = 0; j < d; j++) {
    for (let r = 0; r < R1; r++) {
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let b = 0; b < B; b++) {
        const gj = G[b * d + j];
        const x1 = a1[b * R1 + r];
        s1 += gj * x1;
        if (r < R2) {
          const x12 = x1 * a2[b * R2 + r];
          s2 += gj * x12;
          if (r < R3) s3 += gj * x12 * a3[b * R3 + r];
        }
      }
      g.C1[j * R1 + r] += s1;
      if (r < R2) g.C2[j * R2 + r] += l2 * s2;
      if (r < R3) g.C3[j * R3 + r] += l3 * s3;
    }
  }
  const parts: Array<[Float64Array, Float64Array, Float64Array, number]> = [
    [ga1, p.U, g.U, R1],
    [ga2, p.U2, g.U2, R2],
    [ga3, p.U3, g.U3, R3],
  ];
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < m; i++) {
      const qi = b * m + i;
      const zi = z[qi];
      let s = 0;
      for (const [ga, U, gU, R] of parts) {
        for (let r = 0; r < R; r++) {
          if (zi !== 0) gU[i * R + r] += zi * ga[b * R + r];
          s += ga[b * R + r] * U[i * R + r];
        }
      }
      if (sel[qi]) gz[qi] = s;
    }
  }
}
