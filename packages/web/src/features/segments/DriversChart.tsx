import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Segment } from '../../api/types.ts';
import { EChart } from '../../ui/charts/EChart.tsx';
import { driversOption } from './driversOption.ts';

/**
 * What sets a segment apart, as a bar chart (loaded with the report, not the Segments page: the
 * chart library is only fetched when someone opens a report). Its label lists the drivers in
 * words for screen readers.
 */
export default function DriversChart({ drivers }: { drivers: Segment['drivers'] }) {
  const { t } = useTranslation();
  const option = useMemo(
    () =>
      driversOption(drivers, {
        importance: t('segments.shapAxis'),
        higher: t('segments.driverHigher'),
        lower: t('segments.driverLower'),
      }),
    [drivers, t],
  );
  const words = drivers
    .slice(0, 8)
    .map((d) => `${d.feature} (${t(`segments.direction.${d.direction}`, { defaultValue: d.direction })})`)
    .join(', ');
  return (
    <EChart
      option={option}
      height={Math.max(160, Math.min(drivers.length, 8) * 30 + 70)}
      label={`${t('segments.drivers')}: ${words}`}
    />
  );
}
