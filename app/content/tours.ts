/** Guided tours: ordered steps, each a state of the lab with narration, optionally a prediction checkpoint. */
import type { Tour } from './types';

export const TOURS: Tour[] = [
  {
    id: 'pipe',
    lab: 'matmul',
    title: 'How a kernel is checked',
    steps: [
      {
        hash: '#/matmul?ver=1&m=64&n=64&k=64&lock=m,n,k',
        narration:
          'Every kernel in SparseLab runs on WebGPU and is compared with a plain CPU implementation of the same maths. Here: a 64×64 matrix product.',
      },
      {
        hash: '#/matmul?ver=1&m=300&n=257&k=129&seed=3',
        narration:
          'Sizes that are not multiples of the tile are the usual place for bugs. Look at the parity badge.',
        highlight: 'm',
        question: 'Will the GPU result differ from the CPU reference by more than one part in ten thousand?',
        answer:
          'No: float32 rounding keeps the largest relative difference around 10⁻⁷, far below the 10⁻⁴ tolerance.',
      },
      {
        hash: '#/matmul?ver=1&m=300&n=257&k=129&seed=3&backend=cpu',
        narration:
          'The CPU backend runs the same experiment with the reference code: same seed, same data, same numbers.',
      },
    ],
  },
];

export function tourFor(id: string | undefined): Tour | undefined {
  return TOURS.find((t) => t.id === id);
}
