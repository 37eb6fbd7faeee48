/** Reads a user's data file for the CLI: .npy as it is, .csv as a 2-D float64 array. */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { type NdArray, nd } from '../workers/core/ndarray';
import { readCsv } from '../workers/io/csv';
import { sha256Hex } from '../workers/io/hash';
import { readNpy } from '../workers/io/npy';
import type { FileRef } from '../workers/spec/fields';

export async function loadDataFile(path: string): Promise<{ array: NdArray; ref: FileRef }> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const name = basename(path);
  const ext = extname(path).toLowerCase();
  let array: NdArray;
  if (ext === '.npy') array = readNpy(bytes, name);
  else if (ext === '.csv' || ext === '.txt') {
    const t = readCsv(new TextDecoder().decode(bytes), name);
    array = nd(t.data, [t.rows, t.cols]);
  } else throw new Error(`${name}: expected a .npy or .csv file`);
  return { array, ref: { name, shape: array.shape, sha256: await sha256Hex(bytes) } };
}
