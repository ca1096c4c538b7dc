import { api } from '../../api/client.ts';
import type { ChartFields, ChartResult, ChartSpec, SavedChart } from './types.ts';

const ds = (id: string) => `/api/datasets/${encodeURIComponent(id)}`;

export const loadChartFields = (datasetId: string, signal?: AbortSignal) =>
  api<ChartFields>(`${ds(datasetId)}/chart-fields`, { signal });

export const loadChartData = (datasetId: string, spec: ChartSpec, signal?: AbortSignal) =>
  api<ChartResult>(`${ds(datasetId)}/chart-data`, { method: 'POST', body: { spec }, signal });

export const listSavedCharts = (datasetId: string, signal?: AbortSignal) =>
  api<{ charts: SavedChart[] }>(`/api/charts?datasetId=${encodeURIComponent(datasetId)}`, { signal }).then(
    (r) => r.charts,
  );

export const saveChart = (body: { datasetId: string; title: string; spec: ChartSpec }) =>
  api<SavedChart>('/api/charts', { method: 'POST', body });

export const deleteChart = (id: string) =>
  api<null>(`/api/charts/${encodeURIComponent(id)}`, { method: 'DELETE' });
