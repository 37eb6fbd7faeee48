// Sparse-transposed products, step 3: list the active entries of each latent (CSC order): the entry e goes
// to list[cursor[idx[e]]++]. Order within a latent follows the atomics and changes from run to run; step 3b
// (csc-sort.wgsl) sorts each latent's segment so the float sums of step 4 are reproducible.
// Bindings: 0 idx, 1 ent, 2 cursor (atomic u32), 3 list (u32), 4 dims. One thread per entry.

struct Dims { B: u32, E: u32, _p0: u32, _p1: u32 }

@group(0) @binding(0) var<storage, read> idx: array<u32>;
@group(0) @binding(1) var<storage, read> ent: array<f32>;
@group(0) @binding(2) var<storage, read_write> cursor: array<atomic<u32>>;
@group(0) @binding(3) var<storage, read_write> list: array<u32>;
@group(0) @binding(4) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let q = flatIndex(gid, nwg);
  if (q >= D.B * D.E) { return; }
  if (ent[q] <= 0.0) { return; }
  let pos = atomicAdd(&cursor[idx[q]], 1u);
  list[pos] = q;
}
