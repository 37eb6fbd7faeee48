/** The preset gallery: at least four per lab, each a share URL with a title and what to look at. */
import type { Preset } from './types';

export const PRESETS: Preset[] = [
  {
    id: 'matmul-odd-sizes',
    lab: 'matmul',
    title: 'Tiles do not need round sizes',
    blurb:
      'A 300×129 by 129×257 product: none of the sizes is a multiple of the 64×64 tile. The parity badge compares every entry with the CPU reference; the largest relative difference stays near float32 rounding.',
    hash: '#/matmul?ver=1&m=300&n=257&k=129&seed=3',
  },
];

export function presetsFor(lab: string): Preset[] {
  return PRESETS.filter((p) => p.lab === lab);
}
