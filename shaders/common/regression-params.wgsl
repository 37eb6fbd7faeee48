// Shared by the regression FISTA kernels (shaders/regression/fista-*.wgsl): their uniform block, FISTA's
// momentum schedule and the elastic-net proximal step.
//   Params {n, d, advance, accelerate, step, thr, shrink, _}: step = 1/(nL), thr = αρ/L,
//   shrink = 1/(1 + α(1−ρ)/L); advance = 1 makes the residual kernel move t; accelerate = 0 is plain ISTA.

struct Params { n: u32, d: u32, advance: u32, accelerate: u32, step: f32, thr: f32, shrink: f32, _pad: f32 }

// FISTA's t and momentum: t⁺ = (1 + √(1 + 4t²))/2, mom = (t − 1)/t⁺; without acceleration t stays 1, mom 0.
fn fista_momentum(t: f32, accelerate: bool) -> vec2<f32> {
  let tn = (1.0 + sqrt(1.0 + 4.0 * t * t)) * 0.5;
  return vec2<f32>(select(1.0, tn, accelerate), select(0.0, (t - 1.0) / tn, accelerate));
}

// w⁺ = S_thr(u)·shrink (S the soft threshold).
fn enet_prox(u: f32, thr: f32, shrink: f32) -> f32 {
  return sign(u) * max(abs(u) - thr, 0.0) * shrink;
}
