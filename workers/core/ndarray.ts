/** A dense, C-ordered n-dimensional array: the unit of data that moves between files, kernels and views. */
export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'bool';

export type TypedData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

export interface NdArray {
  dtype: DType;
  shape: number[];
  data: TypedData;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function nd(data: Float32Array, shape: number[]): NdArray;
export function nd(data: Float64Array, shape: number[]): NdArray;
export function nd(data: Int32Array, shape: number[]): NdArray;
export function nd(data: TypedData, shape: number[], dtype?: DType): NdArray;
export function nd(data: TypedData, shape: number[], dtype?: DType): NdArray {
  const dt = dtype ?? dtypeOf(data);
  if (sizeOf(shape) !== data.length) {
    throw new Error(
      `shape ${shape.join('×')} needs ${sizeOf(shape)} elements but the data has ${data.length}`,
    );
  }
  return { dtype: dt, shape: [...shape], data };
}

function dtypeOf(data: TypedData): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  return 'uint8';
}

/** Every element as a float64 view (copies unless it already is one). */
export function toFloat64(a: NdArray): Float64Array {
  if (a.data instanceof Float64Array) return a.data;
  if (a.data instanceof BigInt64Array) return Float64Array.from(a.data, (v) => Number(v));
  return Float64Array.from(a.data as ArrayLike<number>);
}

export function toFloat32(a: NdArray): Float32Array {
  if (a.data instanceof Float32Array) return a.data;
  if (a.data instanceof BigInt64Array) return Float32Array.from(a.data, (v) => Number(v));
  return Float32Array.from(a.data as ArrayLike<number>);
}

/** Index and count of NaN/Inf values: results with any are flagged, never plotted silently. */
export function countNonFinite(data: ArrayLike<number>): { count: number; first: number } {
  let count = 0;
  let first = -1;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      if (first < 0) first = i;
      count++;
    }
  }
  return { count, first };
}
