// Global maximum of FAVOR+ key logits: gmax[0] = max_i rowmax[i] (Performer's single key stabiliser).
// Bindings: 0 rowmax (N, read), 1 gmax (1, write), 2 uniforms {n}.
// One workgroup of 256 threads: strided partial maxima, then a tree reduction in workgroup memory.

struct Params { n: u32, _p0: u32, _p1: u32, _p2: u32 }

@group(0) @binding(0) var<storage, read> rowmax: array<f32>;
@group(0) @binding(1) var<storage, read_write> gmax: array<f32>;
@group(0) @binding(2) var<uniform> P: Params;

var<workgroup> red: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) li: u32) {
  var m = -3.0e38;
  for (var i = li; i < P.n; i += 256u) { m = max(m, rowmax[i]); }
  red[li] = m;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s / 2u) {
    if (li < s) { red[li] = max(red[li], red[li + s]); }
    workgroupBarrier();
  }
  if (li == 0u) { gmax[0] = red[0]; }
}
