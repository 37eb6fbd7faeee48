// Sparse-transposed products, step 2: offsets = exclusive prefix sum of count (offsets[M] = total) and a copy
// in cursor for the fill. One workgroup of 256 threads; each thread owns a contiguous chunk of latents.
// Bindings: 0 count (u32, M), 1 offsets (u32, M + 1), 2 cursor (u32, M), 3 dims {M}.

struct Dims { M: u32, _p0: u32, _p1: u32, _p2: u32 }

@group(0) @binding(0) var<storage, read> count: array<u32>;
@group(0) @binding(1) var<storage, read_write> offsets: array<u32>;
@group(0) @binding(2) var<storage, read_write> cursor: array<u32>;
@group(0) @binding(3) var<uniform> D: Dims;

var<workgroup> part: array<u32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) li: u32) {
  let M = D.M;
  let chunk = (M + 255u) / 256u;
  let lo = min(M, li * chunk);
  let hi = min(M, lo + chunk);
  var s = 0u;
  for (var i = lo; i < hi; i++) { s += count[i]; }
  part[li] = s;
  workgroupBarrier();
  for (var off = 1u; off < 256u; off = off * 2u) {
    var add = 0u;
    if (li >= off) { add = part[li - off]; }
    workgroupBarrier();
    part[li] = part[li] + add;
    workgroupBarrier();
  }
  var run = part[li] - s;
  for (var i = lo; i < hi; i++) {
    offsets[i] = run;
    cursor[i] = run;
    run += count[i];
  }
  if (li == 255u) { offsets[M] = part[255]; }
}
