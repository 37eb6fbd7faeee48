// Column norms of the calibration inputs: norms[j] = sqrt(Σ_t X[t, j]²), X tokens × cols, row-major.
// Bindings: 0 X (read), 1 norms (write), 2 uniforms {tokens, cols}.
// One thread per column; consecutive threads read consecutive columns of a row (coalesced).
struct Dims { tokens: u32, cols: u32, _a: u32, _b: u32 }

@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> norms: array<f32>;
@group(0) @binding(2) var<uniform> dims: Dims;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  if (j >= dims.cols) { return; }
  var s = 0.0;
  for (var t = 0u; t < dims.tokens; t++) {
    let x = X[t * dims.cols + j];
    s += x * x;
  }
  norms[j] = sqrt(s);
}
