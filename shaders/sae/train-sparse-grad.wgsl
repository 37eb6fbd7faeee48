// Sparse-transposed products, step 4: one workgroup (64 threads over columns) per latent i, over its list
// sorted by entry (step 3b), so every sum adds its terms in sample order, the same order every run:
//   ∂A[i, :] = Σ_e val[e]·G[row(e), :]   (decoder atoms, or PolySAE's U with G = ∂a; w columns)
//   ∂W_enc[i, :] = Σ_e gval[e]·xc[b(e), :],   ∂b_enc[i] = Σ_e gval[e]
// row(e) = b for main entries and B + b for AuxK ones. Every row is written (zero for unused latents).
// Bindings: 0 list (sorted), 1 offsets, 2 ent (val | gval), 3 G, 4 xc, 5 gA, 6 gW_enc, 7 gb_enc, 8 dims.

struct Dims { B: u32, E: u32, kMain: u32, w: u32, d: u32, M: u32, _p0: u32, _p1: u32 }

@group(0) @binding(0) var<storage, read> list: array<u32>;
@group(0) @binding(1) var<storage, read> offsets: array<u32>;
@group(0) @binding(2) var<storage, read> ent: array<f32>;
@group(0) @binding(3) var<storage, read> G: array<f32>;
@group(0) @binding(4) var<storage, read> xc: array<f32>;
@group(0) @binding(5) var<storage, read_write> gA: array<f32>;
@group(0) @binding(6) var<storage, read_write> gW_enc: array<f32>;
@group(0) @binding(7) var<storage, read_write> gb_enc: array<f32>;
@group(0) @binding(8) var<uniform> D: Dims;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let i = wg.x + wg.y * 65535u;
  if (i >= D.M) { return; }
  let n = D.B * D.E;
  let lo = offsets[i];
  let hi = offsets[i + 1u];
  let width = max(D.w, D.d);
  for (var j = li; j < width; j += WG) {
    var accA = 0.0;
    var accE = 0.0;
    for (var t = lo; t < hi; t++) {
      let e = list[t];
      let b = e / D.E;
      var row = b;
      if (e % D.E >= D.kMain) { row = D.B + b; }
      if (j < D.w) { accA = fma(ent[e], G[row * D.w + j], accA); }
      if (j < D.d) { accE = fma(ent[n + e], xc[b * D.d + j], accE); }
    }
    if (j < D.w) { gA[i * D.w + j] = accA; }
    if (j < D.d) { gW_enc[i * D.d + j] = accE; }
  }
  if (li == 0u) {
    var s = 0.0;
    for (var t = lo; t < hi; t++) { s += ent[n + list[t]]; }
    gb_enc[i] = s;
  }
}
