import { Text } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { EChart } from '../../ui/charts/EChart.tsx';
import { formatInteger, formatNumber } from '../../ui/format.ts';
import { builderOption } from './builderOption.ts';
import type { ChartResult, ChartSpec } from './types.ts';

/** The measure a bar or line shows, in words. */
function valueLabel(t: TFunction, spec: ChartSpec): string {
  if ((spec.kind === 'bar' || spec.kind === 'line') && spec.measure === 'mean')
    return t('builder.meanOf', { field: spec.field });
  if (spec.kind === 'bar' && spec.measure === 'churn_rate') return t('builder.measures.churn_rate');
  return t('builder.measures.count');
}

/** One computed chart, with what the figures leave out (a sample, categories cut). */
export function ChartView({ result, spec, label }: { result: ChartResult; spec: ChartSpec; label: string }) {
  const { t, i18n } = useTranslation();
  const option = useMemo(
    () =>
      builderOption(result, spec, {
        customers: t('builder.customers'),
        missing: t('builder.missing'),
        format: (n) => formatNumber(i18n.language, n, 2),
        value: valueLabel(t, spec),
      }),
    [result, spec, t, i18n.language],
  );
  const data = result.data;
  const empty =
    (data.kind === 'histogram' && data.series.length === 0) ||
    (data.kind === 'box' && data.boxes.length === 0) ||
    (data.kind === 'bar' && data.bars.length === 0) ||
    (data.kind === 'scatter' && data.points.length === 0) ||
    (data.kind === 'heatmap' && data.cells.length === 0) ||
    (data.kind === 'line' && data.points.length === 0);
  if (empty)
    return (
      <Text c="dimmed" size="sm" py="md" data-testid="chart-empty">
        {t('builder.noCustomers')}
      </Text>
    );
  return (
    <>
      <EChart option={option} label={label} height={360} />
      {data.kind === 'scatter' && data.points.length < data.total && (
        <Text size="xs" c="dimmed">
          {t('builder.sampled', {
            shown: formatInteger(i18n.language, data.points.length),
            total: formatInteger(i18n.language, data.total),
          })}
        </Text>
      )}
      {(data.kind === 'bar' || data.kind === 'heatmap') && data.truncated && (
        <Text size="xs" c="dimmed">
          {t('builder.truncated')}
        </Text>
      )}
    </>
  );
}
