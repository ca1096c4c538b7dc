import { Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../app/session.ts';
import { EmptyState, ErrorState, Loading } from '../../ui/States.tsx';
import { asApiError, useApi } from '../../ui/useApi.ts';
import { ChartView } from './ChartView.tsx';
import { deleteChart, listSavedCharts, loadChartData } from './chartsApi.ts';
import type { SavedChart } from './types.ts';

/** A saved chart drawn from the newest published run (its spec is all that was saved). */
function SavedChartCard({ chart, onDeleted }: { chart: SavedChart; onDeleted: () => void }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const result = useApi(`saved:${chart.id}:${chart.updatedAt}`, (signal) =>
    loadChartData(chart.datasetId, chart.spec, signal),
  );
  const [error, setError] = useState<string | null>(null);
  return (
    <Card withBorder data-testid="saved-chart">
      <Group justify="space-between" wrap="nowrap" mb="xs">
        <Stack gap={0}>
          <Title order={5}>{chart.title}</Title>
          <Text size="xs" c="dimmed">
            {chart.team.name}
          </Text>
        </Stack>
        {can('rename_segments') && (
          <Button
            size="xs"
            variant="subtle"
            color="red"
            aria-label={t('builder.deleteChart', { title: chart.title })}
            onClick={() =>
              deleteChart(chart.id).then(onDeleted, (err: unknown) => setError(asApiError(err).message))
            }
          >
            {t('builder.delete')}
          </Button>
        )}
      </Group>
      {error && (
        <Text c="red" size="sm" role="alert">
          {error}
        </Text>
      )}
      {result.state === 'loading' && <Loading />}
      {result.state === 'error' && <ErrorState error={result.error} onRetry={result.reload} />}
      {result.state === 'ready' && <ChartView result={result.data} spec={chart.spec} label={chart.title} />}
    </Card>
  );
}

/** The team's page of charts for this dataset, each computed afresh. */
export function SavedCharts({ datasetId, version }: { datasetId: string; version: number }) {
  const { t } = useTranslation();
  const charts = useApi(`charts:${datasetId}:${version}`, (signal) => listSavedCharts(datasetId, signal));
  return (
    <Stack component="section" aria-labelledby="saved-charts-title">
      <Title order={3} id="saved-charts-title">
        {t('builder.saved')}
      </Title>
      {charts.state === 'loading' && <Loading />}
      {charts.state === 'error' && <ErrorState error={charts.error} onRetry={charts.reload} />}
      {charts.state === 'ready' &&
        (charts.data.length === 0 ? (
          <EmptyState title={t('builder.noSaved')}>{t('builder.noSavedHint')}</EmptyState>
        ) : (
          <SimpleGrid cols={{ base: 1, lg: 2 }}>
            {charts.data.map((c) => (
              <SavedChartCard key={c.id} chart={c} onDeleted={charts.reload} />
            ))}
          </SimpleGrid>
        ))}
    </Stack>
  );
}
