import { Anchor, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Campaign } from '../../api/campaigns.ts';
import { linkClick } from '../../app/router.ts';
import { formatDateTime, formatInteger } from '../../ui/format.ts';
import { CampaignStatusBadge } from './CampaignStatusBadge.tsx';

export function campaignPath(id: string): string {
  return `/campaigns/${encodeURIComponent(id)}`;
}

/** Every campaign: who sent it for which team, on which channel, when, and how it went. */
export function CampaignTable({ campaigns, locale }: { campaigns: Campaign[]; locale: string }) {
  const { t } = useTranslation();
  const n = (v: number) => formatInteger(locale, v);
  return (
    <Table.ScrollContainer minWidth={960}>
      <Table striped highlightOnHover data-testid="campaign-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('campaigns.name')}</Table.Th>
            <Table.Th>{t('campaigns.author')}</Table.Th>
            <Table.Th>{t('manager.team')}</Table.Th>
            <Table.Th>{t('campaigns.channel')}</Table.Th>
            <Table.Th>{t('campaigns.date')}</Table.Th>
            <Table.Th>{t('campaigns.statusLabel')}</Table.Th>
            <Table.Th ta="right">{t('campaigns.counts.sent')}</Table.Th>
            <Table.Th ta="right">{t('campaigns.counts.delivered')}</Table.Th>
            <Table.Th ta="right">{t('campaigns.counts.failed')}</Table.Th>
            <Table.Th ta="right">{t('campaigns.counts.heldOut')}</Table.Th>
            <Table.Th ta="right">{t('campaigns.counts.uncertain')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {campaigns.map((c) => (
            <Table.Tr key={c.id} data-campaign-id={c.id}>
              <Table.Td>
                <Anchor href={campaignPath(c.id)} onClick={linkClick(campaignPath(c.id))}>
                  {c.name}
                </Anchor>
              </Table.Td>
              <Table.Td>{c.author.name}</Table.Td>
              <Table.Td>{c.team?.name ?? '—'}</Table.Td>
              <Table.Td>{t(`channels.kinds.${c.channel}`)}</Table.Td>
              <Table.Td>
                <Text size="sm">{formatDateTime(locale, c.sentAt ?? c.createdAt)}</Text>
              </Table.Td>
              <Table.Td>
                <CampaignStatusBadge status={c.status} />
              </Table.Td>
              <Table.Td ta="right">{n(c.counts.sent)}</Table.Td>
              <Table.Td ta="right">{n(c.counts.delivered)}</Table.Td>
              <Table.Td ta="right">{n(c.counts.failed)}</Table.Td>
              <Table.Td ta="right">{n(c.counts.heldOut)}</Table.Td>
              <Table.Td ta="right">{n(c.counts.uncertain)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
