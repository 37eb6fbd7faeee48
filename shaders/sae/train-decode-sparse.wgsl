// Sparse decoder (embedding bag): out[r, :] = Σ_s val[e]·A[idx[e], :] over row r's selected entries, without
// bias. Rows r < B use entries [0, kMain) of sample r; rows B ≤ r < 2B (AuxK) use entries [kMain, E) of
// sample r − B. A is M×w (decoder atoms, or PolySAE's U). Bindings: 0 idx (u32, B×E), 1 ent (values at
// [0, B·E)), 2 A, 3 out (rows×w), 4 dims. One thread per output element, 2-D grid of 256-thread groups;
// threads of one row share the entry list and read atom rows contiguously.

struct Dims { B: u32, w: u32, E: u32, kMain: u32, rows: u32, _p0: u32, _p1: u32, _p2: u32 }

@group(0) @binding(0) var<storage, read> idx: array<u32>;
@group(0) @binding(1) var<storage, read> ent: array<f32>;
@group(0) @binding(2) var<storage, read> A: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let q = flatIndex(gid, nwg);
  if (q >= D.rows * D.w) { return; }
  let r = q / D.w;
  let j = q % D.w;
  var b = r;
  var s0 = 0u;
  var s1 = D.kMain;
  if (r >= D.B) {
    b = r - D.B;
    s0 = D.kMain;
    s1 = D.E;
  }
  var acc = 0.0;
  for (var s = s0; s < s1; s++) {
    let e = b * D.E + s;
    let v = ent[e];
    if (v != 0.0) { acc = fma(v, A[idx[e] * D.w + j], acc); }
  }
  out[q] = acc;
}
