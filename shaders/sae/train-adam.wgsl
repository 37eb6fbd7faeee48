// Adam update of one parameter buffer: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², p ← p − lr·(m/c₁)/(√(v/c₂) + ε),
// with the step's lr and bias corrections c₁ = 1 − β₁ᵗ, c₂ = 1 − β₂ᵗ from the step uniform (computed in float64).
// Bindings: 0 p, 1 g, 2 m, 3 v, 4 dims {n}, 5 step. One thread per element, 2-D grid of 256-thread groups.

struct Dims { n: u32, _p0: u32, _p1: u32, _p2: u32 }
struct Step { lr: f32, c1: f32, c2: f32, sparsityScale: f32, beta1: f32, beta2: f32, eps: f32, _p: f32 }

@group(0) @binding(0) var<storage, read_write> p: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<uniform> D: Dims;
@group(0) @binding(5) var<uniform> S: Step;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flatIndex(gid, nwg);
  if (i >= D.n) { return; }
  let gi = g[i];
  let mi = S.beta1 * m[i] + (1.0 - S.beta1) * gi;
  let vi = S.beta2 * v[i] + (1.0 - S.beta2) * gi * gi;
  m[i] = mi;
  v[i] = vi;
  p[i] = p[i] - S.lr * (mi / S.c1) / (sqrt(vi / S.c2) + S.eps);
}
