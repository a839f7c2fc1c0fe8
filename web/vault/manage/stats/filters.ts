// The seven filters of dashboard.md §3.3 (one at a time). `href` keeps single page views; the others keep
// whole sessions, judged on the events given (so each window judges its sessions on its own events).
import type { EventColumns, Selection } from './columns.ts';
import { sessionGeo, sessionReferrer, sessionTag, summarizeSessions } from './sessions.ts';
import type { Sessions } from './sessions.ts';
import { NONE_GEOLOCATION, NONE_REFERRER, stripHref } from './urls.ts';

export type FilterProp = 'href' | 'referrer' | 'campaign' | 'source' | 'landing' | 'exit' | 'geo';
export const FILTER_PROPS: readonly FilterProp[] = ['href', 'referrer', 'campaign', 'source', 'landing', 'exit', 'geo'];

export interface Filter {
  prop: FilterProp;
  value: string;
}

/**
 * Reads `prop:value` (the decoded `filter` URL parameter; the value may itself contain colons) or
 * `{prop, value}`. Anything else is no filter: a hand-edited URL should show unfiltered data, not fail.
 */
export function parseFilter(raw: unknown): Filter | null {
  let prop: unknown;
  let value: unknown;
  if (typeof raw === 'string') {
    const colon = raw.indexOf(':');
    if (colon < 0) return null;
    prop = raw.slice(0, colon);
    value = raw.slice(colon + 1);
  } else if (raw !== null && typeof raw === 'object') {
    ({ prop, value } = raw as { prop?: unknown; value?: unknown });
  }
  if (typeof prop !== 'string' || !(FILTER_PROPS as readonly string[]).includes(prop)) return null;
  if (typeof value !== 'string' || value === '') return null;
  return { prop: prop as FilterProp, value };
}

/** Whether a session passes a session-level filter; `page` is the interned stripped URL for landing/exit. */
function sessionMatches(filter: Filter, columns: EventColumns, sessions: Sessions, id: number, page: number): boolean {
  switch (filter.prop) {
    case 'referrer':
      return (sessionReferrer(columns, sessions, id) ?? NONE_REFERRER) === filter.value;
    case 'campaign':
      return sessionTag(columns, sessions, id, 'campaign') === filter.value;
    case 'source':
      return sessionTag(columns, sessions, id, 'source') === filter.value;
    case 'landing':
      return columns.page[sessions.first[id]!] === page;
    case 'exit':
      // D9: like the exit table (§2.5), only sessions with two or more events have an exit page.
      return sessions.events[id]! >= 2 && columns.page[sessions.last[id]!] === page;
    case 'geo':
      return (sessionGeo(columns, sessions, id) ?? NONE_GEOLOCATION) === filter.value;
    case 'href':
      return false;
  }
}

/** The positions of `selection` for which `keep` holds, in the same order. */
function keepWhere(selection: Selection, keep: (position: number) => boolean): Selection {
  const kept = new Int32Array(selection.length);
  let count = 0;
  for (let k = 0; k < selection.length; k++) if (keep(selection[k]!)) kept[count++] = selection[k]!;
  return kept.subarray(0, count);
}

/** The part of `selection` that passes `filter` (all of it when the filter is null), in the same order. */
export function applyFilter(columns: EventColumns, selection: Selection, filter: Filter | null): Selection {
  if (!filter) return selection;
  // URL values are compared in their stripped form, so `https://x.org/a` also selects `https://x.org/a/`.
  const page = filter.prop === 'href' || filter.prop === 'landing' || filter.prop === 'exit' ? (columns.pageIds.get(stripHref(filter.value)) ?? -1) : -1;
  const pageOf = columns.page;
  if (filter.prop === 'href') return keepWhere(selection, (position) => pageOf[position] === page);
  const sessions = summarizeSessions(columns, selection);
  const matched = new Uint8Array(columns.sessionIds.size);
  for (let k = 0; k < sessions.count; k++) {
    const id = sessions.ids[k]!;
    if (sessionMatches(filter, columns, sessions, id, page)) matched[id] = 1;
  }
  const sessionOf = columns.session;
  return keepWhere(selection, (position) => {
    const id = sessionOf[position]!;
    return id >= 0 && matched[id] === 1;
  });
}
