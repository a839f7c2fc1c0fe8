// Contract 2 of issue 4: the URL parameters the dashboards read (dashboard.md §3.1–3.4) as the vault's Query.
import type { Query } from '../../vault/manage/types.ts';

/** range, resolution, from, to, now and filter of a query string; absent or empty parameters are left out. */
export function queryFromPlace(search: string): Query {
  const params = new URLSearchParams(search);
  const query: Query = {};
  for (const name of ['range', 'resolution', 'from', 'to', 'now', 'filter'] as const) {
    const value = params.get(name);
    if (value !== null && value !== '') query[name] = value;
  }
  return query;
}
