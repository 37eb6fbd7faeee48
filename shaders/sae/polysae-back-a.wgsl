// ∂L/∂A for the stacked rows, with h_p = G·C_p: ∂a₁ = h₁ + λ₂h₂⊙a₂ + λ₃h₃⊙a₂⊙a₃, ∂a₂ = λ₂h₂⊙a₁ + λ₃h₃⊙a₁⊙a₃,
// ∂a₃ = λ₃h₃⊙a₁⊙a₂ (each term on the columns it has). Thread per (row, packed column).
@group(0) @binding(0) var<storage, read> G: array<f32>;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> C1: array<f32>;
@group(0) @binding(3) var<storage, read> C2: array<f32>;
@group(0) @binding(4) var<storage, read> C3: array<f32>;
@group(0) @binding(5) var<storage, read> lam: array<f32>;
@group(0) @binding(6) var<storage, read_write> GA: array<f32>;
@group(0) @binding(7) var<uniform> D: Dims;

fn h1(r: u32, c: u32) -> f32 {
  var s = 0.0;
  for (var j = 0u; j < D.d; j++) { s += G[r * D.d + j] * C1[j * D.R1 + c]; }
  return s;
}
fn h2(r: u32, c: u32) -> f32 {
  var s = 0.0;
  for (var j = 0u; j < D.d; j++) { s += G[r * D.d + j] * C2[j * D.R2 + c]; }
  return s;
}
fn h3(r: u32, c: u32) -> f32 {
  var s = 0.0;
  for (var j = 0u; j < D.d; j++) { s += G[r * D.d + j] * C3[j * D.R3 + c]; }
  return s;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = flatIndex(gid, nwg);
  if (t >= D.rows * D.T) { return; }
  let r = t / D.T;
  let q = t % D.T;
  let o = r * D.T;
  var v = 0.0;
  if (q < D.R1) {
    let c = q;
    v = h1(r, c);
    if (c < D.R2) { v += lam[0] * h2(r, c) * A[o + D.R1 + c]; }
    if (c < D.R3) { v += lam[1] * h3(r, c) * A[o + D.R1 + c] * A[o + D.R1 + D.R2 + c]; }
  } else if (q < D.R1 + D.R2) {
    let c = q - D.R1;
    v = lam[0] * h2(r, c) * A[o + c];
    if (c < D.R3) { v += lam[1] * h3(r, c) * A[o + c] * A[o + D.R1 + D.R2 + c]; }
  } else {
    let c = q - D.R1 - D.R2;
    v = lam[1] * h3(r, c) * A[o + c] * A[o + D.R1 + c];
  }
  GA[t] = v;
}
