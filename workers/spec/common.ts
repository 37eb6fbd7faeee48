/** Fields that several experiments share, defined once. */
import { num } from './fields';

export const seedField = num({
  label: 'Seed',
  default: 1,
  min: 0,
  max: 2 ** 31 - 1,
  int: true,
  group: 'Data',
  help: 'Seeds every random draw: the same seed rebuilds the same data.',
});
