// Linear-attention output for one 16-row tile of one chunk:
//   num_i = φ(q_i)ᵀ P[:, :d] + Σ_{j in chunk, j ≤ i} w_ij (φ(q_i)·φ(k_j)) v_j,  den_i likewise with P[:, d] and v ≡ 1,
//   out_i = num_i / (den_i + ε).
// P = state slot 0 (stateByChunk = 0: non-causal total) or slot c (the chunk's exclusive prefix; SLA: its
// query block's marginal sum; log-linear: its Fenwick-weighted prefix). The intra-chunk term runs only when
// intra = 1; w_ij = 1, or with levels = 1 the log-linear weight β^ℓ, ℓ = 0 if i = j else 1 + msb(i XOR j).
// Bindings: 0 phiQ (N×F), 1 phiK (N×F), 2 v (N×d), 3 state (slots×F×(d+1)), 4 out (N×d, write),
//           5 uniforms {n, d, f, chunk, tilesPerChunk, intra, stateByChunk, levels, eps, weights[36]}.
// Workgroup 16×16: row ly of the tile; thread lx owns output columns c0 + lx + 16j (j < 4) of a 64-column slab.
// Grid: (nChunks·tilesPerChunk, ⌈d/64⌉). Feature dimension is consumed 16 at a time through workgroup memory.

struct Params {
  n: u32, d: u32, f: u32, chunk: u32,
  tilesPerChunk: u32, intra: u32, stateByChunk: u32, levels: u32,
  eps: f32, _p0: u32, _p1: u32, _p2: u32,
  w: array<vec4<f32>, 9>,
}

@group(0) @binding(0) var<storage, read> phiQ: array<f32>;
@group(0) @binding(1) var<storage, read> phiK: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> state: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<uniform> P: Params;

var<workgroup> Qs: array<f32, 256>;  // [16 rows][16 features]
var<workgroup> Ks: array<f32, 256>;  // [16 keys][16 features]
var<workgroup> Ps: array<f32, 1024>; // [16 features][64 columns]
var<workgroup> Pz: array<f32, 16>;   // [16 features] (the z column)
var<workgroup> Ss: array<f32, 256>;  // [16 rows][16 keys] weighted scores
var<workgroup> Vs: array<f32, 1024>; // [16 keys][64 columns]

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let c = wg.x / P.tilesPerChunk;
  let chunkStart = c * P.chunk;
  let rowStart = chunkStart + (wg.x % P.tilesPerChunk) * 16u;
  let chunkEnd = min(chunkStart + P.chunk, P.n);
  if (rowStart >= chunkEnd) { return; }
  let row = rowStart + lid.y;
  let live = row < chunkEnd;
  let col0 = wg.y * 64u;
  let d1 = P.d + 1u;
  var slot = 0u;
  if (P.stateByChunk == 1u) { slot = c; }
  let base = slot * P.f * d1;

  var num = array<f32, 4>(0.0, 0.0, 0.0, 0.0);
  var den = 0.0;
  for (var f0 = 0u; f0 < P.f; f0 += 16u) {
    var qv = 0.0;
    if (live && f0 + lid.x < P.f) { qv = phiQ[row * P.f + f0 + lid.x]; }
    Qs[li] = qv;
    for (var e = 0u; e < 4u; e++) {
      let idx = li + e * 256u;
      let ff = f0 + idx / 64u;
      let col = col0 + idx % 64u;
      var pv = 0.0;
      if (ff < P.f && col < P.d) { pv = state[base + ff * d1 + col]; }
      Ps[idx] = pv;
    }
    if (li < 16u) {
      var zv = 0.0;
      if (f0 + li < P.f) { zv = state[base + (f0 + li) * d1 + P.d]; }
      Pz[li] = zv;
    }
    workgroupBarrier();
    for (var ff = 0u; ff < 16u; ff++) {
      let a = Qs[lid.y * 16u + ff];
      den = fma(a, Pz[ff], den);
      for (var j = 0u; j < 4u; j++) { num[j] = fma(a, Ps[ff * 64u + lid.x + 16u * j], num[j]); }
    }
    workgroupBarrier();
  }

  if (P.intra == 1u) {
    let kEnd = min(rowStart + 16u, chunkEnd); // causal: keys up to the tile's last row
    for (var k0 = chunkStart; k0 < kEnd; k0 += 16u) {
      var s = 0.0;
      for (var f0 = 0u; f0 < P.f; f0 += 16u) {
        var qv = 0.0;
        if (live && f0 + lid.x < P.f) { qv = phiQ[row * P.f + f0 + lid.x]; }
        Qs[li] = qv;
        var kv = 0.0;
        if (k0 + lid.y < kEnd && f0 + lid.x < P.f) { kv = phiK[(k0 + lid.y) * P.f + f0 + lid.x]; }
        Ks[li] = kv;
        workgroupBarrier();
        for (var ff = 0u; ff < 16u; ff++) { s = fma(Qs[lid.y * 16u + ff], Ks[lid.x * 16u + ff], s); }
        workgroupBarrier();
      }
      let key = k0 + lid.x;
      var w = 0.0;
      if (live && key <= row) {
        w = 1.0;
        if (P.levels == 1u && key != row) {
          let l = 1u + firstLeadingBit(row ^ key);
          w = P.w[l / 4u][l % 4u];
        }
      }
      Ss[li] = s * w;
      for (var e = 0u; e < 4u; e++) {
        let idx = li + e * 256u;
        let kr = k0 + idx / 64u;
        let col = col0 + idx % 64u;
        var vv = 0.0;
        if (kr < kEnd && col < P.d) { vv = v[kr * P.d + col]; }
        Vs[idx] = vv;
      }
      workgroupBarrier();
      for (var kk = 0u; kk < 16u; kk++) {
        let sv = Ss[lid.y * 16u + kk];
        den += sv;
        for (var j = 0u; j < 4u; j++) { num[j] = fma(sv, Vs[kk * 64u + lid.x + 16u * j], num[j]); }
      }
      workgroupBarrier();
    }
  }

  if (live) {
    let inv = 1.0 / (den + P.eps);
    for (var j = 0u; j < 4u; j++) {
      let col = col0 + lid.x + 16u * j;
      if (col < P.d) { out[row * P.d + col] = num[j] * inv; }
    }
  }
}
