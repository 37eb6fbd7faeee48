/** The layer-output error every method is judged by. */

/** ‖(W − Ŵ)Xᵀ‖_F / ‖WXᵀ‖_F for W, Ŵ (rows × cols) and X (tokens × cols). */
export function relErr(
  W: ArrayLike<number>,
  What: ArrayLike<number>,
  X: ArrayLike<number>,
  tokens: number,
  rows: number,
  cols: number,
): number {
  let num = 0;
  let den = 0;
  for (let t = 0; t < tokens; t++) {
    const xo = t * cols;
    for (let i = 0; i < rows; i++) {
      const wo = i * cols;
      let y = 0;
      let d = 0;
      for (let j = 0; j < cols; j++) {
        const x = X[xo + j];
        y += W[wo + j] * x;
        d += (W[wo + j] - What[wo + j]) * x;
      }
      num += d * d;
      den += y * y;
    }
  }
  return den > 0 ? Math.sqrt(num / den) : num > 0 ? Number.POSITIVE_INFINITY : 0;
}

/** ‖Y − Ŷ‖_F / ‖Y‖_F with Y = XWᵀ (tokens × rows), for methods that change the forward pass. */
export function relErrOutputs(
  W: ArrayLike<number>,
  Yhat: ArrayLike<number>,
  X: ArrayLike<number>,
  tokens: number,
  rows: number,
  cols: number,
): number {
  let num = 0;
  let den = 0;
  for (let t = 0; t < tokens; t++) {
    for (let i = 0; i < rows; i++) {
      let y = 0;
      for (let j = 0; j < cols; j++) y += W[i * cols + j] * X[t * cols + j];
      num += (y - Yhat[t * rows + i]) ** 2;
      den += y * y;
    }
  }
  return den > 0 ? Math.sqrt(num / den) : 0;
}

/**
 * The same ratio from the Gram matrix G = XᵀX (cols × cols): ‖ΔXᵀ‖² = Σ_i Δ_i G Δ_iᵀ. Cheaper than
 * relErr when several Ŵ are compared on the same X (rows·cols² instead of tokens·rows·cols).
 */
export function relErrGram(
  W: ArrayLike<number>,
  What: ArrayLike<number>,
  G: Float64Array,
  rows: number,
  cols: number,
): number {
  let num = 0;
  let den = 0;
  const d = new Float64Array(cols);
  const w = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      w[j] = W[i * cols + j];
      d[j] = w[j] - What[i * cols + j];
    }
    for (let a = 0; a < cols; a++) {
      const da = d[a];
      const wa = w[a];
      if (da === 0 && wa === 0) continue;
      const g = a * cols;
      let sd = 0;
      let sw = 0;
      for (let b = 0; b < cols; b++) {
        sd += G[g + b] * d[b];
        sw += G[g + b] * w[b];
      }
      num += da * sd;
      den += wa * sw;
    }
  }
  num = Math.max(0, num);
  return den > 0 ? Math.sqrt(num / den) : num > 0 ? Number.POSITIVE_INFINITY : 0;
}
