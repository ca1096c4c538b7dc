import { Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { Run } from '../../api/types.ts';
import { useSession } from '../../app/session.ts';
import { formatDateTime } from '../../ui/format.ts';
import { EmptyState, ErrorState, Loading } from '../../ui/States.tsx';
import { useApi } from '../../ui/useApi.ts';
import { RunStatus } from '../data/RunStatus.tsx';
import { Contributions } from './Contributions.tsx';

export function HomePage() {
  const { t, i18n } = useTranslation();
  const { me } = useSession();
  const runs = useApi('runs', (signal) => api<{ runs: Run[] }>('/api/runs', { signal }).then((r) => r.runs));
  return (
    <Stack>
      <Title order={2}>{t('home.title', { name: me.user.name })}</Title>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Title order={4} mb="xs">
            {t('home.teams')}
          </Title>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('manager.team')}</Table.Th>
                <Table.Th>{t('manager.teamId')}</Table.Th>
                <Table.Th>{t('manager.role')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {me.memberships.map((m) => (
                <Table.Tr key={m.teamId}>
                  <Table.Td>{m.team}</Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {m.teamId}
                    </Text>
                  </Table.Td>
                  <Table.Td>{t(`roles.${m.role}`)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
        <Card withBorder>
          <Title order={4} mb="xs">
            {t('home.recentRuns')}
          </Title>
          {runs.state === 'loading' && <Loading />}
          {runs.state === 'error' && <ErrorState error={runs.error} onRetry={runs.reload} />}
          {runs.state === 'ready' && runs.data.length === 0 && <EmptyState title={t('home.noRuns')} />}
          {runs.state === 'ready' &&
            runs.data.slice(0, 5).map((r) => (
              <Group key={r.id} justify="space-between" py={4}>
                <Text size="sm">{formatDateTime(i18n.language, r.createdAt)}</Text>
                <RunStatus run={r} />
              </Group>
            ))}
        </Card>
      </SimpleGrid>
      <Contributions />
    </Stack>
  );
}
