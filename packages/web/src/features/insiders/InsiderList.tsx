import { Anchor, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiText } from '../../api/client.ts';
import { linkClick } from '../../app/router.ts';
import { formatInteger, formatNumber, formatPercent } from '../../ui/format.ts';
import { parseCsv } from '../../ui/parseCsv.ts';
import { EmptyState, ErrorState, Loading } from '../../ui/States.tsx';
import { useApi } from '../../ui/useApi.ts';

const SHOWN = 100;

/** The Insiders, searchable by id (from exports/insiders.csv); each id opens Lookout. */
export function InsiderList({ datasetId }: { datasetId: string }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const exportUrl = `/api/datasets/${encodeURIComponent(datasetId)}/exports/insiders.csv`;
  const list = useApi(`insiders:${datasetId}`, (signal) =>
    apiText(exportUrl, signal).then((text) => parseCsv(text).rows),
  );
  const [q, setQ] = useState('');
  const matches = useMemo(() => {
    if (list.state !== 'ready') return [];
    const needle = q.trim().toLowerCase();
    return needle === ''
      ? list.data
      : list.data.filter((r) => (r['customer_id'] ?? '').toLowerCase().includes(needle));
  }, [list, q]);
  const num = (v: string | undefined, digits: number) =>
    v === undefined || v === '' || !Number.isFinite(Number(v)) ? '—' : formatNumber(lng, Number(v), digits);
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <TextInput
          label={t('insiders.search')}
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          w={280}
          data-testid="insider-search"
        />
        <Anchor href={exportUrl} size="sm">
          {t('insiders.export')}
        </Anchor>
      </Group>
      {list.state === 'loading' && <Loading />}
      {list.state === 'error' && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.state === 'ready' && matches.length === 0 && <EmptyState title={t('insiders.noMatch')} />}
      {matches.length > 0 && (
        <>
          <Table.ScrollContainer minWidth={560}>
            <Table striped data-testid="insider-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('lookout.id')}</Table.Th>
                  <Table.Th ta="right">{t('insiders.revenue')}</Table.Th>
                  <Table.Th ta="right">{t('insiders.customerClv')}</Table.Th>
                  <Table.Th ta="right">{t('insiders.alive')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {matches.slice(0, SHOWN).map((r) => {
                  const id = r['customer_id'] ?? '';
                  const to = `/lookout?id=${encodeURIComponent(id)}`;
                  return (
                    <Table.Tr key={id}>
                      <Table.Td>
                        <Anchor href={to} onClick={linkClick(to)} size="sm">
                          {id}
                        </Anchor>
                      </Table.Td>
                      <Table.Td ta="right">{num(r['revenue'], 0)}</Table.Td>
                      <Table.Td ta="right">{num(r['clv'], 0)}</Table.Td>
                      <Table.Td ta="right">
                        {r['probability_alive'] ? formatPercent(lng, Number(r['probability_alive'])) : '—'}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Text size="xs" c="dimmed">
            {t('insiders.shown', {
              shown: formatInteger(lng, Math.min(SHOWN, matches.length)),
              total: formatInteger(lng, matches.length),
            })}
          </Text>
        </>
      )}
    </Stack>
  );
}
