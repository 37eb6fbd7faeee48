// Tiled matrix multiply: C (M×N) = A (M×K) · B (K×N), float32, row-major.
// Bindings: 0 A, 1 B (read), 2 C (write), 3 uniforms {M, N, K}.
// Workgroup 16×16 threads computes a 64×64 tile of C; each thread a 4×4 block in registers.
// A 64×16 panel of A and a 16×64 panel of B are staged in workgroup memory per K-step;
// loads outside the matrix read 0, stores outside are skipped, so any M, N, K work.

struct Dims { M: u32, N: u32, K: u32, _pad: u32 }

@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<uniform> dims: Dims;

const TM: u32 = 64u;
const TN: u32 = 64u;
const TK: u32 = 16u;

var<workgroup> As: array<f32, 1024>; // [TK][TM], transposed so a thread reads 4 rows contiguously
var<workgroup> Bs: array<f32, 1024>; // [TK][TN]

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let row0 = wg.y * TM;
  let col0 = wg.x * TN;
  var acc: array<array<f32, 4>, 4>;
  for (var i = 0u; i < 4u; i++) { for (var j = 0u; j < 4u; j++) { acc[i][j] = 0.0; } }

  let tiles = (dims.K + TK - 1u) / TK;
  for (var t = 0u; t < tiles; t++) {
    let k0 = t * TK;
    // 256 threads load 1024 values of each panel: 4 each.
    for (var e = 0u; e < 4u; e++) {
      let idx = li + e * 256u;
      // A panel: idx -> (r, kk) with kk fastest for coalesced global reads.
      let ar = idx / TK;
      let ak = idx % TK;
      let gr = row0 + ar;
      let gk = k0 + ak;
      var av = 0.0;
      if (gr < dims.M && gk < dims.K) { av = A[gr * dims.K + gk]; }
      As[ak * TM + ar] = av;
      // B panel: idx -> (kk, c) with c fastest.
      let bk = idx / TN;
      let bc = idx % TN;
      let gk2 = k0 + bk;
      let gc = col0 + bc;
      var bv = 0.0;
      if (gk2 < dims.K && gc < dims.N) { bv = B[gk2 * dims.N + gc]; }
      Bs[bk * TN + bc] = bv;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      var a: array<f32, 4>;
      var b: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) { a[i] = As[kk * TM + lid.y * 4u + i]; }
      for (var j = 0u; j < 4u; j++) { b[j] = Bs[kk * TN + lid.x * 4u + j]; }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) { acc[i][j] = fma(a[i], b[j], acc[i][j]); }
      }
    }
    workgroupBarrier();
  }

  for (var i = 0u; i < 4u; i++) {
    let r = row0 + lid.y * 4u + i;
    if (r >= dims.M) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let c = col0 + lid.x * 4u + j;
      if (c < dims.N) { C[r * dims.N + c] = acc[i][j]; }
    }
  }
}
