import { Badge, Card, Group, SegmentedControl, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Contribution, listContributions } from '../../api/campaigns.ts';
import { formatDateTime } from '../../ui/format.ts';
import { Pager } from '../../ui/Pager.tsx';
import { EmptyState, ErrorState, Loading } from '../../ui/States.tsx';
import { useApi } from '../../ui/useApi.ts';

/** The contributions as a table: id, segment, date, author, type, text. */
export function ContributionTable({
  contributions,
  locale,
}: {
  contributions: Contribution[];
  locale: string;
}) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped data-testid="contribution-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('home.id')}</Table.Th>
            <Table.Th>{t('lookout.segment')}</Table.Th>
            <Table.Th>{t('campaigns.date')}</Table.Th>
            <Table.Th>{t('campaigns.author')}</Table.Th>
            <Table.Th>{t('home.type')}</Table.Th>
            <Table.Th>{t('home.text')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {contributions.map((c) => (
            <Table.Tr key={c.id}>
              <Table.Td>
                <Text size="xs" ff="monospace">
                  {c.id}
                </Text>
              </Table.Td>
              <Table.Td>{c.segment ?? t('distribution.allSegments')}</Table.Td>
              <Table.Td>
                <Text size="sm">{formatDateTime(locale, c.date)}</Text>
              </Table.Td>
              <Table.Td>{c.author}</Table.Td>
              <Table.Td>
                <Badge variant="light" style={{ minWidth: 'max-content' }}>
                  {t(`home.types.${c.type}`, { defaultValue: c.type })}
                </Badge>
              </Table.Td>
              <Table.Td maw={420}>
                <Text size="sm" lineClamp={3}>
                  {c.text}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The team's marketing contributions and your own (the campaigns), newest first, paged. */
export function Contributions() {
  const { t, i18n } = useTranslation();
  const [mine, setMine] = useState(false);
  const [page, setPage] = useState(1);
  const list = useApi(`contributions:${mine}:${page}`, (signal) => listContributions({ page, mine }, signal));
  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs">
        <Title order={4}>{t('home.contributions')}</Title>
        <SegmentedControl
          size="xs"
          aria-label={t('home.whose')}
          value={mine ? 'mine' : 'team'}
          onChange={(v) => {
            setMine(v === 'mine');
            setPage(1);
          }}
          data={[
            { value: 'team', label: t('home.team') },
            { value: 'mine', label: t('home.mine') },
          ]}
          data-testid="contributions-whose"
        />
      </Group>
      {list.state === 'loading' && <Loading />}
      {list.state === 'error' && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.state === 'ready' &&
        (list.data.contributions.length === 0 ? (
          <EmptyState title={t('home.noContributions')}>{t('home.contributionsHint')}</EmptyState>
        ) : (
          <>
            <ContributionTable contributions={list.data.contributions} locale={i18n.language} />
            <Pager
              page={page}
              total={list.data.total}
              shown={list.data.contributions.length}
              pageSize={list.data.pageSize}
              onPage={setPage}
            />
          </>
        ))}
    </Card>
  );
}
