import { Badge, Code, Drawer, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { Dataset } from '../../api/types.ts';
import { formatInteger, formatPercent } from '../../ui/format.ts';
import { EmptyState, ErrorState, Loading } from '../../ui/States.tsx';
import { useApi } from '../../ui/useApi.ts';
import { useReturnFocus } from '../../ui/useReturnFocus.ts';

interface Profile {
  nRows: number;
  nColumns: number;
  duplicateRows: number;
  rejectedRows: number;
  source?: { format?: string; encoding?: string };
  columns: { name: string; type: string; role: string; missingShare: number; distinct: number }[];
  warnings: { code: string; column: string | null; message: string; suggestion?: { op: string } | null }[];
}

/** A dataset's profile (GET /api/datasets/:id): counts, warnings with the suggested fix, columns. */
export function DatasetProfile({ dataset, onClose }: { dataset: Dataset; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  useReturnFocus();
  const profile = useApi(`profile:${dataset.id}`, (signal) =>
    api<{ profile: Profile | null }>(`/api/datasets/${encodeURIComponent(dataset.id)}`, { signal }).then(
      (r) => r.profile,
    ),
  );
  return (
    <Drawer
      opened
      onClose={onClose}
      position="right"
      size="xl"
      title={<Title order={3}>{dataset.name}</Title>}
    >
      {profile.state === 'loading' && <Loading />}
      {profile.state === 'error' && <ErrorState error={profile.error} onRetry={profile.reload} />}
      {profile.state === 'ready' && profile.data === null && <EmptyState title={t('profile.none')} />}
      {profile.state === 'ready' && profile.data && (
        <Stack data-testid="dataset-profile">
          <Group gap="lg">
            <Text size="sm">
              {t('data.rows')}: <b>{formatInteger(lng, profile.data.nRows)}</b>
            </Text>
            <Text size="sm">
              {t('profile.columns')}: <b>{formatInteger(lng, profile.data.nColumns)}</b>
            </Text>
            <Text size="sm">
              {t('profile.duplicates')}: <b>{formatInteger(lng, profile.data.duplicateRows)}</b>
            </Text>
            <Text size="sm">
              {t('profile.rejected')}: <b>{formatInteger(lng, profile.data.rejectedRows)}</b>
            </Text>
            {profile.data.source?.encoding && (
              <Text size="sm">
                {t('profile.encoding')}: <b>{profile.data.source.encoding}</b>
              </Text>
            )}
          </Group>
          <Title order={4}>{t('profile.warnings')}</Title>
          {profile.data.warnings.length === 0 ? (
            <Text c="dimmed" size="sm">
              {t('profile.noWarnings')}
            </Text>
          ) : (
            <Table>
              <Table.Tbody>
                {profile.data.warnings.map((w, i) => (
                  <Table.Tr key={`${w.code}:${w.column ?? ''}:${i}`}>
                    <Table.Td>
                      <Badge size="xs" variant="light" color="orange">
                        {w.code}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{w.message}</Text>
                      {w.suggestion && (
                        <Text size="xs" c="dimmed">
                          {t('profile.suggestion')} <Code>{w.suggestion.op}</Code>
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <Title order={4}>{t('profile.columns')}</Title>
          <Table.ScrollContainer minWidth={520}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('data.name')}</Table.Th>
                  <Table.Th>{t('profile.type')}</Table.Th>
                  <Table.Th>{t('profile.role')}</Table.Th>
                  <Table.Th ta="right">{t('profile.missing')}</Table.Th>
                  <Table.Th ta="right">{t('profile.distinct')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {profile.data.columns.map((c) => (
                  <Table.Tr key={c.name}>
                    <Table.Td>{c.name}</Table.Td>
                    <Table.Td>{c.type}</Table.Td>
                    <Table.Td>{c.role}</Table.Td>
                    <Table.Td ta="right">{formatPercent(lng, c.missingShare)}</Table.Td>
                    <Table.Td ta="right">{formatInteger(lng, c.distinct)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      )}
    </Drawer>
  );
}
