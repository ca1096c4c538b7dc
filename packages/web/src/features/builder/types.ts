/** The chart builder's API (packages/server/src/http/routes/charts.ts). */
import type { AudienceFilter } from '../../api/campaigns.ts';

export const CHART_KINDS = ['histogram', 'box', 'bar', 'scatter', 'heatmap', 'line'] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

interface Common {
  segments?: number[];
  filter?: AudienceFilter;
}

export type ChartSpec = Common &
  (
    | { kind: 'histogram'; field: string; bins?: number }
    | { kind: 'box'; field: string }
    | { kind: 'bar'; category: string; measure?: 'count' | 'mean' | 'churn_rate'; field?: string }
    | { kind: 'scatter'; x: string; y: string; sample?: number; seed?: number }
    | { kind: 'heatmap'; x: { field: string; bins?: number }; y: { field: string; bins?: number } }
    | { kind: 'line'; date: string; measure?: 'count' | 'mean'; field?: string }
  );

export interface Bin {
  from: number;
  to: number;
}

export type ChartData =
  | { kind: 'histogram'; bins: Bin[]; series: { segment: number; counts: number[] }[] }
  | {
      kind: 'box';
      boxes: {
        segment: number;
        count: number;
        min: number;
        q1: number;
        median: number;
        q3: number;
        max: number;
      }[];
    }
  | { kind: 'bar'; bars: { label: string | null; value: number | null; count: number }[]; truncated: boolean }
  | { kind: 'scatter'; total: number; points: { x: number; y: number; segment: number }[] }
  | {
      kind: 'heatmap';
      x: (string | null)[];
      y: (string | null)[];
      cells: { x: number; y: number; count: number }[];
      truncated: boolean;
    }
  | { kind: 'line'; points: { month: string; value: number | null; count: number }[] };

export interface ChartResult {
  datasetId: string;
  runId: string;
  segments: { id: number; name: string }[];
  data: ChartData;
}

export interface SavedChart {
  id: string;
  datasetId: string;
  title: string;
  spec: ChartSpec;
  team: { id: string; name: string };
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ChartFields {
  builtIn: { numeric: string[]; categories: string[] };
  attributes: { name: string; numeric: boolean; date: boolean; distinct: number }[];
}
