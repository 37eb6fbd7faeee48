// Batched Lasso by FISTA: thousands of independent small problems, one workgroup each (phase diagrams).
// Per problem: L = 1.01·σ_max(A)²/n by 50 power iterations from the all-ones vector; α = ratio·max|Aᵀy|/n;
// then FISTA on (1/2n)‖y − Aw‖² + α‖w‖₁ exactly as workers/reference/regression/fista.ts: every `every`
// iterations the duality gap (scikit-learn's, n-scaled) at w decides the stop (gap < tol·‖y‖²) and the momentum
// restarts (z = w, t = 1) when the objective rose since the previous check.
// Bindings: 0 desc (8 u32 per problem: key, n, k, xOff, yOff, lOff, 0, 0), 1 X, 2 y, 3 coef (count×d, write),
//           4 info (count×4: iterations, gap/‖y‖², restarts, L), 5 params {d, count, maxIter, every, tol, ratio, _, _}.
// Preludes: shaders/common/phase-batch.wgsl (desc at binding 0, WG, MAX), shaders/common/phase-solve.wgsl (X, y, coef).
// Layout: WG threads per workgroup, one problem per workgroup (2-D grid); w, z, r in workgroup memory (n, d ≤ 512),
//         reductions by tree in workgroup memory; thread 0 takes the stop/restart decision, read back uniformly.

struct Params { d: u32, count: u32, maxIter: u32, every: u32, tol: f32, ratio: f32, _a: f32, _b: f32 }

@group(0) @binding(4) var<storage, read_write> info: array<f32>;
@group(0) @binding(5) var<uniform> P: Params;

var<workgroup> w: array<f32, MAX>;
var<workgroup> z: array<f32, MAX>;
var<workgroup> r: array<f32, MAX>;
var<workgroup> red: array<vec4<f32>, WG>;
var<workgroup> decision: u32;
var<workgroup> lastCheck: vec4<f32>;
var<workgroup> total: vec4<f32>;

