import { Button, Card, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { Dataset, Run } from '../../api/types.ts';
import { useSession } from '../../app/session.ts';
import { formatBytes, formatDateTime, formatInteger } from '../../ui/format.ts';
import { EmptyState, ErrorState, Loading } from '../../ui/States.tsx';
import { useApi } from '../../ui/useApi.ts';
import { DatasetProfile } from './DatasetProfile.tsx';
import { PlanEditor } from './PlanEditor.tsx';
import { RunHistory, type RunWithPlan } from './RunHistory.tsx';
import { RunSettings } from './RunSettings.tsx';
import { RunStatus } from './RunStatus.tsx';
import { UploadForm } from './UploadForm.tsx';

const POLL_MS = 1000;

/** Runs of the organisation, polled while one is queued or running. */
function useRuns() {
  const runs = useApi('runs', (signal) =>
    api<{ runs: RunWithPlan[] }>('/api/runs', { signal }).then((r) => r.runs),
  );
  const active =
    runs.state === 'ready' && runs.data.some((r) => r.status === 'queued' || r.status === 'running');
  const { reload } = runs;
  useEffect(() => {
    if (!active) return;
    const timer = setTimeout(reload, POLL_MS);
    return () => clearTimeout(timer);
  });
  return runs;
}

export function DataPage() {
  const { t, i18n } = useTranslation();
  const { can } = useSession();
  const datasets = useApi('datasets', (signal) =>
    api<{ datasets: Dataset[] }>('/api/datasets', { signal }).then((r) => r.datasets),
  );
  const runs = useRuns();
  const [starting, setStarting] = useState<string | null>(null);
  const [startError, setStartError] = useState<string | null>(null);
  const [profiled, setProfiled] = useState<Dataset | null>(null);
  const [planned, setPlanned] = useState<Dataset | null>(null);
  const [configured, setConfigured] = useState<Dataset | null>(null);
  const lastRun = (datasetId: string) =>
    runs.state === 'ready' ? runs.data.find((r) => r.datasetId === datasetId) : undefined;

  const start = async (datasetId: string) => {
    setStarting(datasetId);
    setStartError(null);
    try {
      await api<Run>(`/api/datasets/${encodeURIComponent(datasetId)}/runs`, { method: 'POST', body: {} });
      runs.reload();
    } catch (err) {
      setStartError(err instanceof Error ? err.message : String(err));
    } finally {
      setStarting(null);
    }
  };

  return (
    <Stack>
      <Title order={2}>{t('data.title')}</Title>
      {can('upload_data') && <UploadForm onUploaded={datasets.reload} />}
      <Card withBorder>
        <Title order={4} mb="xs">
          {t('data.datasets')}
        </Title>
        {datasets.state === 'loading' && <Loading />}
        {datasets.state === 'error' && <ErrorState error={datasets.error} onRetry={datasets.reload} />}
        {datasets.state === 'ready' && datasets.data.length === 0 && (
          <EmptyState title={t('datasets.none')}>{t('datasets.noneHint')}</EmptyState>
        )}
        {startError && (
          <Text c="red" role="alert" size="sm">
            {startError}
          </Text>
        )}
        {datasets.state === 'ready' && datasets.data.length > 0 && (
          <Table.ScrollContainer minWidth={760}>
            <Table striped data-testid="dataset-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('data.name')}</Table.Th>
                  <Table.Th>{t('data.kind')}</Table.Th>
                  <Table.Th ta="right">{t('data.rows')}</Table.Th>
                  <Table.Th ta="right">{t('data.customers')}</Table.Th>
                  <Table.Th ta="right">{t('data.size')}</Table.Th>
                  <Table.Th>{t('data.uploaded')}</Table.Th>
                  <Table.Th>{t('data.lastRun')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {datasets.data.map((d) => {
                  const run = lastRun(d.id);
                  const busy = run?.status === 'queued' || run?.status === 'running';
                  return (
                    <Table.Tr key={d.id}>
                      <Table.Td>{d.name}</Table.Td>
                      <Table.Td>{t(`data.kinds.${d.kind}`)}</Table.Td>
                      <Table.Td ta="right">{formatInteger(i18n.language, d.rows)}</Table.Td>
                      <Table.Td ta="right">{formatInteger(i18n.language, d.customers)}</Table.Td>
                      <Table.Td ta="right">{formatBytes(i18n.language, d.bytes)}</Table.Td>
                      <Table.Td>{formatDateTime(i18n.language, d.createdAt)}</Table.Td>
                      <Table.Td>{run ? <RunStatus run={run} /> : '—'}</Table.Td>
                      <Table.Td>
                        <Button size="compact-xs" variant="subtle" onClick={() => setProfiled(d)}>
                          {t('profile.open')}
                        </Button>
                        {can('run_models') && (
                          <Button
                            size="compact-xs"
                            variant="light"
                            loading={starting === d.id}
                            disabled={busy}
                            onClick={() => void start(d.id)}
                          >
                            {t('data.startRun')}
                          </Button>
                        )}
                        {can('run_models') && (
                          <Button
                            size="compact-xs"
                            variant="subtle"
                            disabled={busy}
                            onClick={() => setPlanned(d)}
                          >
                            {t('plan.open')}
                          </Button>
                        )}
                        {can('run_models') && (
                          <Button
                            size="compact-xs"
                            variant="subtle"
                            disabled={busy}
                            onClick={() => setConfigured(d)}
                            aria-label={t('runSettings.openFor', { name: d.name })}
                          >
                            {t('runSettings.open')}
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
      <RunHistory
        runs={runs}
        datasets={datasets.state === 'ready' ? datasets.data : []}
        onReload={runs.reload}
      />
      {profiled && <DatasetProfile dataset={profiled} onClose={() => setProfiled(null)} />}
      {planned && (
        <PlanEditor
          dataset={planned}
          onClose={() => setPlanned(null)}
          onStarted={() => {
            setPlanned(null);
            runs.reload();
          }}
        />
      )}
      {configured && (
        <RunSettings
          dataset={configured}
          onClose={() => setConfigured(null)}
          onStarted={() => {
            setConfigured(null);
            runs.reload();
          }}
        />
      )}
    </Stack>
  );
}
