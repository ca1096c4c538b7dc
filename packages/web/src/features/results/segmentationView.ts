import type { Report } from './types.ts';

/**
 * The report as seen through one of its segmentations: `segmentation` and the churn per segment
 * are that segmentation's ('main', or one of `alternatives` by id); the rest is unchanged. An id
 * the run lacks gives the report as it is (the main segmentation).
 */
export function segmentationView(report: Report, id: string | undefined): Report {
  const alt = id && id !== 'main' ? report.alternatives?.find((a) => a.id === id) : undefined;
  if (!alt) return report;
  return {
    ...report,
    segmentation: alt,
    churn: report.churn && { ...report.churn, bySegment: alt.churnBySegment ?? [] },
  };
}
