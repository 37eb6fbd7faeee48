// SLA sparse part: exact softmax attention of each query over the keys of its block's critical key blocks only,
// flash-style (online softmax, never an N×N matrix):  O_s = Σ_j e^{τ q·k_j − m} v_j / Σ_j e^{τ q·k_j − m},
// j over critical blocks (class 2), causal: j ≤ i. A row with no visible key writes 0.
// The critical blocks of I are lut[I, 0..nCrit) (attention/sla-classify.wgsl): a compact list, only those are
// visited, with no per-block test.
// Bindings: 0 q, 1 k, 2 v (N×d, read), 3 lut (u32 nb×nb), 4 counts (u32 2·nb), 5 os (N×d, write),
//           6 uniforms {n, d, block, nb, causal, tilesPerBlock, tau}.
// Register-tiled like common/attention-flash.wgsl: a workgroup of 32 threads = 32 query rows of one query block,
// one thread per row holding τ·q, its scores, softmax state and all d output columns; each 32-key tile of K,
// then V, is staged once per workgroup in 64-dim chunks: 4 barriers per key tile at d ≤ 64.
// Grid (nb·tilesPerBlock, 1), tilesPerBlock = ⌈block/32⌉; d ≤ 256.

struct Params { n: u32, d: u32, block: u32, nb: u32, causal: u32, tilesPerBlock: u32, tau: f32, _p0: u32 }

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> lut: array<u32>;
@group(0) @binding(4) var<storage, read> counts: array<u32>;
@group(0) @binding(5) var<storage, read_write> os: array<f32>;
@group(0) @binding(6) var<uniform> P: Params;

const NEG: f32 = -3.0e38;
const BR: u32 = 32u;
const BC: u32 = 32u;
const DC: u32 = 64u;
const DMAX: u32 = 256u;

var<workgroup> KV: array<f32, 2048>; // [32 keys][64 dims] of K, then of V

var<private> qv: array<f32, DMAX>;
var<private> acc: array<f32, DMAX>;

@compute @workgroup_size(32)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let I = wg.x / P.tilesPerBlock;
  let rowStart = I * P.block + (wg.x % P.tilesPerBlock) * BR;
  let blockEnd = min((I + 1u) * P.block, P.n);
  if (rowStart >= blockEnd) { return; }
  let row = rowStart + li;
  let live = row < blockEnd;
  let lastRow = min(rowStart + BR, blockEnd) - 1u;
  let causal = P.causal == 1u;

  for (var a = 0u; a < P.d; a++) {
    acc[a] = 0.0;
    var x = 0.0;
    if (live) { x = q[row * P.d + a] * P.tau; }
    qv[a] = x;
  }
  var m = NEG;
  var l = 0.0;
  var nAvail = P.nb;
  if (causal) { nAvail = I + 1u; }
  let nCrit = counts[2u * (nAvail - 1u)];
  for (var t = 0u; t < nCrit; t++) {
    let J = lut[I * P.nb + t];
    var kEnd = min((J + 1u) * P.block, P.n);
    if (causal) { kEnd = min(kEnd, lastRow + 1u); }
    for (var k0 = J * P.block; k0 < kEnd; k0 += BC) {
      var s: array<f32, 32>;
      for (var j = 0u; j < BC; j++) { s[j] = 0.0; }
      for (var dc = 0u; dc < P.d; dc += DC) {
        workgroupBarrier(); // the previous tile's V (or K chunk) consumed
        for (var e = 0u; e < DC; e++) {
          let idx = e * BR + li;
          let kr = k0 + idx / DC;
          let c = dc + idx % DC;
          var x = 0.0;
          if (kr < kEnd && c < P.d) { x = k[kr * P.d + c]; }
          KV[idx] = x;
        }
        workgroupBarrier();
        let w = min(DC, P.d - dc);
        for (var j = 0u; j < BC; j++) {
          var acc2 = 0.0;
          let kb = j * DC;
          for (var c = 0u; c < w; c++) { acc2 = fma(qv[dc + c], KV[kb + c], acc2); }
          s[j] += acc2;
        }
      }
      var mx = m;
      for (var j = 0u; j < BC; j++) {
        let key = k0 + j;
        let valid = live && key < kEnd && (!causal || key <= row);
        s[j] = select(NEG, s[j], valid);
        mx = max(mx, s[j]);
      }
      let scale = exp(m - mx);
      var rs = 0.0;
      for (var j = 0u; j < BC; j++) {
        let p = select(0.0, exp(s[j] - mx), s[j] > NEG);
        s[j] = p;
        rs += p;
      }
      l = l * scale + rs;
      m = mx;
      for (var a = 0u; a < P.d; a++) { acc[a] *= scale; }
      for (var dc = 0u; dc < P.d; dc += DC) {
        workgroupBarrier(); // K consumed
        for (var e = 0u; e < DC; e++) {
          let idx = e * BR + li;
          let kr = k0 + idx / DC;
          let c = dc + idx % DC;
          var x = 0.0;
          if (kr < kEnd && c < P.d) { x = v[kr * P.d + c]; }
          KV[idx] = x;
        }
        workgroupBarrier();
        let w = min(DC, P.d - dc);
        for (var c = 0u; c < w; c++) {
          var o = acc[dc + c];
          for (var j = 0u; j < BC; j++) { o = fma(s[j], KV[j * DC + c], o); }
          acc[dc + c] = o;
        }
      }
    }
  }
  if (live) {
    let inv = select(0.0, 1.0 / l, l > 0.0);
    for (var a = 0u; a < P.d; a++) { os[row * P.d + a] = acc[a] * inv; }
  }
}
