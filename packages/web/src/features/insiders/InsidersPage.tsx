import { Badge, Card, Group, List, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { formatInteger, formatNumber, formatPercent } from '../../ui/format.ts';
import { EmptyState, ErrorState, Loading } from '../../ui/States.tsx';
import { useApi } from '../../ui/useApi.ts';
import { DatasetScope } from '../datasets/DatasetScope.tsx';
import { useDatasets } from '../datasets/useDatasets.ts';
import type { Report } from '../results/types.ts';
import { useResults } from '../results/useResults.ts';
import { InsiderList } from './InsiderList.tsx';

interface Change {
  runId: string;
  customerId: string;
  change: 'entered' | 'left';
  at: string;
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <Card withBorder>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
    </Card>
  );
}

function Insiders({ datasetId, value }: { datasetId: string; value: NonNullable<Report['value']> }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const insiders = value.insiders!;
  const changes = useApi(`changes:${datasetId}`, (signal) =>
    api<{ changes: Change[] }>(`/api/datasets/${encodeURIComponent(datasetId)}/insiders/changes?limit=200`, {
      signal,
    }).then((r) => r.changes),
  );
  const latest =
    changes.state === 'ready' ? changes.data.filter((c) => c.runId === changes.data[0]?.runId) : [];
  return (
    <Stack>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Stat label={t('insiders.count')} value={formatInteger(lng, insiders.count)} />
        <Stat label={t('insiders.customerShare')} value={formatPercent(lng, insiders.customerShare)} />
        <Stat label={t('insiders.revenueShare')} value={formatPercent(lng, insiders.revenueShare)} />
        <Stat
          label={t('insiders.clv', { months: insiders.clv.horizonMonths })}
          value={formatNumber(lng, insiders.clv.insiders, 0)}
        />
      </SimpleGrid>
      <Card withBorder>
        <Title order={4}>{t('insiders.who')}</Title>
        <Text size="sm">{insiders.rule}</Text>
        <List size="sm" mt="xs">
          {insiders.conditions.map((c) => (
            <List.Item key={c}>{c}</List.Item>
          ))}
        </List>
      </Card>
      <Card withBorder>
        <Title order={4}>{t('insiders.list')}</Title>
        <InsiderList datasetId={datasetId} />
      </Card>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Card withBorder>
          <Title order={4}>{t('insiders.profile')}</Title>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('insiders.feature')}</Table.Th>
                <Table.Th ta="right">{t('nav.insiders')}</Table.Th>
                <Table.Th ta="right">{t('insiders.everyone')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {insiders.profile.map((p) => (
                <Table.Tr key={p.feature}>
                  <Table.Td>{p.feature}</Table.Td>
                  <Table.Td ta="right">{formatNumber(lng, p.insiders, 1)}</Table.Td>
                  <Table.Td ta="right">{formatNumber(lng, p.everyone, 1)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
        <Card withBorder>
          <Title order={4}>{t('insiders.forecast')}</Title>
          <Text size="xs" c="dimmed">
            {insiders.forecastModel}
          </Text>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('insiders.month')}</Table.Th>
                <Table.Th ta="right">{t('insiders.expected')}</Table.Th>
                <Table.Th ta="right">{t('insiders.interval')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {insiders.forecast.map((f) => (
                <Table.Tr key={f.month}>
                  <Table.Td>{f.month}</Table.Td>
                  <Table.Td ta="right">{formatNumber(lng, f.mean, 0)}</Table.Td>
                  <Table.Td ta="right">
                    {formatNumber(lng, f.lower, 0)} – {formatNumber(lng, f.upper, 0)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      </SimpleGrid>
      <Card withBorder>
        <Title order={4}>{t('insiders.evidence')}</Title>
        <Table>
          <Table.Tbody>
            {value.evidence.map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td>
                  <Badge color={e.holds ? 'green' : 'gray'} variant="light">
                    {e.holds ? t('insiders.holds') : t('insiders.notShown')}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{e.statement}</Text>
                  <Text size="xs" c="dimmed">
                    {e.figure} · {e.verdict}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      <Card withBorder>
        <Title order={4}>{t('insiders.changes')}</Title>
        {changes.state === 'loading' && <Loading />}
        {changes.state === 'error' && <ErrorState error={changes.error} onRetry={changes.reload} />}
        {changes.state === 'ready' && latest.length === 0 && <EmptyState title={t('insiders.noChanges')} />}
        {latest.length > 0 && (
          <Group gap="xs">
            {latest.slice(0, 100).map((c) => (
              <Badge key={c.customerId} color={c.change === 'entered' ? 'green' : 'red'} variant="light">
                {c.change === 'entered' ? '+' : '−'} {c.customerId}
              </Badge>
            ))}
          </Group>
        )}
      </Card>
      {value.actions.length > 0 && (
        <Card withBorder>
          <Title order={4}>{t('insiders.actions')}</Title>
          <List size="sm">
            {value.actions.map((a) => (
              <List.Item key={a}>{a}</List.Item>
            ))}
          </List>
        </Card>
      )}
    </Stack>
  );
}

export function InsidersPage() {
  const { t } = useTranslation();
  const { datasets, selected, select } = useDatasets();
  const results = useResults(selected?.id ?? null);
  const value = results.state === 'ready' ? (results.data.results.report?.value ?? null) : null;
  return (
    <Stack>
      <Title order={2}>{t('insiders.title')}</Title>
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
              (value?.insiders ? (
                <Insiders datasetId={dataset.id} value={value} />
              ) : (
                <EmptyState title={t('insiders.none')}>{t('insiders.noneHint')}</EmptyState>
              ))}
          </>
        )}
      </DatasetScope>
    </Stack>
  );
}
