/**
 * The cleaning plan as the Data page edits it: the suggested steps (GET /api/datasets/:id/plan),
 * each switched on or off, with its parameters changed; what is sent is the steps switched on
 * (POST /api/datasets/:id/runs, `plan`). Pure functions: the component test calls them directly.
 */

export interface PlanStep {
  op: string;
  /** The warning that asked for the step (suggested plans carry it). */
  note?: string;
  [field: string]: unknown;
}

export interface Plan {
  version: 1;
  description?: string;
  steps: PlanStep[];
}

export interface SuggestedPlan {
  plan: Plan;
  warnings: { code: string; column: string | null; message: string; suggestion: PlanStep | null }[];
  automatic: string[];
}

export interface EditableStep {
  enabled: boolean;
  step: PlanStep;
  /** Why the step starts switched off (an i18n key under `plan.off`), if it does. */
  offBecause?: 'dropsId';
}

/** Columns a step drops (drop_columns) that the profile reads as the customer id. */
export function dropsId(step: PlanStep, idColumns: readonly string[]): string[] {
  if (step.op !== 'drop_columns' || !Array.isArray(step['columns'])) return [];
  return (step['columns'] as unknown[]).filter(
    (c): c is string => typeof c === 'string' && idColumns.includes(c),
  );
}

/**
 * The suggested steps as the editor starts them: all on, except a drop of the id column (the
 * profile flags an id as a key column, but without it the results cannot be matched to customers).
 */
export function initialSteps(plan: Plan, idColumns: readonly string[]): EditableStep[] {
  return plan.steps.map((step) =>
    dropsId(step, idColumns).length > 0
      ? { enabled: false, step, offBecause: 'dropsId' }
      : { enabled: true, step },
  );
}

/** The plan to send: the steps switched on, in order. */
export function planToSend(steps: readonly EditableStep[]): Plan {
  return { version: 1, steps: steps.filter((s) => s.enabled).map((s) => s.step) };
}

/** The fields of a step a person edits (everything but its op and note). */
export function parameters(step: PlanStep): [string, unknown][] {
  return Object.entries(step).filter(([k]) => k !== 'op' && k !== 'note');
}

/** A step with one parameter set from what was typed, read as the kind of value it held. */
export function setParameter(step: PlanStep, field: string, typed: string): PlanStep {
  const before = step[field];
  let value: unknown = typed;
  if (Array.isArray(before)) {
    const parts = typed
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    // A list of numbers stays numbers (sentinel values such as 9999).
    value =
      before.every((v) => typeof v === 'number') && parts.every((p) => Number.isFinite(Number(p)))
        ? parts.map(Number)
        : parts;
  } else if (typeof before === 'number') {
    value = typed.trim() === '' || !Number.isFinite(Number(typed)) ? typed : Number(typed);
  } else if (typeof before === 'boolean') {
    value = typed === 'true';
  }
  return { ...step, [field]: value };
}

/** How a parameter is shown in its text box. */
export function shownParameter(value: unknown): string {
  if (Array.isArray(value)) return value.join(', ');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return value === undefined || value === null ? '' : String(value);
}

export type Parsed = { ok: true; steps: EditableStep[] } | { ok: false; error: string };

/**
 * A plan typed as JSON -> the editor's steps (all on). Only the shape is checked here (an object
 * with a list of steps, each with an op); the server checks each step's fields and says which
 * step and field are wrong.
 */
export function parsePlanJson(text: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  const steps = (value as { steps?: unknown } | null)?.steps;
  if (value === null || typeof value !== 'object' || !Array.isArray(steps)) {
    return { ok: false, error: '{ "steps": [ ... ] }' };
  }
  const bad = steps.findIndex(
    (s) => s === null || typeof s !== 'object' || typeof (s as { op?: unknown }).op !== 'string',
  );
  if (bad >= 0) return { ok: false, error: `#${bad + 1}: "op"` };
  return { ok: true, steps: (steps as PlanStep[]).map((step) => ({ enabled: true, step })) };
}

/** The plan as the JSON box shows it. */
export function planJson(steps: readonly EditableStep[]): string {
  return JSON.stringify(planToSend(steps), null, 2);
}
