import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { dataset, exportCase, runScripts } from '../../test/export-python';
import { testGpu } from '../../test/gpu';
import { requirePythonInCi } from '../../test/python';
import { type NdArray, nd } from '../core/ndarray';
import { randomMatrix } from '../data/matrices';
import { weightErrors } from '../experiments/pruning/methods';
import { loadLayer } from '../experiments/pruning/run';
import { readNpy } from '../io/npy';
import { writeNpz } from './npz';
import { exportPython } from './registry';

const python = requirePythonInCi(['numpy', 'sklearn', 'torch']);

/** Small cases of every method of every lab: [name, share hash, backend, the user's arrays]. */
const own = (seed: number) => nd(randomMatrix(45, 16, seed, 0, 'normal'), [45, 16]);
type Case = [string, string, 'cpu' | 'webgpu', Record<string, NdArray>?];

/** The pruning lab: every method, the three patterns where the method takes one (small synthetic layers). */
const P = 'rows=24&cols=40&tokens=96&heldTokens=32';
const PRUNING_CASES: Case[] = [
  ['prune-magnitude', `#/pruning?method=magnitude&${P}`, 'cpu'],
  ['prune-magnitude-row', `#/pruning?method=magnitude&magGroup=row&sparsity=0.6&${P}`, 'cpu'],
  ['prune-magnitude-24', `#/pruning?method=magnitude&pattern=2:4&${P}`, 'cpu'],
  ['prune-magnitude-48', `#/pruning?method=magnitude&pattern=4:8&${P}`, 'cpu'],
  ['prune-wanda', `#/pruning?method=wanda&${P}`, 'cpu'],
  ['prune-wanda-24', `#/pruning?method=wanda&pattern=2:4&${P}`, 'cpu'],
  ['prune-wanda-48', `#/pruning?method=wanda&pattern=4:8&${P}`, 'cpu'],
  ['prune-wanda-gpu', `#/pruning?method=wanda&pattern=2:4&${P}`, 'webgpu'],
  ['prune-sparsegpt', `#/pruning?method=sparsegpt&blocksize=16&${P}`, 'cpu'],
  ['prune-sparsegpt-24', `#/pruning?method=sparsegpt&pattern=2:4&blocksize=16&${P}`, 'cpu'],
  ['prune-sparsegpt-48', `#/pruning?method=sparsegpt&pattern=4:8&${P}`, 'cpu'],
  ['prune-sparsegpt-wandamask', `#/pruning?method=sparsegpt&sgptMask=wanda&data=relu&${P}`, 'cpu'],
  ['prune-dsnot', `#/pruning?method=dsnot&data=relu&${P}`, 'cpu'],
  ['prune-dsnot-mag-nosign', `#/pruning?method=dsnot&dsnotInit=magnitude&signCheck=0&data=relu&${P}`, 'cpu'],
  ['prune-dsnot-24', `#/pruning?method=dsnot&pattern=2:4&data=relu&${P}`, 'cpu'],
  [
    'prune-dsnot-48-sgpt',
    `#/pruning?method=dsnot&pattern=4:8&dsnotInit=sparsegpt&blocksize=16&data=relu&${P}`,
    'cpu',
  ],
  ['prune-rsparse', `#/pruning?method=rsparse&data=decaying&${P}`, 'cpu'],
  ['prune-rsparse-alpha1', `#/pruning?method=rsparse&alpha=1&${P}`, 'cpu'],
  ['prune-cospadi', `#/pruning?method=cospadi&atoms=16&nonzeros=4&iterations=2&${P}`, 'cpu'],
  // More atoms than W·L's rank (24): the extra ones come from the lab's random stream, so only its factors are checked.
  [
    'prune-cospadi-factors',
    `#/pruning?method=cospadi&atoms=30&nonzeros=6&iterations=2&data=decaying&${P}`,
    'cpu',
  ],
  [
    'prune-own-file',
    '#/pruning?method=sparsegpt&pattern=2:4&data=file',
    'cpu',
    { W: nd(randomMatrix(12, 16, 5, 0, 'normal'), [12, 16]), X: own(6) },
  ],
];

