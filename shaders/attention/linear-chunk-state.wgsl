// Per-chunk linear-attention state: H_c = Φ_K,cᵀ [V_c | 1] over rows [c·R, min((c+1)·R, N)), so column d holds z_c.
// Bindings: 0 phiK (N×F, read), 1 v (N×d, read), 2 state (nChunks×F×(d+1), write), 3 uniforms {n, d, f, rows R}.
// Workgroup 16×16 computes a 64 (features) × 64 (columns) tile of one chunk's state, 4×4 per thread in registers
// (feature f0 + ly + 16i, column c0 + lx + 16j); 16 rows of Φ_K and V are staged in workgroup memory per step.
// The z column (d) is summed alongside by the column-slab-0 workgroups (so d = 64 needs one slab, not two).
// Grid: (⌈d/64⌉, ⌈F/64⌉, nChunks). Also used for SLA's per-block sums (R = block size).

struct Params { n: u32, d: u32, f: u32, rows: u32 }

@group(0) @binding(0) var<storage, read> phiK: array<f32>;
@group(0) @binding(1) var<storage, read> v: array<f32>;
@group(0) @binding(2) var<storage, read_write> state: array<f32>;
@group(0) @binding(3) var<uniform> P: Params;

var<workgroup> Ks: array<f32, 1024>; // [16 rows][64 features]
var<workgroup> Vs: array<f32, 1024>; // [16 rows][64 columns]

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let d1 = P.d + 1u;
  let col0 = wg.x * 64u;
  let f0 = wg.y * 64u;
  let c = wg.z;
  let r0 = c * P.rows;
  let r1 = min(r0 + P.rows, P.n);
  var acc: array<array<f32, 4>, 4>;
  for (var i = 0u; i < 4u; i++) { for (var j = 0u; j < 4u; j++) { acc[i][j] = 0.0; } }
  var z = array<f32, 4>(0.0, 0.0, 0.0, 0.0);
  for (var rs = r0; rs < r1; rs += 16u) {
    for (var e = 0u; e < 4u; e++) {
      let idx = li + e * 256u;
      let row = rs + idx / 64u;
      let cc = idx % 64u;
      var kv = 0.0;
      var vv = 0.0;
      if (row < r1) {
        if (f0 + cc < P.f) { kv = phiK[row * P.f + f0 + cc]; }
        let col = col0 + cc;
        if (col < P.d) { vv = v[row * P.d + col]; }
      }
      Ks[idx] = kv;
      Vs[idx] = vv;
    }
    workgroupBarrier();
    for (var rr = 0u; rr < 16u; rr++) {
      var a: array<f32, 4>;
      var b: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) { a[i] = Ks[rr * 64u + lid.y + 16u * i]; }
      for (var j = 0u; j < 4u; j++) { b[j] = Vs[rr * 64u + lid.x + 16u * j]; }
      for (var i = 0u; i < 4u; i++) {
        z[i] += a[i];
        for (var j = 0u; j < 4u; j++) { acc[i][j] = fma(a[i], b[j], acc[i][j]); }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let f = f0 + lid.y + 16u * i;
    if (f >= P.f) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let col = col0 + lid.x + 16u * j;
      if (col < P.d) { state[(c * P.f + f) * d1 + col] = acc[i][j]; }
    }
    if (wg.x == 0u && lid.x == 0u) { state[(c * P.f + f) * d1 + P.d] = z[i]; }
  }
}
