// Top-k per row with ties to the lower latent index (the CPU reference's rule): row r < B keeps the k largest
// pre-activations of sample r; row B + b (AuxK, when on) the kAux largest among dead latents (since ≥ deadAfter).
// sel = kept, z = kept and π > 0 ? π : 0. Thread per row, k scans of the row (toy sizes).
@group(0) @binding(0) var<storage, read> pre: array<f32>;
@group(0) @binding(1) var<storage, read> lat: array<f32>;
@group(0) @binding(2) var<storage, read_write> sel: array<u32>;
@group(0) @binding(3) var<storage, read_write> z: array<f32>;
@group(0) @binding(4) var<uniform> D: Dims;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = flatIndex(gid, nwg);
  let auxRow = r >= D.B;
  if (r >= D.B * select(1u, 2u, D.aux == 1u)) { return; }
  let b = select(r, r - D.B, auxRow);
  let K = select(D.k, D.kAux, auxRow);
  let o = r * D.M;
  for (var i = 0u; i < D.M; i++) {
    sel[o + i] = 0u;
    z[o + i] = 0.0;
  }
  for (var n = 0u; n < K; n++) {
    var best = 0u;
    var found = false;
    var bv = 0.0;
    for (var i = 0u; i < D.M; i++) {
      if (sel[o + i] == 1u) { continue; }
      if (auxRow && lat[i] < D.deadAfter) { continue; }
      let v = pre[b * D.M + i];
      if (!found || v > bv) {
        found = true;
        bv = v;
        best = i;
      }
    }
    if (!found) { break; }
    sel[o + best] = 1u;
    z[o + best] = max(bv, 0.0);
  }
}
