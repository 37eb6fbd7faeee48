// Elementwise activations on π (B×M), one thread per element. Bindings: 0 pre, 1 logTheta (JumpReLU t),
// 2 z (codes), 3 sel (u32: BatchTopK threshold key at [0]), 4 minKept (atomic u32), 5 sc (θ_EMA at [2]), 6 dims.
// MODE 0 JumpReLU: z = π·H(π − exp(t_i)).  MODE 1 BatchTopK: z = π where key(π) ≥ T and π > 0, and
// minKept ← min(bits of kept z) (positive floats order like their bits).  MODE 2 BatchTopK inference:
// z = π·H(π − θ) with the EMA threshold θ (ReLU while θ is unset).

override MODE: u32 = 0u;

struct Dims { B: u32, M: u32, _p0: u32, _p1: u32 }

@group(0) @binding(0) var<storage, read> pre: array<f32>;
@group(0) @binding(1) var<storage, read> logTheta: array<f32>;
@group(0) @binding(2) var<storage, read_write> z: array<f32>;
@group(0) @binding(3) var<storage, read> sel: array<u32>;
@group(0) @binding(4) var<storage, read_write> minKept: array<atomic<u32>>;
@group(0) @binding(5) var<storage, read> sc: array<f32>;
@group(0) @binding(6) var<uniform> D: Dims;

fn key(v: f32) -> u32 {
  let b = bitcast<u32>(v);
  return select(b | 0x80000000u, ~b, (b & 0x80000000u) != 0u);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let q = flatIndex(gid, nwg);
  if (q >= D.B * D.M) { return; }
  let v = pre[q];
  var out = 0.0;
  if (MODE == 0u) {
    if (v > exp(logTheta[q % D.M])) { out = v; }
  } else if (MODE == 1u) {
    if (v > 0.0 && key(v) >= sel[0]) {
      out = v;
      atomicMin(&minKept[0], bitcast<u32>(v));
    }
  } else {
    let th = sc[2];
    if (v > max(th, 0.0)) { out = v; }
  }
  z[q] = out;
}
