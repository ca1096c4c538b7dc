import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CampaignStatus } from '../../api/campaigns.ts';

const COLORS: Record<CampaignStatus, string> = {
  draft: 'gray',
  queued: 'blue',
  sending: 'blue',
  sent: 'green',
  failed: 'red',
  cancelled: 'gray',
};

export function CampaignStatusBadge({ status }: { status: CampaignStatus }) {
  const { t } = useTranslation();
  return (
    <Badge
      color={COLORS[status] ?? 'gray'}
      variant="light"
      style={{ minWidth: 'max-content' }}
      data-testid="campaign-status"
    >
      {t(`campaigns.status.${status}`, { defaultValue: status })}
    </Badge>
  );
}
