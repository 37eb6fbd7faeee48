// Gradient of the selected codes: gval[e] = G_row·A[idx[e]] where the code passed the ReLU (val > 0), else 0.
// Entry e = b·E + s reads G row b (s < kMain) or row B + b (AuxK). Bindings: 0 idx, 1 ent (values at [0, B·E),
// gradients written at [B·E, 2·B·E)), 2 G (rows×w), 3 A (M×w), 4 dims. One thread per entry.

struct Dims { B: u32, w: u32, E: u32, kMain: u32 }

@group(0) @binding(0) var<storage, read> idx: array<u32>;
@group(0) @binding(1) var<storage, read_write> ent: array<f32>;
@group(0) @binding(2) var<storage, read> G: array<f32>;
@group(0) @binding(3) var<storage, read> A: array<f32>;
@group(0) @binding(4) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let q = flatIndex(gid, nwg);
  let n = D.B * D.E;
  if (q >= n) { return; }
  var g = 0.0;
  if (ent[q] > 0.0) {
    let b = q / D.E;
    let s = q % D.E;
    var row = b;
    if (s >= D.kMain) { row = D.B + b; }
    let go = row * D.w;
    let ao = idx[q] * D.w;
    for (var j = 0u; j < D.w; j++) { g = fma(G[go + j], A[ao + j], g); }
  }
  ent[n + q] = g;
}
