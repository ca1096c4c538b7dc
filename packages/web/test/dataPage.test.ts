import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { PlanForm, PlanStepList } from '../src/features/data/PlanEditor.tsx';
import {
  initialSteps,
  type Plan,
  parsePlanJson,
  planJson,
  planToSend,
  type SuggestedPlan,
  setParameter,
} from '../src/features/data/planSteps.ts';
import { type Comparison, RunComparison } from '../src/features/data/RunComparison.tsx';
import { pickRun } from '../src/features/data/RunHistory.tsx';
import { renderHtml as render, htmlText as text } from './renderHtml.ts';

const plan: Plan = {
  version: 1,
  steps: [
    { op: 'drop_duplicates', note: '1 rows (0.1%) are exact copies of another row' },
    { op: 'drop_columns', columns: ['IMEI'], note: '"IMEI" is unique in 99.9% of rows' },
    {
      op: 'sentinel_to_missing',
      column: 'DIAS_FRECUENCIA_RECARGA',
      values: [9999],
      note: '9999 holds 26.6% of "DIAS_FRECUENCIA_RECARGA"',
    },
  ],
};
const suggested: SuggestedPlan = {
  plan,
  warnings: [
    {
      code: 'DUPLICATE_ROWS',
      column: null,
      message: plan.steps[0]!.note!,
      suggestion: { op: 'drop_duplicates' },
    },
    {
      code: 'OUTLIERS',
      column: 'SUM_DATOS_MB',
      message: '"SUM_DATOS_MB" has 40 values beyond the IQR fences',
      suggestion: { op: 'iqr_filter', columns: ['SUM_DATOS_MB'], factor: 1.5, action: 'clip' },
    },
    { code: 'MISSING', column: 'LATITUD', message: '"LATITUD" is missing in 12% of rows', suggestion: null },
  ],
  automatic: ['drop_duplicates', 'sentinel_to_missing', 'replace'],
};

describe('the cleaning plan editor', () => {
  it('starts with every suggested step on, except a drop of the id column', () => {
    const steps = initialSteps(plan, ['IMEI']);
    expect(steps.map((s) => s.enabled)).toEqual([true, false, true]);
    expect(steps[1]!.offBecause).toBe('dropsId');
    expect(initialSteps(plan, []).every((s) => s.enabled)).toBe(true);
    // Only the steps switched on are sent, in order.
    expect(planToSend(steps).steps.map((s) => s.op)).toEqual(['drop_duplicates', 'sentinel_to_missing']);
  });

  it('edits parameters as the kind of value they hold', () => {
    const sentinel = plan.steps[2]!;
    expect(setParameter(sentinel, 'values', '9999, 8888').values).toEqual([9999, 8888]);
    expect(setParameter(sentinel, 'column', 'EDAD').column).toBe('EDAD');
    const columns = setParameter(plan.steps[1]!, 'columns', 'IMEI, PLAN,');
    expect(columns.columns).toEqual(['IMEI', 'PLAN']);
    const fence = { op: 'iqr_filter', columns: ['A'], factor: 1.5, action: 'clip' };
    expect(setParameter(fence, 'factor', '3').factor).toBe(3);
    // What is not a number is sent as typed: the server says which step and field is wrong.
    expect(setParameter(fence, 'factor', 'big').factor).toBe('big');
  });

  it('reads a plan typed as JSON, and says what is wrong with one that is not a plan', () => {
    const steps = initialSteps(plan, ['IMEI']);
    const round = parsePlanJson(planJson(steps));
    expect(round.ok && round.steps.map((s) => s.step)).toEqual(planToSend(steps).steps);
    expect(parsePlanJson('{"steps": [')).toMatchObject({ ok: false });
    expect(parsePlanJson('[1, 2]')).toEqual({ ok: false, error: '{ "steps": [ ... ] }' });
    expect(parsePlanJson('{"steps": [{"op": "cast"}, {"column": "x"}]}')).toEqual({
      ok: false,
      error: '#2: "op"',
    });
  });

  it('shows each step with its warning, its switch and its parameters, in three languages', () => {
    const steps = initialSteps(plan, ['IMEI']);
    const en = render(createElement(PlanStepList, { steps, onChange: () => {} }), 'en');
    const words = text(en);
    expect(words).toContain('Because: 9999 holds 26.6% of "DIAS_FRECUENCIA_RECARGA"');
    expect(words).toContain('drop duplicate rows');
    expect(words).toContain('it drops the customer id column');
    expect(words).toMatch(/On .* Off .* On/);
    // Three switches, the id drop unchecked; its parameters disabled with it.
    expect(en.match(/role="switch"/g)).toHaveLength(3);
    expect(en.match(/role="switch"[^>]*checked=""|checked=""[^>]*role="switch"/g)).toHaveLength(2);
    expect(en).toMatch(/value="IMEI"[^>]*disabled|disabled[^>]*value="IMEI"/);
    expect(en).toContain('value="9999"');
    expect(text(render(createElement(PlanStepList, { steps, onChange: () => {} }), 'es'))).toContain(
      'Porque: 9999',
    );
    expect(text(render(createElement(PlanStepList, { steps, onChange: () => {} }), 'pt'))).toContain(
      'remover colunas',
    );
  });

  it('offers the warnings whose fix is not in the plan, and says what a run does without one', () => {
    const html = text(
      render(createElement(PlanForm, { suggested, idColumns: ['IMEI'], onStart: async () => {} }), 'en'),
    );
    expect(html).toContain('Without a plan a run applies only drop_duplicates, sentinel_to_missing, replace');
    expect(html).toContain('Other warnings');
    expect(html).toContain('"SUM_DATOS_MB" has 40 values beyond the IQR fences');
    // A warning with no fix, or one whose fix is already a step, is not offered.
    expect(html).not.toContain('"LATITUD" is missing');
    expect(html.match(/ Add /g)).toHaveLength(1);
    expect(html).toContain('Start a run with this plan');
  });
});

