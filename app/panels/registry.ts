/** The labs the header shows, in order, with their views loaded on demand. */
import { type ComponentType, lazy } from 'react';
import type { LabViewProps } from './types';

export interface LabEntry {
  id: string;
  title: string;
  blurb: string;
  Views: ComponentType<LabViewProps>;
}

export const LABS: LabEntry[] = [
  {
    id: 'matmul',
    title: 'Matmul check',
    blurb: 'The compute pipe end to end: a tiled WebGPU matrix multiply checked against the CPU reference.',
    Views: lazy(() => import('./matmul/matmul-views').then((m) => ({ default: m.MatmulViews }))),
  },
];

export function labFor(id: string): LabEntry | undefined {
  return LABS.find((l) => l.id === id);
}
