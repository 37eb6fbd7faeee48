// Flash-attention core shared by attention-{dense,window,blocksparse,gather}.wgsl (the wrapper prepends it).
// Bindings: 0 Q, 1 K, 2 V (H×N×d f32, read), 3 O (H×N×d), 4 LSE (H×N; −3e38 for a row that saw no key),
// 5 Params (uniform); entry files add 6+ and define fn visible(i, slot) for key keyIdx[slot].
// Maths (FlashAttention): per key tile S = τ Q Kᵀ (masked −∞), m' = max(m, rowmax S), p = e^{S−m'},
// ℓ ← e^{m−m'}ℓ + Σp, acc ← e^{m−m'}acc + pV; at the end O = acc/ℓ, LSE = m + ln ℓ (rows with ℓ = 0 give 0).
// Layout (register-tiled): one workgroup = one 32-query tile of one head, WG = 32 threads, and each thread owns
// one query row whole: its τ·q (d values), its 32 scores, its softmax state and all d output columns live in
// the thread, so the softmax needs no workgroup reduction. The 32-key tile of K, then of V, is staged once per
// workgroup in 64-dim chunks (8 KiB); a key tile costs 4 barriers at d ≤ 64 (keys, K, K consumed, V), d ≤ 256.
// Entry files declare @workgroup_size(WG) and must fill keyIdx from threads 0..BC−1 (WG = BC).

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
const WG: u32 = 32u;
const DC: u32 = 64u;
const DMAX: u32 = 256u;
const NEG: f32 = -3.0e38;
const NO_KEY: u32 = 0xffffffffu;

var<workgroup> KV: array<f32, 2048>; // BC keys × DC dims of K, then of V
var<workgroup> keyIdx: array<u32, 32>;
var<workgroup> keyTag: array<u32, 32>;

var<private> qv: array<f32, DMAX>;
var<private> acc: array<f32, DMAX>;
var<private> mRow: f32;
var<private> lRow: f32;
var<private> li: u32;
var<private> gi: u32;
var<private> head: u32;
var<private> base: u32;

fn flash_begin(tile: u32, h: u32, local: u32) {
  li = local;
  gi = tile * BR + local;
  head = h;
  base = h * P.n * P.d;
  mRow = NEG;
  lRow = 0.0;
  let inRange = gi < P.n;
  for (var a = 0u; a < P.d; a++) {
    acc[a] = 0.0;
    var x = 0.0;
    if (inRange) { x = Q[base + gi * P.d + a] * P.scale; }
    qv[a] = x;
  }
}

// Stages rows keyIdx[0..BC) × dims dc..dc+DC of M (K or V) in KV; zeros outside. Coalesced: thread li takes
// every WG-th element of the chunk.
fn stage_k(dc: u32) {
  for (var e = 0u; e < DC; e++) {
    let idx = e * WG + li;
    let r = idx / DC;
    let c = idx % DC;
    let kj = keyIdx[r];
    var x = 0.0;
    if (kj < P.n && dc + c < P.d) { x = K[base + kj * P.d + dc + c]; }
    KV[idx] = x;
  }
}
fn stage_v(dc: u32) {
  for (var e = 0u; e < DC; e++) {
    let idx = e * WG + li;
    let r = idx / DC;
    let c = idx % DC;
    let kj = keyIdx[r];
    var x = 0.0;
    if (kj < P.n && dc + c < P.d) { x = V[base + kj * P.d + dc + c]; }
    KV[idx] = x;
  }
}

// Callers fill keyIdx/keyTag (NO_KEY for empty slots) and barrier before each call.
fn flash_tile() {
  var s: array<f32, 32>;
  for (var j = 0u; j < BC; j++) { s[j] = 0.0; }
  for (var dc = 0u; dc < P.d; dc += DC) {
    if (dc > 0u) { workgroupBarrier(); } // previous K chunk consumed
    stage_k(dc);
    workgroupBarrier();
    let w = min(DC, P.d - dc);
    for (var j = 0u; j < BC; j++) {
      var t = 0.0;
      let kb = j * DC;
      for (var c = 0u; c < w; c++) { t = fma(qv[dc + c], KV[kb + c], t); }
      s[j] += t;
    }
  }

  var mx = NEG;
  for (var j = 0u; j < BC; j++) {
    var sv = s[j];
    if (gi >= P.n || keyIdx[j] >= P.n || !visible(gi, j)) { sv = NEG; }
    s[j] = sv;
    mx = max(mx, sv);
  }
  let mNew = max(mRow, mx);
  let alpha = exp(mRow - mNew); // 1 while the row has seen nothing, 0 after its first visible key
  var rs = 0.0;
  for (var j = 0u; j < BC; j++) {
    let p = select(0.0, exp(s[j] - mNew), s[j] > NEG);
    s[j] = p;
    rs += p;
  }
  lRow = alpha * lRow + rs;
  mRow = mNew;
  for (var a = 0u; a < P.d; a++) { acc[a] *= alpha; }

  for (var dc = 0u; dc < P.d; dc += DC) {
    workgroupBarrier(); // K (or the previous V chunk) consumed
    stage_v(dc);
    workgroupBarrier();
    let w = min(DC, P.d - dc);
    for (var c = 0u; c < w; c++) {
      var t = acc[dc + c];
      for (var j = 0u; j < BC; j++) { t = fma(s[j], KV[j * DC + c], t); }
      acc[dc + c] = t;
    }
  }
}

fn flash_end() {
  if (gi >= P.n) { return; }
  let inv = select(0.0, 1.0 / lRow, lRow > 0.0);
  for (var a = 0u; a < P.d; a++) { O[base + gi * P.d + a] = acc[a] * inv; }
  LSE[head * P.n + gi] = select(NEG, mRow + log(lRow), lRow > 0.0);
}

// Fills the 32 key slots with keys first..first+31 (contiguous tiles); barrier included.
fn load_range(first: u32) {
  if (li < BC) {
    keyIdx[li] = first + li;
    keyTag[li] = 0u;
  }
  workgroupBarrier();
}
