// PolySAE retraction of U to orthonormal columns by Cholesky-QR: given the Gram matrix G = UᵀU (R×R, from a
// GEMM), factor G + jI = LLᵀ (j = 1e-7·tr(G)/R) in place (lower triangle) and write L⁻¹ to Linv, so that
// U·L⁻ᵀ has orthonormal columns (the QR factor with a positive diagonal). When ‖U‖_F < 1e-6, Linv = I.
// One workgroup of 256 threads: column-by-column Cholesky (rows in parallel), then one thread per column of
// L⁻¹ by forward substitution. Bindings: 0 gram (R×R, overwritten by L), 1 Linv (R×R), 2 dims {R}.

struct Dims { R: u32, _p0: u32, _p1: u32, _p2: u32 }

@group(0) @binding(0) var<storage, read_write> L: array<f32>;
@group(0) @binding(1) var<storage, read_write> Linv: array<f32>;
@group(0) @binding(2) var<uniform> D: Dims;

var<workgroup> diag: f32;
var<workgroup> skip: u32;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) li: u32) {
  let R = D.R;
  if (li == 0u) {
    var tr = 0.0;
    for (var i = 0u; i < R; i++) { tr += L[i * R + i]; }
    skip = select(0u, 1u, sqrt(max(tr, 0.0)) < 1e-6);
    diag = 1e-7 * tr / f32(R);
  }
  workgroupBarrier();
  let jitter = workgroupUniformLoad(&diag);
  let identity = workgroupUniformLoad(&skip) == 1u;
  if (!identity) {
    for (var j = 0u; j < R; j++) {
      if (li == 0u) {
        var s = L[j * R + j] + jitter;
        for (var p = 0u; p < j; p++) { s -= L[j * R + p] * L[j * R + p]; }
        L[j * R + j] = sqrt(max(s, 1e-30));
      }
      storageBarrier();
      workgroupBarrier();
      let ljj = L[j * R + j];
      for (var i = j + 1u + li; i < R; i += WG) {
        var t = L[i * R + j];
        for (var p = 0u; p < j; p++) { t -= L[i * R + p] * L[j * R + p]; }
        L[i * R + j] = t / ljj;
      }
      storageBarrier();
      workgroupBarrier();
    }
  }
  for (var c = li; c < R; c += WG) {
    for (var i = 0u; i < R; i++) {
      if (identity) {
        Linv[i * R + c] = select(0.0, 1.0, i == c);
        continue;
      }
      if (i < c) {
        Linv[i * R + c] = 0.0;
        continue;
      }
      var s = select(0.0, 1.0, i == c);
      for (var p = c; p < i; p++) { s -= L[i * R + p] * Linv[p * R + c]; }
      Linv[i * R + c] = s / L[i * R + i];
    }
  }
}
