import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { Dataset } from '../../api/types.ts';
import { type Loadable, useApi } from '../../ui/useApi.ts';

const STORAGE_KEY = 'clientele.dataset';

/** The organisation's datasets, and the one picked (remembered across pages). */
export function useDatasets(): {
  datasets: Loadable<Dataset[]> & { reload: () => void };
  selected: Dataset | null;
  select: (id: string) => void;
} {
  const datasets = useApi('datasets', (signal) =>
    api<{ datasets: Dataset[] }>('/api/datasets', { signal }).then((r) => r.datasets),
  );
  const [picked, setPicked] = useState<string | null>(() => localStorage.getItem(STORAGE_KEY));
  const list = datasets.state === 'ready' ? datasets.data : [];
  const selected = list.find((d) => d.id === picked) ?? list[0] ?? null;
  return {
    datasets,
    selected,
    select: (id) => {
      localStorage.setItem(STORAGE_KEY, id);
      setPicked(id);
    },
  };
}
