import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { toFloat64 } from '../workers/core/ndarray';
import { maxRelDiff } from '../workers/experiments/types';
import { readNpy } from '../workers/io/npy';
import { readNpz } from '../workers/io/npz';
import { matmulRef } from '../workers/reference/matmul/matmul';
import { loadDataFile } from './data';

const run = promisify(execFile);
const BIN = new URL('../bin/sparselab.mjs', import.meta.url).pathname;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('sparselab run (the CLI, as a user runs it)', () => {
  for (const backend of ['cpu', 'webgpu']) {
    it(`writes the seeded inputs and their product with --backend ${backend}`, async () => {
      const out = mkdtempSync(join(tmpdir(), `sparselab-${backend}-`));
      const r = await cli(['run', '#/matmul?m=300&n=257&k=129&seed=3', '--backend', backend, '--out', out]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const summary = JSON.parse(r.stdout);
      expect(summary.backend).toBe(backend);
      expect(summary.spec).toMatchObject({ m: 300, n: 257, k: 129, seed: 3 });
      const load = (n: string) => readNpy(readFileSync(join(out, `${n}.npy`)));
      const [a, b, c] = [load('a'), load('b'), load('c')];
      expect(a.shape).toEqual([300, 129]);
      expect(b.shape).toEqual([129, 257]);
      expect(c.shape).toEqual([300, 257]);
      expect(maxRelDiff(toFloat64(c), matmulRef(toFloat64(a), toFloat64(b), 300, 257, 129))).toBeLessThan(
        1e-5,
      );
      const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
      expect(result.url).toBe('#/matmul?ver=1&m=300&n=257&k=129&seed=3');
      if (backend === 'webgpu') {
        expect(result.adapter.name).toMatch(/\S/);
        expect(result.parity.ok).toBe(true);
      }
    });
  }

  it('the same seed gives the same inputs on both backends, and each product is A·B', async () => {
    const bare = await cli(['run', '?m=5&n=4&k=3', '--backend', 'cpu']);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toMatch(/names no experiment/);
    const dirs = [mkdtempSync(join(tmpdir(), 'sl-a-')), mkdtempSync(join(tmpdir(), 'sl-b-'))];
    const backends = ['cpu', 'webgpu'] as const;
    for (const [i, backend] of backends.entries()) {
      const r = await cli(['run', '#/matmul?m=37&n=29&k=65&seed=8', '--out', dirs[i], '--backend', backend]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).backend).toBe(backend);
    }
    const load = (d: string, n: string) => readNpy(readFileSync(join(d, `${n}.npy`)));
    for (const name of ['a', 'b']) expect(load(dirs[1], name)).toEqual(load(dirs[0], name));
    const a = toFloat64(load(dirs[0], 'a'));
    const b = toFloat64(load(dirs[0], 'b'));
    const want = matmulRef(a, b, 37, 29, 65);
    // Each backend's C against the float64 reference of the same inputs (not against the other backend).
    for (const d of dirs) expect(maxRelDiff(toFloat64(load(d, 'c')), want)).toBeLessThan(1e-5);
  });

  it('accepts a spec.json (as result.json writes it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-json-'));
    const spec = join(dir, 'spec.json');
    writeFileSync(
      spec,
      JSON.stringify({ experiment: 'matmul', spec: { m: 7, n: 6, k: 5, dist: 'uniform', seed: 2 } }),
    );
    const r = await cli(['run', spec, '--backend', 'cpu', '--out', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).url).toBe('#/matmul?ver=1&m=7&n=6&k=5&dist=uniform&seed=2');
    const [a, b, c] = ['a', 'b', 'c'].map((n) => toFloat64(readNpy(readFileSync(join(dir, `${n}.npy`)))));
    expect(a.every((x) => x >= -1 && x < 1)).toBe(true);
    expect(maxRelDiff(c, matmulRef(a, b, 7, 6, 5))).toBeLessThan(1e-6);
    // result.json is itself a valid spec.json: running it again gives the same link.
    const again = await cli(['run', join(dir, 'result.json'), '--backend', 'cpu']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).url).toBe('#/matmul?ver=1&m=7&n=6&k=5&dist=uniform&seed=2');
  });

  it('exits non-zero with one clear line for a bad spec, option or data name', async () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ['run', '#/matmul?m=NaN'],
        /^sparselab: bad spec: m must be an integer from 1 to 8192 \(got "NaN"\)\n$/,
      ],
      [['run', '#/matmul?m=4&bogus=1'], /unknown parameter "bogus"/],
      [['run', '#/nope'], /unknown experiment "nope"/],
      [['run', '#/matmul', '--backend', 'tpu'], /--backend must be webgpu or cpu/],
      [['run', '#/matmul', '--data', 'x=/nonexistent.npy'], /matmul takes no data named "x"/],
      [['frobnicate'], /unknown command/],
      [['run', 'nope/spec.json'], /^sparselab: no such file: nope\/spec\.json\n$/],
      [['run', '#/sae?data=toy', '--data', 'x=/nonexistent.npy'], /cannot read \/nonexistent\.npy: ENOENT/],
    ];
    for (const [args, msg] of cases) {
      const r = await cli(args);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('CLI data files', () => {
  it('reads .npy and .csv, with their hash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-data-'));
    writeFileSync(join(dir, 'x.csv'), 'a,b\n1,2\n3,4\n');
    const { array, ref } = await loadDataFile(join(dir, 'x.csv'));
    expect(array.shape).toEqual([2, 2]);
    expect(ref.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
  it('names the problem in a broken .npy or a CSV with text in a number column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-bad-'));
    writeFileSync(join(dir, 'bad.npy'), 'not numpy at all');
    writeFileSync(join(dir, 'bad.csv'), 'a,b\n1,2\n3,oops\n');
    await expect(loadDataFile(join(dir, 'bad.npy'))).rejects.toThrow('bad.npy: not a .npy file');
    await expect(loadDataFile(join(dir, 'bad.csv'))).rejects.toThrow(
      'bad.csv: row 3, column "b": "oops" is not a number',
    );
    await expect(loadDataFile(join(dir, 'missing.npy'))).rejects.toThrow(
      /cannot read .*missing\.npy: ENOENT/,
    );
  });
});

