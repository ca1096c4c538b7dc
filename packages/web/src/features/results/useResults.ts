import { api } from '../../api/client.ts';
import { useApi } from '../../ui/useApi.ts';
import type { Results } from './types.ts';

/** The published results of a dataset (404 when it has none yet). */
export function useResults(datasetId: string | null) {
  return useApi(datasetId, (signal) =>
    api<Results>(`/api/datasets/${encodeURIComponent(datasetId!)}/results`, { signal }),
  );
}
