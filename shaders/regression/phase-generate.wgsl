// Builds a batch of phase-diagram problems on the GPU; the twin of workers/reference/regression/phase.ts.
// Every random number is pcg(pcg(counter) ^ key): A_ij = N(0, 1)/√n by Box–Muller from counters 2e, 2e+1
// (e = i·d + j), the support by a partial Fisher–Yates (swap s with s + pcg(...) mod (d − s)), values ±1 or
// N(0, 1), y = A w* (+ σ·noise).
// Bindings: 0 desc (8 u32 per problem: key, n, k, xOff, yOff, lOff, 0, 0), 1 X (write), 2 y (write),
//           3 wTrue (count×d, write), 4 params {d, count, gaussianValues, sigma}.
// Prelude: shaders/common/phase-batch.wgsl (desc at binding 0, WG, MAX).
// Layout: one workgroup of WG threads per problem (2-D grid of problems); threads fill A in parallel, thread 0
//         draws the support into workgroup memory, then threads form y.

struct Params { d: u32, count: u32, gaussianValues: u32, sigma: f32 }

@group(0) @binding(1) var<storage, read_write> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> wTrue: array<f32>;
@group(0) @binding(4) var<uniform> P: Params;

const SUPPORT_BASE: u32 = 0x40000000u;
const VALUE_BASE: u32 = 0x50000000u;
const NOISE_BASE: u32 = 0x60000000u;

var<workgroup> idx: array<u32, MAX>;
var<workgroup> vals: array<f32, MAX>;

fn pcg(x: u32) -> u32 {
  let state = x * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}
fn rnd(key: u32, c: u32) -> u32 { return pcg(pcg(c) ^ key); }
fn unif(u: u32) -> f32 { return f32((u >> 9u) * 2u + 1u) * (1.0 / 16777216.0); }
fn gauss(key: u32, c: u32) -> f32 {
  let u1 = unif(rnd(key, 2u * c));
  let u2 = unif(rnd(key, 2u * c + 1u));
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let p = problem_index(wg, nwg);
  if (p >= P.count) { return; }
  let pr = problem_of(p);
  let key = pr.key;
  let n = pr.n;
  let k = pr.k;
  let xOff = pr.xOff;
  let yOff = pr.yOff;
  let d = P.d;
  let scale = 1.0 / sqrt(f32(n));
  for (var e = li; e < n * d; e += WG) { X[xOff + e] = gauss(key, e) * scale; }
  for (var j = li; j < d; j += WG) { wTrue[p * d + j] = 0.0; idx[j] = j; }
  workgroupBarrier();
  if (li == 0u) {
    for (var s = 0u; s < k; s++) {
      let j = s + rnd(key, SUPPORT_BASE + s) % (d - s);
      let tmp = idx[s];
      idx[s] = idx[j];
      idx[j] = tmp;
      var v: f32;
      if (P.gaussianValues == 1u) { v = gauss(key, VALUE_BASE / 2u + s); }
      else { v = select(-1.0, 1.0, (rnd(key, VALUE_BASE + 2u * s) & 1u) == 1u); }
      vals[s] = v;
      wTrue[p * d + idx[s]] = v;
    }
  }
  workgroupBarrier();
  storageBarrier();
  for (var i = li; i < n; i += WG) {
    var acc = 0.0;
    for (var s = 0u; s < k; s++) { acc += X[xOff + i * d + idx[s]] * vals[s]; }
    if (P.sigma > 0.0) { acc += P.sigma * gauss(key, NOISE_BASE / 2u + i); }
    y[yOff + i] = acc;
  }
}
