/** C = op(A)·op(B) [+ bias] [ReLU] [+ C0] in float64: the reference of shaders/sae/gemm.wgsl. */
export function gemmRef(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  s: { M: number; N: number; K: number; transA?: boolean; transB?: boolean; relu?: boolean },
  bias?: ArrayLike<number>,
  c0?: ArrayLike<number>,
): Float64Array {
  const { M, N, K } = s;
  const out = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let v = 0;
      for (let p = 0; p < K; p++) {
        const av = s.transA ? a[p * M + i] : a[i * K + p];
        const bv = s.transB ? b[j * K + p] : b[p * N + j];
        v += av * bv;
      }
      if (bias) v += bias[j];
      if (s.relu) v = Math.max(v, 0);
      if (c0) v += c0[i * N + j];
      out[i * N + j] = v;
    }
  }
  return out;
}
