// Sparse-transposed products, step 1: per-latent counts of the active entries (val > 0), and of the main
// (non-AuxK) ones as the step's firing counts. Bindings: 0 idx, 1 ent, 2 count (atomic u32, M),
// 3 fired (atomic u32, M), 4 dims. Both counters are cleared before. One thread per entry.

struct Dims { B: u32, E: u32, kMain: u32, _p: u32 }

@group(0) @binding(0) var<storage, read> idx: array<u32>;
@group(0) @binding(1) var<storage, read> ent: array<f32>;
@group(0) @binding(2) var<storage, read_write> count: array<atomic<u32>>;
@group(0) @binding(3) var<storage, read_write> fired: array<atomic<u32>>;
@group(0) @binding(4) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let q = flatIndex(gid, nwg);
  if (q >= D.B * D.E) { return; }
  if (ent[q] <= 0.0) { return; }
  let i = idx[q];
  atomicAdd(&count[i], 1u);
  if (q % D.E < D.kMain) { atomicAdd(&fired[i], 1u); }
}
