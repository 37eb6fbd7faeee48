// SLA sparse part: exact softmax attention of each query over the keys of its block's critical key blocks only,
// flash-style (online softmax, never an N×N matrix):  O_s = Σ_j e^{τ q·k_j − m} v_j / Σ_j e^{τ q·k_j − m},
// j over critical blocks (class 2), causal: j ≤ i. A row with no visible key writes 0.
// The critical blocks of I are lut[I, 0..nCrit) (attention-sla-classify.wgsl): only those are visited.
// Bindings: 0 q, 1 k, 2 v (N×d, read), 3 lut (u32 nb×nb), 4 counts (u32 2·nb), 5 os (N×d, write),
//           6 uniforms {n, d, block, nb, causal, tilesPerBlock, tau}.
// Workgroup 16×16: 16 query rows (ly) × 16 keys (lx) per score tile; thread lx owns output columns
// c0 + lx + 16j (j < 4). Grid (nb·tilesPerBlock, ⌈d/64⌉). Head dimension is consumed 16 at a time.

struct Params { n: u32, d: u32, block: u32, nb: u32, causal: u32, tilesPerBlock: u32, tau: f32, _p0: u32 }

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> lut: array<u32>;
@group(0) @binding(4) var<storage, read> counts: array<u32>;
@group(0) @binding(5) var<storage, read_write> os: array<f32>;
@group(0) @binding(6) var<uniform> P: Params;

const NEG: f32 = -3.0e38;

var<workgroup> Qs: array<f32, 256>;  // [16 rows][16 dims]
var<workgroup> Ks: array<f32, 256>;  // [16 keys][16 dims]
var<workgroup> Ss: array<f32, 256>;  // [16 rows][16 keys] scaled scores
var<workgroup> Ps: array<f32, 256>;  // probabilities of the tile
var<workgroup> Vs: array<f32, 1024>; // [16 keys][64 columns]

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let I = wg.x / P.tilesPerBlock;
  let rowStart = I * P.block + (wg.x % P.tilesPerBlock) * 16u;
  let blockEnd = min((I + 1u) * P.block, P.n);
  if (rowStart >= blockEnd) { return; }
  let row = rowStart + lid.y;
  let live = row < blockEnd;
  let lastRow = min(rowStart + 16u, blockEnd) - 1u;
  let col0 = wg.y * 64u;
  let causal = P.causal == 1u;

  var m = NEG;
  var l = 0.0;
  var acc = array<f32, 4>(0.0, 0.0, 0.0, 0.0);
  var nAvail = P.nb;
  if (causal) { nAvail = I + 1u; }
  let nCrit = counts[2u * (nAvail - 1u)];
  for (var t = 0u; t < nCrit; t++) {
    let J = lut[I * P.nb + t];
    var kEnd = min((J + 1u) * P.block, P.n);
    if (causal) { kEnd = min(kEnd, lastRow + 1u); }
    for (var k0 = J * P.block; k0 < kEnd; k0 += 16u) {
      var s = 0.0;
      for (var d0 = 0u; d0 < P.d; d0 += 16u) {
        var qv = 0.0;
        if (live && d0 + lid.x < P.d) { qv = q[row * P.d + d0 + lid.x]; }
        Qs[li] = qv;
        var kv = 0.0;
        if (k0 + lid.y < kEnd && d0 + lid.x < P.d) { kv = k[(k0 + lid.y) * P.d + d0 + lid.x]; }
        Ks[li] = kv;
        workgroupBarrier();
        for (var dd = 0u; dd < 16u; dd++) { s = fma(Qs[lid.y * 16u + dd], Ks[lid.x * 16u + dd], s); }
        workgroupBarrier();
      }
      let key = k0 + lid.x;
      let valid = live && key < kEnd && (!causal || key <= row);
      Ss[li] = select(NEG, s * P.tau, valid);
      for (var e = 0u; e < 4u; e++) {
        let idx = li + e * 256u;
        let kr = k0 + idx / 64u;
        let col = col0 + idx % 64u;
        var vv = 0.0;
        if (kr < kEnd && col < P.d) { vv = v[kr * P.d + col]; }
        Vs[idx] = vv;
      }
      workgroupBarrier();
      var mt = m;
      for (var kk = 0u; kk < 16u; kk++) { mt = max(mt, Ss[lid.y * 16u + kk]); }
      Ps[li] = select(0.0, exp(Ss[li] - mt), valid);
      workgroupBarrier();
      let scale = exp(m - mt);
      var rs = 0.0;
      for (var j = 0u; j < 4u; j++) { acc[j] *= scale; }
      for (var kk = 0u; kk < 16u; kk++) {
        let p = Ps[lid.y * 16u + kk];
        rs += p;
        for (var j = 0u; j < 4u; j++) { acc[j] = fma(p, Vs[kk * 64u + lid.x + 16u * j], acc[j]); }
      }
      l = l * scale + rs;
      m = mt;
      workgroupBarrier();
    }
  }
  if (live) {
    var inv = 0.0;
    if (l > 0.0) { inv = 1.0 / l; }
    for (var j = 0u; j < 4u; j++) {
      let col = col0 + lid.x + 16u * j;
      if (col < P.d) { os[row * P.d + col] = acc[j] * inv; }
    }
  }
}
