import { Badge, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AudienceFilter } from '../../api/campaigns.ts';

/** An audience filter in words: one badge per condition; none means everyone. */
export function FilterSummary({
  filter,
  segmentNames,
}: {
  filter: AudienceFilter;
  segmentNames: Map<number, string>;
}) {
  const { t } = useTranslation();
  const parts: string[] = [];
  if (filter.segments?.length)
    parts.push(
      `${t('distribution.segments')}: ${filter.segments.map((s) => segmentNames.get(s) ?? `#${s}`).join(', ')}`,
    );
  if (filter.riskTiers?.length)
    parts.push(`${t('distribution.riskTiers')}: ${filter.riskTiers.map((r) => t(`tiers.${r}`)).join(', ')}`);
  if (filter.stores?.length) parts.push(`${t('distribution.stores')}: ${filter.stores.join(', ')}`);
  if (filter.locations?.length) parts.push(`${t('distribution.locations')}: ${filter.locations.join(', ')}`);
  if (filter.insiders !== undefined)
    parts.push(filter.insiders ? t('distribution.insidersOnly') : t('distribution.insidersNone'));
  for (const f of filter.fields ?? [])
    parts.push(
      `${f.field} ${t(`distribution.ops.${f.op}`)} ${Array.isArray(f.value) ? f.value.join(', ') : String(f.value)}`,
    );
  if (parts.length === 0)
    return (
      <Text size="sm" data-testid="filter-summary">
        {t('distribution.everyone')}
      </Text>
    );
  return (
    <Group gap="xs" data-testid="filter-summary">
      {parts.map((p) => (
        <Badge
          key={p}
          variant="light"
          tt="none"
          h="auto"
          py={2}
          styles={{ label: { whiteSpace: 'normal', overflow: 'visible' } }}
        >
          {p}
        </Badge>
      ))}
    </Group>
  );
}
