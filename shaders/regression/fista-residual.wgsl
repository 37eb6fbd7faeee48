// Residual of one large regression problem: r = y − X·v, and (optionally) the FISTA momentum step.
// Bindings: 0 X (n×d row-major, read), 1 y (n), 2 v (d), 3 r (n, write), 4 state [t, mom, 0, 0] (read_write),
//           5 params {n, d, advance, accelerate, step, thr, shrink, _}.
// Maths: r_i = y_i − Σ_j X_ij v_j. With advance = 1, workgroup 0 also moves FISTA's t:
//        t⁺ = (1 + √(1 + 4t²))/2, mom = (t − 1)/t⁺ (0 when accelerate = 0), read by fista-step.
// Layout: one workgroup of 256 threads per row (a 2-D grid of rows when n > 65535); each thread sums a strided
//         slice of the row, then a tree reduction in workgroup memory.

struct Params { n: u32, d: u32, advance: u32, accelerate: u32, step: f32, thr: f32, shrink: f32, _pad: f32 }

@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read_write> r: array<f32>;
@group(0) @binding(4) var<storage, read_write> state: array<f32>;
@group(0) @binding(5) var<uniform> P: Params;

var<workgroup> part: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let row = wg.x + wg.y * nwg.x;
  if (row == 0u && li == 0u && P.advance == 1u) {
    let t = state[0];
    let tn = (1.0 + sqrt(1.0 + 4.0 * t * t)) * 0.5;
    state[1] = select(0.0, (t - 1.0) / tn, P.accelerate == 1u);
    state[0] = select(1.0, tn, P.accelerate == 1u);
  }
  if (row >= P.n) { return; }
  let base = row * P.d;
  var acc = 0.0;
  for (var j = li; j < P.d; j += 256u) { acc = fma(X[base + j], v[j], acc); }
  part[li] = acc;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (li < s) { part[li] += part[li + s]; }
    workgroupBarrier();
  }
  if (li == 0u) { r[row] = y[row] - part[0]; }
}
