// Evaluation firing counts, one thread per latent i: count[i] += #{b < rows : z[b, i] > 0}, accumulated over
// the chunks of the evaluation pass. Bindings: 0 z (B×M), 1 count (f32, M), 2 dims {rows, M}.

struct Dims { rows: u32, M: u32, _p0: u32, _p1: u32 }

@group(0) @binding(0) var<storage, read> z: array<f32>;
@group(0) @binding(1) var<storage, read_write> count: array<f32>;
@group(0) @binding(2) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flatIndex(gid, nwg);
  if (i >= D.M) { return; }
  var c = 0.0;
  for (var b = 0u; b < D.rows; b++) {
    if (z[b * D.M + i] > 0.0) { c += 1.0; }
  }
  count[i] = count[i] + c;
}
