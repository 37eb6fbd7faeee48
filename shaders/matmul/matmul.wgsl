// Tiled matrix multiply: C (M×N) = A (M×K) · B (K×N), float32, row-major.
// Bindings: 0 A, 1 B (read), 2 C (write), 3 uniforms {M, N, K}.
// Workgroup 16×16 threads computes a 64×64 tile of C; each thread a 4×4 block in registers.
// Per K-step a 64×32 panel of A (transposed, 4 rows packed per vec4) and a 32×64 panel of B
// (4 columns per vec4) are staged in workgroup memory (16 KiB, the default limit), so the inner
// loop is two vec4 loads and four vec4 FMAs. Loads outside the matrix read 0, stores outside are
// skipped, so any M, N, K work.

struct Dims { M: u32, N: u32, K: u32, _pad: u32 }

@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<uniform> dims: Dims;

const TM: u32 = 64u;
const TN: u32 = 64u;
const TK: u32 = 32u;

var<workgroup> As: array<vec4<f32>, 512>; // [TK][TM/4]: As[kk*16 + r/4][r%4] = A[row0 + r][k0 + kk]
var<workgroup> Bs: array<vec4<f32>, 512>; // [TK][TN/4]: Bs[kk*16 + c/4][c%4] = B[k0 + kk][col0 + c]

// The tile layout above (64×64 tile, 4×4 per thread, 16 vec4 per panel row) needs WG = TM / 4 = 16.
override WG: u32 = 16u;

@compute @workgroup_size(WG, WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let row0 = wg.y * TM;
  let col0 = wg.x * TN;
  var acc: array<vec4<f32>, 4>;

  let tiles = (dims.K + TK - 1u) / TK;
  for (var t = 0u; t < tiles; t++) {
    let k0 = t * TK;
    // 256 threads stage 2048 values of each panel: 8 each, consecutive threads on consecutive addresses.
    for (var e = 0u; e < 8u; e++) {
      let idx = li + e * 256u;
      let ar = idx / TK;
      let ak = idx % TK;
      var av = 0.0;
      if (row0 + ar < dims.M && k0 + ak < dims.K) { av = A[(row0 + ar) * dims.K + k0 + ak]; }
      As[ak * 16u + ar / 4u][ar % 4u] = av;
      let bk = idx / TN;
      let bc = idx % TN;
      var bv = 0.0;
      if (k0 + bk < dims.K && col0 + bc < dims.N) { bv = B[(k0 + bk) * dims.N + col0 + bc]; }
      Bs[bk * 16u + bc / 4u][bc % 4u] = bv;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      let a = As[kk * 16u + lid.y];
      let b = Bs[kk * 16u + lid.x];
      acc[0] = fma(vec4<f32>(a.x), b, acc[0]);
      acc[1] = fma(vec4<f32>(a.y), b, acc[1]);
      acc[2] = fma(vec4<f32>(a.z), b, acc[2]);
      acc[3] = fma(vec4<f32>(a.w), b, acc[3]);
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