const CASES: Case[] = [
  ['matmul-cpu', '#/matmul?m=37&n=29&k=19&seed=2', 'cpu'],
  ['matmul-gpu', '#/matmul?m=37&n=29&k=19&seed=2', 'webgpu'],
  ['attn-dense', '#/attention?method=dense&n=70&d=16&heads=2&sweep=0', 'cpu'],
  ['attn-dense-nc', '#/attention?method=dense&causal=0&n=70&d=16&sweep=0', 'cpu'],
  ['attn-window', '#/attention?method=window&n=90&d=16&window=20&sinks=3&sweep=0', 'cpu'],
  ['attn-window-nc', '#/attention?method=window&causal=0&n=90&d=16&window=20&sinks=3&sweep=0', 'cpu'],
  ['attn-blocksparse', '#/attention?method=blocksparse&n=150&d=16&heads=2&rho=0.3&sweep=0', 'cpu'],
  [
    'attn-blocksparse-topp',
    '#/attention?method=blocksparse&selection=topp&causal=0&n=150&d=16&sweep=0',
    'cpu',
  ],
  ['attn-hip', '#/attention?method=hip&n=200&d=16&window=16&sinks=2&hipK=16&sweep=0', 'cpu'],
  ['attn-hip-nc', '#/attention?method=hip&causal=0&n=200&d=16&window=16&sinks=2&hipK=16&sweep=0', 'cpu'],
  ['attn-sea', '#/attention?method=sea&n=120&d=16&rho=0.3&sweep=0', 'cpu'],
  ['attn-linear-elu', '#/attention?method=linear&n=80&d=16&sweep=0', 'cpu'],
  ['attn-linear-relu-nc', '#/attention?method=linear&causal=0&featureMap=relu&n=80&d=16&sweep=0', 'cpu'],
  ['attn-linear-favor', '#/attention?method=linear&featureMap=favor&n=80&d=16&sweep=0', 'cpu'],
  ['attn-linear-cos', '#/attention?method=linear&featureMap=cosformer&n=80&d=16&sweep=0', 'cpu'],
  ['attn-loglinear', '#/attention?method=loglinear&n=100&d=16&sweep=0', 'cpu'],
  ['attn-sla', '#/attention?method=sla&n=160&d=16&kh=20&kl=20&sweep=0', 'cpu'],
  [
    'attn-loglinear-beta',
    '#/attention?method=loglinear&beta=0.7&featureMap=softmax&n=100&d=16&sweep=0',
    'cpu',
  ],
  ['attn-loglinear-fitted', '#/attention?method=loglinear&levelWeights=fitted&n=100&d=16&sweep=0', 'cpu'],
  [
    'attn-blocksparse-sparge',
    '#/attention?method=blocksparse&selection=topp_sparge&n=150&d=16&heads=2&sweep=0',
    'cpu',
  ],
  [
    'attn-blocksparse-guard-rope',
    '#/attention?method=blocksparse&simGuard=1&data=rope_local&n=150&d=16&rho=0.3&sweep=0',
    'cpu',
  ],
  [
    'attn-sla-sum-zero',
    '#/attention?method=sla&combine=sum&projection=zero&n=160&d=16&kh=20&kl=20&sweep=0',
    'cpu',
  ],
  [
    'attn-sla-sum-id',
    '#/attention?method=sla&combine=sum&projection=identity&n=160&d=16&kh=20&kl=20&sweep=0',
    'cpu',
  ],
  [
    'attn-sla-sum-fit',
    '#/attention?method=sla&combine=sum&projection=fitted&data=sla_structure&n=160&d=16&kh=20&kl=20&sweep=0',
    'cpu',
  ],
  ['attn-llsa', '#/attention?method=llsa&causal=0&llsaK=2&n=300&d=16&heads=2&sweep=0', 'cpu'],
  [
    'attn-llsa-part-2lvl',
    '#/attention?method=llsa&causal=0&llsaK=2&llsaLevels=2&llsaEnrich=partition&n=300&d=16&sweep=0',
    'cpu',
  ],
  ['attn-llsa-none', '#/attention?method=llsa&causal=0&llsaK=3&llsaEnrich=none&n=300&d=16&sweep=0', 'cpu'],
  ['attn-blocksparse-tune', '#/attention?method=blocksparse&tune=rel:0.5&n=150&d=16&sweep=0', 'cpu'],
  ['attn-linear-softmax', '#/attention?method=linear&featureMap=softmax&n=80&d=16&sweep=0', 'cpu'],
  [
    'attn-sla-nc-favor',
    '#/attention?method=sla&causal=0&featureMap=favor&n=160&d=16&kh=20&kl=20&sweep=0',
    'cpu',
  ],
  ['attn-blocksparse-gpu', '#/attention?method=blocksparse&n=150&d=16&heads=2&rho=0.3&sweep=0', 'webgpu'],
  ['attn-sla-gpu', '#/attention?method=sla&n=160&d=16&kh=20&kl=20&sweep=0', 'webgpu'],
  ['attn-dense-gpu', '#/attention?method=dense&n=70&d=16&heads=2&sweep=0', 'webgpu'],
  ['attn-window-gpu', '#/attention?method=window&n=90&d=16&window=20&sinks=3&sweep=0', 'webgpu'],
  ['attn-hip-gpu', '#/attention?method=hip&n=200&d=16&window=16&sinks=2&hipK=16&sweep=0', 'webgpu'],
  ['attn-sea-gpu', '#/attention?method=sea&n=120&d=16&rho=0.3&sweep=0', 'webgpu'],
  ['attn-linear-gpu', '#/attention?method=linear&featureMap=favor&n=80&d=16&sweep=0', 'webgpu'],
  ['attn-loglinear-gpu', '#/attention?method=loglinear&n=100&d=16&sweep=0', 'webgpu'],
  [
    'attn-own-nxd',
    '#/attention?method=blocksparse&rho=0.5&sweep=0&data=file',
    'cpu',
    { q: own(1), k: own(2), v: own(3) },
  ],
  ['reg-lasso', '#/regression?study=fit&solver=lasso&n=60&d=30&alpha=0.05', 'cpu'],
  ['reg-enet-noint', '#/regression?study=fit&solver=enet&n=60&d=30&alpha=0.05&intercept=0', 'cpu'],
  ['reg-lasso-path', '#/regression?study=fit&solver=lasso_path&n=60&d=30&nAlphas=12', 'cpu'],
  ['reg-enet-path', '#/regression?study=fit&solver=enet_path&n=60&d=30&nAlphas=12', 'cpu'],
  ['reg-lars', '#/regression?study=fit&solver=lars_lasso&source=diabetes', 'cpu'],
  ['reg-omp', '#/regression?study=fit&solver=omp&n=60&d=30&k=5', 'cpu'],
  ['reg-iht', '#/regression?study=fit&solver=iht&n=60&d=30&k=5', 'cpu'],
  ['reg-htp', '#/regression?study=fit&solver=htp&n=60&d=30&k=5', 'cpu'],
  ['reg-fista', '#/regression?study=fit&solver=fista&n=60&d=30&alpha=0.05', 'cpu'],
  ['reg-sbl', '#/regression?study=fit&solver=sbl&n=60&d=30', 'cpu'],
  ['reg-sbl-mackay', '#/regression?study=fit&solver=sbl&sblUpdate=mackay&n=60&d=30', 'cpu'],
  ['reg-precond', '#/regression?study=fit&solver=precond_lasso&n=60&d=30&alpha=0.05', 'cpu'],
  [
    'reg-precond-noint',
    '#/regression?study=fit&solver=precond_lasso&n=20&d=30&alpha=0.02&intercept=0',
    'cpu',
  ],
  ['reg-ldp-ni', '#/regression?study=fit&solver=ldp_ni&n=400&d=12&k=3', 'cpu'],
  ['reg-ldp-ni-public', '#/regression?study=fit&solver=ldp_ni&publicX=1&n=400&d=12&k=3', 'cpu'],
  ['reg-ldp-si', '#/regression?study=fit&solver=ldp_si&n=400&d=12&k=3', 'cpu'],
  ['reg-kron-am', '#/regression?study=fit&solver=kron_sbl&kronM=8&kronN=12&kronK=2', 'cpu'],
  ['reg-kron-svd', '#/regression?study=fit&solver=kron_sbl&kronVariant=svd&kronM=8&kronN=12&kronK=2', 'cpu'],
  ['reg-ridge', '#/regression?study=fit&solver=ridge&n=60&d=30&alpha=0.5', 'cpu'],
  ['reg-cv', '#/regression?study=cv&solver=lasso&n=60&d=30&nAlphas=10&folds=4', 'cpu'],
  ['reg-cv-enet-diabetes', '#/regression?study=cv&solver=enet&source=diabetes&nAlphas=10&folds=3', 'cpu'],
  ['reg-fista-gpu', '#/regression?study=fit&solver=fista&n=60&d=30&alpha=0.05', 'webgpu'],
  ['reg-path-gpu', '#/regression?study=fit&solver=lasso_path&n=60&d=30&nAlphas=8', 'webgpu'],
  ['sae-relu', '#/sae?model=relu_l1&latents=24&steps=50&batch=32&samples=512&features=12&dims=6', 'cpu'],
  [
    'sae-relu-unit',
    '#/sae?model=relu_l1_unit&latents=24&steps=50&batch=32&samples=512&features=12&dims=6',
    'cpu',
  ],
  [
    'sae-topk',
    '#/sae?model=topk&latents=24&k=3&steps=50&batch=32&samples=512&features=12&dims=6&deadSamples=64',
    'cpu',
  ],
  [
    'sae-batchtopk',
    '#/sae?model=batchtopk&latents=24&k=3&steps=50&batch=32&samples=512&features=12&dims=6&deadSamples=64',
    'cpu',
  ],
  [
    'sae-jumprelu',
    '#/sae?model=jumprelu&latents=24&steps=50&batch=32&samples=512&features=12&dims=6&threshold=0.1',
    'cpu',
  ],
  [
    'sae-polysae',
    '#/sae?model=polysae&polyShared=1&latents=24&k=3&steps=50&batch=32&samples=512&features=12&dims=6',
    'cpu',
  ],
  [
    'sae-topk-gpu',
    '#/sae?model=topk&latents=24&k=3&steps=50&batch=32&samples=512&features=12&dims=6',
    'webgpu',
  ],
  ...PRUNING_CASES,
];