const comparison: Comparison = {
  datasetId: 'd1',
  a: {
    runId: 'a',
    finishedAt: '2026-03-01T10:00:00.000Z',
    customers: 1000,
    k: 2,
    algorithm: 'kmeans',
    silhouette: 0.4123,
    churnAuc: 0.8512,
    segments: [
      { id: 0, name: 'Heavy rechargers', size: 600, share: 0.6 },
      { id: 1, name: 'Quiet ones', size: 400, share: 0.4 },
    ],
    insiders: { count: 120, revenueShare: 0.35 },
  },
  b: {
    runId: 'b',
    finishedAt: '2026-04-01T10:00:00.000Z',
    customers: 1010,
    k: 3,
    algorithm: 'gmm',
    silhouette: 0.3877,
    churnAuc: null,
    segments: [
      { id: 0, name: 'Heavy rechargers', size: 500, share: 0.495 },
      { id: 1, name: 'Quiet ones', size: 300, share: 0.297 },
      { id: 2, name: 'Roamers', size: 210, share: 0.208 },
    ],
    insiders: null,
  },
  moves: [
    { from: 0, to: 0, customers: 480 },
    { from: 0, to: 2, customers: 115 },
    { from: 1, to: 1, customers: 295 },
    { from: 1, to: 2, customers: 95 },
  ],
  onlyInA: 15,
  onlyInB: 25,
};

describe('two runs compared', () => {
  it('shows the figures side by side and the cross-table of moves with row totals', () => {
    const html = text(render(createElement(RunComparison, { comparison }), 'en'));
    expect(html).toContain('Segments (k) 2 (kmeans) 3 (gmm)');
    expect(html).toContain('Silhouette 0.412 0.388');
    expect(html).toContain('Churn model AUC (test) 0.851 —');
    expect(html).toContain('Insiders 120 —');
    expect(html).toContain('Insiders share of revenue 35% —');
    // Rows: A's segments; columns: B's; '·' where nobody moved; the row total.
    expect(html).toContain('Heavy rechargers 480 · 115 595');
    expect(html).toContain('Quiet ones · 295 95 390');
    // 775 of 985 customers in both runs kept their segment.
    expect(html).toContain('78.7% kept the same segment id; 15 only in A, 25 only in B');
  });

  it('speaks Spanish and Portuguese, with their number formats', () => {
    const es = text(render(createElement(RunComparison, { comparison }), 'es'));
    expect(es).toContain('Silueta 0,412 0,388');
    expect(es).toContain('Cómo se movieron los clientes');
    const pt = text(render(createElement(RunComparison, { comparison }), 'pt'));
    expect(pt).toContain('AUC do modelo de churn (teste) 0,851');
    expect(pt).toMatch(/78,7\s?% manteve/);
  });

  it('keeps at most two runs picked, the newest pick replacing the oldest', () => {
    expect(pickRun([], 'r1', true)).toEqual(['r1']);
    expect(pickRun(['r1'], 'r2', true)).toEqual(['r1', 'r2']);
    expect(pickRun(['r1', 'r2'], 'r3', true)).toEqual(['r2', 'r3']);
    expect(pickRun(['r1', 'r2'], 'r1', false)).toEqual(['r2']);
    expect(pickRun(['r1'], 'r1', true)).toEqual(['r1']);
  });
});
