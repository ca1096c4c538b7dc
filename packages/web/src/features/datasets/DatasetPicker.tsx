import { Select } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Dataset } from '../../api/types.ts';

export function DatasetPicker({
  datasets,
  selected,
  onSelect,
}: {
  datasets: Dataset[];
  selected: Dataset | null;
  onSelect: (id: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <Select
      label={t('datasets.pick')}
      data={datasets.map((d) => ({ value: d.id, label: d.name }))}
      value={selected?.id ?? null}
      onChange={(id) => id && onSelect(id)}
      allowDeselect={false}
      maw={420}
      data-testid="dataset-picker"
    />
  );
}
