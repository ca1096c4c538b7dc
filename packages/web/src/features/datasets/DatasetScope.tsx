import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Dataset } from '../../api/types.ts';
import { EmptyState, ErrorState, Loading } from '../../ui/States.tsx';
import type { Loadable } from '../../ui/useApi.ts';
import { DatasetPicker } from './DatasetPicker.tsx';

/** "No data yet": the organisation has no dataset. */
function NoDatasets() {
  const { t } = useTranslation();
  return <EmptyState title={t('datasets.none')}>{t('datasets.noneHint')}</EmptyState>;
}

/**
 * What a page over one dataset shows around its content: the datasets loading, their error with a
 * retry, "no data yet", else the dataset picker followed by the page's `children` (a node, or a
 * function of the selected dataset). It takes what `useDatasets()` returns; `select` may be wrapped
 * by the page. The content renders only once a dataset is selected (with `useDatasets`, exactly
 * when the list is not empty). It holds no hooks of its own, so the page's hooks stay in the page.
 */
export function DatasetScope({
  datasets,
  selected,
  select,
  children,
}: {
  datasets: Loadable<Dataset[]> & { reload: () => void };
  selected: Dataset | null;
  select: (id: string) => void;
  children: ReactNode | ((dataset: Dataset) => ReactNode);
}) {
  if (datasets.state === 'loading') return <Loading />;
  if (datasets.state === 'error') return <ErrorState error={datasets.error} onRetry={datasets.reload} />;
  if (datasets.data.length === 0) return <NoDatasets />;
  if (!selected) return null;
  return (
    <>
      <DatasetPicker datasets={datasets.data} selected={selected} onSelect={select} />
      {typeof children === 'function' ? children(selected) : children}
    </>
  );
}
