import { Card, Text, Title } from '@mantine/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { EChart } from '../../ui/charts/EChart.tsx';
import { formatInteger } from '../../ui/format.ts';
import { ErrorState, Loading } from '../../ui/States.tsx';
import { useApi } from '../../ui/useApi.ts';
import {
  PLACES_SHOWN,
  type PlaceGroup,
  type ChurnByPlace as Places,
  placeBarsOption,
  placeMapOption,
} from './placeOptions.ts';

function PlaceBars({ group }: { group: PlaceGroup }) {
  const { t, i18n } = useTranslation();
  const option = useMemo(
    () =>
      placeBarsOption(group, { expected: t('charts.expectedChurn'), observed: t('charts.observedChurn') }),
    [group, t],
  );
  const title =
    group.kind === 'store'
      ? t('charts.churnByStore', { column: group.column })
      : t('charts.churnBy', { column: group.column });
  return (
    <Card withBorder data-testid="churn-by-place">
      <Title order={4}>{title}</Title>
      {group.places > PLACES_SHOWN && (
        <Text size="xs" c="dimmed">
          {t('charts.placesShown', {
            shown: PLACES_SHOWN,
            total: formatInteger(i18n.language, group.places),
          })}
        </Text>
      )}
      <EChart
        option={option}
        height={Math.max(200, Math.min(group.rows.length, PLACES_SHOWN) * 24 + 70)}
        label={title}
      />
    </Card>
  );
}

/** Churn by store and by region / city (GET .../churn/places), and the stores on their coordinates when the data has them. */
export function ChurnByPlace({ datasetId }: { datasetId: string }) {
  const { t } = useTranslation();
  const places = useApi(`places:${datasetId}`, (signal) =>
    api<Places>(`/api/datasets/${encodeURIComponent(datasetId)}/churn/places`, { signal }),
  );
  const mapped = places.state === 'ready' && places.data.coordinates ? places.data.groups[0] : undefined;
  const map = useMemo(
    () =>
      mapped
        ? placeMapOption(mapped, {
            longitude: places.state === 'ready' ? (places.data.coordinates?.longitude ?? '') : '',
            latitude: places.state === 'ready' ? (places.data.coordinates?.latitude ?? '') : '',
            expected: t('charts.expectedChurn'),
          })
        : null,
    [mapped, places, t],
  );
  if (places.state === 'loading') return <Loading />;
  if (places.state === 'error') return <ErrorState error={places.error} onRetry={places.reload} />;
  if (places.data.groups.length === 0) return null;
  return (
    <>
      {places.data.groups.map((g) => (
        <PlaceBars key={`${g.kind}:${g.column}`} group={g} />
      ))}
      <Card withBorder>
        <Title order={4}>{t('charts.placesMap', { column: places.data.groups[0]!.column })}</Title>
        {map ? (
          <>
            <Text size="xs" c="dimmed">
              {t('charts.placesMapHint')}
            </Text>
            <EChart
              option={map}
              height={420}
              label={t('charts.placesMap', { column: places.data.groups[0]!.column })}
            />
          </>
        ) : (
          <Text size="sm" c="dimmed" data-testid="no-map">
            {t('charts.noCoordinates')}
          </Text>
        )}
      </Card>
    </>
  );
}
