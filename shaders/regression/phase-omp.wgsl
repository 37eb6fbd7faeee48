// Batched orthogonal matching pursuit: thousands of independent small problems, one workgroup each, k atoms.
// Per atom: c_j = A_jᵀr (threads over columns) → j* = argmax |c_j|/‖A_j‖ (tree reduction, ties to the lower j)
// → new row of the Cholesky factor of A_SᵀA_S by forward substitution and the coefficients by two triangular
// solves (thread 0, O(s²)) → r = y − A_S γ (threads over rows). Stops early if j* repeats or is dependent.
// Same maths as workers/reference/regression/omp.ts.
// Bindings: 0 desc (8 u32 per problem: key, n, k, xOff, yOff, lOff, 0, 0), 1 X, 2 y, 3 coef (count×d, write),
//           4 Lbuf (per-problem k×k scratch at lOff), 5 params {d, count, _, _}.
// Preludes: shaders/common/phase-batch.wgsl (desc at binding 0, WG, MAX), shaders/common/phase-solve.wgsl (X, y, coef).
// Layout: WG threads per workgroup, one problem per workgroup (2-D grid); r, column norms, the forward-solved
//         right-hand side and the coefficients live in workgroup memory (n, d, k ≤ 512).

struct Params { d: u32, count: u32, _a: u32, _b: u32 }

@group(0) @binding(4) var<storage, read_write> Lbuf: array<f32>;
@group(0) @binding(5) var<uniform> P: Params;

var<workgroup> r: array<f32, MAX>;
var<workgroup> cn: array<f32, MAX>;
var<workgroup> zb: array<f32, MAX>;
var<workgroup> gam: array<f32, MAX>;
var<workgroup> order: array<u32, MAX>;
var<workgroup> redV: array<f32, WG>;
var<workgroup> redI: array<u32, WG>;
var<workgroup> flag: u32;
var<workgroup> atoms: u32;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let p = problem_index(wg, nwg);
  if (p >= P.count) { return; }
  let pr = problem_of(p);
  let n = pr.n;
  let k = min(pr.k, min(n, P.d));
  let xOff = pr.xOff;
  let yOff = pr.yOff;
  let lOff = pr.lOff;
  let d = P.d;
  for (var i = li; i < n; i += WG) { r[i] = y[yOff + i]; }
  for (var j = li; j < d; j += WG) {
    var s = 0.0;
    for (var i = 0u; i < n; i++) { let x = X[xOff + i * d + j]; s = fma(x, x, s); }
    cn[j] = s;
    coef[p * d + j] = 0.0;
  }
  if (li == 0u) { atoms = 0u; }
  workgroupBarrier();

  for (var s = 0u; s < k; s++) {
    // Best column of this thread, then across the workgroup.
    var best = 0xffffffffu;
    var bestScore = -1.0;
    for (var j = li; j < d; j += WG) {
      if (cn[j] <= 0.0) { continue; }
      var c = 0.0;
      for (var i = 0u; i < n; i++) { c = fma(X[xOff + i * d + j], r[i], c); }
      let score = abs(c) / sqrt(cn[j]);
      if (score > bestScore) { bestScore = score; best = j; }
    }
    redV[li] = bestScore;
    redI[li] = best;
    workgroupBarrier();
    for (var h = WG / 2u; h > 0u; h >>= 1u) {
      if (li < h) {
        let a = redV[li];
        let b = redV[li + h];
        if (b > a || (b == a && redI[li + h] < redI[li])) { redV[li] = b; redI[li] = redI[li + h]; }
      }
      workgroupBarrier();
    }
    let jstar = redI[0];
    // Cross products A_{S_a}ᵀ a_{j*} into row s of L (threads over a).
    for (var a = li; a < s; a += WG) {
      let ja = order[a];
      var v = 0.0;
      for (var i = 0u; i < n; i++) { v = fma(X[xOff + i * d + ja], X[xOff + i * d + jstar], v); }
      Lbuf[lOff + s * k + a] = v;
    }
    storageBarrier();
    workgroupBarrier();
    if (li == 0u) {
      var stop = 0u;
      if (jstar == 0xffffffffu || redV[0] * redV[0] < 1e-30) { stop = 1u; }
      for (var a = 0u; a < s && stop == 0u; a++) { if (order[a] == jstar) { stop = 1u; } }
      if (stop == 0u) {
        // Forward substitution: L[s, :s] = L[:s, :s]⁻¹ (A_Sᵀ a_j*), then the diagonal.
        var zz = 0.0;
        for (var a = 0u; a < s; a++) {
          var v = Lbuf[lOff + s * k + a];
          for (var b = 0u; b < a; b++) { v -= Lbuf[lOff + a * k + b] * Lbuf[lOff + s * k + b]; }
          v = v / Lbuf[lOff + a * k + a];
          Lbuf[lOff + s * k + a] = v;
          zz += v * v;
        }
        let lkk = cn[jstar] - zz;
        if (lkk <= 1e-7 * cn[jstar]) { stop = 1u; }
        else {
          let lss = sqrt(lkk);
          Lbuf[lOff + s * k + s] = lss;
          order[s] = jstar;
          // Extend the forward-solved A_Sᵀy, then back-substitute the coefficients.
          var xy = 0.0;
          for (var i = 0u; i < n; i++) { xy = fma(X[xOff + i * d + jstar], y[yOff + i], xy); }
          var v = xy;
          for (var a = 0u; a < s; a++) { v -= Lbuf[lOff + s * k + a] * zb[a]; }
          zb[s] = v / lss;
          for (var ii = 0u; ii <= s; ii++) {
            let i = s - ii;
            var u = zb[i];
            for (var a = i + 1u; a <= s; a++) { u -= Lbuf[lOff + a * k + i] * gam[a]; }
            gam[i] = u / Lbuf[lOff + i * k + i];
          }
          atoms = s + 1u;
        }
      }
      flag = stop;
    }
    let stopAll = workgroupUniformLoad(&flag);
    if (stopAll == 1u) { break; }
    // r = y − A_S γ (threads over rows).
    for (var i = li; i < n; i += WG) {
      var f = y[yOff + i];
      for (var a = 0u; a <= s; a++) { f -= X[xOff + i * d + order[a]] * gam[a]; }
      r[i] = f;
    }
    workgroupBarrier();
  }
  storageBarrier();
  let m = workgroupUniformLoad(&atoms);
  for (var a = li; a < m; a += WG) { coef[p * d + order[a]] = gam[a]; }
}
