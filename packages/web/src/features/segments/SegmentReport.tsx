import { Drawer, Group, Stack, Table, Text, Title } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { RISK_TIERS, type Segment } from '../../api/types.ts';
import { formatInteger, formatNumber, formatPercent } from '../../ui/format.ts';
import { Loading } from '../../ui/States.tsx';
import { TierBadge } from '../../ui/TierBadge.tsx';
import { useReturnFocus } from '../../ui/useReturnFocus.ts';
import type { ReportSegment } from '../results/types.ts';

const DriversChart = lazy(() => import('./DriversChart.tsx'));

/** One segment's report: description, names, what sets it apart, risk tiers, feature statistics. */
export function SegmentReport({
  segment,
  details,
  onClose,
}: {
  segment: Segment;
  /** The run report's entry for the segment (its statistics); null while it loads or when missing. */
  details: ReportSegment | null;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  useReturnFocus();
  return (
    <Drawer
      opened
      onClose={onClose}
      position="right"
      size="xl"
      title={<Title order={3}>{segment.name}</Title>}
    >
      <Stack data-testid="segment-report">
        {segment.description && <Text>{segment.description}</Text>}
        <Group gap="lg">
          <Text size="sm">
            {t('segments.size')}: <b>{formatInteger(lng, segment.size)}</b> (
            {formatPercent(lng, segment.share)})
          </Text>
          <Text size="sm">
            {t('segments.revenueShare')}: <b>{formatPercent(lng, segment.revenueShare)}</b>
          </Text>
        </Group>
        {segment.names.length > 0 && (
          <Stack gap={2}>
            <Text fw={600}>{t('segments.teamNames')}</Text>
            {segment.names.map((n) => (
              <Text size="sm" key={n.teamId}>
                {n.team}: <b>{n.name}</b>
              </Text>
            ))}
            <Text size="xs" c="dimmed">
              {t('segments.suggested', { name: segment.suggested.name })}
            </Text>
          </Stack>
        )}
        {segment.churn && (
          <Stack gap={4}>
            <Text fw={600}>{t('segments.risk')}</Text>
            <Group gap="xs">
              {RISK_TIERS.map((tier) => (
                <Group gap={4} key={tier}>
                  <TierBadge tier={tier} />
                  <Text size="sm">{formatInteger(lng, segment.churn?.tiers[tier] ?? 0)}</Text>
                </Group>
              ))}
            </Group>
            <Text size="sm" c="dimmed">
              {t('segments.meanChurn', { p: formatPercent(lng, segment.churn.meanProbability) })}
            </Text>
          </Stack>
        )}
        {segment.drivers.length > 0 && (
          <Stack gap={4} data-testid="segment-drivers">
            <Text fw={600}>{t('segments.drivers')}</Text>
            <Text size="xs" c="dimmed">
              {t('segments.driversHint')}
            </Text>
            <Suspense fallback={<Loading />}>
              <DriversChart drivers={segment.drivers} />
            </Suspense>
          </Stack>
        )}
        {details && details.stats.length > 0 && (
          <Table.ScrollContainer minWidth={560}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('insiders.feature')}</Table.Th>
                  <Table.Th ta="right">{t('segments.stats.mean')}</Table.Th>
                  <Table.Th ta="right">{t('segments.stats.std')}</Table.Th>
                  <Table.Th ta="right">{t('segments.stats.min')}</Table.Th>
                  <Table.Th ta="right">{t('segments.stats.median')}</Table.Th>
                  <Table.Th ta="right">{t('segments.stats.max')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {details.stats.map((s) => (
                  <Table.Tr key={s.feature}>
                    <Table.Td>{s.feature}</Table.Td>
                    <Table.Td ta="right">{formatNumber(lng, s.mean)}</Table.Td>
                    <Table.Td ta="right">{formatNumber(lng, s.std)}</Table.Td>
                    <Table.Td ta="right">{formatNumber(lng, s.min)}</Table.Td>
                    <Table.Td ta="right">{formatNumber(lng, s.median)}</Table.Td>
                    <Table.Td ta="right">{formatNumber(lng, s.max)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Drawer>
  );
}
