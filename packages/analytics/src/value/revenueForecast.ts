import {
  backtestHoltWinters,
  chooseHoltWinters,
  forecastHoltWinters,
  HOLT_MIN_LENGTH,
  type HoltWintersModel,
  SES_MIN_LENGTH,
} from '@clientele/ml';
import type { LoadedTable } from '../ingest/loadTable.ts';
import { type MonthlyRevenue, monthlyRevenue } from './monthlyRevenue.ts';
import { valueLines } from './purchaseDays.ts';
import { loadSegmentFile } from './segmentFile.ts';
import { mapValueColumns, type ValueMapping } from './valueColumns.ts';

export interface RevenueForecastOptions {
  map?: Record<string, string>;
  dateFormat?: string;
  /** Months ahead (default 3). */
  months?: number;
  /** Level of the prediction intervals (default 0.9). */
  confidence?: number;
  /** A CSV of customer id and segment: one forecast per segment besides the total. */
  segmentFile?: string;
  /** Or a DuckDB table (customer_id VARCHAR, segment VARCHAR) already in the connection. */
  segmentsTable?: string;
  seed?: number;
}

/** The forecast of one series (the total or a segment). */
export interface SeriesForecast {
  name: string;
  customers: number;
  /** 'holt-winters-add' | 'holt-winters-mul' | 'holt' | 'simple' */
  model: string;
  reason: string;
  parameters: { alpha: number; beta: number; gamma: number; phi: number };
  history: number[];
  forecast: { month: string; mean: number; lower: number; upper: number }[];
  /** Rolling-origin errors of the same model, or null with the reason in `backtestNote`. */
  backtest: null | {
    origins: number;
    horizon: number;
    mae: number;
    rmse: number;
    mape: number;
    smape: number;
    byHorizon: { step: number; count: number; mae: number; mape: number }[];
  };
  backtestNote: string | null;
  /** True when a forecast or interval bound below zero was raised to zero. */
  flooredAtZero: boolean;
}

export interface RevenueForecast {
  mapping: ValueMapping;
  dateForm: string;
  months: string[];
  forecastMonths: string[];
  partial: MonthlyRevenue['partial'];
  confidence: number;
  series: SeriesForecast[];
  segmentFile: null | { path: string; idColumn: string; segmentColumn: string; nCustomers: number };
  rowsWithoutSegment: number;
}

function nextMonths(last: string, h: number): string[] {
  const out: string[] = [];
  let [y, m] = last.split('-').map(Number) as [number, number];
  for (let k = 0; k < h; k++) {
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
    out.push(`${y}-${String(m).padStart(2, '0')}`);
  }
  return out;
}

/** Fewest points the chosen kind of model needs to be fitted (so the backtest's first origin). */
function minimumFor(model: HoltWintersModel): number {
  if (model.spec.seasonal !== 'none') return 2 * model.spec.seasonalPeriods;
  return model.spec.trend === 'add' ? HOLT_MIN_LENGTH : SES_MIN_LENGTH;
}

/**
 * Monthly revenue (whole months only) and its forecast for the coming `months`, in total and per
 * segment: the richest Holt-Winters model the history supports (seasonal with two years, else
 * Holt's trend, else simple smoothing; see chooseHoltWinters), prediction intervals, and a
 * rolling-origin backtest of the same model over the history's last months.
 */
export async function forecastRevenue(
  t: LoadedTable,
  opts: RevenueForecastOptions = {},
): Promise<RevenueForecast> {
  const h = opts.months ?? 3;
  const confidence = opts.confidence ?? 0.9;
  const mapping = mapValueColumns(t.columns, opts.map ?? {});
  const types = new Map(t.columns.map((c) => [c.name, c.type]));
  const lines = await valueLines(t.db, t.table, types, mapping, { dateFormat: opts.dateFormat });
  const segments = opts.segmentFile ? await loadSegmentFile(t.db, opts.segmentFile) : null;
  const monthly = await monthlyRevenue(t.db, lines.sql, segments?.table ?? opts.segmentsTable);
  const forecastMonths = nextMonths(monthly.months.at(-1)!, h);
  const series = monthly.series.map((s): SeriesForecast => {
    const choice = chooseHoltWinters(s.revenue, 12);
    const f = forecastHoltWinters(choice.model, h, { confidence, seed: opts.seed ?? 0 });
    const need = minimumFor(choice.model);
    const origins = s.revenue.length - need;
    let backtest: SeriesForecast['backtest'] = null;
    let backtestNote: string | null = null;
    if (origins < 1) {
      backtestNote = `no backtest: the ${choice.kind} model needs ${need} months and the history has ${s.revenue.length}`;
    } else {
      const horizon = Math.min(h, origins);
      const bt = backtestHoltWinters(s.revenue, { ...choice.model.spec }, { horizon, minTrain: need });
      backtest = {
        origins: bt.origins,
        horizon,
        mae: bt.overall.mae,
        rmse: bt.overall.rmse,
        mape: bt.overall.mape,
        smape: bt.overall.smape,
        byHorizon: bt.byHorizon.map((m, k) => ({ step: k + 1, count: m.count, mae: m.mae, mape: m.mape })),
      };
    }
    const m = choice.model;
    return {
      name: s.name,
      customers: s.customers,
      model: choice.kind,
      reason: choice.reason,
      parameters: { alpha: m.alpha, beta: m.beta, gamma: m.gamma, phi: m.phi },
      history: Array.from(s.revenue),
      // Revenue does not go below zero; a Gaussian interval around a small forecast does.
      forecast: forecastMonths.map((month, k) => ({
        month,
        mean: Math.max(0, f.mean[k]!),
        lower: Math.max(0, f.lower[k]!),
        upper: Math.max(0, f.upper[k]!),
      })),
      flooredAtZero: forecastMonths.some((_, k) => f.lower[k]! < 0 || f.mean[k]! < 0),
      backtest,
      backtestNote,
    };
  });
  return {
    mapping,
    dateForm: lines.dateForm,
    months: monthly.months,
    forecastMonths,
    partial: monthly.partial,
    confidence,
    series,
    segmentFile:
      segments && opts.segmentFile
        ? {
            path: opts.segmentFile,
            idColumn: segments.idColumn,
            segmentColumn: segments.segmentColumn,
            nCustomers: segments.nCustomers,
          }
        : null,
    rowsWithoutSegment: monthly.rowsWithoutSegment,
  };
}
