/** What every exported chart carries: the share URL and a one-line description of the spec. */
import { createContext, useContext } from 'react';
import type { ExportMeta } from './export';

export const ExportContext = createContext<ExportMeta>({ url: '', caption: '' });

export function useExportMeta(): ExportMeta {
  return useContext(ExportContext);
}
