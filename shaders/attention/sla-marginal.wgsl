// SLA marginal sums per query block: M_I = Σ_{J : class[I, J] = 1} H_J, with H_J = φ(K_J)ᵀ[V_J | 1] (F×(d+1)),
// so φ(q)ᵀM_I[:, :d] / (φ(q)ᵀM_I[:, d] + ε) is the linear part (and 0/ε = 0 when I has no marginal block).
// The marginal blocks of I are lut[I, nCrit..nKeep) (from attention/sla-classify.wgsl; counts by n_avail).
// Bindings: 0 H (nb×count, read), 1 lut (u32 nb×nb, read), 2 counts (u32 2·nb), 3 M (nb×count, write),
//           4 uniforms {count, nb, causal}.
// One thread per state element (256 per workgroup); grid (⌈count/256⌉, nb query blocks).

struct Params { count: u32, nb: u32, causal: u32, _p1: u32 }

@group(0) @binding(0) var<storage, read> H: array<f32>;
@group(0) @binding(1) var<storage, read> lut: array<u32>;
@group(0) @binding(2) var<storage, read> counts: array<u32>;
@group(0) @binding(3) var<storage, read_write> M: array<f32>;
@group(0) @binding(4) var<uniform> P: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let e = wg.x * 256u + li;
  let I = wg.y;
  if (e >= P.count) { return; }
  var nAvail = P.nb;
  if (P.causal == 1u) { nAvail = I + 1u; }
  let nCrit = counts[2u * (nAvail - 1u)];
  let nKeep = counts[2u * (nAvail - 1u) + 1u];
  var s = 0.0;
  for (var t = nCrit; t < nKeep; t++) { s += H[lut[I * P.nb + t] * P.count + e]; }
  M[I * P.count + e] = s;
}
