import { describe, expect, it } from 'vitest';
import { experiments } from '../experiments/registry';
import { exporters } from './registry';

describe('Python exporters', () => {
  const ids = Object.keys(experiments).sort();
  it(`every registered experiment has one (checked: ${ids.join(', ')})`, () => {
    expect(ids.length).toBeGreaterThan(0);
    const missing = ids.filter((id) => !Object.hasOwn(exporters, id));
    expect(missing, `experiments without a Python exporter: ${missing.join(', ')}`).toEqual([]);
  });
  it('each exporter is registered under its own experiment id', () => {
    for (const [id, e] of Object.entries(exporters)) expect(e.experiment).toBe(id);
  });
});