/** Exports the cases to folders under `root`; their paths in order. */
async function exportAll(root: string, cases: typeof CASES): Promise<string[]> {
  const dirs: string[] = [];
  for (const [name, hash, backend, data] of cases) {
    const dir = join(root, name);
    await exportCase(hash, dir, backend === 'webgpu' ? await testGpu() : null, data);
    dirs.push(dir);
  }
  return dirs;
}

function expectAllPass(cases: typeof CASES, dirs: string[], runs: ReturnType<typeof runScripts>): void {
  const failed = cases.flatMap(([name], i) =>
    runs[dirs[i]].code === 0 ? [] : [`${name}:\n${runs[dirs[i]].stdout}`],
  );
  expect(failed, failed.join('\n')).toEqual([]);
  for (const dir of dirs) expect(runs[dir].stdout).toMatch(/agreement with SparseLab: PASS/);
}

/** One Python process per lab group (torch is imported once per group). */
const GROUPS: Array<[string, string[]]> = [
  ['matmul and attention', ['matmul', 'attn']],
  ['regression', ['reg']],
  ['sparse autoencoders', ['sae']],
  ['pruning', ['prune']],
];

describe.skipIf(!python)('exported run.py scripts agree with the lab', () => {
  for (const [title, prefixes] of GROUPS) {
    const cases = CASES.filter(([name]) => prefixes.some((p) => name.startsWith(`${p}-`)));
    it(`${title}: ${cases.map((c) => c[0]).join(', ')}`, async () => {
      const root = mkdtempSync(join(tmpdir(), 'sparselab-export-'));
      const dirs = await exportAll(root, cases);
      const extra: Array<[string, RegExp]> = [];
      if (prefixes.includes('attn')) {
        // A wrong selection must fail: the block-sparse export with every block marked kept (dense attention).
        const tampered = join(root, 'attn-blocksparse-tampered');
        cpSync(join(root, 'attn-blocksparse'), tampered, { recursive: true });
        const members = unzipSync(readFileSync(join(tampered, 'outputs.npz')));
        const out = readNpy(members['out.npy']);
        const blocks = readNpy(members['blocks.npy']);
        const all = nd(
          Int32Array.from(blocks.data as Int32Array, (b) => (b < 0 ? b : 1)),
          blocks.shape,
        );
        writeFileSync(join(tampered, 'outputs.npz'), writeNpz({ out, blocks: all }));
        extra.push([tampered, /out .* FAIL\n[\s\S]*agreement with SparseLab: FAIL/]);
      }
      if (prefixes.includes('prune')) {
        // A wrong mask must fail: the 2:4 Wanda export with one kept and one pruned weight of a group swapped
        // (still 2 of every 4, so only the recomputed mask can catch it).
        const tampered = join(root, 'prune-wanda-24-tampered');
        cpSync(join(root, 'prune-wanda-24'), tampered, { recursive: true });
        const members = unzipSync(readFileSync(join(tampered, 'outputs.npz')));
        const lab = Object.fromEntries(
          Object.entries(members).map(([k, b]) => [k.replace(/\.npy$/, ''), readNpy(b)]),
        );
        const mask = Uint8Array.from(lab.mask.data as Uint8Array);
        const kept = mask.subarray(0, 4).indexOf(1);
        const pruned = mask.subarray(0, 4).indexOf(0);
        mask[kept] = 0;
        mask[pruned] = 1;
        lab.mask = nd(mask, lab.mask.shape, 'uint8');
        writeFileSync(join(tampered, 'outputs.npz'), writeNpz(lab));
        extra.push([
          tampered,
          /mask +relative error .* FAIL\n[\s\S]*counts .* PASS[\s\S]*agreement with SparseLab: FAIL/,
        ]);
      }
      const runs = runScripts(python as string, [...dirs, ...extra.map(([dir]) => dir)]);
      for (const [tampered, fails] of extra) {
        expect(runs[tampered].code, runs[tampered].stdout).toBe(1);
        expect(runs[tampered].stdout).toMatch(fails);
      }
      expectAllPass(cases, dirs, runs);
    }, 180_000);
  }
  it('pruning on WebGPU: a mask the GPU chose on float32 scores is checked by the fraction of entries that differ', async () => {
    // The lab keeps the GPU's mask when it differs from the float64 one (metric maskMismatchVsCpu); here one
    // swapped pair in a 160×128 layer (2 of 20 480 entries, within the lab's 1e-4) must pass, five must not.
    const root = mkdtempSync(join(tmpdir(), 'sparselab-export-'));
    const hash = '#/pruning?method=wanda&rows=160&cols=128&tokens=64&heldTokens=16';
    const result = await exportCase(hash, join(root, 'cpu'));
    const L = loadLayer(result.spec as never, { data: {} });
    const dirs: string[] = [];
    for (const swaps of [1, 5]) {
      const mask = Uint8Array.from(result.arrays.mask.data as Uint8Array);
      for (let r = 0; r < swaps; r++) {
        const row = mask.subarray(r * 128, r * 128 + 128);
        const [k, q] = [row.indexOf(1), row.indexOf(0)];
        row[k] = 0;
        row[q] = 1;
      }
      const kept = Float64Array.from(L.W, (w, i) => (mask[i] ? w : 0));
      const gpuRun = {
        ...result,
        backend: 'webgpu' as const,
        // What the lab records for a GPU mask: the mismatch count and the error of the mask it kept.
        metrics: { ...result.metrics, maskMismatchVsCpu: 2 * swaps, relErr: weightErrors(L, kept).relErr },
        arrays: {
          ...result.arrays,
          mask: nd(mask, [160, 128], 'uint8'),
          pruned: nd(Float32Array.from(kept), [160, 128]),
        },
      };
      const folder = await exportPython({
        result: gpuRun,
        values: result.spec,
        data: {},
        dataset,
        url: hash,
      });
      const dir = join(root, `gpu-${swaps}`);
      mkdirSync(dir);
      for (const [name, body] of Object.entries(folder.files)) writeFileSync(join(dir, name), body);
      dirs.push(dir);
    }
    const runs = runScripts(python as string, dirs);
    expect(runs[dirs[0]].code, runs[dirs[0]].stdout).toBe(0);
    expect(runs[dirs[0]].stdout).toMatch(/mask \(differ\) +relative error 9\.766e-05 .* PASS/);
    expect(runs[dirs[1]].code, runs[dirs[1]].stdout).toBe(1);
    expect(runs[dirs[1]].stdout).toMatch(/mask \(differ\) .* FAIL[\s\S]*pruned .* PASS[\s\S]*relErr .* PASS/);
  }, 120_000);
  it('every case belongs to a group', () => {
    const grouped = CASES.filter(([name]) =>
      GROUPS.some(([, ps]) => ps.some((p) => name.startsWith(`${p}-`))),
    );
    expect(grouped.length).toBe(CASES.length);
  });
});

it('a per-head hybrid is refused with the reason', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sparselab-export-'));
  await expect(
    exportCase('#/attention?method=dense&heads=2&hybrid=dense,window&n=70&d=16&sweep=0', dir),
  ).rejects.toThrow(/per-head hybrid \(hybrid=dense,window\)/);
});

it.skipIf(python)('exported scripts: skipped, no python3 with numpy, scikit-learn and torch here', () => {
  expect(python).toBeNull();
});
