/** Built-in datasets by name, shipped under public/datasets/ and parsed once per process. */
import { type CsvTable, readCsv } from './csv';

export const DATASETS = {
  diabetes: {
    file: 'diabetes.csv',
    title: 'Diabetes (442 × 10 + target)',
    attribution: 'Efron et al. 2004, via scikit-learn (BSD-3)',
  },
  digits: {
    file: 'digits.csv',
    title: 'Digits (1797 × 8×8 pixels + label)',
    attribution: 'UCI optical digits (CC BY 4.0), via scikit-learn',
  },
} as const;

export type DatasetName = keyof typeof DATASETS;

/** `readText` fetches a file under public/datasets/ (by HTTP in the browser, from disk in Node). */
export function datasetLoader(
  readText: (file: string) => Promise<string>,
): (name: string) => Promise<CsvTable> {
  const cache = new Map<string, Promise<CsvTable>>();
  return (name) => {
    if (!Object.hasOwn(DATASETS, name))
      return Promise.reject(new Error(`unknown built-in dataset "${name}"`));
    const { file } = DATASETS[name as DatasetName];
    let p = cache.get(name);
    if (!p) {
      p = readText(file).then((text) => readCsv(text, file));
      cache.set(name, p);
      p.catch(() => cache.delete(name));
    }
    return p;
  };
}
