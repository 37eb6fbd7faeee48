/** Results say what ran where: each stage names the backend that actually ran it, not the run's backend. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test/gpu';
import { datasetLoader } from '../io/datasets';
import { regressionSpec } from '../spec/regression';
import { runExperiment } from './runner';
import type { RunContext, RunResult } from './types';

const dataset = datasetLoader((file) => readFile(join(__dirname, '../../public/datasets', file), 'utf8'));

async function gpuCtx(): Promise<RunContext> {
  return {
    backend: 'webgpu',
    gpu: await testGpu(),
    data: {},
    dataset,
    signal: new AbortController().signal,
    progress: () => {},
  };
}

const byName = (r: RunResult, name: string) => r.stages.find((s) => s.name === name);

describe('stages: the backend each stage actually ran on', () => {
  const reg = { ...regressionSpec.defaults, n: 40, d: 25, s: 3 };

  it('OMP with the WebGPU backend says its solve ran on the CPU, and why', async () => {
    const r = await runExperiment('regression', { ...reg, solver: 'omp' }, await gpuCtx());
    expect(r.backend).toBe('webgpu');
    expect(byName(r, 'solve')).toEqual({
      name: 'solve',
      backend: 'cpu',
      algorithm: 'OMP',
      note: 'OMP has no GPU path',
    });
    expect(r.stages.every((s) => s.backend === 'cpu')).toBe(true);
  });

  it('a Lasso path with the WebGPU backend is FISTA on WebGPU, and its title says so', async () => {
    const r = await runExperiment('regression', { ...reg, solver: 'lasso_path', nAlphas: 5 }, await gpuCtx());
    expect(byName(r, 'path')).toMatchObject({ backend: 'webgpu', algorithm: 'FISTA (warm starts along α)' });
    expect((r.views as { title: string }).title).toContain('Lasso path (FISTA on WebGPU)');
    const cpu = await runExperiment(
      'regression',
      { ...reg, solver: 'lasso_path', nAlphas: 5 },
      { ...(await gpuCtx()), backend: 'cpu', gpu: null },
    );
    expect(byName(cpu, 'path')).toMatchObject({
      backend: 'cpu',
      algorithm: expect.stringMatching(/^coordinate/),
    });
    expect((cpu.views as { title: string }).title).toContain('Lasso path (coordinate descent)');
  });

  it('CV and the sweeps run on the CPU references whatever the backend', async () => {
    const cv = await runExperiment(
      'regression',
      { ...reg, solver: 'lasso', study: 'cv', nAlphas: 4 },
      await gpuCtx(),
    );
    expect(byName(cv, 'solve')?.backend).toBe('cpu');
    expect(byName(cv, 'solve')?.note).toMatch(/no GPU path/);
  });

  it('the solver option names what runs on the chosen backend', () => {
    const f = regressionSpec.fields.solver;
    expect(f.optionLabelOn?.('lasso_path', 'webgpu')).toMatch(/FISTA on WebGPU/);
    expect(f.optionLabelOn?.('lasso_path', 'cpu') ?? f.optionLabels?.lasso_path).toMatch(/CD/);
  });
});
