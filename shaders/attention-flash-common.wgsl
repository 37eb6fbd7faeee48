// Flash-attention core shared by attention-{dense,window,blocksparse,gather}.wgsl (the wrapper prepends it).
// Bindings: 0 Q, 1 K, 2 V (H×N×d f32, read), 3 O (H×N×d), 4 LSE (H×N; −3e38 for a row that saw no key),
// 5 Params (uniform); entry files add 6+ and define fn visible(i, slot) for key keyIdx[slot].
// Maths (FlashAttention): per key tile S = τ Q Kᵀ (masked −∞), m' = max(m, rowmax S), p = e^{S−m'},
// ℓ ← e^{m−m'}ℓ + Σp, acc ← e^{m−m'}acc + pV; at the end O = acc/ℓ, LSE = m + ln ℓ (rows with ℓ = 0 give 0).
// Layout: one workgroup = one 32-query tile of one head; 256 threads = 32 rows × 8 lanes. Thread (row, lane)
// scores keys lane+8t (t<4) of each 32-key tile and owns output dims 32c + 4·lane + u of each 32-dim chunk c,
// so d ≤ 256 runs in 32-wide chunks and workgroup memory stays ~13 KiB for any d.

struct Params {
  n: u32, d: u32, heads: u32, causal: u32,
  window: u32, sinks: u32, block: u32, words: u32,
  tiles: u32, listBase: u32, extra1: u32, extra2: u32,
  scale: f32, _p0: f32, _p1: f32, _p2: f32,
}

@group(0) @binding(0) var<storage, read> Q: array<f32>;
@group(0) @binding(1) var<storage, read> K: array<f32>;
@group(0) @binding(2) var<storage, read> V: array<f32>;
@group(0) @binding(3) var<storage, read_write> O: array<f32>;
@group(0) @binding(4) var<storage, read_write> LSE: array<f32>;
@group(0) @binding(5) var<uniform> P: Params;

const BR: u32 = 32u;
const BC: u32 = 32u;
const DC: u32 = 32u;
const LD: u32 = 33u; // padded stride: lanes of one row read different banks
const NEG: f32 = -3.0e38;
const NO_KEY: u32 = 0xffffffffu;

var<workgroup> Qs: array<f32, 1056>;
var<workgroup> Ks: array<f32, 1056>; // K chunk, then V chunk
var<workgroup> Ss: array<f32, 1056>; // scores, then probabilities
var<workgroup> keyIdx: array<u32, 32>;
var<workgroup> keyTag: array<u32, 32>;

var<private> acc: array<f32, 32>;
var<private> mRow: f32;
var<private> lRow: f32;
var<private> row: u32;
var<private> lane: u32;
var<private> li: u32;
var<private> q0: u32;
var<private> head: u32;
var<private> base: u32;
var<private> qLoaded: bool;

fn flash_begin(tile: u32, h: u32, local: u32) {
  li = local;
  row = local / 8u;
  lane = local % 8u;
  q0 = tile * BR;
  head = h;
  base = h * P.n * P.d;
  mRow = NEG;
  lRow = 0.0;
  qLoaded = false;
  for (var a = 0u; a < 32u; a++) { acc[a] = 0.0; }
}

// Callers fill keyIdx/keyTag (NO_KEY for empty slots) and barrier before each call.
fn flash_tile() {
  var s: array<f32, 4>;
  for (var t = 0u; t < 4u; t++) { s[t] = 0.0; }
  let keepQ = P.d <= DC; // one chunk: the Q tile stays in workgroup memory across key tiles
  for (var dc = 0u; dc < P.d; dc += DC) {
    for (var e = 0u; e < 4u; e++) {
      let idx = li + e * 256u;
      let r = idx / DC;
      let c = idx % DC;
      let dd = dc + c;
      if (!(keepQ && qLoaded)) {
        var qv = 0.0;
        if (q0 + r < P.n && dd < P.d) { qv = Q[base + (q0 + r) * P.d + dd]; }
        Qs[r * LD + c] = qv;
      }
      let kj = keyIdx[r];
      var kv = 0.0;
      if (kj < P.n && dd < P.d) { kv = K[base + kj * P.d + dd]; }
      Ks[r * LD + c] = kv;
    }
    workgroupBarrier();
    for (var c = 0u; c < DC; c++) {
      let qv = Qs[row * LD + c];
      for (var t = 0u; t < 4u; t++) { s[t] = fma(qv, Ks[(lane + 8u * t) * LD + c], s[t]); }
    }
    workgroupBarrier();
  }
  qLoaded = true;

  let gi = q0 + row;
  var mx = NEG;
  for (var t = 0u; t < 4u; t++) {
    let slot = lane + 8u * t;
    var sv = s[t] * P.scale;
    if (gi >= P.n || keyIdx[slot] >= P.n || !visible(gi, slot)) { sv = NEG; }
    s[t] = sv;
    Ss[row * LD + slot] = sv;
  }
  workgroupBarrier();
  for (var c = 0u; c < BC; c++) { mx = max(mx, Ss[row * LD + c]); }
  let mNew = max(mRow, mx);
  let alpha = exp(mRow - mNew); // 1 while the row has seen nothing, 0 after its first visible key
  workgroupBarrier();
  for (var t = 0u; t < 4u; t++) {
    Ss[row * LD + lane + 8u * t] = select(0.0, exp(s[t] - mNew), s[t] > NEG);
  }
  workgroupBarrier();
  var rs = 0.0;
  for (var c = 0u; c < BC; c++) { rs += Ss[row * LD + c]; }
  lRow = alpha * lRow + rs;
  mRow = mNew;
  for (var a = 0u; a < 32u; a++) { acc[a] *= alpha; }

  for (var dc = 0u; dc < P.d; dc += DC) {
    for (var e = 0u; e < 4u; e++) {
      let idx = li + e * 256u;
      let r = idx / DC;
      let c = idx % DC;
      let kj = keyIdx[r];
      var vv = 0.0;
      if (kj < P.n && dc + c < P.d) { vv = V[base + kj * P.d + dc + c]; }
      Ks[r * LD + c] = vv;
    }
    workgroupBarrier();
    let a0 = (dc / DC) * 4u;
    for (var c = 0u; c < BC; c++) {
      let p = Ss[row * LD + c];
      for (var u = 0u; u < 4u; u++) { acc[a0 + u] = fma(p, Ks[c * LD + lane * 4u + u], acc[a0 + u]); }
    }
    workgroupBarrier();
  }
}

fn flash_end() {
  let gi = q0 + row;
  if (gi >= P.n) { return; }
  let inv = select(0.0, 1.0 / lRow, lRow > 0.0);
  for (var dc = 0u; dc < P.d; dc += DC) {
    for (var u = 0u; u < 4u; u++) {
      let dd = dc + lane * 4u + u;
      if (dd < P.d) { O[base + gi * P.d + dd] = acc[(dc / DC) * 4u + u] * inv; }
    }
  }
  if (lane == 0u) { LSE[head * P.n + gi] = select(NEG, mRow + log(lRow), lRow > 0.0); }
}

// Fills the 32 key slots with keys first..first+31 (contiguous tiles); barrier included.
fn load_range(first: u32) {
  if (li < BC) {
    keyIdx[li] = first + li;
    keyTag[li] = 0u;
  }
  workgroupBarrier();
}
