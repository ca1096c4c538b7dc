import { Badge, Select, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DELIVERY_STATUSES, listDeliveries } from '../../api/campaigns.ts';
import { formatDateTime, formatInteger } from '../../ui/format.ts';
import { Pager } from '../../ui/Pager.tsx';
import { EmptyState, ErrorState, Loading } from '../../ui/States.tsx';
import { useApi } from '../../ui/useApi.ts';

const COLORS: Record<string, string> = {
  pending: 'gray',
  sending: 'blue',
  held_out: 'grape',
  sent: 'blue',
  delivered: 'green',
  failed: 'red',
  uncertain: 'orange',
};

/** One row per recipient: where it went, its status, attempts and the provider's answer. */
export function DeliveryList({ campaignId, version }: { campaignId: string; version: string }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const [status, setStatus] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const deliveries = useApi(`deliveries:${campaignId}:${status}:${page}:${version}`, (signal) =>
    listDeliveries(campaignId, { page, status }, signal),
  );
  return (
    <Stack gap="xs">
      <Select
        label={t('deliveries.status')}
        placeholder={t('deliveries.all')}
        data={DELIVERY_STATUSES.map((s) => ({ value: s, label: t(`deliveries.statuses.${s}`) }))}
        value={status}
        onChange={(v) => {
          setStatus(v);
          setPage(1);
        }}
        clearable
        w={220}
        data-testid="delivery-status"
      />
      {deliveries.state === 'loading' && <Loading />}
      {deliveries.state === 'error' && <ErrorState error={deliveries.error} onRetry={deliveries.reload} />}
      {deliveries.state === 'ready' &&
        (deliveries.data.deliveries.length === 0 ? (
          <EmptyState title={t('deliveries.none')}>{t('deliveries.noneHint')}</EmptyState>
        ) : (
          <>
            <Text size="sm" c="dimmed">
              {t('deliveries.total', { n: formatInteger(lng, deliveries.data.total) })}
            </Text>
            <Table.ScrollContainer minWidth={760}>
              <Table striped data-testid="delivery-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('lookout.id')}</Table.Th>
                    <Table.Th>{t('deliveries.to')}</Table.Th>
                    <Table.Th>{t('deliveries.status')}</Table.Th>
                    <Table.Th ta="right">{t('deliveries.attempts')}</Table.Th>
                    <Table.Th>{t('deliveries.sentAt')}</Table.Th>
                    <Table.Th>{t('deliveries.error')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {deliveries.data.deliveries.map((d) => (
                    <Table.Tr key={d.customerId}>
                      <Table.Td>
                        <Text size="xs" ff="monospace">
                          {d.customerId}
                        </Text>
                      </Table.Td>
                      <Table.Td>{d.to}</Table.Td>
                      <Table.Td>
                        <Badge
                          variant="light"
                          color={COLORS[d.status] ?? 'gray'}
                          style={{ minWidth: 'max-content' }}
                        >
                          {t(`deliveries.statuses.${d.status}`, { defaultValue: d.status })}
                        </Badge>
                        {d.uncertain && (
                          <Badge
                            ml={4}
                            variant="outline"
                            color="orange"
                            title={t('deliveries.uncertainHint')}
                          >
                            {t('deliveries.statuses.uncertain')}
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td ta="right">{formatInteger(lng, d.attempts)}</Table.Td>
                      <Table.Td>{formatDateTime(lng, d.sentAt)}</Table.Td>
                      <Table.Td>
                        <Text size="xs" c={d.error ? 'red' : 'dimmed'}>
                          {d.error ?? '—'}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Pager
              page={page}
              total={deliveries.data.total}
              shown={deliveries.data.deliveries.length}
              pageSize={deliveries.data.pageSize}
              onPage={setPage}
            />
          </>
        ))}
    </Stack>
  );
}