// x, y, z summed; w maxed; the result read back uniformly by every thread.
fn reduceSumMax(li: u32, v: vec4<f32>) -> vec4<f32> {
  red[li] = v;
  workgroupBarrier();
  for (var h = WG / 2u; h > 0u; h >>= 1u) {
    if (li < h) {
      let a = red[li];
      let b = red[li + h];
      red[li] = vec4<f32>(a.xyz + b.xyz, max(a.w, b.w));
    }
    workgroupBarrier();
  }
  if (li == 0u) { total = red[0]; }
  return workgroupUniformLoad(&total);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let p = problem_index(wg, nwg);
  if (p >= P.count) { return; }
  let pr = problem_of(p);
  let n = pr.n;
  let xOff = pr.xOff;
  let yOff = pr.yOff;
  let d = P.d;
  let fn_ = f32(n);

  // Power iteration on AᵀA (v in z, Av in r, AᵀAv in w).
  for (var j = li; j < d; j += WG) { z[j] = 1.0 / sqrt(f32(d)); }
  workgroupBarrier();
  var lam = 0.0;
  for (var t = 0u; t < 50u; t++) {
    for (var i = li; i < n; i += WG) {
      var a = 0.0;
      for (var j = 0u; j < d; j++) { a = fma(X[xOff + i * d + j], z[j], a); }
      r[i] = a;
    }
    workgroupBarrier();
    var part = 0.0;
    for (var j = li; j < d; j += WG) {
      var g = 0.0;
      for (var i = 0u; i < n; i++) { g = fma(X[xOff + i * d + j], r[i], g); }
      w[j] = g;
      part += g * g;
    }
    let tot = reduceSumMax(li, vec4<f32>(part, 0.0, 0.0, 0.0));
    let nrm = sqrt(tot.x);
    if (nrm > 0.0) { lam = nrm; }
    for (var j = li; j < d; j += WG) { z[j] = select(z[j], w[j] / nrm, nrm > 0.0); }
    workgroupBarrier();
  }
  let L = 1.01 * lam / fn_;

  // α = ratio·max|Aᵀy|/n and ‖y‖².
  var mx = 0.0;
  for (var j = li; j < d; j += WG) {
    var g = 0.0;
    for (var i = 0u; i < n; i++) { g = fma(X[xOff + i * d + j], y[yOff + i], g); }
    mx = max(mx, abs(g));
  }
  var yy = 0.0;
  for (var i = li; i < n; i += WG) { yy += y[yOff + i] * y[yOff + i]; }
  let ay = reduceSumMax(li, vec4<f32>(yy, 0.0, 0.0, mx));
  let alpha = P.ratio * ay.w / fn_;
  let yNormSq = ay.x;
  let tolAbs = P.tol * yNormSq;
  let thr = alpha / L;
  let step = 1.0 / (fn_ * L);
  let a1 = alpha * fn_; // the n-scaled l1 weight of the gap

  for (var j = li; j < d; j += WG) { w[j] = 0.0; z[j] = 0.0; }
  workgroupBarrier();
  var t = 1.0;
  var it = 0u;
  var restarts = 0u;
  loop {
    if (it >= P.maxIter || L <= 0.0) { break; }
    // r = y − Az
    for (var i = li; i < n; i += WG) {
      var a = 0.0;
      for (var j = 0u; j < d; j++) { a = fma(X[xOff + i * d + j], z[j], a); }
      r[i] = y[yOff + i] - a;
    }
    workgroupBarrier();
    let tn = (1.0 + sqrt(1.0 + 4.0 * t * t)) * 0.5;
    let mom = (t - 1.0) / tn;
    for (var j = li; j < d; j += WG) {
      var g = 0.0;
      for (var i = 0u; i < n; i++) { g = fma(X[xOff + i * d + j], r[i], g); }
      let u = z[j] + step * g;
      let wn = sign(u) * max(abs(u) - thr, 0.0);
      z[j] = wn + mom * (wn - w[j]);
      w[j] = wn;
    }
    workgroupBarrier();
    t = tn;
    it++;
    if (it % P.every == 0u || it == P.maxIter) {
      // Gap at w: r = y − Aw, then max|Aᵀr|, ‖r‖², rᵀy, ‖w‖₁.
      for (var i = li; i < n; i += WG) {
        var a = 0.0;
        for (var j = 0u; j < d; j++) { a = fma(X[xOff + i * d + j], w[j], a); }
        r[i] = y[yOff + i] - a;
      }
      workgroupBarrier();
      var dual = 0.0;
      var l1 = 0.0;
      for (var j = li; j < d; j += WG) {
        var g = 0.0;
        for (var i = 0u; i < n; i++) { g = fma(X[xOff + i * d + j], r[i], g); }
        dual = max(dual, abs(g));
        l1 += abs(w[j]);
      }
      var rr = 0.0;
      var ry = 0.0;
      for (var i = li; i < n; i += WG) { rr += r[i] * r[i]; ry += r[i] * y[yOff + i]; }
      let s = reduceSumMax(li, vec4<f32>(rr, ry, l1, dual));
      if (li == 0u) {
        var c = 1.0;
        var gp = s.x;
        if (s.w > a1) { c = a1 / s.w; gp = 0.5 * s.x * (1.0 + c * c); }
        gp += a1 * s.z - c * s.y;
        let obj = s.x / (2.0 * fn_) + alpha * s.z;
        var dec = 0u;
        if (gp < tolAbs) { dec = 1u; }
        else if (obj > lastCheck.x && it > P.every) { dec = 2u; }
        lastCheck = vec4<f32>(obj, gp, 0.0, 0.0);
        decision = dec;
      }
      let dec = workgroupUniformLoad(&decision);
      if (dec == 1u) { break; }
      if (dec == 2u) {
        for (var j = li; j < d; j += WG) { z[j] = w[j]; }
        t = 1.0;
        restarts++;
        workgroupBarrier();
      }
    }
  }
  workgroupBarrier();
  for (var j = li; j < d; j += WG) { coef[p * d + j] = w[j]; }
  if (li == 0u) {
    info[p * 4u] = f32(it);
    info[p * 4u + 1u] = lastCheck.y / max(yNormSq, 1e-30);
    info[p * 4u + 2u] = f32(restarts);
    info[p * 4u + 3u] = L;
  }
}
