/** Matrix multiply: the end-to-end check of the compute pipe (spec → worker → kernel → views). */
import { seedField } from './common';
import { defineSpec } from './define';
import { choice, num } from './fields';

const dim = (label: string, d: number) =>
  num({
    label,
    default: d,
    min: 1,
    max: 8192,
    int: true,
    group: 'Sizes',
    help: 'Any size from 1 up, not only multiples of the 64×64 tile',
  });

export const matmulSpec = defineSpec({
  id: 'matmul',
  title: 'Matrix multiply',
  fields: {
    m: dim('Rows of A (m)', 256),
    n: dim('Columns of B (n)', 256),
    k: dim('Inner size (k)', 256),
    dist: choice(['normal', 'uniform'], {
      label: 'Entries',
      default: 'normal',
      group: 'Data',
      optionLabels: { normal: 'Gaussian N(0,1)', uniform: 'Uniform [-1, 1)' },
    }),
    seed: seedField,
  },
  rules: (v) =>
    v.m * v.k + v.k * v.n + v.m * v.n > 64 * 2 ** 20
      ? [{ field: 'k', message: 'm·k + k·n + m·n must stay under 64M elements (256 MiB of float32)' }]
      : [],
});
