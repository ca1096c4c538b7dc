import { Badge, Group, Loader, Paper, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AudiencePreview } from '../../api/campaigns.ts';
import { formatInteger, formatPercent } from '../../ui/format.ts';
import { EmptyState } from '../../ui/States.tsx';
import { TierBadge } from '../../ui/TierBadge.tsx';

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Paper withBorder p="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700} data-testid={testId}>
        {value}
      </Text>
    </Paper>
  );
}

/** The live count of an audience, who is left out and why, and the first rows. */
export function AudienceSummary({
  preview,
  locale,
  refreshing = false,
}: {
  preview: AudiencePreview;
  locale: string;
  refreshing?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm" data-testid="audience-summary" aria-busy={refreshing}>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Figure
          label={t('distribution.count')}
          value={formatInteger(locale, preview.count)}
          testId="audience-count"
        />
        <Figure
          label={t('distribution.optedOut')}
          value={formatInteger(locale, preview.optedOut)}
          testId="audience-opted-out"
        />
        <Figure
          label={t('distribution.missingContact')}
          value={formatInteger(locale, preview.missingContact)}
          testId="audience-missing-contact"
        />
      </SimpleGrid>
      <Group gap="xs">
        <Text size="sm" fw={600}>
          {t('distribution.preview', { n: formatInteger(locale, preview.preview.length) })}
        </Text>
        {refreshing && <Loader size="xs" aria-label={t('common.loading')} />}
      </Group>
      {preview.preview.length === 0 ? (
        <EmptyState title={t('distribution.nobody')}>{t('distribution.nobodyHint')}</EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table striped data-testid="audience-preview">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('lookout.id')}</Table.Th>
                <Table.Th>{t('manager.name')}</Table.Th>
                <Table.Th>{t('lookout.segment')}</Table.Th>
                <Table.Th>{t('lookout.churn')}</Table.Th>
                <Table.Th>{t('lookout.store')}</Table.Th>
                <Table.Th>{t('lookout.location')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {preview.preview.map((r) => (
                <Table.Tr key={r.customerId}>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {r.customerId}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {r.name ?? '—'}
                    {r.insider && (
                      <Badge ml="xs" size="xs" variant="light" color="grape">
                        {t('lookout.insider')}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{r.segmentName ?? (r.segment === null ? '—' : String(r.segment))}</Table.Td>
                  <Table.Td>
                    {r.riskTier ? (
                      <Group gap={4} wrap="nowrap">
                        <TierBadge tier={r.riskTier} />
                        <Text size="xs" c="dimmed">
                          {formatPercent(locale, r.churnProbability)}
                        </Text>
                      </Group>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                  <Table.Td>{r.store ?? '—'}</Table.Td>
                  <Table.Td>{r.location ?? '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
