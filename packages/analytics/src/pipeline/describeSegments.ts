import type { CustomerMatrix } from './customerMatrix.ts';
import { nameSegments } from './nameSegments.ts';
import type { SegmentReport } from './runReport.ts';
import { segmentDrivers } from './segmentDrivers.ts';
import { profileSegments } from './segmentProfiles.ts';

/**
 * What each segment of one segmentation is: its profile on every feature, what sets it apart
 * (drivers), and a suggested name; a segment the previous run had keeps that run's name.
 */
export function describeSegments(
  c: CustomerMatrix,
  labels: Int32Array,
  k: number,
  lang: 'en' | 'es' | 'pt',
  seed: number,
  previous?: SegmentReport[],
): SegmentReport[] {
  const profiles = profileSegments(
    c.x,
    c.features,
    labels,
    k,
    c.revenue ? { revenue: c.revenue } : undefined,
  );
  const drivers = segmentDrivers(c.x, c.features, labels, k, { seed });
  const named = nameSegments(profiles, lang);
  return profiles.map((p, s) => {
    const before = previous?.find((q) => q.id === s);
    return {
      ...p,
      name: before?.name ?? named[s]!.name,
      description: before?.description ?? named[s]!.description,
      drivers: drivers[s] ?? [],
    };
  });
}
