// Pruning scores: S[i, j] = |W[i, j]| (mode 0, magnitude) or |W[i, j]|·norms[j] (mode 1, Wanda).
// Bindings: 0 W (read), 1 norms (read), 2 S (write), 3 uniforms {rows, cols, mode}.
// One thread per weight, 2-D grid of 16×16 workgroups (x = column, y = row).
struct Dims { rows: u32, cols: u32, mode: u32, _pad: u32 }

@group(0) @binding(0) var<storage, read> W: array<f32>;
@group(0) @binding(1) var<storage, read> norms: array<f32>;
@group(0) @binding(2) var<storage, read_write> S: array<f32>;
@group(0) @binding(3) var<uniform> dims: Dims;

override WG_X: u32 = 16u;
override WG_Y: u32 = 16u;

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  let i = gid.y;
  if (i >= dims.rows || j >= dims.cols) { return; }
  let w = abs(W[i * dims.cols + j]);
  S[i * dims.cols + j] = select(w, w * norms[j], dims.mode == 1u);
}
