/**
 * Hand-written gradients of the loss in forward.ts (float64). With G = ∂L/∂x̂ = 2(x̂ − X)/(B·v):
 *   linear decoder: ∂W_dec_i = Σ_b z_bi·G_b (+ ReLU-L1: λ'Σ_b z_bi·d_i/‖d_i‖), ∂z_bi = G_b·d_i (+ λ'‖d_i‖)
 *   AuxK: G_aux = 2α(ê − e)/‖e‖², ∂W_dec_i += Σ_b ẑ_bi·G_aux_b, ∂ẑ_bi = G_aux_b·d_i
 *   ∂π = ∂z ⊙ mask (ReLU: π > 0; TopK/BatchTopK: kept and π > 0; JumpReLU: π > θ)
 *   JumpReLU straight-through (rectangle kernel K(u) = 1[|u| < ½], θ = exp(t)):
 *     ∂t_i = θ_i Σ_b [ −(θ_i/ε)K((π_bi − θ_i)/ε)·∂z_bi − (λ₀/(Bε))K((π_bi − θ_i)/ε) ]
 *   PolySAE: h_p = G·C_p; ∂a = h₁ + 2λ₂a⊙h₂ + 3λ₃a²⊙h₃ (first R₂ columns for the last two);
 *     ∂C₁ = Gᵀa, ∂C₂ = λ₂Gᵀa², ∂C₃ = λ₃Gᵀa³, ∂λ₂ = Σh₂⊙a², ∂λ₃ = Σh₃⊙a³, ∂U = zᵀ∂a, ∂z = ∂a·Uᵀ
 *   PolySAE general (a_p = z·U⁽ᵖ⁾, q₂ = a₁_{:R₂} ⊙ a₂, q₃ = a₁_{:R₃} ⊙ a₂_{:R₃} ⊙ a₃, h_p = G·C_p):
 *     ∂a₁ = h₁ + λ₂h₂⊙a₂ + λ₃h₃⊙a₂⊙a₃, ∂a₂ = λ₂h₂⊙a₁ + λ₃h₃⊙a₁⊙a₃, ∂a₃ = λ₃h₃⊙a₁⊙a₂ (each on its columns);
 *     ∂C₁ = Gᵀa₁, ∂C₂ = λ₂Gᵀq₂, ∂C₃ = λ₃Gᵀq₃, ∂λ₂ = Σh₂⊙q₂, ∂λ₃ = Σh₃⊙q₃, ∂U⁽ᵖ⁾ = zᵀ∂a_p,
 *     ∂z = Σ_p ∂a_p·U⁽ᵖ⁾ᵀ; its AuxK term runs the same map on (ẑ, G_aux), adding to every decoder gradient
 *   encoder: ∂b_enc = Σ_b ∂π_b, ∂W_enc = ∂πᵀ·xc, ∂b_dec = Σ_b G_b − ∂b_encᵀ·W_enc (no second term for the
 *   2024 ReLU-L1, whose encoder does not subtract b_dec)
 */
import type { Forward } from './forward';
import { rowNorms } from './forward';
import {
  centresInput,
  isJump,
  isPoly,
  isPolyGeneral,
  isReluL1,
  type Params,
  type SaeConfig,
  zerosLike,
} from './model';
import { polyGeneralBackward } from './polysae';

