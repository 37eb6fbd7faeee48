// Block scores from pooled Q and K: Ŝ[h][I][J] = τ q̄_I·k̄_J, and −3e38 where J > I when causal (key block
// J starts after the last query of block I; same block size for queries and keys).
// Bindings: 0 Q̄ (H×nb×d), 1 K̄ (H×nb×d), 2 Ŝ (H×nb×nb, write), 3 params {nb, d, causal, scale}.
// Grid (⌈nb/16⌉, ⌈nb/16⌉, H); 16×16 threads, one score each (selection is O((N/b)²d): small next to attention).

struct ScoreParams { nb: u32, d: u32, causal: u32, scale: f32 }

@group(0) @binding(0) var<storage, read> QB: array<f32>;
@group(0) @binding(1) var<storage, read> KB: array<f32>;
@group(0) @binding(2) var<storage, read_write> S: array<f32>;
@group(0) @binding(3) var<uniform> sp: ScoreParams;

@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let J = g.x;
  let I = g.y;
  let h = g.z;
  if (I >= sp.nb || J >= sp.nb) { return; }
  var s = -3.0e38;
  if (sp.causal == 0u || J <= I) {
    var dot = 0.0;
    let qa = (h * sp.nb + I) * sp.d;
    let ka = (h * sp.nb + J) * sp.d;
    for (var e = 0u; e < sp.d; e++) { dot = fma(QB[qa + e], KB[ka + e], dot); }
    s = dot * sp.scale;
  }
  S[(h * sp.nb + I) * sp.nb + J] = s;
}
