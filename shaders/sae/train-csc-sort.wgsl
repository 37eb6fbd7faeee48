// Sparse-transposed products, step 3b: a fixed order for each latent's list. The fill (step 3) appends a
// latent's entries in whatever order its atomic cursor hands out slots, which changes from run to run; here
// each segment list[offsets[i], offsets[i+1]) is sorted by entry index e = b·E + s (sample order, main codes
// before AuxK ones) into `order`, so the sums of step 4 add the same numbers in the same order every run.
// Rank sort, one thread per entry: active entry e of latent i goes to offsets[i] + #{segment entries < e}
// (entries are distinct). A segment of length L costs L reads for each of its L entries; a frequent latent's
// work is spread over the threads of its entries, so no workgroup waits on one long list, and there are no
// barriers. Bindings: 0 idx, 1 ent (values at [0, B·E)), 2 list (u32), 3 offsets (u32, M + 1), 4 order (u32),
// 5 dims {n = B·E}. 256 threads per workgroup, 2-D grid.

struct Dims { n: u32, _p0: u32, _p1: u32, _p2: u32 }

@group(0) @binding(0) var<storage, read> idx: array<u32>;
@group(0) @binding(1) var<storage, read> ent: array<f32>;
@group(0) @binding(2) var<storage, read> list: array<u32>;
@group(0) @binding(3) var<storage, read> offsets: array<u32>;
@group(0) @binding(4) var<storage, read_write> order: array<u32>;
@group(0) @binding(5) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let q = flatIndex(gid, nwg);
  if (q >= D.n) { return; }
  if (ent[q] <= 0.0) { return; }
  let i = idx[q];
  let lo = offsets[i];
  let hi = offsets[i + 1u];
  var rank = 0u;
  for (var t = lo; t < hi; t++) { rank += select(0u, 1u, list[t] < q); }
  order[lo + rank] = q;
}
