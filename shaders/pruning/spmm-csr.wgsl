// Y (rows × tokens) = Ŵ · Xt for Ŵ in CSR: rowPtr (rows + 1), col and val (nnz each).
// Xt is X transposed (cols × tokens): the 64 threads of a workgroup take consecutive tokens of one row,
// so they share every col/val load and read Xt contiguously.
// Bindings: 0 rowPtr (u32), 1 col (u32), 2 val, 3 Xt, 4 Y (write), 5 uniforms {rows, tokens}.
struct Dims { rows: u32, tokens: u32, _a: u32, _b: u32 }

@group(0) @binding(0) var<storage, read> rowPtr: array<u32>;
@group(0) @binding(1) var<storage, read> col: array<u32>;
@group(0) @binding(2) var<storage, read> val: array<f32>;
@group(0) @binding(3) var<storage, read> Xt: array<f32>;
@group(0) @binding(4) var<storage, read_write> Y: array<f32>;
@group(0) @binding(5) var<uniform> dims: Dims;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = gid.x;
  let i = gid.y;
  if (t >= dims.tokens || i >= dims.rows) { return; }
  var acc = 0.0;
  for (var e = rowPtr[i]; e < rowPtr[i + 1u]; e++) {
    acc += val[e] * Xt[col[e] * dims.tokens + t];
  }
  Y[i * dims.tokens + t] = acc;
}
