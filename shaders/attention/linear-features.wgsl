// Feature map φ of linear attention (docs/methods.md#linear-attention), applied to every row: phi (N×F) from x (N×d).
// Bindings: 0 x (N×d, read), 1 aux (read: FAVOR+ ω (m×d), cosFormer [cos θ_i, sin θ_i] per row (N×2), else a dummy),
//           2 phi (N×F, write), 3 rowmax (N, write; FAVOR+ only), 4 uniforms {n, d, f, map, wgx, xsc = d^{-1/4}}.
// map 0 elu+1: φ = elu(x)+1; 1 relu; 2 softmax over the d features; 4 cosFormer: [relu(x)cos θ_i, relu(x)sin θ_i],
// θ_i = π(i+1)/(2N) (the host computes cos/sin: Vulkan allows sin/cos an absolute error of 2^-11).
// map 3 FAVOR+ (first half): phi = ω_r·x̃ − ‖x̃‖²/2 and rowmax = max_r ω_r·x̃ with x̃ = d^{-1/4}x;
// attention/linear-favor-exp.wgsl finishes φ = m^{-1/2}(exp(phi − c) + 1e-4).
// Workgroup: 64 threads own 8 rows staged in workgroup memory (d ≤ 256). FAVOR+: thread t computes features
// r ≡ t (mod 64) for all 8 rows, so each ω row is read once per 8 rows; row reductions go through workgroup memory.
// Workgroups are laid out 2-D (wgx per row of the grid) so N/8 may exceed 65535.

struct Params { n: u32, d: u32, f: u32, map: u32, wgx: u32, xsc: f32, _p1: u32, _p2: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> aux: array<f32>;
@group(0) @binding(2) var<storage, read_write> phi: array<f32>;
@group(0) @binding(3) var<storage, read_write> rowmax: array<f32>;
@group(0) @binding(4) var<uniform> P: Params;

const ROWS: u32 = 8u;
const WG: u32 = 64u;
const TPR: u32 = 8u; // threads per row in the softmax / norm reductions
const NEG: f32 = -3.0e38;

var<workgroup> xs: array<f32, 2048>; // [ROWS][d]
var<workgroup> red: array<f32, 512>; // [ROWS][WG]
var<workgroup> rowv: array<f32, 8>;

// Sum (or max) of red[r*TPR .. r*TPR+TPR) for each row r into rowv; call in uniform control flow.
fn rowReduce(li: u32, val: f32, isMax: bool) -> f32 {
  workgroupBarrier();
  red[li] = val;
  workgroupBarrier();
  if (li % TPR == 0u) {
    var a = red[li];
    for (var t = 1u; t < TPR; t++) {
      if (isMax) { a = max(a, red[li + t]); } else { a += red[li + t]; }
    }
    rowv[li / TPR] = a;
  }
  workgroupBarrier();
  return rowv[li / TPR];
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let row0 = (wg.y * P.wgx + wg.x) * ROWS;
  let d = P.d;
  for (var idx = li; idx < ROWS * d; idx += WG) {
    let row = row0 + idx / d;
    var val = 0.0;
    if (row < P.n) { val = x[row * d + idx % d]; }
    xs[idx] = val;
  }
  workgroupBarrier();

  // Row-wise maps: TPR threads per row.
  let r = li / TPR;
  let t = li % TPR;
  let myRow = row0 + r;
  if (P.map == 2u) {
    var mx = NEG;
    for (var c = t; c < d; c += TPR) { mx = max(mx, xs[r * d + c]); }
    mx = rowReduce(li, mx, true);
    var s = 0.0;
    for (var c = t; c < d; c += TPR) { s += exp(xs[r * d + c] - mx); }
    s = rowReduce(li, s, false);
    if (myRow < P.n) {
      for (var c = t; c < d; c += TPR) { phi[myRow * P.f + c] = exp(xs[r * d + c] - mx) / s; }
    }
    return;
  }
  if (P.map == 3u) {
    let xsc = P.xsc;
    var sq = 0.0;
    for (var c = t; c < d; c += TPR) { let v = xs[r * d + c] * xsc; sq += v * v; }
    sq = rowReduce(li, sq, false);
    red[li] = sq * 0.5; // red[r*TPR] now holds ‖x̃_r‖²/2 for row r (read below as half[])
    workgroupBarrier();
    var half: array<f32, 8>;
    for (var rr = 0u; rr < ROWS; rr++) { half[rr] = red[rr * TPR]; }
    workgroupBarrier();
    var lmax: array<f32, 8>;
    for (var rr = 0u; rr < ROWS; rr++) { lmax[rr] = NEG; }
    for (var fr = li; fr < P.f; fr += WG) {
      var acc: array<f32, 8>;
      for (var rr = 0u; rr < ROWS; rr++) { acc[rr] = 0.0; } // explicit: some compilers keep the previous iteration's values
      for (var c = 0u; c < d; c++) {
        let w = aux[fr * d + c];
        for (var rr = 0u; rr < ROWS; rr++) { acc[rr] = fma(w, xs[rr * d + c], acc[rr]); }
      }
      for (var rr = 0u; rr < ROWS; rr++) {
        let dash = acc[rr] * xsc;
        lmax[rr] = max(lmax[rr], dash);
        let row = row0 + rr;
        if (row < P.n) { phi[row * P.f + fr] = dash - half[rr]; }
      }
    }
    for (var rr = 0u; rr < ROWS; rr++) { red[rr * WG + li] = lmax[rr]; }
    workgroupBarrier();
    for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
      if (li < stride) {
        for (var rr = 0u; rr < ROWS; rr++) { red[rr * WG + li] = max(red[rr * WG + li], red[rr * WG + li + stride]); }
      }
      workgroupBarrier();
    }
    if (li < ROWS && row0 + li < P.n) { rowmax[row0 + li] = red[li * WG]; }
    return;
  }

  // Elementwise maps.
  for (var idx = li; idx < ROWS * d; idx += WG) {
    let row = row0 + idx / d;
    if (row >= P.n) { continue; }
    let c = idx % d;
    let val = xs[idx];
    if (P.map == 0u) {
      phi[row * P.f + c] = select(exp(val), val + 1.0, val > 0.0);
    } else if (P.map == 1u) {
      phi[row * P.f + c] = max(val, 0.0);
    } else {
      let rv = max(val, 0.0);
      phi[row * P.f + c] = rv * aux[2u * row];
      phi[row * P.f + d + c] = rv * aux[2u * row + 1u];
    }
  }
}
