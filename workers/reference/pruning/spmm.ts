/**
 * The CPU side of the sparse × dense products (workers/kernels/pruning/spmm.ts): N:M compression (values +
 * packed in-group offsets), CSR, their byte counts, and the float64 product the kernels are checked against.
 */

/** N:M-compressed weights: G·N values per row and their in-group offsets packed `bits` bits each. */
export interface NmCompressed {
  rows: number;
  cols: number;
  n: number;
  m: number;
  values: Float32Array;
  meta: Uint32Array;
  bits: number;
  per: number;
  metaStride: number;
}

export function compressNm(
  W: ArrayLike<number>,
  keep: Uint8Array,
  rows: number,
  cols: number,
  n: number,
  m: number,
): NmCompressed {
  const groups = Math.ceil(cols / m);
  const slots = groups * n;
  const bits = Math.max(1, Math.ceil(Math.log2(m)));
  const per = Math.floor(32 / bits);
  const metaStride = Math.ceil(slots / per);
  const values = new Float32Array(rows * slots);
  const meta = new Uint32Array(rows * metaStride);
  for (let i = 0; i < rows; i++) {
    for (let g = 0; g < groups; g++) {
      let q = 0;
      for (let o = 0; o < m && g * m + o < cols; o++) {
        if (!keep[i * cols + g * m + o]) continue;
        if (q >= n) throw new Error(`row ${i}, group ${g} keeps more than ${n} of ${m}: not an N:M mask`);
        const slot = g * n + q;
        values[i * slots + slot] = W[i * cols + g * m + o];
        meta[i * metaStride + Math.floor(slot / per)] |= o << ((slot % per) * bits);
        q++;
      }
    }
  }
  return { rows, cols, n, m, values, meta, bits, per, metaStride };
}

export function decompressNm(c: NmCompressed): Float32Array {
  const { rows, cols, n, m, per, bits, metaStride } = c;
  const groups = Math.ceil(cols / m);
  const slots = groups * n;
  const W = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let q = 0; q < slots; q++) {
      const off = (c.meta[i * metaStride + Math.floor(q / per)] >>> ((q % per) * bits)) & ((1 << bits) - 1);
      W[i * cols + Math.floor(q / n) * m + off] += c.values[i * slots + q];
    }
  return W;
}

export interface Csr {
  rows: number;
  cols: number;
  rowPtr: Uint32Array;
  col: Uint32Array;
  val: Float32Array;
}

export function toCsr(W: ArrayLike<number>, keep: Uint8Array, rows: number, cols: number): Csr {
  const rowPtr = new Uint32Array(rows + 1);
  let nnz = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) if (keep[i * cols + j]) nnz++;
    rowPtr[i + 1] = nnz;
  }
  const col = new Uint32Array(nnz);
  const val = new Float32Array(nnz);
  let e = 0;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++)
      if (keep[i * cols + j]) {
        col[e] = j;
        val[e++] = W[i * cols + j];
      }
  return { rows, cols, rowPtr, col, val };
}

/** Bytes of each format (the GPU buffers as laid out here). */
export const bytesOf = {
  dense: (rows: number, cols: number) => 4 * rows * cols,
  nm: (c: NmCompressed) => 4 * c.values.length + 4 * c.meta.length,
  csr: (c: Csr) => 4 * c.rowPtr.length + 4 * c.col.length + 4 * c.val.length,
};

export function transpose32(X: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const T = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) T[j * rows + i] = X[i * cols + j];
  return T;
}

/** Y (rows × tokens) = Ŵ Xᵀ in float64, for W (rows × cols) and X (tokens × cols): what both kernels compute. */
export function spmmRef(
  W: ArrayLike<number>,
  X: ArrayLike<number>,
  rows: number,
  cols: number,
  tokens: number,
): Float64Array {
  const Y = new Float64Array(rows * tokens);
  for (let i = 0; i < rows; i++)
    for (let t = 0; t < tokens; t++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += W[i * cols + j] * X[t * cols + j];
      Y[i * tokens + t] = s;
    }
  return Y;
}
