// Log-linear attention at chunk granularity (chunk C = 2^c, aligned): turns per-chunk states H_T (in place) into
//   P_T = Σ_{l ≥ 1, bit l−1 of T set} β^{c+l} · Σ{H_S : S in the level-l Fenwick bucket of T},
// the bucket holding the chunks S < T with 1 + msb(T XOR S) = l (so every earlier token s of a query t in chunk T
// gets weight β^{ℓ(t,s)}, ℓ(t,s) = c + l). Running the Fenwick recurrence over chunks: before chunk T > 0,
// with r = ctz(T), levels 1..r and chunk T−1 merge into level r + 1.
// Bindings: 0 state (nChunks×count, read-write), 1 uniforms {count = F·(d+1), nChunks, wgx, w[l] = β^{c+l}}.
// One thread per state element (WG per workgroup, 2-D grid); the ≤ 33 level sums live in private memory.

struct Params { count: u32, nChunks: u32, wgx: u32, _p0: u32, w: array<vec4<f32>, 9> }

@group(0) @binding(0) var<storage, read_write> state: array<f32>;
@group(0) @binding(1) var<uniform> P: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let e = (wg.y * P.wgx + wg.x) * WG + li;
  if (e >= P.count) { return; }
  var lv: array<f32, 33>;
  for (var l = 0u; l < 33u; l++) { lv[l] = 0.0; }
  var prev = 0.0;
  for (var T = 0u; T < P.nChunks; T++) {
    if (T > 0u) {
      let r = countTrailingZeros(T);
      var carry = prev;
      for (var l = 1u; l <= r; l++) {
        carry += lv[l];
        lv[l] = 0.0;
      }
      lv[r + 1u] = carry;
    }
    var p = 0.0;
    var bits = T;
    while (bits != 0u) {
      let l = countTrailingZeros(bits) + 1u;
      p = fma(P.w[l / 4u][l % 4u], lv[l], p);
      bits = bits & (bits - 1u);
    }
    let h = state[T * P.count + e];
    state[T * P.count + e] = p;
    prev = h;
  }
}
