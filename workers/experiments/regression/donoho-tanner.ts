/**
 * Donoho–Tanner's ℓ1 phase transition through the statistical dimension of the ℓ1 descent cone
 * (Amelunxen, Lotz, McCoy, Tropp 2014): for sparsity fraction ε = k/d,
 *   ψ(ε) = min_{t≥0} ε(1 + t²) + (1 − ε)·2[(1 + t²)Q(t) − tφ(t)],
 * and basis pursuit succeeds w.h.p. above the curve (δ, ρ) = (ψ(ε), ε/ψ(ε)) in the (δ = n/d, ρ = k/n) plane.
 * Q is the standard normal upper tail, φ its density. Signed (±) signals; non-negative ones differ.
 */

/** erfc with relative error < 1.2e-7 (Numerical Recipes' Chebyshev fit), enough for a plotted curve. */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

const phi = (t: number) => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
const upperTail = (t: number) => 0.5 * erfc(t / Math.SQRT2);

function objective(eps: number, t: number): number {
  const s = 1 + t * t;
  return eps * s + (1 - eps) * 2 * (s * upperTail(t) - t * phi(t));
}

/** ψ(ε) by golden-section search on t ∈ [0, 12] (the objective is convex in t). */
export function psi(eps: number): number {
  let a = 0;
  let b = 12;
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = objective(eps, c);
  let fd = objective(eps, d);
  for (let i = 0; i < 200 && b - a > 1e-12; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = objective(eps, c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = objective(eps, d);
    }
  }
  return Math.min(objective(eps, (a + b) / 2), objective(eps, 0));
}

/** Points (δ, ρ) of the theoretical curve, δ increasing, for ε on a fine grid in (0, 1). */
export function donohoTannerCurve(points = 120): Array<{ delta: number; rho: number }> {
  const out: Array<{ delta: number; rho: number }> = [];
  for (let i = 1; i < points; i++) {
    // Denser near ε → 0 where the curve bends.
    const eps = (i / points) ** 2;
    const delta = psi(eps);
    if (delta > 0 && delta <= 1) out.push({ delta, rho: eps / delta });
  }
  out.sort((p, q) => p.delta - q.delta);
  return out;
}

/** ρ on the curve at a given δ (linear interpolation), for a table or a test. */
export function rhoAt(curve: Array<{ delta: number; rho: number }>, delta: number): number {
  if (delta <= curve[0].delta) return curve[0].rho;
  for (let i = 1; i < curve.length; i++) {
    if (curve[i].delta >= delta) {
      const p = curve[i - 1];
      const q = curve[i];
      return p.rho + ((delta - p.delta) / (q.delta - p.delta)) * (q.rho - p.rho);
    }
  }
  return curve[curve.length - 1].rho;
}
