// Scatter of selected codes into dense rows (z cleared beforehand): entry e = b·E + s writes its value to
// z[b, idx[e]] (s < kMain) or z[B + b, idx[e]] (AuxK). Bindings: 0 idx, 1 ent (values at [0, B·E)), 2 z,
// 3 dims. One thread per entry.

struct Dims { B: u32, M: u32, E: u32, kMain: u32 }

@group(0) @binding(0) var<storage, read> idx: array<u32>;
@group(0) @binding(1) var<storage, read> ent: array<f32>;
@group(0) @binding(2) var<storage, read_write> z: array<f32>;
@group(0) @binding(3) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let q = flatIndex(gid, nwg);
  if (q >= D.B * D.E) { return; }
  let v = ent[q];
  if (v == 0.0) { return; }
  let b = q / D.E;
  var row = b;
  if (q % D.E >= D.kMain) { row = D.B + b; }
  z[row * D.M + idx[q]] = v;
}
