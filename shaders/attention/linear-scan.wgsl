// Chunk states → what each chunk's queries see. Causal: exclusive prefix sum over chunks, in place
// (state[c] ← Σ_{c' < c} H_{c'}); non-causal: the total Σ_c H_c into slot 0.
// Bindings: 0 state (nChunks×count, read-write), 1 uniforms {count = F·(d+1), nChunks, causal, wgx}.
// One thread per state element (WG per workgroup, 2-D grid), walking the chunks in order.

struct Params { count: u32, nChunks: u32, causal: u32, wgx: u32 }

@group(0) @binding(0) var<storage, read_write> state: array<f32>;
@group(0) @binding(1) var<uniform> P: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let e = (wg.y * P.wgx + wg.x) * WG + li;
  if (e >= P.count) { return; }
  var acc = 0.0;
  for (var c = 0u; c < P.nChunks; c++) {
    let h = state[c * P.count + e];
    if (P.causal == 1u) { state[c * P.count + e] = acc; }
    acc += h;
  }
  if (P.causal == 0u) { state[e] = acc; }
}
