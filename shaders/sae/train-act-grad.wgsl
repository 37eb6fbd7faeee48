// Backward through the activation, one thread per latent i looping over the batch (coalesced columns).
// Bindings: 0 pre (π), 1 z (rows [0,B) codes, [B,2B) AuxK codes), 2 gz (∂L/∂z, same rows; ∂π is written in
// place into rows [0,B)), 3 prm (W_dec for ReLU-L1's atom norms, t = log θ for JumpReLU), 4 gt (∂t),
// 5 gb_enc, 6 fired (u32), 7 lat (4M), 8 dims, 9 step.
// MODE 0 ReLU-L1: ∂π = (∂z + λ'‖d_i‖)·1[z > 0], λ' = λ·s/(B√v); lat.sparsity = λ'‖d_i‖Σ_b z, lat.coef = λ'Σ_b z.
// MODE 1 mask (TopK, BatchTopK, PolySAE dense): ∂π = ∂z·1[z > 0] + ∂z_aux·1[z_aux > 0].
// MODE 2 JumpReLU: ∂π = ∂z·1[π > θ]; ∂t_i = θ Σ_b K_bi·(−(θ/ε)∂z_bi − λ₀s/(Bε)), K = 1[|π − θ| < ε/2];
//   lat.sparsity = λ₀s·fired/B.
// All modes: ∂b_enc_i = Σ_b ∂π_bi, fired_i = #{b : z_bi > 0}.

override MODE: u32 = 1u;

struct Dims { B: u32, M: u32, d: u32, hasAux: u32, l1: f32, bandwidth: f32, l0: f32, invBsqrtV: f32 }
struct Step { lr: f32, c1: f32, c2: f32, sparsityScale: f32, beta1: f32, beta2: f32, eps: f32, _p: f32 }

@group(0) @binding(0) var<storage, read> pre: array<f32>;
@group(0) @binding(1) var<storage, read> z: array<f32>;
@group(0) @binding(2) var<storage, read_write> gz: array<f32>;
@group(0) @binding(3) var<storage, read> prm: array<f32>;
@group(0) @binding(4) var<storage, read_write> gt_out: array<f32>;
@group(0) @binding(5) var<storage, read_write> gb_enc: array<f32>;
@group(0) @binding(6) var<storage, read_write> fired: array<u32>;
@group(0) @binding(7) var<storage, read_write> lat: array<f32>;
@group(0) @binding(8) var<uniform> D: Dims;
@group(0) @binding(9) var<uniform> S: Step;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flatIndex(gid, nwg);
  let M = D.M;
  if (i >= M) { return; }
  let B = D.B;
  var gb = 0.0;
  var cnt = 0u;
  var zsum = 0.0;
  var gt = 0.0;
  var add = 0.0;
  var lam = 0.0;
  if (MODE == 0u) {
    var nn = 0.0;
    for (var j = 0u; j < D.d; j++) { nn += prm[i * D.d + j] * prm[i * D.d + j]; }
    lam = D.l1 * S.sparsityScale * D.invBsqrtV;
    add = lam * sqrt(nn);
  }
  var theta = 0.0;
  if (MODE == 2u) { theta = exp(prm[i]); }
  for (var b = 0u; b < B; b++) {
    let q = b * M + i;
    let zi = z[q];
    var g = 0.0;
    if (zi > 0.0) {
      cnt++;
      zsum += zi;
    }
    if (MODE == 0u) {
      if (zi > 0.0) { g = gz[q] + add; }
    } else if (MODE == 1u) {
      if (zi > 0.0) { g = gz[q]; }
      if (D.hasAux == 1u && z[B * M + q] > 0.0) { g += gz[B * M + q]; }
    } else {
      let u = pre[q] - theta;
      if (u > 0.0) { g = gz[q]; }
      if (abs(u / D.bandwidth) < 0.5) {
        gt += -(theta / D.bandwidth) * gz[q] - D.l0 * S.sparsityScale / (f32(B) * D.bandwidth);
      }
    }
    gz[q] = g;
    gb += g;
  }
  gb_enc[i] = gb;
  fired[i] = cnt;
  if (MODE == 0u) {
    lat[2u * M + i] = add * zsum;
    lat[3u * M + i] = lam * zsum;
  } else if (MODE == 2u) {
    lat[2u * M + i] = D.l0 * S.sparsityScale * f32(cnt) / f32(B);
    gt_out[i] = theta * gt;
  }
}
