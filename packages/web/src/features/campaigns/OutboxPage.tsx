import { Anchor, Badge, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CHANNELS, type ChannelKind, listOutbox } from '../../api/campaigns.ts';
import { linkClick } from '../../app/router.ts';
import { formatDateTime, formatInteger } from '../../ui/format.ts';
import { Pager } from '../../ui/Pager.tsx';
import { EmptyState, ErrorState, Loading } from '../../ui/States.tsx';
import { useApi } from '../../ui/useApi.ts';
import { campaignPath } from './CampaignTable.tsx';

/** The messages kept in the store for channels with no provider configured, newest first. */
export function OutboxPage() {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const [channel, setChannel] = useState<ChannelKind | null>(null);
  const [page, setPage] = useState(1);
  const outbox = useApi(`outbox:${channel}:${page}`, (signal) => listOutbox({ page, channel }, signal));
  return (
    <Stack>
      <Title order={2}>{t('outbox.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('outbox.intro')}
      </Text>
      <SegmentedControl
        aria-label={t('campaigns.channel')}
        value={channel ?? 'all'}
        onChange={(v) => {
          setChannel(v === 'all' ? null : (v as ChannelKind));
          setPage(1);
        }}
        data={[
          { value: 'all', label: t('outbox.allChannels') },
          ...CHANNELS.map((c) => ({ value: c, label: t(`channels.kinds.${c}`) })),
        ]}
        w="fit-content"
        data-testid="outbox-channel"
      />
      {outbox.state === 'loading' && <Loading />}
      {outbox.state === 'error' && <ErrorState error={outbox.error} onRetry={outbox.reload} />}
      {outbox.state === 'ready' &&
        (outbox.data.messages.length === 0 ? (
          <EmptyState title={t('outbox.none')}>{t('outbox.noneHint')}</EmptyState>
        ) : (
          <>
            <Text size="sm" c="dimmed">
              {t('outbox.total', { n: formatInteger(lng, outbox.data.total) })}
            </Text>
            <Table.ScrollContainer minWidth={880}>
              <Table striped data-testid="outbox-table" verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('outbox.at')}</Table.Th>
                    <Table.Th>{t('campaigns.channel')}</Table.Th>
                    <Table.Th>{t('deliveries.to')}</Table.Th>
                    <Table.Th>{t('outbox.message')}</Table.Th>
                    <Table.Th>{t('outbox.campaign')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {outbox.data.messages.map((m) => (
                    <Table.Tr key={`${m.campaignId}|${m.customerId}`}>
                      <Table.Td>
                        <Text size="sm">{formatDateTime(lng, m.at)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" style={{ minWidth: 'max-content' }}>
                          {t(`channels.kinds.${m.channel}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{m.to}</Text>
                        <Text size="xs" c="dimmed" ff="monospace">
                          {m.customerId}
                        </Text>
                      </Table.Td>
                      <Table.Td maw={480}>
                        {m.subject && (
                          <Text size="sm" fw={600}>
                            {m.subject}
                          </Text>
                        )}
                        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} lineClamp={6}>
                          {m.body}
                        </Text>
                        {m.attachment && (
                          <Text size="xs" c="dimmed" data-testid="outbox-attachment">
                            {t('attachments.withMessage', { name: m.attachment })}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Anchor
                          size="sm"
                          href={campaignPath(m.campaignId)}
                          onClick={linkClick(campaignPath(m.campaignId))}
                        >
                          {t('outbox.open')}
                        </Anchor>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Pager
              page={page}
              total={outbox.data.total}
              shown={outbox.data.messages.length}
              pageSize={outbox.data.pageSize}
              onPage={setPage}
            />
          </>
        ))}
    </Stack>
  );
}
