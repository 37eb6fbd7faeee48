// Flash-attention core shared by attention-{dense,window,blocksparse,gather}.wgsl (the wrapper prepends it).
// Bindings: 0 Q, 1 K, 2 V (H×N×d f32, read), 3 O (H×N×d), 4 LSE (H×N; −3e38 for a row that saw no key),
// 5 Params (uniform); entry files add 6+ and define fn visible(i, slot) for key keyIdx[slot].
// Maths (FlashAttention): per key tile S = τ Q Kᵀ (masked −∞), m' = max(m, rowmax S), p = e^{S−m'},
// ℓ ← e^{m−m'}ℓ + Σp, acc ← e^{m−m'}acc + pV; at the end O = acc/ℓ, LSE = m + ln ℓ (rows with ℓ = 0 give 0).
// Layout (register-tiled): one workgroup = one 32-query tile of one head, WG = 32 threads, and each thread owns
// one query row whole: its τ·q (d values), its 32 scores, its softmax state and all d output columns live in
// the thread, so the softmax needs no workgroup reduction. The 32-key tile of K, then of V, is staged once per
// workgroup in 64-dim chunks (8 KiB); a key tile costs 4 barriers at d ≤ 64 (keys, K, K consumed, V), d ≤ 256.
// Rows and staged tiles are held as vec4 (dims 4c..4c+3; zeros past d), so the two inner loops are vec4 FMAs:
// a quarter of the indexed loads of a scalar loop, which is what a CPU-emulated adapter (SwiftShader) pays for.
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
const DC4: u32 = 16u; // DC / 4
const DMAX4: u32 = 64u; // d ≤ 256
const NEG: f32 = -3.0e38;
const NO_KEY: u32 = 0xffffffffu;

var<workgroup> KV: array<vec4<f32>, 512>; // BC keys × DC dims of K, then of V (DC4 vec4 per key)
var<workgroup> keyIdx: array<u32, 32>;
var<workgroup> keyTag: array<u32, 32>;

var<private> qv: array<vec4<f32>, DMAX4>;
var<private> acc: array<vec4<f32>, DMAX4>;
var<private> mRow: f32;
var<private> lRow: f32;
var<private> li: u32;
var<private> gi: u32;
var<private> live: bool;
var<private> head: u32;
var<private> base: u32;

fn flash_begin(tile: u32, h: u32, local: u32) {
  flash_begin_rows(tile * BR, P.n, h, local);
}

// Thread `local` takes query row rowStart + local of head h; rows at or after rowEnd (≤ N) are idle: they see no
// key and write nothing (attention-sla-sparse.wgsl: the 32 rows of a tile stop at the end of their query block).
fn flash_begin_rows(rowStart: u32, rowEnd: u32, h: u32, local: u32) {
  li = local;
  gi = rowStart + local;
  live = gi < rowEnd;
  head = h;
  base = h * P.n * P.d;
  mRow = NEG;
  lRow = 0.0;
  let d4 = (P.d + 3u) / 4u;
  for (var a = 0u; a < d4; a++) {
    acc[a] = vec4<f32>(0.0);
    var x = vec4<f32>(0.0);
    if (live) { x = load_q(base + gi * P.d, 4u * a) * P.scale; }
    qv[a] = x;
  }
}

// Dims c..c+3 of the row of M starting at `row` (zeros at or after d); robust access keeps the unused reads in bounds.
fn dims_in(c: u32) -> vec4<bool> {
  return vec4<bool>(c < P.d, c + 1u < P.d, c + 2u < P.d, c + 3u < P.d);
}
fn load_q(row: u32, c: u32) -> vec4<f32> {
  let o = row + c;
  return select(vec4<f32>(0.0), vec4<f32>(Q[o], Q[o + 1u], Q[o + 2u], Q[o + 3u]), dims_in(c));
}
fn load_k(row: u32, c: u32) -> vec4<f32> {
  let o = row + c;
  return select(vec4<f32>(0.0), vec4<f32>(K[o], K[o + 1u], K[o + 2u], K[o + 3u]), dims_in(c));
}
fn load_v(row: u32, c: u32) -> vec4<f32> {
  let o = row + c;
  return select(vec4<f32>(0.0), vec4<f32>(V[o], V[o + 1u], V[o + 2u], V[o + 3u]), dims_in(c));
}

// Stages rows keyIdx[0..BC) × dims dc..dc+DC of M (K or V) in KV as vec4; zeros outside. Thread li takes every
// WG-th vec4 of the chunk.
fn stage_k(dc: u32) {
  for (var e = 0u; e < DC4; e++) {
    let idx = e * WG + li;
    let kj = keyIdx[idx / DC4];
    var x = vec4<f32>(0.0);
    if (kj < P.n) { x = load_k(base + kj * P.d, dc + 4u * (idx % DC4)); }
    KV[idx] = x;
  }
}
fn stage_v(dc: u32) {
  for (var e = 0u; e < DC4; e++) {
    let idx = e * WG + li;
    let kj = keyIdx[idx / DC4];
    var x = vec4<f32>(0.0);
    if (kj < P.n) { x = load_v(base + kj * P.d, dc + 4u * (idx % DC4)); }
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
    let w = (min(DC, P.d - dc) + 3u) / 4u;
    let q0 = dc / 4u;
    for (var j = 0u; j < BC; j++) {
      var t = vec4<f32>(0.0);
      let kb = j * DC4;
      for (var c = 0u; c < w; c++) { t = fma(qv[q0 + c], KV[kb + c], t); }
      s[j] += (t.x + t.y) + (t.z + t.w);
    }
  }

  var mx = NEG;
  for (var j = 0u; j < BC; j++) {
    var sv = s[j];
    if (!live || keyIdx[j] >= P.n || !visible(gi, j)) { sv = NEG; }
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
  let d4 = (P.d + 3u) / 4u;
  for (var a = 0u; a < d4; a++) { acc[a] *= alpha; }

  for (var dc = 0u; dc < P.d; dc += DC) {
    workgroupBarrier(); // K (or the previous V chunk) consumed
    stage_v(dc);
    workgroupBarrier();
    let w = (min(DC, P.d - dc) + 3u) / 4u;
    let a0 = dc / 4u;
    for (var c = 0u; c < w; c++) {
      var t = acc[a0 + c];
      for (var j = 0u; j < BC; j++) { t = fma(vec4<f32>(s[j]), KV[j * DC4 + c], t); }
      acc[a0 + c] = t;
    }
  }
}

fn flash_end() {
  if (!live) { return; }
  let inv = select(0.0, 1.0 / lRow, lRow > 0.0);
  let row = base + gi * P.d;
  for (var a = 0u; a < P.d; a++) { O[row + a] = acc[a / 4u][a % 4u] * inv; }
  LSE[head * P.n + gi] = select(NEG, mRow + log(lRow), lRow > 0.0);
}

// Fills the 32 key slots with keys first..first+31 (contiguous tiles); barrier included.
fn load_range(first: u32) {
  load_range_to(first, P.n);
}
// The same, with the keys at or after `end` left empty (NO_KEY: masked, staged as zeros).
fn load_range_to(first: u32, end: u32) {
  if (li < BC) {
    keyIdx[li] = select(NO_KEY, first + li, first + li < end);
    keyTag[li] = 0u;
  }
  workgroupBarrier();
}
