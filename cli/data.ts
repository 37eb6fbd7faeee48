/**
 * Reads the user's data files for the CLI (`--data NAME=PATH` and `--data ARCHIVE.npz`) with the same
 * reader as the app's worker: .npy and .csv fill the named slot, a .npz fills slots by its arrays' names.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { NdArray } from '../workers/core/ndarray';
import { type InputInfo, type LoadedInput, readUserFile } from '../workers/io/user-data';

import type { Fields, FileRef } from '../workers/spec/fields';

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** One file on its own (no experiment): .npy or .csv as an array, with its hash. */
export async function loadDataFile(path: string): Promise<{ array: NdArray; ref: FileRef }> {
  const [one] = await readUserFile(basename(path), await readBytes(path), {
    slot: 'data',
    slots: ['data'],
    experiment: 'this run',
    archiveByName: false,
  });
  return { array: one.array, ref: one.ref };
}

/**
 * Loads every `--data` file into the spec's slots: a slot the experiment lacks, a slot filled twice,
 * an archive array no slot takes, and a file other than the one a link was made with are errors.
 * Sets `values[slot]` to each file's reference.
 */
export async function loadDataArgs(
  def: { id: string; fields: Fields },
  named: Record<string, string>,
  archives: readonly string[],
  values: Record<string, unknown>,
): Promise<{ data: Record<string, NdArray>; inputs: Record<string, InputInfo> }> {
  const slots = Object.entries(def.fields)
    .filter(([, f]) => f.kind === 'file')
    .map(([k]) => k);
  const loaded: { arg: string; input: LoadedInput }[] = [];
  for (const [name, path] of Object.entries(named)) {
    if (!slots.includes(name))
      throw new Error(
        `--data ${name}: ${def.id} takes no data named "${name}"${slots.length ? ` (it takes: ${slots.join(', ')})` : ''}`,
      );
    const got = await readUserFile(basename(path), await readBytes(path), {
      slot: name,
      slots,
      experiment: def.id,
      archiveByName: false,
    });
    for (const input of got) loaded.push({ arg: `--data ${name}=${path}`, input });
  }
  for (const path of archives) {
    if (!slots.length) throw new Error(`--data ${path}: ${def.id} takes no data files`);
    const got = await readUserFile(basename(path), await readBytes(path), {
      slots,
      experiment: def.id,
      archiveByName: true,
    });
    for (const input of got) loaded.push({ arg: `--data ${path}`, input });
  }
  const data: Record<string, NdArray> = {};
  const inputs: Record<string, InputInfo> = {};
  const from: Record<string, string> = {};
  for (const { arg, input } of loaded) {
    const { slot, ref } = input;
    if (from[slot])
      throw new Error(
        `${arg}: the data slot ${slot} is already filled by ${from[slot]}; give each slot one file`,
      );
    from[slot] = arg;
    const wanted = values[slot] as FileRef | null;
    if (wanted && wanted.sha256 !== ref.sha256) {
      throw new Error(
        `${arg}: ${ref.name} is not the file the link was made with for ${slot} (${wanted.name}, SHA-256 ${wanted.sha256.slice(0, 12)}…)`,
      );
    }
    data[slot] = input.array;
    inputs[slot] = input.info;
    values[slot] = ref;
  }
  return { data, inputs };
}
