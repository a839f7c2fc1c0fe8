// The seven filters of dashboard.md §3.3 (one at a time). `href` keeps single page views; the others keep
// whole sessions, judged on the events given (so each window judges its sessions on its own events).
import type { NormalizedEvent } from '../types.ts';
import { summarizeSessions } from './sessions.ts';
import type { SessionFacts, Selection } from './sessions.ts';
import { NONE_GEOLOCATION, NONE_REFERRER, stripHref } from './urls.ts';
import type { UrlFacts } from './urls.ts';

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

/** Whether a session passes a session-level filter. */
function sessionMatches(filter: Filter, session: SessionFacts, urls: UrlFacts, target: string): boolean {
  switch (filter.prop) {
    case 'referrer':
      return (urls.referrer(session.first.referrer, session.first.href) ?? NONE_REFERRER) === filter.value;
    case 'campaign':
      return session.campaign === filter.value;
    case 'source':
      return session.source === filter.value;
    case 'landing':
      return urls.page(session.first.href) === target;
    case 'exit':
      // D9: like the exit table (§2.5), only sessions with two or more events have an exit page.
      return session.events >= 2 && urls.page(session.last.href) === target;
    case 'geo':
      return (session.geo ?? NONE_GEOLOCATION) === filter.value;
    case 'href':
      return false;
  }
}

/** The part of `selection` that passes `filter` (all of it when the filter is null), in the same order. */
export function applyFilter(events: readonly NormalizedEvent[], selection: Selection, filter: Filter | null, urls: UrlFacts): Selection {
  if (!filter) return selection;
  // URL values are compared in their stripped form, so `https://x.org/a` also selects `https://x.org/a/`.
  const target = filter.prop === 'href' || filter.prop === 'landing' || filter.prop === 'exit' ? stripHref(filter.value) : filter.value;
  if (filter.prop === 'href') return selection.filter((index) => urls.page(events[index]!.href) === target);
  const matched = new Set<string>();
  for (const [id, session] of summarizeSessions(events, selection, urls)) if (sessionMatches(filter, session, urls, target)) matched.add(id);
  return selection.filter((index) => {
    const id = events[index]!.sessionId;
    return id !== null && matched.has(id);
  });
}
