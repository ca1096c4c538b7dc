import { Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SegmentationCross as Cross, SegmentationSummary } from '../../api/types.ts';
import { formatInteger, formatPercent } from '../../ui/format.ts';
import { ErrorState, Loading } from '../../ui/States.tsx';
import { useApi } from '../../ui/useApi.ts';
import { crossOf, crossRows, defaultPair } from './segmentationsApi.ts';

/** The adjusted Rand index with two decimals in the locale: 0.5 -> "0.50" (en), "0,50" (es). */
export function formatAri(locale: string, ari: number): string {
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(ari);
}

/** The cross-table of two segmentations: rows = A's segments, columns = B's, customers in both; the ARI in words. */
export function CrossTable({ cross, locale }: { cross: Cross; locale: string }) {
  const { t } = useTranslation();
  const { rows, columnTotals, total } = crossRows(cross);
  return (
    <Stack gap="xs">
      <Text size="sm" data-testid="segmentation-ari">
        {cross.ari === null
          ? t('segmentations.ariNone')
          : t('segmentations.ari', { ari: formatAri(locale, cross.ari) })}
      </Text>
      <Table.ScrollContainer minWidth={Math.max(400, (cross.b.segments.length + 2) * 120)}>
        <Table withTableBorder withColumnBorders data-testid="segmentation-cross">
          <Table.Caption>
            {t('segmentations.crossCaption', { a: cross.a.name, b: cross.b.name })}
          </Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('segmentations.fromTo')}</Table.Th>
              {cross.b.segments.map((s) => (
                <Table.Th key={s.id} ta="right" scope="col">
                  {s.name}
                </Table.Th>
              ))}
              <Table.Th ta="right" scope="col">
                {t('segmentations.total')}
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => {
              const most = Math.max(0, ...row.counts);
              return (
                <Table.Tr key={row.id}>
                  <Table.Th scope="row">{row.name}</Table.Th>
                  {row.counts.map((n, j) => (
                    <Table.Td
                      key={cross.b.segments[j]!.id}
                      ta="right"
                      fw={n > 0 && n === most ? 700 : undefined}
                      title={t('segmentations.rowShare', {
                        share: formatPercent(locale, row.total > 0 ? n / row.total : null),
                        segment: row.name,
                      })}
                    >
                      {n === 0 ? '·' : formatInteger(locale, n)}
                    </Table.Td>
                  ))}
                  <Table.Td ta="right">{formatInteger(locale, row.total)}</Table.Td>
                </Table.Tr>
              );
            })}
            <Table.Tr>
              <Table.Th scope="row">{t('segmentations.total')}</Table.Th>
              {columnTotals.map((n, j) => (
                <Table.Td key={cross.b.segments[j]!.id} ta="right">
                  {formatInteger(locale, n)}
                </Table.Td>
              ))}
              <Table.Td ta="right">{formatInteger(locale, total)}</Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

/** Pick A and B (first: the team's one against the first other one) and see the cross-table. */
export function SegmentationCrossPanel({
  datasetId,
  segmentations,
  chosen,
  locale,
}: {
  datasetId: string;
  segmentations: SegmentationSummary[];
  chosen: string;
  locale: string;
}) {
  const { t } = useTranslation();
  const first = defaultPair(segmentations, chosen);
  const [picked, setPicked] = useState<{ a: string; b: string } | null>(null);
  const ids = new Set(segmentations.map((s) => s.id));
  const pair =
    picked && ids.has(picked.a) && ids.has(picked.b) ? picked : first ? { a: first[0], b: first[1] } : null;
  const cross = useApi(pair ? `${datasetId}|${pair.a}|${pair.b}` : null, (signal) =>
    crossOf(datasetId, pair!.a, pair!.b, signal),
  );
  if (!pair) return null;
  const options = segmentations.map((s) => ({ value: s.id, label: s.name }));
  return (
    <Stack gap="xs" data-testid="segmentation-cross-panel">
      <Title order={4}>{t('segmentations.crossTitle')}</Title>
      <Text size="sm" c="dimmed">
        {t('segmentations.crossHint')}
      </Text>
      <Group gap="sm">
        <Select
          label={t('segmentations.crossA')}
          data={options}
          value={pair.a}
          onChange={(a) => a && setPicked({ ...pair, a })}
          allowDeselect={false}
          w={280}
        />
        <Select
          label={t('segmentations.crossB')}
          data={options}
          value={pair.b}
          onChange={(b) => b && setPicked({ ...pair, b })}
          allowDeselect={false}
          w={280}
        />
      </Group>
      {cross.state === 'loading' && <Loading />}
      {cross.state === 'error' && <ErrorState error={cross.error} onRetry={cross.reload} />}
      {cross.state === 'ready' && <CrossTable cross={cross.data} locale={locale} />}
    </Stack>
  );
}
