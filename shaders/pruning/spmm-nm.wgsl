// Y (rows × tokens) = Ŵ · Xt for an N:M-compressed Ŵ: per row, G = ⌈cols/M⌉ groups of N values,
// values[i·G·N + g·N + n], and each value's offset inside its group (0..M−1) packed `bits` bits each,
// `per` offsets per u32, metadata[i·metaStride + q/per] >> ((q % per)·bits). Padded slots hold value 0.
// Xt is X transposed (cols × tokens), so threads of a workgroup (consecutive tokens of one row) read
// consecutive addresses, and every thread of the workgroup reads the same values and metadata.
// Bindings: 0 values, 1 metadata (u32), 2 Xt, 3 Y (write), 4 uniforms {rows, cols, tokens, N, M, bits, per, metaStride}.
struct Dims { rows: u32, cols: u32, tokens: u32, N: u32, M: u32, bits: u32, per: u32, metaStride: u32 }

@group(0) @binding(0) var<storage, read> values: array<f32>;
@group(0) @binding(1) var<storage, read> metadata: array<u32>;
@group(0) @binding(2) var<storage, read> Xt: array<f32>;
@group(0) @binding(3) var<storage, read_write> Y: array<f32>;
@group(0) @binding(4) var<uniform> dims: Dims;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = gid.x;
  let i = gid.y;
  if (t >= dims.tokens || i >= dims.rows) { return; }
  let groups = (dims.cols + dims.M - 1u) / dims.M;
  let slots = groups * dims.N;
  let vbase = i * slots;
  let mbase = i * dims.metaStride;
  let mask = (1u << dims.bits) - 1u;
  var acc = 0.0;
  for (var q = 0u; q < slots; q++) {
    let word = metadata[mbase + q / dims.per];
    let off = (word >> ((q % dims.per) * dims.bits)) & mask;
    let j = (q / dims.N) * dims.M + off;
    acc += values[vbase + q] * Xt[j * dims.tokens + t];
  }
  Y[i * dims.tokens + t] = acc;
}
