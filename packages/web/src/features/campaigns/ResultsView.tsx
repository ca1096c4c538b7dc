import { Alert, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CampaignEffect, CampaignResults } from '../../api/campaigns.ts';
import {
  formatDateTime,
  formatInteger,
  formatNumber,
  formatPercent,
  formatSignedPercent,
} from '../../ui/format.ts';
import { EmptyState } from '../../ui/States.tsx';
import { TierBadge } from '../../ui/TierBadge.tsx';

/** Outcomes received, both arms together. */
export function outcomesReceived(results: CampaignResults): number {
  return results.overall.treated.withOutcome + results.overall.control.withOutcome;
}

function interval(locale: string, ci: [number, number] | null): string {
  if (!ci) return '—';
  return `${formatSignedPercent(locale, ci[0])} … ${formatSignedPercent(locale, ci[1])}`;
}

function EffectRow({ label, e, locale }: { label: React.ReactNode; e: CampaignEffect; locale: string }) {
  return (
    <Table.Tr>
      <Table.Td>{label}</Table.Td>
      <Table.Td ta="right">{formatInteger(locale, e.treated.withOutcome)}</Table.Td>
      <Table.Td ta="right">{formatInteger(locale, e.control.withOutcome)}</Table.Td>
      <Table.Td ta="right">{formatPercent(locale, e.treated.churnRate)}</Table.Td>
      <Table.Td ta="right">{formatPercent(locale, e.control.churnRate)}</Table.Td>
      <Table.Td ta="right">{formatSignedPercent(locale, e.churn.uplift)}</Table.Td>
      <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
        {interval(locale, e.churn.confidenceInterval)}
      </Table.Td>
      <Table.Td ta="right">{formatPercent(locale, e.churn.probabilityHelped, 0)}</Table.Td>
    </Table.Tr>
  );
}

function EffectTable({
  title,
  first,
  rows,
  locale,
  testId,
}: {
  title: string;
  first: string;
  rows: { key: string; label: React.ReactNode; e: CampaignEffect }[];
  locale: string;
  testId: string;
}) {
  const { t } = useTranslation();
  if (rows.length === 0) return null;
  return (
    <Stack gap={4}>
      <Title order={5}>{title}</Title>
      <Table.ScrollContainer minWidth={760}>
        <Table striped data-testid={testId}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{first}</Table.Th>
              <Table.Th ta="right">{t('results.treated')}</Table.Th>
              <Table.Th ta="right">{t('results.control')}</Table.Th>
              <Table.Th ta="right">{t('results.treatedChurn')}</Table.Th>
              <Table.Th ta="right">{t('results.controlChurn')}</Table.Th>
              <Table.Th ta="right">{t('results.uplift')}</Table.Th>
              <Table.Th ta="right">{t('results.interval')}</Table.Th>
              <Table.Th ta="right">{t('results.helped')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <EffectRow key={r.key} label={r.label} e={r.e} locale={locale} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

/**
 * What the campaign did against its control group: churn among the contacted and the held out,
 * the uplift (control churn minus contacted churn) with its interval, and the probability it
 * helped; overall, per risk tier and per segment. Empty until outcomes are imported.
 */
export function ResultsView({
  results,
  locale,
  outcomeDueAt,
  segmentNames,
}: {
  results: CampaignResults;
  locale: string;
  outcomeDueAt: string | null;
  segmentNames: Map<number, string>;
}) {
  const { t } = useTranslation();
  const received = outcomesReceived(results);
  if (received === 0)
    return (
      <EmptyState title={t('results.none')}>
        {outcomeDueAt
          ? t('results.noneDue', { date: formatDateTime(locale, outcomeDueAt) })
          : t('results.noneHint')}
      </EmptyState>
    );
  const overall = results.overall;
  const level = formatPercent(locale, results.confidence, 0);
  const { treated: missingTreated, control: missingControl } = results.missingOutcomes;
  const noneLabel = t('results.noGroup');
  return (
    <Stack data-testid="campaign-results">
      <Text size="sm" c="dimmed">
        {t('results.received', { n: formatInteger(locale, received) })}
        {missingTreated + missingControl > 0 &&
          ` ${t('results.missing', {
            treated: formatInteger(locale, missingTreated),
            control: formatInteger(locale, missingControl),
          })}`}
        {results.unmatchedOutcomes > 0 &&
          ` ${t('results.unmatched', { n: formatInteger(locale, results.unmatchedOutcomes) })}`}
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Paper withBorder p="sm">
          <Text size="xs" c="dimmed">
            {t('results.uplift')}
          </Text>
          <Text size="xl" fw={700} data-testid="results-uplift">
            {formatSignedPercent(locale, overall.churn.uplift)}
          </Text>
          <Text size="xs" c="dimmed">
            {t('results.intervalOf', { level, interval: interval(locale, overall.churn.confidenceInterval) })}
          </Text>
        </Paper>
        <Paper withBorder p="sm">
          <Text size="xs" c="dimmed">
            {t('results.helped')}
          </Text>
          <Text size="xl" fw={700} data-testid="results-helped">
            {formatPercent(locale, overall.churn.probabilityHelped, 0)}
          </Text>
          <Text size="xs" c="dimmed">
            {t('results.churnOf', {
              treated: formatPercent(locale, overall.treated.churnRate),
              control: formatPercent(locale, overall.control.churnRate),
            })}
          </Text>
        </Paper>
        <Paper withBorder p="sm">
          <Text size="xs" c="dimmed">
            {t('results.revenue')}
          </Text>
          <Text size="xl" fw={700} data-testid="results-revenue">
            {overall.revenue.difference === null ? '—' : numberSigned(locale, overall.revenue.difference)}
          </Text>
          {overall.revenue.confidenceInterval && (
            <Text size="xs" c="dimmed">
              {t('results.intervalOf', {
                level,
                interval: `${numberSigned(locale, overall.revenue.confidenceInterval[0])} … ${numberSigned(locale, overall.revenue.confidenceInterval[1])}`,
              })}
            </Text>
          )}
        </Paper>
      </SimpleGrid>
      {overall.churn.reason && (
        <Alert color="gray" data-testid="results-reason">
          {overall.churn.reason}
        </Alert>
      )}
      <Text size="xs" c="dimmed">
        {t('results.upliftHint')}
      </Text>
      <EffectTable
        title={t('results.byTier')}
        first={t('lookout.churn')}
        locale={locale}
        testId="results-by-tier"
        rows={Object.entries(results.byTier).map(([tier, e]) => ({
          key: tier,
          label: tier === 'none' ? noneLabel : <TierBadge tier={tier} />,
          e,
        }))}
      />
      <EffectTable
        title={t('results.bySegment')}
        first={t('lookout.segment')}
        locale={locale}
        testId="results-by-segment"
        rows={Object.entries(results.bySegment).map(([segment, e]) => ({
          key: segment,
          label: segment === 'none' ? noneLabel : (segmentNames.get(Number(segment)) ?? `#${segment}`),
          e,
        }))}
      />
    </Stack>
  );
}

function numberSigned(locale: string, value: number): string {
  const text = formatNumber(locale, value, 2);
  return value > 0 ? `+${text}` : text;
}
