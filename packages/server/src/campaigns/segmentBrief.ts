import { type Kysely, sql } from 'kysely';
import { MAIN_SEGMENTATION, runReportOf, segmentationOf, segmentOf } from '../runs/segmentations.ts';
import type { Database } from '../store/schema.ts';
import { segmentNamesOf } from './audience.ts';
import type { SegmentBrief } from './types.ts';

/** Features in a brief's profile, and churn reasons. */
const PROFILE_FEATURES = 6;
const REASONS = 5;

/**
 * What a copy writer is told of a segment of a published run: the team's name for it, its size
 * and risk tiers, the features that set it apart (its mean against everyone's, the one
 * weighted by segment sizes, for the features furthest from it in z-score), and its top churn
 * reasons (each customer's top reasons summed per feature, over the segment's size: the mean
 * contribution on the probability scale). Undefined when the run has no such segment.
 */
export async function segmentBrief(
  db: Kysely<Database>,
  input: {
    orgId: string;
    runId: string;
    segmentId: number;
    teamIds: readonly string[];
    /** 'main' (the default) or another of the run's segmentations. */
    segmentation?: string;
  },
): Promise<SegmentBrief | undefined> {
  const report = await runReportOf(db, input.orgId, input.runId);
  const segmentation = input.segmentation ?? MAIN_SEGMENTATION;
  const view = report ? segmentationOf(report, segmentation) : undefined;
  const segments = view?.segments ?? [];
  const segment = segments.find((s) => s.id === input.segmentId);
  if (!segment) return undefined;
  const names = await segmentNamesOf(db, input.orgId, input.runId, input.teamIds, segmentation);
  const total = segments.reduce((n, s) => n + s.size, 0);
  const overall = (feature: string): number => {
    let sum = 0;
    for (const s of segments) sum += (s.stats?.find((f) => f.feature === feature)?.mean ?? 0) * s.size;
    return total > 0 ? sum / total : 0;
  };
  const profile = [...(segment.stats ?? [])]
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
    .slice(0, PROFILE_FEATURES)
    .map((f) => ({ feature: f.feature, segment: round(f.mean), overall: round(overall(f.feature)) }));
  const { rows } = await sql<{ feature: string; total: number }>`
    select e ->> 'feature' as feature, sum((e ->> 'contribution')::float8) as total
    from customer_results r, jsonb_array_elements(coalesce(r.reasons, '[]'::jsonb)) e
    where r.org_id = ${input.orgId} and r.run_id = ${input.runId} and ${segmentOf(segmentation)} = ${input.segmentId}
    group by 1 order by 2 desc limit ${REASONS}
  `.execute(db);
  const tiers = view?.churnBySegment?.find((b) => b.segment === input.segmentId)?.tiers ?? {};
  const named = names.get(segment.id);
  return {
    segmentId: String(segment.id),
    name: named?.name ?? segment.name,
    description: named?.description ?? segment.description,
    size: segment.size,
    riskTiers: tiers,
    profile,
    churnReasons: rows
      .filter((r) => Number(r.total) > 0)
      .map((r) => ({ feature: r.feature, contribution: Number(r.total) / Math.max(1, segment.size) })),
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
