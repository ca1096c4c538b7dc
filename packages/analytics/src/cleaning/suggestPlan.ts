import type { DatasetProfile, SuggestedStep } from '../profile/profileTypes.ts';
import { type CleaningPlan, parsePlan } from './planSchema.ts';

// The order steps run in: copies out first (before a key column that tells them apart is
// dropped), then the transaction rules in the seed's order, then column repairs, then outliers.
const RANK: Record<string, number> = {
  drop_duplicates: 0,
  drop_adjustments: 1,
  drop_stock_codes: 2,
  drop_missing: 3,
  mark_returns: 4,
  drop_columns: 5,
  cast: 6,
  replace: 7,
  sentinel_to_missing: 8,
  impute: 9,
  iqr_filter: 10,
  isolation_forest: 11,
  filter: 12,
};

/**
 * The plan a profile's warnings suggest, for a person to read and edit before `clientele clean`.
 * Each step carries the warning that asked for it as its note. Outlier steps stay in the warnings
 * and out of the plan: in customer data the far values are often the customers worth most (and
 * planted segments look like outliers to an IQR fence); a person adds them where they are errors.
 */
export function suggestPlan(profile: DatasetProfile): CleaningPlan {
  const steps: (SuggestedStep & { note: string })[] = [];
  const seen = new Set<string>();
  const add = (s: SuggestedStep, note: string): void => {
    const key = JSON.stringify(s);
    if (seen.has(key)) return;
    seen.add(key);
    steps.push({ ...s, note });
  };
  for (const w of profile.warnings) {
    if (!w.suggestion) continue;
    if (w.suggestion.op === 'iqr_filter') continue;
    add(w.suggestion, w.message);
    // A number column read as text because of blank cells gets those cells filled once cast.
    if (w.suggestion.op === 'cast' && w.column) {
      add({ op: 'impute', column: w.column, method: 'median' }, `fill "${w.column}" where it was blank`);
    }
  }
  // Columns dropped as a whole need no other step.
  const dropped = new Set(steps.flatMap((s) => (s.op === 'drop_columns' ? (s['columns'] as string[]) : [])));
  const kept = steps.filter(
    (s) => s.op === 'drop_columns' || typeof s['column'] !== 'string' || !dropped.has(s['column']),
  );
  kept.sort((a, b) => (RANK[a.op] ?? 99) - (RANK[b.op] ?? 99));
  return parsePlan({
    version: 1,
    description: `suggested by clientele profile for ${profile.source.path}; review each step before applying it`,
    steps: kept,
  });
}
