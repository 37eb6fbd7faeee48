// SLA block classes for one query block I (docs/methods.md#sla):
//   μ = Σ_J n_J k̄_J / N (global key mean, smooth-k), Ŝ_IJ = τ q̄_I·(k̄_J − μ), J visible iff !causal or J ≤ I;
//   rank visible J by Ŝ descending (ties: lower J first; causal: the diagonal is forced to rank 0);
//   class 2 if rank < nCrit, 1 if rank < nKeep, else 0; invisible J get −1 (counts[2(n_avail−1)+{0,1}] from the host);
//   α_I = Σ_crit n_J e^{Ŝ_IJ − max} / Σ_{crit ∪ marginal} n_J e^{Ŝ_IJ − max};
//   lut[I, rank] = J for rank < nKeep: the critical blocks, then the marginal ones (later passes loop over these only,
//   so skipped blocks cost nothing even on hardware that would execute a masked loop body).
// Bindings: 0 qPool (nb×d), 1 kPool (nb×d, raw block means), 2 counts (u32, 2·nb), 3 scores (nb×nb, write; 0 when
// invisible), 4 classes (i32 nb×nb, write), 5 alpha (nb, write), 6 lut (u32 nb×nb, write),
// 7 uniforms {n, d, block, nb, causal, tau}.
// One workgroup of WGC = 32 threads per query block; the score row (nb ≤ 2048) stays in workgroup memory and each
// thread ranks its blocks by counting (O(nb²) per query block). 32 rather than 256 threads: the work is small
// (nb·d + nb² per query block) and on a CPU-emulated adapter (SwiftShader) every barrier of a 256-wide workgroup
// cost so much that this pass took longer than the sparse attention itself (about 0.3 s against 9 ms at N = 1024).

struct Params { n: u32, d: u32, block: u32, nb: u32, causal: u32, tau: f32, _p0: u32, _p1: u32 }

@group(0) @binding(0) var<storage, read> qPool: array<f32>;
@group(0) @binding(1) var<storage, read> kPool: array<f32>;
@group(0) @binding(2) var<storage, read> counts: array<u32>;
@group(0) @binding(3) var<storage, read_write> scores: array<f32>;
@group(0) @binding(4) var<storage, read_write> classes: array<i32>;
@group(0) @binding(5) var<storage, read_write> alpha: array<f32>;
@group(0) @binding(6) var<storage, read_write> lut: array<u32>;
@group(0) @binding(7) var<uniform> P: Params;

const WGC: u32 = 32u;
const HALF: u32 = 16u; // WGC / 2

var<workgroup> mu: array<f32, 256>;
var<workgroup> qI: array<f32, 256>;
var<workgroup> sc: array<f32, 2048>;
var<workgroup> red: array<f32, WGC>;
var<workgroup> red2: array<f32, WGC>;

fn blockSize(J: u32) -> f32 { return f32(min((J + 1u) * P.block, P.n) - J * P.block); }

@compute @workgroup_size(WGC)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let I = wg.x;
  let nb = P.nb;
  let d = P.d;
  let causal = P.causal == 1u;
  for (var c = li; c < d; c += WGC) {
    var s = 0.0;
    for (var J = 0u; J < nb; J++) { s = fma(blockSize(J), kPool[J * d + c], s); }
    mu[c] = s / f32(P.n);
    qI[c] = qPool[I * d + c];
  }
  workgroupBarrier();
  var nAvail = nb;
  if (causal) { nAvail = I + 1u; }
  var mx = -3.0e38;
  for (var J = li; J < nb; J += WGC) {
    if (J < nAvail) {
      var s = 0.0;
      for (var c = 0u; c < d; c++) { s = fma(qI[c], kPool[J * d + c] - mu[c], s); }
      s = s * P.tau;
      sc[J] = s;
      scores[I * nb + J] = s;
      mx = max(mx, s);
    } else {
      scores[I * nb + J] = 0.0; // invisible: the host turns these into −∞ (class −1)
    }
  }
  red[li] = mx;
  workgroupBarrier();
  for (var st = HALF; st > 0u; st = st / 2u) {
    if (li < st) { red[li] = max(red[li], red[li + st]); }
    workgroupBarrier();
  }
  let rowMax = red[0];
  workgroupBarrier();

  let nCrit = counts[2u * (nAvail - 1u)];
  let nKeep = counts[2u * (nAvail - 1u) + 1u];
  var crit = 0.0;
  var keep = 0.0;
  for (var J = li; J < nb; J += WGC) {
    var cls = -1;
    if (J < nAvail) {
      var rank = 0u;
      if (!(causal && J == I)) {
        let s = sc[J];
        for (var J2 = 0u; J2 < nAvail; J2++) {
          if (causal && J2 == I) { continue; }
          let s2 = sc[J2];
          if (s2 > s || (s2 == s && J2 < J)) { rank++; }
        }
        if (causal) { rank++; }
      }
      cls = 0;
      if (rank < nKeep) {
        cls = 1;
        lut[I * nb + rank] = J;
      }
      if (rank < nCrit) { cls = 2; }
      let w = blockSize(J) * exp(sc[J] - rowMax);
      if (cls == 2) { crit += w; }
      if (cls >= 1) { keep += w; }
    }
    classes[I * nb + J] = cls;
  }
  red[li] = crit;
  red2[li] = keep;
  workgroupBarrier();
  for (var st = HALF; st > 0u; st = st / 2u) {
    if (li < st) {
      red[li] += red[li + st];
      red2[li] += red2[li + st];
    }
    workgroupBarrier();
  }
  if (li == 0u) { alpha[I] = red[0] / red2[0]; }
}
