import { Badge, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { SegmentationSummary } from '../../api/types.ts';
import { formatFixed, formatInteger, formatPercent } from '../../ui/format.ts';

/**
 * Every segmentation of the run side by side: its space, algorithm, k, the silhouette in its own
 * space and on the features (the one comparable across them), and its segments' sizes.
 */
export function SegmentationComparison({
  segmentations,
  chosen,
  locale,
}: {
  segmentations: SegmentationSummary[];
  chosen: string;
  locale: string;
}) {
  const { t } = useTranslation();
  const score = (v: number | null) => (v === null ? '—' : formatFixed(locale, v, 3));
  return (
    <Stack gap="xs">
      <Title order={4} id="segmentation-comparison-title">
        {t('segmentations.compareTitle')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('segmentations.compareHint')}
      </Text>
      <Table.ScrollContainer minWidth={860}>
        <Table striped data-testid="segmentation-comparison" aria-labelledby="segmentation-comparison-title">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('segmentations.name')}</Table.Th>
              <Table.Th>{t('segmentations.space')}</Table.Th>
              <Table.Th>{t('segmentations.algorithm')}</Table.Th>
              <Table.Th ta="right">{t('segmentations.k')}</Table.Th>
              <Table.Th ta="right">{t('segmentations.silhouette')}</Table.Th>
              <Table.Th ta="right">{t('segmentations.silhouetteOnFeatures')}</Table.Th>
              <Table.Th>{t('segmentations.sizes')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {segmentations.map((s) => {
              const space = t(`segmentations.spaces.${s.space}`);
              return (
                <Table.Tr key={s.id} data-segmentation-id={s.id}>
                  <Table.Th scope="row">
                    <Text fw={600} size="sm" component="span">
                      {s.name}
                    </Text>{' '}
                    {s.id === chosen && (
                      <Badge size="sm" variant="light">
                        {t('segmentations.yoursBadge')}
                      </Badge>
                    )}
                  </Table.Th>
                  <Table.Td>
                    {s.components === null || s.space === 'features'
                      ? space
                      : t('segmentations.components', { space, count: s.components })}
                  </Table.Td>
                  <Table.Td>{s.algorithm}</Table.Td>
                  <Table.Td ta="right">{formatInteger(locale, s.k)}</Table.Td>
                  <Table.Td ta="right">{score(s.silhouette)}</Table.Td>
                  <Table.Td ta="right">{score(s.silhouetteOnFeatures)}</Table.Td>
                  <Table.Td>
                    <Text size="sm" data-testid="segmentation-sizes">
                      {s.segments.map((g, i) => (
                        <span key={g.id} title={`${g.name}: ${formatPercent(locale, g.share)}`}>
                          {i > 0 ? ' · ' : ''}
                          {formatInteger(locale, g.size)}
                        </span>
                      ))}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
