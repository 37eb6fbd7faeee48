/** The store and the compute client, provided once at the root. */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { HistoryRuntime } from '../history/history-store';
import type { ComputePool } from '../runtime/compute-pool';
import type { RunController } from '../runtime/run-controller';
import type { LabState, LabStore } from './lab-store';

export interface LabRuntime {
  store: LabStore;
  pool: ComputePool;
  runs: RunController;
  history: HistoryRuntime;
}

export const RuntimeContext = createContext<LabRuntime | null>(null);

export function useRuntime(): LabRuntime {
  const rt = useContext(RuntimeContext);
  if (!rt) throw new Error('useRuntime outside RuntimeContext');
  return rt;
}

export function useLab<T>(selector: (s: LabState) => T): T {
  return useStore(useRuntime().store, selector);
}
