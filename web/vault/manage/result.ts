// Turns decrypted events into the QUERY result. The dashboard metrics (dashboard.md) plug in here in a later
// issue; until then the result is the events of the requested range, sorted by event time.
import type { NormalizedEvent, Query, QueryResult } from './types.ts';
import { ulidTime } from './ulid.ts';

/** A bound as ms, from a Date (structured clone), an ISO string or a number; null when absent or invalid. */
function toTime(value: Query['from']): number | null {
  if (value === null || value === undefined || value === '') return null;
  const time = value instanceof Date ? value.getTime() : new Date(value).getTime();
  return Number.isNaN(time) ? null : time;
}

export function computeResult(events: NormalizedEvent[], query: Query, account: object): QueryResult {
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
  return {
    account,
    events: sorted,
    range: {
      from: from === null ? null : new Date(from).toISOString(),
      to: to === null ? null : new Date(to).toISOString(),
    },
  };
}
