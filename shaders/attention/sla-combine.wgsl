// SLA combination: mode 0 'mix': out = α_I·O_s + (1 − α_I)·O_l (I = ⌊row / block⌋); mode 1 'sum' with Proj = I:
// O_s + O_l; mode 2 'sum' with a projection: O_s + [O_l, 1]·W, W (d+1)×d row-major (zero, or fitted on the CPU).
// Bindings: 0 os (N×d), 1 ol (N×d), 2 alpha (nb), 3 out (N×d, write), 4 uniforms {n, d, block, mode, wgx},
// 5 W ((d+1)×d; one unused value in modes 0 and 1).
// One thread per element, 256 per workgroup, 2-D grid (wgx per row).

struct Params { n: u32, d: u32, block: u32, mode: u32, wgx: u32, _p0: u32, _p1: u32, _p2: u32 }

@group(0) @binding(0) var<storage, read> os: array<f32>;
@group(0) @binding(1) var<storage, read> ol: array<f32>;
@group(0) @binding(2) var<storage, read> alpha: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> P: Params;
@group(0) @binding(5) var<storage, read> W: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let idx = (wg.y * P.wgx + wg.x) * 256u + li;
  if (idx >= P.n * P.d) { return; }
  if (P.mode == 2u) {
    let row = idx / P.d;
    let c = idx % P.d;
    var s = W[P.d * P.d + c];
    for (var e = 0u; e < P.d; e++) {
      s += ol[row * P.d + e] * W[e * P.d + c];
    }
    out[idx] = os[idx] + s;
  } else if (P.mode == 1u) {
    out[idx] = os[idx] + ol[idx];
  } else {
    let a = alpha[(idx / P.d) / P.block];
    out[idx] = a * os[idx] + (1.0 - a) * ol[idx];
  }
}
