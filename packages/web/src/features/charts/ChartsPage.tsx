import { Card, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { Segment } from '../../api/types.ts';
import { EChart } from '../../ui/charts/EChart.tsx';
import { EmptyState, ErrorState, Loading } from '../../ui/States.tsx';
import { useApi } from '../../ui/useApi.ts';
import { DatasetPicker } from '../datasets/DatasetPicker.tsx';
import { useDatasets } from '../datasets/useDatasets.ts';
import type { Report } from '../results/types.ts';
import { useResults } from '../results/useResults.ts';
import { churnByGroupOption, riskBySegmentOption, selectionOption, viewOption } from './chartOptions.ts';

function Charts({ report, names }: { report: Report; names: Map<number, string> }) {
  const { t } = useTranslation();
  const selection = useMemo(
    () => selectionOption(report, { silhouette: t('charts.silhouette'), inertia: t('charts.inertia') }),
    [report, t],
  );
  const risk = useMemo(
    () => riskBySegmentOption(report, names, (tier) => t(`tiers.${tier}`)),
    [report, names, t],
  );
  return (
    <Stack>
      <Card withBorder>
        <Title order={4}>{t('charts.selection')}</Title>
        <Text size="sm" c="dimmed">
          {t('charts.selectionHint', { k: report.segmentation.k, algorithm: report.segmentation.algorithm })}
        </Text>
        <EChart option={selection} label={t('charts.selection')} />
      </Card>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        {report.segmentation.views.map((view) => (
          <Card withBorder key={view.method}>
            <Title order={4}>{t('charts.view', { method: view.method.toUpperCase() })}</Title>
            <EChart option={viewOption(view, names)} label={t('charts.view', { method: view.method })} />
          </Card>
        ))}
      </SimpleGrid>
      {risk && (
        <Card withBorder>
          <Title order={4}>{t('charts.riskBySegment')}</Title>
          <EChart option={risk} label={t('charts.riskBySegment')} />
        </Card>
      )}
      {report.churn?.byGroup.map((group) => (
        <Card withBorder key={group.column ?? 'group'}>
          <Title order={4}>{t('charts.churnBy', { column: group.column ?? '' })}</Title>
          <EChart
            option={churnByGroupOption(group, t('charts.meanProbability'))}
            height={Math.max(200, Math.min(group.rows.length, 25) * 22 + 60)}
            label={t('charts.churnBy', { column: group.column ?? '' })}
          />
        </Card>
      ))}
    </Stack>
  );
}

export function ChartsPage() {
  const { t } = useTranslation();
  const { datasets, selected, select } = useDatasets();
  const results = useResults(selected?.id ?? null);
  const segments = useApi(selected ? `segments:${selected.id}` : null, (signal) =>
    api<{ segments: Segment[] }>(`/api/datasets/${encodeURIComponent(selected!.id)}/segments`, { signal }),
  );
  const names = useMemo(
    () => new Map(segments.state === 'ready' ? segments.data.segments.map((s) => [s.id, s.name]) : []),
    [segments],
  );
  return (
    <Stack>
      <Title order={2}>{t('charts.title')}</Title>
      {datasets.state === 'loading' && <Loading />}
      {datasets.state === 'error' && <ErrorState error={datasets.error} onRetry={datasets.reload} />}
      {datasets.state === 'ready' && datasets.data.length === 0 && (
        <EmptyState title={t('datasets.none')}>{t('datasets.noneHint')}</EmptyState>
      )}
      {datasets.state === 'ready' && datasets.data.length > 0 && (
        <>
          <DatasetPicker datasets={datasets.data} selected={selected} onSelect={select} />
          {results.state === 'loading' && <Loading />}
          {results.state === 'error' &&
            (results.error.status === 404 ? (
              <EmptyState title={t('segments.noResults')}>{t('segments.noResultsHint')}</EmptyState>
            ) : (
              <ErrorState error={results.error} onRetry={results.reload} />
            ))}
          {results.state === 'ready' &&
            (results.data.results.report ? (
              <Charts report={results.data.results.report} names={names} />
            ) : (
              <EmptyState title={t('segments.noResults')} />
            ))}
        </>
      )}
    </Stack>
  );
}
