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
