// Copies the first C columns of R rows of a row-major matrix with leading dimension ld: out[r, c] = in[r·ld + c].
// Used to read back a few latents' codes for the top-activating samples. Bindings: 0 src, 1 out, 2 dims.

struct Dims { R: u32, C: u32, ld: u32, _p: u32 }

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let q = flatIndex(gid, nwg);
  if (q >= D.R * D.C) { return; }
  out[q] = src[(q / D.C) * D.ld + q % D.C];
}
