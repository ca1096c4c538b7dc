import { SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatInteger, formatNumber, formatPercent } from '../../ui/format.ts';

export interface RunSummary {
  runId: string;
  finishedAt: string | null;
  customers: number;
  k: number | null;
  algorithm: string | null;
  silhouette: number | null;
  churnAuc: number | null;
  segments: { id: number; name: string; size: number; share: number }[];
  insiders: { count: number; revenueShare: number } | null;
}

/** GET /api/runs/:a/compare/:b */
export interface Comparison {
  datasetId: string;
  a: RunSummary;
  b: RunSummary;
  moves: { from: number; to: number; customers: number }[];
  onlyInA: number;
  onlyInB: number;
}

/** Two runs side by side: the figures, the segment sizes, and how customers moved (a cross-table). */
export function RunComparison({ comparison }: { comparison: Comparison }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const { a, b, moves } = comparison;
  const dash = '—';
  const rows: [string, (s: RunSummary) => string][] = [
    [t('compare.finished'), (s) => formatDateTime(lng, s.finishedAt)],
    [t('compare.customers'), (s) => formatInteger(lng, s.customers)],
    [t('compare.k'), (s) => (s.k === null ? dash : `${s.k}${s.algorithm ? ` (${s.algorithm})` : ''}`)],
    [t('compare.silhouette'), (s) => (s.silhouette === null ? dash : formatNumber(lng, s.silhouette, 3))],
    [t('compare.auc'), (s) => (s.churnAuc === null ? dash : formatNumber(lng, s.churnAuc, 3))],
    [t('compare.insiders'), (s) => (s.insiders ? formatInteger(lng, s.insiders.count) : dash)],
    [t('compare.insidersRevenue'), (s) => (s.insiders ? formatPercent(lng, s.insiders.revenueShare) : dash)],
  ];
  const cell = (from: number, to: number) =>
    moves.find((m) => m.from === from && m.to === to)?.customers ?? 0;
  const stayed = moves.filter((m) => m.from === m.to).reduce((s, m) => s + m.customers, 0);
  const both = moves.reduce((s, m) => s + m.customers, 0);
  return (
    <Stack data-testid="run-comparison">
      <Table withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th />
            <Table.Th ta="right">{t('compare.runA')}</Table.Th>
            <Table.Th ta="right">{t('compare.runB')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map(([label, value]) => (
            <Table.Tr key={label}>
              <Table.Th scope="row">{label}</Table.Th>
              <Table.Td ta="right">{value(a)}</Table.Td>
              <Table.Td ta="right">{value(b)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {([a, b] as const).map((run, side) => (
          <Stack gap={4} key={run.runId + String(side)}>
            <Title order={5}>{t(side === 0 ? 'compare.segmentsA' : 'compare.segmentsB')}</Title>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('compare.segment')}</Table.Th>
                  <Table.Th ta="right">{t('compare.size')}</Table.Th>
                  <Table.Th ta="right">{t('compare.share')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {run.segments.map((s) => (
                  <Table.Tr key={s.id}>
                    <Table.Td>{s.name}</Table.Td>
                    <Table.Td ta="right">{formatInteger(lng, s.size)}</Table.Td>
                    <Table.Td ta="right">{formatPercent(lng, s.share)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Stack>
        ))}
      </SimpleGrid>
      <Title order={5}>{t('compare.moves')}</Title>
      <Text size="sm" c="dimmed">
        {t('compare.movesHint', {
          stayed: formatPercent(lng, both > 0 ? stayed / both : null),
          onlyA: formatInteger(lng, comparison.onlyInA),
          onlyB: formatInteger(lng, comparison.onlyInB),
        })}
      </Text>
      <Table.ScrollContainer minWidth={Math.max(400, (b.segments.length + 2) * 110)}>
        <Table withTableBorder withColumnBorders data-testid="moves-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('compare.fromTo')}</Table.Th>
              {b.segments.map((s) => (
                <Table.Th key={s.id} ta="right">
                  {s.name}
                </Table.Th>
              ))}
              <Table.Th ta="right">{t('compare.total')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {a.segments.map((from) => (
              <Table.Tr key={from.id}>
                <Table.Th scope="row">{from.name}</Table.Th>
                {b.segments.map((to) => {
                  const n = cell(from.id, to.id);
                  return (
                    <Table.Td key={to.id} ta="right" fw={n > 0 && from.id === to.id ? 700 : undefined}>
                      {n === 0 ? '·' : formatInteger(lng, n)}
                    </Table.Td>
                  );
                })}
                <Table.Td ta="right">
                  {formatInteger(
                    lng,
                    moves.filter((m) => m.from === from.id).reduce((s, m) => s + m.customers, 0),
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
