// Residual of one regression problem, one thread per row (the variant for small n·d: no barriers):
// r = y − X·v, reading X column-major (XT, d×n) so neighbouring threads read neighbouring addresses;
// thread 0 also advances FISTA's momentum when advance = 1.
// Preludes: shaders/common/regression-params.wgsl, shaders/common/dot-thread.wgsl (binds M = XT, u = v).
// Bindings: 0 XT (d×n row-major, read), 1 v (d), 2 y (n), 3 r (n, write), 4 state [t, mom, 0, 0] (read_write),
//           5 params.
// Layout: workgroups of WG threads over the rows (2-D grid of workgroups when n > WG·65535).

@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> r: array<f32>;
@group(0) @binding(4) var<storage, read_write> state: array<f32>;
@group(0) @binding(5) var<uniform> P: Params;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = thread_output(wg, nwg, li);
  if (i == 0u && P.advance == 1u) {
    let tm = fista_momentum(state[0], P.accelerate == 1u);
    state[1] = tm.y;
    state[0] = tm.x;
  }
  if (i >= P.n) { return; }
  r[i] = y[i] - dot_strided(i, P.n, P.d);
}
