// BatchTopK threshold, digit choice (one thread). INIT: sel = (prefix 0, mask 0, need = k·B), minKept = ~0.
// Otherwise: walk hist from the top digit down until the count reaches `need`; fix that digit in the prefix
// and keep the remainder as the new need. After the 4 passes sel[0] is the key of the (k·B)-th largest π.
// Bindings: 0 hist (u32, 256), 1 sel (u32, 4), 2 minKept (u32), 3 dims.

override INIT: bool = false;

struct Dims { shift: u32, need: u32, _p0: u32, _p1: u32 }

@group(0) @binding(0) var<storage, read> hist: array<u32>;
@group(0) @binding(1) var<storage, read_write> sel: array<u32>;
@group(0) @binding(2) var<storage, read_write> minKept: array<u32>;
@group(0) @binding(3) var<uniform> D: Dims;

@compute @workgroup_size(1)
fn main() {
  if (INIT) {
    sel[0] = 0u;
    sel[1] = 0u;
    sel[2] = D.need;
    minKept[0] = 0xffffffffu;
    return;
  }
  let need = sel[2];
  var cum = 0u;
  for (var b = 255; b >= 0; b--) {
    let h = hist[u32(b)];
    if (cum + h >= need) {
      sel[0] = sel[0] | (u32(b) << D.shift);
      sel[1] = sel[1] | (255u << D.shift);
      sel[2] = need - cum;
      return;
    }
    cum += h;
  }
}
