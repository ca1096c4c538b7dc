import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export const TIER_COLORS: Record<string, string> = {
  Low: 'green',
  Moderate: 'yellow',
  High: 'orange',
  Critical: 'red',
};

/** A churn risk tier (Low, Moderate, High, Critical), coloured and in the user's language. */
export function TierBadge({ tier }: { tier: string }) {
  const { t } = useTranslation();
  return (
    <Badge color={TIER_COLORS[tier] ?? 'gray'} variant="light">
      {t(`tiers.${tier}`, { defaultValue: tier })}
    </Badge>
  );
}
