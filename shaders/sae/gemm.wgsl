// SAE GEMM: C (M×N) = op(A)·op(B) [+ bias[col]] [ReLU] [+ C], float32, row-major.
// op(A) is M×K, stored M×K (TRANS_A = false) or K×M (true); op(B) is K×N, stored K×N or N×K (TRANS_B).
// Serves the encoder (xc·W_encᵀ + b_enc, optional ReLU), the dense decoder (z·W_dec + b_dec) and every
// gradient product (G·W_decᵀ, zᵀ·G, ∂πᵀ·xc). Bindings: 0 A, 1 B, 2 C (read_write), 3 bias, 4 dims {M, N, K}.
// Workgroup 16×16 computes a 64×64 tile, 4×4 per thread in registers; 64×16 / 16×64 panels of op(A) / op(B)
// staged in workgroup memory per K-step, loaded along the stored layout's fast axis; out-of-range reads are 0.

override TRANS_A: bool = false;
override TRANS_B: bool = false;
override BIAS: bool = false;
override RELU: bool = false;
override ACCUM: bool = false;

struct Dims { M: u32, N: u32, K: u32, _pad: u32 }

@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<uniform> dims: Dims;

const TM: u32 = 64u;
const TN: u32 = 64u;
const TK: u32 = 16u;

var<workgroup> As: array<f32, 1024>; // [TK][TM]
var<workgroup> Bs: array<f32, 1024>; // [TK][TN]

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let M = dims.M;
  let N = dims.N;
  let K = dims.K;
  let row0 = wg.y * TM;
  let col0 = wg.x * TN;
  var acc: array<array<f32, 4>, 4>;
  for (var i = 0u; i < 4u; i++) { for (var j = 0u; j < 4u; j++) { acc[i][j] = 0.0; } }

  let tiles = (K + TK - 1u) / TK;
  for (var t = 0u; t < tiles; t++) {
    let k0 = t * TK;
    for (var e = 0u; e < 4u; e++) {
      let idx = li + e * 256u;
      // op(A) panel element (r, kk): walk the stored layout's contiguous axis across threads.
      var ar = idx / TK;
      var ak = idx % TK;
      if (TRANS_A) { ak = idx / TM; ar = idx % TM; }
      let gr = row0 + ar;
      let gk = k0 + ak;
      var av = 0.0;
      if (gr < M && gk < K) {
        if (TRANS_A) { av = A[gk * M + gr]; } else { av = A[gr * K + gk]; }
      }
      As[ak * TM + ar] = av;
      var bk = idx / TN;
      var bc = idx % TN;
      if (TRANS_B) { bc = idx / TK; bk = idx % TK; }
      let gk2 = k0 + bk;
      let gc = col0 + bc;
      var bv = 0.0;
      if (gk2 < K && gc < N) {
        if (TRANS_B) { bv = B[gc * K + gk2]; } else { bv = B[gk2 * N + gc]; }
      }
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
    if (r >= M) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let c = col0 + lid.x * 4u + j;
      if (c >= N) { continue; }
      var v = acc[i][j];
      if (BIAS) { v += bias[c]; }
      if (RELU) { v = max(v, 0.0); }
      if (ACCUM) { v += C[r * N + c]; }
      C[r * N + c] = v;
    }
  }
}
