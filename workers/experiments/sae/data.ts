/** The SAE lab's data, from the spec: toy features in superposition, digits, or the user's activations `x`. */
import { digitsMatrix, prepareDataset, type SaeDataset, userMatrix } from '../../data/sae-sources';
import { generateToy, type ToyData } from '../../data/sae-toy';
import type { SaeValues } from '../../spec/sae';
import { type RunContext, UserError } from '../types';

export interface SaeData {
  ds: SaeDataset;
  /** Ground truth when the data are toy features. */
  toy?: ToyData;
  /** A short description for captions. */
  source: string;
}

export async function loadSaeData(v: SaeValues, ctx: RunContext): Promise<SaeData> {
  const rescale = v.scale === 'sqrt_d';
  if (v.data === 'toy') {
    const toy = generateToy({
      features: v.features,
      dims: v.dims,
      sparsity: v.sparsity,
      importance: v.importance,
      noise: v.noise,
      corrPairs: v.corrPairs,
      compPairs: v.compPairs,
      samples: v.samples,
      seed: v.seed,
    });
    const ds = prepareDataset(toy.x.slice(), toy.n, toy.d, rescale);
    return { ds, toy, source: `toy: ${v.features} features in ${v.dims} dims, S = ${v.sparsity}` };
  }
  if (v.data === 'digits') {
    const table = await ctx.dataset('digits');
    const { x, labels, n, d } = digitsMatrix(table, v.seed);
    const ds = prepareDataset(x, n, d, rescale, { labels, image: { width: 8, height: 8 } });
    return { ds, source: `digits: ${n} images of 8×8 pixels` };
  }
  let m: { x: Float32Array; n: number; d: number };
  try {
    m = userMatrix(ctx.data.x, 'x');
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  return { ds: prepareDataset(m.x, m.n, m.d, rescale), source: `x: ${m.n} samples × ${m.d}` };
}
