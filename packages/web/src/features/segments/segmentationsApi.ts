/**
 * Several segmentations per dataset: the calls (list, the team's choice, segments of one, the
 * cross-table of two) and the pure pieces the page reads (the default pair, the cross-table's rows).
 */
import { api } from '../../api/client.ts';
import type {
  Segment,
  SegmentationChoice,
  SegmentationCross,
  SegmentationSummary,
  Segmentations,
} from '../../api/types.ts';

const base = (datasetId: string) => `/api/datasets/${encodeURIComponent(datasetId)}`;

export function listSegmentations(datasetId: string, signal?: AbortSignal): Promise<Segmentations> {
  return api<Segmentations>(`${base(datasetId)}/segmentations`, { signal });
}

export interface SegmentsAnswer {
  runId: string;
  version: number;
  /** Which segmentation these segments belong to (servers before issue 10 leave it out). */
  segmentation?: string;
  segments: Segment[];
}

/** The segments of one segmentation; null: the team's chosen one (the server decides). */
export function segmentsOf(
  datasetId: string,
  segmentation: string | null,
  signal?: AbortSignal,
): Promise<SegmentsAnswer> {
  const query = segmentation === null ? '' : `?segmentation=${encodeURIComponent(segmentation)}`;
  return api<SegmentsAnswer>(`${base(datasetId)}/segments${query}`, { signal });
}

/** PUT .../segmentation: the team (the server's default one unless named) works with `segmentation`. */
export function chooseSegmentation(
  datasetId: string,
  segmentation: string,
  teamId?: string,
): Promise<SegmentationChoice> {
  return api<SegmentationChoice>(`${base(datasetId)}/segmentation`, {
    method: 'PUT',
    body: { segmentation, ...(teamId ? { teamId } : {}) },
  });
}

export function crossOf(
  datasetId: string,
  a: string,
  b: string,
  signal?: AbortSignal,
): Promise<SegmentationCross> {
  return api<SegmentationCross>(
    `${base(datasetId)}/segmentations/${encodeURIComponent(a)}/cross/${encodeURIComponent(b)}`,
    { signal },
  );
}

/** The pair compared first: the chosen one against the first other one (null with fewer than two). */
export function defaultPair(list: SegmentationSummary[], chosen: string): [string, string] | null {
  const a = list.find((s) => s.id === chosen) ?? list[0];
  const b = list.find((s) => s.id !== a?.id);
  return a && b ? [a.id, b.id] : null;
}

export interface CrossRow {
  id: number;
  name: string;
  /** Customers per segment of B, in B's order. */
  counts: number[];
  total: number;
}

/** The cross-table as rows of A's segments, columns in B's order, with row and column totals. */
export function crossRows(cross: SegmentationCross): {
  rows: CrossRow[];
  columnTotals: number[];
  total: number;
} {
  const at = new Map<string, number>();
  for (const c of cross.cells) {
    const key = `${c.from}|${c.to}`;
    at.set(key, (at.get(key) ?? 0) + c.customers);
  }
  const rows = cross.a.segments.map((from) => {
    const counts = cross.b.segments.map((to) => at.get(`${from.id}|${to.id}`) ?? 0);
    return { id: from.id, name: from.name, counts, total: counts.reduce((s, n) => s + n, 0) };
  });
  const columnTotals = cross.b.segments.map((_, j) => rows.reduce((s, r) => s + (r.counts[j] ?? 0), 0));
  return { rows, columnTotals, total: columnTotals.reduce((s, n) => s + n, 0) };
}

/** PUT .../segments/:id/name for one of your teams, in a segmentation (the server's default: the team's). */
export function renameSegment(
  datasetId: string,
  segmentId: number,
  body: { name: string; description: string; teamId?: string | null; segmentation?: string },
): Promise<unknown> {
  const { teamId, segmentation, ...text } = body;
  return api(`${base(datasetId)}/segments/${segmentId}/name`, {
    method: 'PUT',
    body: { ...text, ...(teamId ? { teamId } : {}), ...(segmentation ? { segmentation } : {}) },
  });
}