describe('CLI: NumPy files as NumPy writes them', () => {
  const F = new URL('../test/fixtures/e2e/', import.meta.url).pathname;
  it('a Fortran-order X.npy gives the same Lasso path as the C-order file, and the result says it was transposed', async () => {
    const outs = [mkdtempSync(join(tmpdir(), 'sl-c-')), mkdtempSync(join(tmpdir(), 'sl-f-'))];
    const results = [];
    for (const [i, X] of ['X_c.npy', 'X_fortran.npy'].entries()) {
      const r = await cli([
        'run',
        '#/regression?solver=lasso_path',
        '--data',
        `X=${F}${X}`,
        '--data',
        `y=${F}y.npy`,
        '--backend',
        'cpu',
        '--out',
        outs[i],
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      results.push(JSON.parse(r.stdout));
    }
    const coefs = outs.map((o) => readNpy(readFileSync(join(o, 'coefs.npy'))));
    expect(coefs[0].shape[coefs[0].shape.length - 1]).toBe(12);
    expect([...coefs[1].data]).toEqual([...coefs[0].data]);
    // The fit found the planted support (columns 1, 4, 7) at the path's end: the file was really used.
    const last = [...toFloat64(coefs[0])].slice(-12).map((c) => Math.abs(c) > 0.5);
    expect(last.flatMap((big, j) => (big ? [j] : []))).toEqual([1, 4, 7]);
    expect(results[1].inputs.X).toEqual({
      file: 'X_fortran.npy',
      fileDtype: 'float64',
      shape: [40, 12],
      notes: ['X_fortran.npy is in Fortran order: transposed to C order on read'],
    });
    expect(results[0].inputs.X.notes).toEqual([]);
  });

  it('--data qkv.npz supplies q, k and v: the same output as the three arrays given one by one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-qkv-'));
    const members = readNpz(readFileSync(`${F}qkv.npz`));
    for (const m of members) writeFileSync(join(dir, `${m.key}.npy`), m.bytes);
    const outs = [join(dir, 'a'), join(dir, 'b')];
    const a = await cli([
      'run',
      '#/attention?method=dense',
      '--data',
      `${F}qkv.npz`,
      '--backend',
      'cpu',
      '--out',
      outs[0],
    ]);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    const b = await cli([
      'run',
      '#/attention?method=dense',
      ...['q', 'k', 'v'].flatMap((s) => ['--data', `${s}=${join(dir, `${s}.npy`)}`]),
      '--backend',
      'cpu',
      '--out',
      outs[1],
    ]);
    expect(b.code).toBe(0);
    const out = outs.map((o) => readNpy(readFileSync(join(o, 'out.npy'))));
    expect(out[0].data.length).toBe(64 * 16);
    expect([...out[0].data]).toEqual([...out[1].data]);
    const sa = JSON.parse(a.stdout);
    const sb = JSON.parse(b.stdout);
    expect(sa.metrics.n).toBe(64);
    expect(sa.inputs.q.file).toBe('qkv.npz:q');
    // Same arrays, same hashes: a link made with the archive accepts the separate files and back.
    for (const s of ['q', 'k', 'v']) expect(sa.spec[s].sha256).toBe(sb.spec[s].sha256);
    const again = await cli(['run', sb.url, '--data', `${F}qkv.npz`, '--backend', 'cpu']);
    expect(again.code).toBe(0);
  });

  it('refuses, with exit 1 and one line, an archive array no slot takes, a slot filled twice, a NaN', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-nan-'));
    writeFileSync(join(dir, 'a.csv'), 'x,y\n1,2\nnan,4\n');
    const cases: Array<[string[], RegExp]> = [
      [
        ['run', '#/attention', '--data', `${F}qkv_extra.npz`],
        /^sparselab: qkv_extra\.npz: attention has no data slot named "w" \(its slots are q, k, v\)/,
      ],
      [
        ['run', '#/attention', '--data', `${F}qkv.npz`, '--data', `q=${F}y.npy`],
        /the data slot q is already filled by --data q=.*y\.npy; give each slot one file/,
      ],
      [
        ['run', '#/matmul', '--data', `a=${join(dir, 'a.csv')}`],
        /^sparselab: a \(a\.csv\): the value at index \[1, 0\] \(flat 2\) is NaN; the labs need finite numbers/,
      ],
    ];
    for (const [args, msg] of cases) {
      const r = await cli([...args, '--backend', 'cpu']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
