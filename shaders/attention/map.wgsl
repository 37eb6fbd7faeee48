// Downsampled attention map for the views: M[h][r][c] = mean over the cell's (query i, key j) pairs of
// P_ij = exp(τ q_i·k_j − LSE_i) (0 where causal hides j), with LSE from the dense kernel.
// Bindings: 0 Q, 1 K (H×N×d), 2 LSE (H×N), 3 M (H×R×C, write), 4 params {n, d, causal, rows, cols, scale}.
// Grid (R, H); WG threads: thread c < C sums its key range over the cell's rows; the query row is staged
// in workgroup memory (d ≤ 256). Cost O(N²d) like dense attention, with no N×N buffer.

struct MapParams { n: u32, d: u32, causal: u32, rows: u32, cols: u32, scale: f32, _p0: u32, _p1: u32 }

@group(0) @binding(0) var<storage, read> Q: array<f32>;
@group(0) @binding(1) var<storage, read> K: array<f32>;
@group(0) @binding(2) var<storage, read> LSE: array<f32>;
@group(0) @binding(3) var<storage, read_write> M: array<f32>;
@group(0) @binding(4) var<uniform> mp: MapParams;

var<workgroup> qrow: array<f32, 256>;

// Threads per workgroup (one per map column: at least the largest C; the wrapper passes 256).
override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let r = wg.x;
  let h = wg.y;
  let i0 = (r * mp.n) / mp.rows;
  let i1 = ((r + 1u) * mp.n) / mp.rows;
  let j0 = (t * mp.n) / mp.cols;
  let j1 = ((t + 1u) * mp.n) / mp.cols;
  let base = h * mp.n * mp.d;
  var acc = 0.0;
  for (var i = i0; i < i1; i++) {
    workgroupBarrier();
    for (var e = t; e < mp.d; e += WG) { qrow[e] = Q[base + i * mp.d + e]; }
    workgroupBarrier();
    if (t < mp.cols) {
      let lse = LSE[h * mp.n + i];
      var hi = j1;
      if (mp.causal != 0u) { hi = min(j1, i + 1u); }
      for (var j = j0; j < hi; j++) {
        var dot = 0.0;
        for (var e = 0u; e < mp.d; e++) { dot = fma(qrow[e], K[base + j * mp.d + e], dot); }
        acc += exp(dot * mp.scale - lse);
      }
    }
  }
  if (t < mp.cols) {
    let pairs = f32(max(1u, (i1 - i0) * (j1 - j0)));
    M[(h * mp.rows + r) * mp.cols + t] = acc / pairs;
  }
}
