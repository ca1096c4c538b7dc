import { Anchor, Button, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { RISK_TIERS, type Segment } from '../../api/types.ts';
import { formatInteger, formatPercent } from '../../ui/format.ts';
import { TIER_COLORS } from '../../ui/TierBadge.tsx';

/**
 * The segments table: name (and description), size, share, customers per churn risk tier and
 * share of revenue. `onRename` adds a rename button per row.
 */
export function SegmentTable({
  segments,
  locale,
  onRename,
  onOpen,
  mayRename = true,
}: {
  segments: Segment[];
  locale: string;
  onRename?: (segment: Segment) => void;
  /** Makes the name a button that opens the segment's report. */
  onOpen?: (segment: Segment) => void;
  /** false: the rename buttons are shown disabled, saying why. */
  mayRename?: boolean;
}) {
  const { t } = useTranslation();
  const hasChurn = segments.some((s) => s.churn !== null);
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped highlightOnHover data-testid="segment-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('segments.name')}</Table.Th>
            <Table.Th ta="right">{t('segments.size')}</Table.Th>
            <Table.Th ta="right">{t('segments.share')}</Table.Th>
            {hasChurn &&
              RISK_TIERS.map((tier) => (
                <Table.Th key={tier} ta="right" c={TIER_COLORS[tier]}>
                  {t(`tiers.${tier}`)}
                </Table.Th>
              ))}
            <Table.Th ta="right">{t('segments.revenueShare')}</Table.Th>
            {onRename && <Table.Th />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {segments.map((s) => (
            <Table.Tr key={s.id} data-segment-id={s.id}>
              <Table.Td>
                {onOpen ? (
                  <Anchor
                    component="button"
                    type="button"
                    fw={600}
                    size="sm"
                    ta="left"
                    onClick={() => onOpen(s)}
                  >
                    <span data-testid="segment-name">{s.name}</span>
                  </Anchor>
                ) : (
                  <Text fw={600} size="sm" data-testid="segment-name">
                    {s.name}
                  </Text>
                )}
                {s.description && (
                  <Text size="xs" c="dimmed" lineClamp={2}>
                    {s.description}
                  </Text>
                )}
              </Table.Td>
              <Table.Td ta="right">{formatInteger(locale, s.size)}</Table.Td>
              <Table.Td ta="right">{formatPercent(locale, s.share)}</Table.Td>
              {hasChurn &&
                RISK_TIERS.map((tier) => (
                  <Table.Td key={tier} ta="right">
                    {s.churn ? formatInteger(locale, s.churn.tiers[tier] ?? 0) : '—'}
                  </Table.Td>
                ))}
              <Table.Td ta="right">{formatPercent(locale, s.revenueShare)}</Table.Td>
              {onRename && (
                <Table.Td>
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    disabled={!mayRename}
                    title={mayRename ? undefined : t('segments.renameForbidden')}
                    onClick={() => onRename(s)}
                  >
                    {t('segments.rename')}
                  </Button>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
