// Turns decrypted events into the QUERY result: the account, the events of the requested from..to (sorted by
// event time), and every dashboard metric of dashboard.md §2 (computed by stats/, in the viewer's zone).
import { computeStats } from './stats/stats.ts';
import type { DashboardStats } from './stats/types.ts';
import { defaultTimeZone } from './stats/zoned.ts';
import type { NormalizedEvent, Query, QueryResult } from './types.ts';
import { ulidTime } from './ulid.ts';

/** A bound as ms, from a Date (structured clone), an ISO string or a number; null when absent or invalid. */
function toTime(value: Query['from']): number | null {
  if (value === null || value === undefined || value === '') return null;
  const time = value instanceof Date ? value.getTime() : new Date(value).getTime();
  return Number.isNaN(time) ? null : time;
}

/** Where the metrics get their zone and clock; tests pin both. */
export interface ResultOptions {
  /** IANA zone of the viewer; defaults to the runtime's (the vault runs in the viewer's browser). */
  timeZone?: string;
  /** "Now" in ms when the query has no `now` (§3.4); defaults to the clock. */
  now?: number;
}

export function computeResult(
  events: NormalizedEvent[],
  query: Query,
  account: object,
  options: ResultOptions = {},
): QueryResult & DashboardStats {
  const from = toTime(query.from);
  const to = toTime(query.to);
  const inRange =
    from === null && to === null
      ? events
      : events.filter((event) => {
          // Ranges use the server's ULID time, not the client timestamp (dashboard.md §1, §7.12).
          const time = ulidTime(event.eventId);
          return time !== null && (from === null || time >= from) && (to === null || time <= to);
        });
  // ULIDs sort lexicographically by time (§7.12).
  const sorted = [...inRange].sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
  const stats = computeStats(events, query, {
    timeZone: options.timeZone ?? defaultTimeZone(),
    // dashboard.md §3.4: the `now` parameter overrides "now" for every window.
    now: toTime(query.now) ?? options.now ?? Date.now(),
    retentionPeriod: (account as { retentionPeriod?: unknown }).retentionPeriod,
  });
  return {
    ...stats,
    account,
    events: sorted,
    range: {
      from: from === null ? null : new Date(from).toISOString(),
      to: to === null ? null : new Date(to).toISOString(),
    },
  };
}
