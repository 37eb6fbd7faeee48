// Residual of one regression problem, one thread per row (the variant for small n·d: no barriers):
// r = y − X·v, reading X column-major (XT, d×n) so neighbouring threads read neighbouring addresses;
// thread 0 also advances FISTA's momentum when advance = 1 (t⁺ = (1 + √(1 + 4t²))/2, mom = (t − 1)/t⁺).
// Bindings: 0 XT (d×n row-major, read), 1 y (n), 2 v (d), 3 r (n, write), 4 state [t, mom, 0, 0] (read_write),
//           5 params {n, d, advance, accelerate, step, thr, shrink, _}.
// Layout: workgroups of 64 threads over the rows (2-D grid of workgroups when n > 64·65535).

struct Params { n: u32, d: u32, advance: u32, accelerate: u32, step: f32, thr: f32, shrink: f32, _pad: f32 }

@group(0) @binding(0) var<storage, read> XT: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read_write> r: array<f32>;
@group(0) @binding(4) var<storage, read_write> state: array<f32>;
@group(0) @binding(5) var<uniform> P: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = (wg.x + wg.y * nwg.x) * 64u + li;
  if (i == 0u && P.advance == 1u) {
    let t = state[0];
    let tn = (1.0 + sqrt(1.0 + 4.0 * t * t)) * 0.5;
    state[1] = select(0.0, (t - 1.0) / tn, P.accelerate == 1u);
    state[0] = select(1.0, tn, P.accelerate == 1u);
  }
  if (i >= P.n) { return; }
  var acc = 0.0;
  for (var j = 0u; j < P.d; j++) { acc = fma(XT[j * P.n + i], v[j], acc); }
  r[i] = y[i] - acc;
}
