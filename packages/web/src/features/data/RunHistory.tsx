import { Badge, Button, Card, Checkbox, Group, Select, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { Dataset, Run } from '../../api/types.ts';
import { formatDateTime } from '../../ui/format.ts';
import { EmptyState, ErrorState, Loading } from '../../ui/States.tsx';
import type { Loadable } from '../../ui/useApi.ts';
import { useApi } from '../../ui/useApi.ts';
import { type Comparison, RunComparison } from './RunComparison.tsx';
import { RunStatus } from './RunStatus.tsx';

/**
 * A run as GET /api/runs answers it, with the plan it was started with (null: the automatic steps)
 * and its parameters (`config`, as given: {} = the defaults).
 */
export type RunWithPlan = Run & { plan?: { steps?: unknown[] } | null; config?: Record<string, unknown> };

/** The two runs picked to compare: the newest pick replaces the older when a third is ticked. */
export function pickRun(picked: readonly string[], id: string, on: boolean): string[] {
  if (!on) return picked.filter((p) => p !== id);
  if (picked.includes(id)) return [...picked];
  return [...picked, id].slice(-2);
}

/** Past runs (of one dataset, or all), two succeeded ones picked and compared side by side. */
export function RunHistory({
  runs,
  datasets,
  onReload,
}: {
  runs: Loadable<RunWithPlan[]>;
  datasets: Dataset[];
  onReload: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [datasetId, setDatasetId] = useState<string | null>(null);
  const [picked, setPicked] = useState<string[]>([]);
  const [compared, setCompared] = useState<[string, string] | null>(null);
  const comparison = useApi(compared ? `compare:${compared.join(':')}` : null, (signal) =>
    api<Comparison>(
      `/api/runs/${encodeURIComponent(compared![0])}/compare/${encodeURIComponent(compared![1])}`,
      { signal },
    ),
  );
  const nameOf = (id: string) => datasets.find((d) => d.id === id)?.name ?? '—';
  const shown =
    runs.state === 'ready' ? runs.data.filter((r) => !datasetId || r.datasetId === datasetId) : [];
  const pickedRuns = runs.state === 'ready' ? runs.data.filter((r) => picked.includes(r.id)) : [];
  const sameDataset = pickedRuns.length === 2 && pickedRuns[0]!.datasetId === pickedRuns[1]!.datasetId;
  // Oldest first, so "A" is the earlier run and the cross-table reads from before to after.
  const ordered = [...pickedRuns].sort((x, y) => x.createdAt.localeCompare(y.createdAt));

  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs">
        <Title order={4}>{t('data.runs')}</Title>
        <Select
          aria-label={t('compare.dataset')}
          placeholder={t('compare.allDatasets')}
          data={datasets.map((d) => ({ value: d.id, label: d.name }))}
          value={datasetId}
          onChange={(v) => {
            setDatasetId(v);
            setPicked([]);
          }}
          clearable
          w={260}
        />
      </Group>
      {runs.state === 'loading' && <Loading />}
      {runs.state === 'error' && <ErrorState error={runs.error} onRetry={onReload} />}
      {runs.state === 'ready' && shown.length === 0 && <EmptyState title={t('home.noRuns')} />}
      {runs.state === 'ready' && shown.length > 0 && (
        <>
          <Text size="sm" c="dimmed" mb="xs">
            {t('compare.hint')}
          </Text>
          <Table.ScrollContainer minWidth={640}>
            <Table data-testid="run-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('compare.pick')}</Table.Th>
                  <Table.Th>{t('data.name')}</Table.Th>
                  <Table.Th>{t('data.started')}</Table.Th>
                  <Table.Th>{t('data.finished')}</Table.Th>
                  <Table.Th>{t('compare.plan')}</Table.Th>
                  <Table.Th>{t('data.status')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.slice(0, 50).map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td>
                      <Checkbox
                        aria-label={t('compare.pickRun', {
                          name: nameOf(r.datasetId),
                          date: formatDateTime(i18n.language, r.startedAt ?? r.createdAt),
                        })}
                        disabled={r.status !== 'succeeded'}
                        checked={picked.includes(r.id)}
                        onChange={(e) => setPicked(pickRun(picked, r.id, e.currentTarget.checked))}
                      />
                    </Table.Td>
                    <Table.Td>{nameOf(r.datasetId)}</Table.Td>
                    <Table.Td>{formatDateTime(i18n.language, r.startedAt ?? r.createdAt)}</Table.Td>
                    <Table.Td>{formatDateTime(i18n.language, r.finishedAt)}</Table.Td>
                    <Table.Td>
                      {r.plan ? (
                        <Badge variant="light" color="grape" size="sm">
                          {t('compare.planSteps', { count: r.plan.steps?.length ?? 0 })}
                        </Badge>
                      ) : (
                        <Text size="xs" c="dimmed">
                          {t('compare.planAutomatic')}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <RunStatus run={r} />
                      {r.error && (
                        <Text size="xs" c="red">
                          {r.error}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group mt="sm">
            <Button
              disabled={!sameDataset}
              onClick={() => setCompared([ordered[0]!.id, ordered[1]!.id])}
              data-testid="compare-runs"
            >
              {t('compare.button')}
            </Button>
            {pickedRuns.length === 2 && !sameDataset && (
              <Text size="sm" c="red">
                {t('compare.sameDataset')}
              </Text>
            )}
          </Group>
        </>
      )}
      {compared && (
        <Card withBorder mt="md">
          <Group justify="space-between" mb="xs">
            <Title order={4}>{t('compare.title')}</Title>
            <Button size="compact-sm" variant="subtle" onClick={() => setCompared(null)}>
              {t('compare.close')}
            </Button>
          </Group>
          {comparison.state === 'loading' && <Loading />}
          {comparison.state === 'error' && (
            <ErrorState error={comparison.error} onRetry={comparison.reload} />
          )}
          {comparison.state === 'ready' && <RunComparison comparison={comparison.data} />}
        </Card>
      )}
    </Card>
  );
}
