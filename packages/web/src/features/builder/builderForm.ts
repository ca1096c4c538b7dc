import type { AudienceFilter } from '../../api/campaigns.ts';
import type { ChartFields, ChartKind, ChartSpec } from './types.ts';

export type Measure = 'count' | 'mean' | 'churn_rate';

/** What the builder's controls hold; `toSpec` makes the spec the server reads. */
export interface BuilderForm {
  kind: ChartKind;
  /** histogram and box: the numeric field; bar and line: the field to average. */
  field: string | null;
  category: string | null;
  measure: Measure;
  x: string | null;
  y: string | null;
  /** Heat map: bins for a numeric axis (a category axis has none). */
  xBins: number;
  yBins: number;
  date: string | null;
  bins: number;
  seed: number;
}

/** The fields a chart can use, split the way the controls offer them. */
export interface FieldChoices {
  numeric: string[];
  categories: string[];
  dates: string[];
}

/** Categories with more values than this are not offered first (they read poorly as bars). */
const FEW = 50;

export function fieldChoices(fields: ChartFields): FieldChoices {
  const attrs = fields.attributes;
  return {
    numeric: [...fields.builtIn.numeric, ...attrs.filter((a) => a.numeric).map((a) => a.name)],
    categories: [
      ...fields.builtIn.categories,
      ...attrs.filter((a) => !a.numeric && !a.date && a.distinct <= FEW).map((a) => a.name),
    ],
    dates: attrs.filter((a) => a.date).map((a) => a.name),
  };
}

/** A first chart: churn probability by segment as a box plot, with the other controls ready. */
export function initialForm(choices: FieldChoices): BuilderForm {
  const numeric = choices.numeric[0] ?? null;
  return {
    kind: 'box',
    field: numeric,
    category: choices.categories[0] ?? null,
    measure: 'count',
    x: numeric,
    y: choices.numeric[1] ?? numeric,
    xBins: 0,
    yBins: 0,
    date: choices.dates[0] ?? null,
    bins: 20,
    seed: 1,
  };
}

/** A heat map axis: a numeric field is cut into bins (10 unless chosen), a category is not. */
function axis(field: string, bins: number, numeric: readonly string[]) {
  return numeric.includes(field) ? { field, bins: bins > 1 ? bins : 10 } : { field };
}

/** The spec for the server, or null while a field it needs is not chosen. */
export function toSpec(
  form: BuilderForm,
  filter: AudienceFilter,
  numeric: readonly string[],
): ChartSpec | null {
  const { segments, ...rest } = filter;
  const common = {
    ...(segments?.length ? { segments } : {}),
    ...(Object.keys(rest).length ? { filter: rest } : {}),
  };
  const needsField = form.measure === 'mean';
  switch (form.kind) {
    case 'histogram':
      return form.field ? { kind: 'histogram', field: form.field, bins: form.bins, ...common } : null;
    case 'box':
      return form.field ? { kind: 'box', field: form.field, ...common } : null;
    case 'bar':
      if (!form.category || (needsField && !form.field)) return null;
      return {
        kind: 'bar',
        category: form.category,
        measure: form.measure,
        ...(needsField ? { field: form.field! } : {}),
        ...common,
      };
    case 'scatter':
      return form.x && form.y ? { kind: 'scatter', x: form.x, y: form.y, seed: form.seed, ...common } : null;
    case 'heatmap':
      if (!form.x || !form.y) return null;
      return {
        kind: 'heatmap',
        x: axis(form.x, form.xBins, numeric),
        y: axis(form.y, form.yBins, numeric),
        ...common,
      };
    case 'line': {
      if (!form.date || (needsField && !form.field)) return null;
      const measure = form.measure === 'mean' ? 'mean' : 'count';
      return {
        kind: 'line',
        date: form.date,
        measure,
        ...(measure === 'mean' ? { field: form.field! } : {}),
        ...common,
      };
    }
  }
}

/** A title for a chart nobody named: what it shows. */
export function defaultTitle(spec: ChartSpec): string {
  switch (spec.kind) {
    case 'histogram':
    case 'box':
      return `${spec.field} (${spec.kind})`;
    case 'bar':
      return spec.measure === 'mean'
        ? `${spec.field} by ${spec.category}`
        : `${spec.measure ?? 'count'} by ${spec.category}`;
    case 'scatter':
      return `${spec.y} against ${spec.x}`;
    case 'heatmap':
      return `${spec.y.field} × ${spec.x.field}`;
    case 'line':
      return spec.measure === 'mean'
        ? `${spec.field} by month of ${spec.date}`
        : `count by month of ${spec.date}`;
  }
}
