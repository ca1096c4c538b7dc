import type { Report } from '../results/types.ts';

const STORE = /store|shop|branch|outlet|tienda|sucursal|loja/i;

/**
 * Suggestions for the store filter: the values of the store column the run's churn report grouped
 * by. (A customer's location may join city, region and country, so locations are suggested from
 * the customers seen in the preview instead; people may type any value.)
 */
export function storeOptions(report: Report | undefined): string[] {
  const stores = new Set<string>();
  for (const group of report?.churn?.byGroup ?? []) {
    if (!STORE.test(group.column ?? '')) continue;
    for (const row of group.rows) if (row.value !== '') stores.add(row.value);
  }
  return [...stores].sort((a, b) => a.localeCompare(b));
}