export function backward(
  c: SaeConfig,
  p: Params,
  X: ArrayLike<number>,
  f: Forward,
  sparsityScale = 1,
): Params {
  const { d, m } = c;
  const B = f.B;
  const g = zerosLike(c);
  const G = new Float64Array(B * d);
  for (let q = 0; q < G.length; q++) G[q] = (2 * (f.xhat[q] - X[q])) / (B * c.variance);
  for (let b = 0; b < B; b++) for (let j = 0; j < d; j++) g.b_dec[j] += G[b * d + j];

  // ∂L/∂z (B×M), needed where the mask can pass it (all entries for JumpReLU's kernel).
  const gz = new Float64Array(B * m);
  if (isPolyGeneral(c)) {
    polyGeneralBackward(c, p, f.poly!, f.z, f.sel!, G, B, g, gz);
  } else if (isPoly(c)) {
    polyBackward(c, p, f, G, g, gz);
  } else {
    const W = p.W_dec;
    const needAll = isJump(c);
    let l1Scale = 0;
    let norms: Float64Array | null = null;
    if (isReluL1(c)) {
      l1Scale = (c.l1 * sparsityScale) / (B * Math.sqrt(c.variance));
      norms = rowNorms(W, m, d);
    }
    // Hoisted: property look-ups on a Params record inside the inner loops cost more than the arithmetic.
    const gW = g.W_dec;
    const z = f.z;
    const sel = f.sel;
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < m; i++) {
        const zi = z[b * m + i];
        if (zi !== 0) for (let j = 0; j < d; j++) gW[i * d + j] += zi * G[b * d + j];
        if (zi !== 0 || needAll || (sel ? sel[b * m + i] : 0)) {
          let s = 0;
          for (let j = 0; j < d; j++) s += G[b * d + j] * W[i * d + j];
          gz[b * m + i] = s + (norms ? l1Scale * norms[i] : 0);
        }
      }
    }
    if (norms) {
      // The penalty's own gradient on the atoms: λ'·(Σ_b z_bi)·d_i/‖d_i‖.
      for (let i = 0; i < m; i++) {
        let zs = 0;
        for (let b = 0; b < B; b++) zs += f.z[b * m + i];
        if (zs === 0 || norms[i] === 0) continue;
        const s = (l1Scale * zs) / norms[i];
        for (let j = 0; j < d; j++) g.W_dec[i * d + j] += s * W[i * d + j];
      }
    }
  }

  const gpre = new Float64Array(B * m);
  if (isJump(c)) {
    const th = f.theta!;
    const eps = c.bandwidth;
    const l0 = (c.l0Coeff * sparsityScale) / B;
    const gt = g.log_threshold;
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < m; i++) {
        const q = b * m + i;
        const u = f.pre[q] - th[i];
        if (u > 0) gpre[q] = gz[q];
        if (Math.abs(u / eps) < 0.5) gt[i] += th[i] * (-(th[i] / eps) * gz[q] - l0 / eps);
      }
    }
  } else {
    const sel = f.sel;
    const pre = f.pre;
    for (let q = 0; q < gpre.length; q++) {
      const pass = sel ? sel[q] === 1 && pre[q] > 0 : pre[q] > 0;
      if (pass) gpre[q] = gz[q];
    }
  }

  if (f.aux && isPolyGeneral(c)) {
    const A = f.aux;
    const s = A.norm > 0 ? (2 * c.auxCoeff) / A.norm : 0;
    const Ga = new Float64Array(B * d);
    for (let q = 0; q < Ga.length; q++) Ga[q] = s * (A.ehat[q] - A.target[q]);
    const gzA = new Float64Array(B * m);
    polyGeneralBackward(c, p, A.poly!, A.z, A.sel, Ga, B, g, gzA);
    for (let q = 0; q < gpre.length; q++) if (A.z[q] !== 0) gpre[q] += gzA[q];
  } else if (f.aux) {
    const A = f.aux;
    const W = p.W_dec;
    const s = A.norm > 0 ? (2 * c.auxCoeff) / A.norm : 0;
    const Ga = new Float64Array(B * d);
    for (let q = 0; q < Ga.length; q++) Ga[q] = s * (A.ehat[q] - A.target[q]);
    const gW = g.W_dec;
    const zA = A.z;
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < m; i++) {
        const q = b * m + i;
        const zi = zA[q];
        if (zi === 0) continue; // kept and π > 0: only these pass a gradient
        let dot = 0;
        for (let j = 0; j < d; j++) {
          gW[i * d + j] += zi * Ga[b * d + j];
          dot += Ga[b * d + j] * W[i * d + j];
        }
        gpre[q] += dot;
      }
    }
  }

  const gWe = g.W_enc;
  const gbe = g.b_enc;
  const gbd = g.b_dec;
  const xc = f.xc;
  const We = p.W_enc;
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < m; i++) {
      const gp = gpre[b * m + i];
      if (gp === 0) continue;
      gbe[i] += gp;
      for (let j = 0; j < d; j++) gWe[i * d + j] += gp * xc[b * d + j];
    }
  }
  if (centresInput(c)) {
    for (let i = 0; i < m; i++) {
      const gb = gbe[i];
      if (gb !== 0) for (let j = 0; j < d; j++) gbd[j] -= gb * We[i * d + j];
    }
  }
  return g;
}

function polyBackward(
  c: SaeConfig,
  p: Params,
  f: Forward,
  G: Float64Array,
  g: Params,
  gz: Float64Array,
): void {
  const { d, m, rank1: R1, rank2: R2 } = c;
  const B = f.B;
  const a = f.a!;
  const [l2, l3] = p.lambda;
  const ga = new Float64Array(B * R1);
  for (let b = 0; b < B; b++) {
    for (let r = 0; r < R1; r++) {
      let h1 = 0;
      let h2 = 0;
      let h3 = 0;
      for (let j = 0; j < d; j++) {
        const gj = G[b * d + j];
        h1 += gj * p.C1[j * R1 + r];
        if (r < R2) {
          h2 += gj * p.C2[j * R2 + r];
          h3 += gj * p.C3[j * R2 + r];
        }
      }
      const av = a[b * R1 + r];
      let v = h1;
      if (r < R2) {
        v += 2 * l2 * av * h2 + 3 * l3 * av * av * h3;
        g.lambda[0] += h2 * av * av;
        g.lambda[1] += h3 * av * av * av;
      }
      ga[b * R1 + r] = v;
    }
  }
  for (let j = 0; j < d; j++) {
    for (let r = 0; r < R1; r++) {
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let b = 0; b < B; b++) {
        const gj = G[b * d + j];
        const av = a[b * R1 + r];
        s1 += gj * av;
        if (r < R2) {
          s2 += gj * av * av;
          s3 += gj * av * av * av;
        }
      }
      g.C1[j * R1 + r] = s1;
      if (r < R2) {
        g.C2[j * R2 + r] = l2 * s2;
        g.C3[j * R2 + r] = l3 * s3;
      }
    }
  }
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < m; i++) {
      const q = b * m + i;
      const zi = f.z[q];
      if (zi !== 0) for (let r = 0; r < R1; r++) g.U[i * R1 + r] += zi * ga[b * R1 + r];
      if (f.sel?.[q]) {
        let s = 0;
        for (let r = 0; r < R1; r++) s += ga[b * R1 + r] * p.U[i * R1 + r];
        gz[q] = s;
      }
    }
  }
}
