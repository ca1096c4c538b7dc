import { Card, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, apiText } from '../../api/client.ts';
import type { Segment } from '../../api/types.ts';
import { EChart } from '../../ui/charts/EChart.tsx';
import { formatNumber } from '../../ui/format.ts';
import { parseCsv } from '../../ui/parseCsv.ts';
import { EmptyState, ErrorState, Loading } from '../../ui/States.tsx';
import { useApi } from '../../ui/useApi.ts';
import { DatasetScope } from '../datasets/DatasetScope.tsx';
import { useDatasets } from '../datasets/useDatasets.ts';
import { segmentationView } from '../results/segmentationView.ts';
import type { Report } from '../results/types.ts';
import { useResults } from '../results/useResults.ts';
import { ChurnByPlace } from './ChurnByPlace.tsx';
import {
  churnHistogramOption,
  correlationOption,
  type Histogram,
  histogramOption,
  riskBySegmentOption,
  selectionOption,
  viewOption,
} from './chartOptions.ts';

interface ProfileCharts {
  columns: { name: string; role: string; numeric: { histogram?: Histogram[] } | null }[];
  correlation: { columns: string[]; pearson: (number | null)[][] } | null;
}

/** Distributions (a histogram per numeric column, one at a time) and the correlation matrix. */
function DataCharts({ profile }: { profile: ProfileCharts }) {
  const { t, i18n } = useTranslation();
  // Ids and the target are not distributions anyone reads.
  const numeric = profile.columns.filter(
    (c) => c.role !== 'id' && c.role !== 'target' && (c.numeric?.histogram?.length ?? 0) > 0,
  );
  const [column, setColumn] = useState<string | null>(numeric[0]?.name ?? null);
  const bins = numeric.find((c) => c.name === column)?.numeric?.histogram ?? [];
  const histogram = useMemo(
    () => histogramOption(bins, (n) => formatNumber(i18n.language, n, 1), t('charts.customers')),
    [bins, i18n.language, t],
  );
  const correlation = useMemo(
    () =>
      profile.correlation
        ? correlationOption(profile.correlation.columns, profile.correlation.pearson)
        : null,
    [profile.correlation],
  );
  return (
    <>
      {numeric.length > 0 && (
        <Card withBorder>
          <Title order={4}>{t('charts.distributions')}</Title>
          <Select
            label={t('charts.column')}
            data={numeric.map((c) => c.name)}
            value={column}
            onChange={setColumn}
            allowDeselect={false}
            searchable
            maw={320}
          />
          <EChart option={histogram} label={t('charts.distributions')} />
        </Card>
      )}
      {correlation && profile.correlation && (
        <Card withBorder>
          <Title order={4}>{t('charts.correlation')}</Title>
          <EChart
            option={correlation}
            height={Math.max(360, profile.correlation.columns.length * 18 + 200)}
            label={t('charts.correlation')}
          />
        </Card>
      )}
    </>
  );
}

/** The churn probability of every customer (exports/scores.csv), binned and stacked by tier. */
function ChurnHistogram({ datasetId }: { datasetId: string }) {
  const { t } = useTranslation();
  const scores = useApi(`scores:${datasetId}`, (signal) =>
    apiText(`/api/datasets/${encodeURIComponent(datasetId)}/exports/scores.csv`, signal).then((text) =>
      parseCsv(text).rows.map((r) => ({
        probability: Number(r['churn_probability']),
        tier: r['risk_tier'] ?? '',
      })),
    ),
  );
  const option = useMemo(
    () => (scores.state === 'ready' ? churnHistogramOption(scores.data, (tier) => t(`tiers.${tier}`)) : null),
    [scores, t],
  );
  return (
    <Card withBorder>
      <Title order={4}>{t('charts.churnHistogram')}</Title>
      {scores.state === 'loading' && <Loading />}
      {scores.state === 'error' && <ErrorState error={scores.error} onRetry={scores.reload} />}
      {option && <EChart option={option} label={t('charts.churnHistogram')} />}
    </Card>
  );
}

function Charts({
  datasetId,
  report,
  names,
  profile,
}: {
  datasetId: string;
  report: Report;
  names: Map<number, string>;
  profile: ProfileCharts | null;
}) {
  const { t } = useTranslation();
  const selection = useMemo(
    () =>
      selectionOption(report, {
        silhouette: t('charts.silhouette'),
        inertia: t('charts.inertia'),
        bic: t('charts.bic'),
      }),
    [report, t],
  );
  const risk = useMemo(
    () => riskBySegmentOption(report, names, (tier) => t(`tiers.${tier}`)),
    [report, names, t],
  );
  return (
    <Stack>
      {profile && <DataCharts profile={profile} />}
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
      {report.churn && <ChurnHistogram datasetId={datasetId} />}
      {risk && (
        <Card withBorder>
          <Title order={4}>{t('charts.riskBySegment')}</Title>
          <EChart option={risk} label={t('charts.riskBySegment')} />
        </Card>
      )}
      {report.churn && <ChurnByPlace datasetId={datasetId} />}
    </Stack>
  );
}

export function ChartsPage() {
  const { t } = useTranslation();
  const { datasets, selected, select } = useDatasets();
  const results = useResults(selected?.id ?? null);
  const segments = useApi(selected ? `segments:${selected.id}` : null, (signal) =>
    api<{ segmentation: string; segments: Segment[] }>(
      `/api/datasets/${encodeURIComponent(selected!.id)}/segments`,
      { signal },
    ),
  );
  const profile = useApi(selected ? `profile:${selected.id}` : null, (signal) =>
    api<{ profile: ProfileCharts | null }>(`/api/datasets/${encodeURIComponent(selected!.id)}`, {
      signal,
    }).then((r) => r.profile),
  );
  const names = useMemo(
    () => new Map(segments.state === 'ready' ? segments.data.segments.map((s) => [s.id, s.name]) : []),
    [segments],
  );
  return (
    <Stack>
      <Title order={2}>{t('charts.title')}</Title>
      <DatasetScope datasets={datasets} selected={selected} select={select}>
        {(dataset) => (
          <>
            {results.state === 'loading' && <Loading />}
            {results.state === 'error' &&
              (results.error.status === 404 ? (
                <EmptyState title={t('segments.noResults')}>{t('segments.noResultsHint')}</EmptyState>
              ) : (
                <ErrorState error={results.error} onRetry={results.reload} />
              ))}
            {results.state === 'ready' &&
              (results.data.results.report ? (
                <Charts
                  datasetId={dataset.id}
                  // The segmentation the team works with (the Segments API says which), as the names are.
                  report={segmentationView(
                    results.data.results.report,
                    segments.state === 'ready' ? segments.data.segmentation : undefined,
                  )}
                  names={names}
                  profile={profile.state === 'ready' ? profile.data : null}
                />
              ) : (
                <EmptyState title={t('segments.noResults')} />
              ))}
          </>
        )}
      </DatasetScope>
    </Stack>
  );
}
