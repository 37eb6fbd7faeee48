/** Matrix multiply: the end-to-end check of the compute pipe (spec → worker → kernel → views). */
import { limitFields, seedField } from './common';
import { shapeOf } from './data-rule';
import { defineSpec } from './define';
import { choice, file, num } from './fields';

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
    m: { ...dim('Rows of A (m)', 256), show: (v) => !v.a },
    n: { ...dim('Columns of B (n)', 256), show: (v) => !v.b },
    k: { ...dim('Inner size (k)', 256), show: (v) => !v.a && !v.b },
    dist: choice(['normal', 'uniform'], {
      label: 'Entries',
      default: 'normal',
      group: 'Data',
      optionLabels: { normal: 'Gaussian N(0,1)', uniform: 'Uniform [-1, 1)' },
    }),
    seed: seedField,
    ...limitFields,
    a: file({
      label: 'Your A (m×k)',
      group: 'Your data',
      help: 'A 2-D .npy or numeric .csv; replaces the random A.',
    }),
    b: file({
      label: 'Your B (k×n)',
      group: 'Your data',
      help: 'A 2-D .npy or numeric .csv; replaces the random B.',
    }),
  },
  rules: (v) =>
    v.m * v.k + v.k * v.n + v.m * v.n > 64 * 2 ** 20
      ? [
          {
            field: 'k',
            fields: ['m', 'n'],
            message: 'm·k + k·n + m·n must stay under 64M elements (256 MiB of float32)',
          },
        ]
      : [],
  data: {
    // Your A replaces the random A and your B the random B; every study uses them: nothing goes unused.
    check: () => [],
    derived(v): Record<string, number> {
      const a = shapeOf(v, 'a');
      const b = shapeOf(v, 'b');
      const out: Record<string, number> = {};
      if (b?.length === 2) [out.k, out.n] = b;
      if (a?.length === 2) [out.m, out.k] = a;
      return out;
    },
  },
});
