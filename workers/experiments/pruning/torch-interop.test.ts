/**
 * The CLI's mask.npy is a torch.nn.utils.prune mask: applied with prune.custom_from_mask to an nn.Linear
 * holding W, it gives exactly pruned.npy (for a method without weight update), and the layer output error
 * computed in PyTorch equals result.json's relErr.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { requirePythonInCi } from '../../../test/python';
import { nd } from '../../core/ndarray';
import { writeNpy } from '../../io/npy';
import { Rng } from '../../io/rng';

const py = requirePythonInCi(['numpy', 'torch']);

describe.skipIf(!py)('pruning outputs in PyTorch', () => {
  it('mask.npy works with torch.nn.utils.prune.custom_from_mask and reproduces pruned.npy and relErr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sparselab-torch-'));
    const rng = new Rng(8);
    const [out, inp, tok] = [24, 40, 100];
    writeFileSync(
      join(dir, 'W.npy'),
      writeNpy(
        nd(
          Float32Array.from({ length: out * inp }, () => rng.normal()),
          [out, inp],
        ),
      ),
    );
    writeFileSync(
      join(dir, 'X.npy'),
      writeNpy(
        nd(
          Float32Array.from({ length: tok * inp }, () => rng.normal()),
          [tok, inp],
        ),
      ),
    );
    const bin = new URL('../../../bin/sparselab.mjs', import.meta.url).pathname;
    const res = join(dir, 'out');
    await promisify(execFile)(
      'node',
      [
        bin,
        'run',
        '#/pruning?method=wanda&pattern=2:4&data=file&heldFraction=0.2',
        '--backend',
        'cpu',
        '--data',
        `W=${join(dir, 'W.npy')}`,
        '--data',
        `X=${join(dir, 'X.npy')}`,
        '--out',
        res,
      ],
      { timeout: 60_000 },
    );
    const script = `
import json, sys, numpy as np, torch
from torch.nn.utils import prune
d = sys.argv[1]
W = np.load(d + '/W.npy'); X = np.load(d + '/X.npy'); M = np.load(d + '/out/mask.npy')
assert M.dtype == np.uint8 and M.shape == W.shape
lin = torch.nn.Linear(W.shape[1], W.shape[0], bias=False)
with torch.no_grad(): lin.weight.copy_(torch.from_numpy(W))
prune.custom_from_mask(lin, 'weight', torch.from_numpy(M.astype(bool)))
Wp = lin.weight.detach().numpy()
assert np.array_equal(Wp, np.load(d + '/out/pruned.npy'))
held = X[X.shape[0] - round(X.shape[0] * 0.2):].astype(np.float64)
W64 = W.astype(np.float64)
err = np.linalg.norm((W64 - Wp.astype(np.float64)) @ held.T) / np.linalg.norm(W64 @ held.T)
r = json.load(open(d + '/out/result.json'))
print(json.dumps({'torch': float(err), 'ours': r['metrics']['relErr'], 'kept': int(M.sum())}))
`;
    const r = spawnSync(py as string, ['-c', script, dir], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    const got = JSON.parse(r.stdout);
    expect(got.kept).toBe(out * inp * 0.5);
    expect(got.ours).toBeCloseTo(got.torch, 6);
  }, 120_000);
});
