/**
 * The user's data files, read the same way by the CLI and the app's worker: a .npy fills one data slot
 * (a spec file field), a CSV fills one slot as a 2-D float64 table, and a .npz fills one slot per array,
 * matched by name (`q.npy` → q). Each array is recorded by name, shape and SHA-256 (of its .npy bytes
 * for an archive member: np.save of the same array writes the same bytes), so a share link can ask for
 * it again. Also the one rule for what user data the labs accept (`checkUserData`).
 */
import { type NdArray, nd } from '../core/ndarray';
import type { FileRef } from '../spec/fields';
import { readCsvBytes } from './csv';
import { sha256Hex } from './hash';
import { readNpyInfo } from './npy';
import { isZip, readNpz } from './npz';

/** What a slot's data was read from, and every conversion made on the way: recorded in results. */
export interface InputInfo {
  file: string;
  /** The file's element type (the array may be wider, e.g. float16 read as float32). */
  fileDtype: string;
  shape: number[];
  notes: string[];
}

export interface LoadedInput {
  slot: string;
  array: NdArray;
  ref: FileRef;
  info: InputInfo;
  /** The bytes the SHA-256 is of: the file itself, or the archive member's .npy bytes. */
  bytes: Uint8Array;
}

export class UserDataError extends Error {
  override name = 'UserDataError';
}

export interface SlotTarget {
  /** The slot the file was given for (`--data NAME=…`, or the app slot it was dropped on). */
  slot?: string;
  /** The experiment's data slots (its file fields) and its id, for messages. */
  slots: readonly string[];
  experiment: string;
  /**
   * With a slot named and an archive of several arrays: fill slots by member name (the app, where the
   * drop target is incidental) or refuse (the CLI, where `NAME=` says which one slot is meant).
   */
  archiveByName: boolean;
}

const displayName = (name: string) => (name.length > 160 ? `${name.slice(0, 157)}…` : name);

/** Reads one user file into one or more slots' arrays; every problem is an error naming the file. */
export async function readUserFile(name: string, bytes: Uint8Array, t: SlotTarget): Promise<LoadedInput[]> {
  const file = displayName(name);
  const slotList = t.slots.join(', ');
  if (isZip(bytes) || /\.npz$/i.test(name)) {
    const members = readNpz(bytes, file);
    const keys = members.map((m) => m.key);
    let pairs: { slot: string; key: string; bytes: Uint8Array }[];
    if (t.slot && members.length === 1) pairs = [{ slot: t.slot, key: keys[0], bytes: members[0].bytes }];
    else {
      if (t.slot && !t.archiveByName)
        throw new UserDataError(
          `${file} holds ${members.length} arrays (${keys.join(', ')}), so it cannot fill the one slot ${t.slot}; pass the archive without NAME= to fill slots by the arrays' names`,
        );
      const seen = new Set<string>();
      for (const k of keys) {
        if (seen.has(k)) throw new UserDataError(`${file}: the archive holds the array ${k} twice`);
        seen.add(k);
      }
      const unused = keys.filter((k) => !t.slots.includes(k));
      if (unused.length) {
        const positional = unused.some((k) => /^arr_\d+$/.test(k));
        throw new UserDataError(
          `${file}: ${t.experiment} has no data slot named ${unused.map((k) => `"${k.slice(0, 40)}"`).join(', ')} (its slots are ${slotList || 'none'})${
            positional
              ? `; name the arrays when saving, e.g. np.savez(f, ${t.slots.map((s) => `${s}=${s}`).join(', ')})`
              : '; remove the arrays it does not use'
          }`,
        );
      }
      pairs = members.map((m) => ({ slot: m.key, key: m.key, bytes: m.bytes }));
    }
    return Promise.all(
      pairs.map(async (p) => {
        const member = `${file}:${p.key}`;
        const { array, info } = readNpyInfo(p.bytes, member);
        const ref = { name: member, shape: array.shape, sha256: await sha256Hex(p.bytes) };
        return {
          slot: p.slot,
          array,
          ref,
          bytes: p.bytes,
          info: { file: member, fileDtype: info.fileDtype, shape: array.shape, notes: info.notes },
        };
      }),
    );
  }
  const slot = t.slot;
  if (!slot)
    throw new UserDataError(
      `${file}: say which data slot it is for (NAME=${file}, one of ${slotList}); only a .npz names its arrays itself`,
    );
  let array: NdArray;
  let fileDtype: string;
  let notes: string[];
  if ((bytes.length >= 6 && bytes[0] === 0x93 && bytes[1] === 0x4e) || /\.npy$/i.test(name)) {
    const r = readNpyInfo(bytes, file);
    array = r.array;
    fileDtype = r.info.fileDtype;
    notes = r.info.notes;
  } else if (/\.(csv|txt)$/i.test(name)) {
    const tb = readCsvBytes(bytes, file);
    array = nd(tb.data, [tb.rows, tb.cols]);
    fileDtype = 'float64 (CSV)';
    notes = tb.notes;
  } else throw new UserDataError(`${file}: expected a .npy, .npz or .csv file`);
  const ref = { name: file, shape: array.shape, sha256: await sha256Hex(bytes) };
  return [{ slot, array, ref, bytes, info: { file, fileDtype, shape: array.shape, notes } }];
}

/** float32 holds every integer up to 2^24 exactly; the labs' GPU paths compute in float32. */
export const FLOAT32_EXACT_INT = 2 ** 24;

function indexOf(shape: readonly number[], flat: number): string {
  if (shape.length < 2) return `index ${flat}`;
  const idx: number[] = [];
  let r = flat;
  for (let k = shape.length - 1; k >= 0; k--) {
    idx.unshift(r % shape[k]);
    r = Math.floor(r / shape[k]);
  }
  return `index [${idx.join(', ')}] (flat ${flat})`;
}

/**
 * The one rule for user arrays, applied to every lab before it runs: every value finite (no NaN or
 * ±Inf), and integers no larger in magnitude than 2^24, which float32 (the GPU kernels' type) holds
 * exactly. Throws a message naming the slot, the file and the first bad index.
 */
export function checkUserData(
  data: Record<string, NdArray>,
  inputs: Record<string, InputInfo> = {},
  fail: (message: string) => never = (m) => {
    throw new UserDataError(m);
  },
): void {
  for (const [slot, a] of Object.entries(data)) {
    const label = inputs[slot] ? `${slot} (${inputs[slot].file})` : slot;
    if (a.dtype === 'float32' || a.dtype === 'float64') {
      const d = a.data as Float32Array | Float64Array;
      for (let i = 0; i < d.length; i++) {
        if (!Number.isFinite(d[i]))
          fail(
            `${label}: the value at ${indexOf(a.shape, i)} is ${d[i]}; the labs need finite numbers (fill or drop missing values first)`,
          );
      }
    } else if (a.dtype === 'int32' || a.dtype === 'int64') {
      const d = a.data;
      for (let i = 0; i < d.length; i++) {
        const v = Number(d[i]);
        if (Math.abs(v) > FLOAT32_EXACT_INT)
          fail(
            `${label}: the integer ${d[i]} at ${indexOf(a.shape, i)} cannot be held exactly in float32, which the labs compute in (|v| ≤ 2^24 = ${FLOAT32_EXACT_INT}); rescale it, or convert the file to floating point if rounding is acceptable`,
          );
      }
    }
  }
}
