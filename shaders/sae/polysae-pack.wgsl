// Retraction, step 1: Ucat (M×T) = U⁽¹⁾, U⁽²⁾, U⁽³⁾ columns in the orthogonalisation order given by colmap
// (pairs: which projection, which column). Thread per (i, q).
@group(0) @binding(0) var<storage, read> U1: array<f32>;
@group(0) @binding(1) var<storage, read> U2: array<f32>;
@group(0) @binding(2) var<storage, read> U3: array<f32>;
@group(0) @binding(3) var<storage, read> colmap: array<u32>;
@group(0) @binding(4) var<storage, read_write> Ucat: array<f32>;
@group(0) @binding(5) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = flatIndex(gid, nwg);
  if (t >= D.M * D.T) { return; }
  let i = t / D.T;
  let q = t % D.T;
  let which = colmap[2u * q];
  let c = colmap[2u * q + 1u];
  var v = 0.0;
  if (which == 0u) {
    v = U1[i * D.R1 + c];
  } else if (which == 1u) {
    v = U2[i * D.R2 + c];
  } else {
    v = U3[i * D.R3 + c];
  }
  Ucat[t] = v;
}
