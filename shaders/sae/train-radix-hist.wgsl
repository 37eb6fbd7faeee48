// BatchTopK threshold, histogram pass: over all B·M pre-activations whose key matches the prefix found so
// far (sel[0] under mask sel[1]), count the 8-bit digit at `shift` into hist (256 bins, atomic). Per-workgroup
// histograms in workgroup memory are flushed once. Bindings: 0 pre, 1 sel (u32), 2 hist (atomic u32, 256), 3 dims.

struct Dims { n: u32, shift: u32, _p0: u32, _p1: u32 }

@group(0) @binding(0) var<storage, read> pre: array<f32>;
@group(0) @binding(1) var<storage, read> sel: array<u32>;
@group(0) @binding(2) var<storage, read_write> hist: array<atomic<u32>>;
@group(0) @binding(3) var<uniform> D: Dims;

var<workgroup> local: array<atomic<u32>, 256>;

fn key(v: f32) -> u32 {
  let b = bitcast<u32>(v);
  return select(b | 0x80000000u, ~b, (b & 0x80000000u) != 0u);
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  atomicStore(&local[li], 0u);
  workgroupBarrier();
  let stride = nwg.x * nwg.y * 256u;
  let prefix = sel[0];
  let mask = sel[1];
  for (var q = gid.x + gid.y * nwg.x * 256u; q < D.n; q += stride) {
    let k = key(pre[q]);
    if ((k & mask) == prefix) { atomicAdd(&local[(k >> D.shift) & 255u], 1u); }
  }
  workgroupBarrier();
  let c = atomicLoad(&local[li]);
  if (c > 0u) { atomicAdd(&hist[li], c); }
}
