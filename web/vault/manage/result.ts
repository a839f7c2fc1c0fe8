// Turns decrypted events into the QUERY result: the account, the events (sorted by event time), and every
// dashboard metric of dashboard.md §2 (computed by stats/, in the viewer's zone). Which events travel back is
// contract 5 of issue 4: an operator gets only the metrics window's (a big account holds a million events, and
// postMessage clones every one), a visitor all of theirs (for "download my data").
import { encodeBlock } from './event-block.ts';
import type { DaySummary, EventBlock } from './event-block.ts';
import { computeBlockStats } from './stats/stats.ts';
import type { StatsContext } from './stats/stats.ts';
import type { DashboardStats } from './stats/types.ts';
import { defaultTimeZone } from './stats/zoned.ts';
import type { NormalizedEvent, Query, QueryResult } from './types.ts';

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
  /**
   * `window`: only events inside the computed stats window (operator); `all` (default): every event (visitor);
   * `none`: no events (an operator dashboard that fetches them only to export them).
   */
  events?: 'window' | 'all' | 'none';
}

/** The events whose ULID time lies in from..to (inclusive). */
function eventsBetween(blocks: readonly EventBlock[], from: number, to: number): NormalizedEvent[] {
  const out: NormalizedEvent[] = [];
  for (const block of blocks) {
    const time = block.time;
    for (let n = 0; n < block.count; n++) if (time[n]! >= from && time[n]! <= to) out.push(block.event(n));
  }
  return out;
}

const byEventId = (a: NormalizedEvent, b: NormalizedEvent) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

/** Events as objects (a visitor's), or as the blocks and unread-day summaries of an operator's view (cache-view.ts). */
export type ResultEvents = readonly NormalizedEvent[] | { blocks: readonly EventBlock[]; summaries?: readonly DaySummary[] };

/** The zone, clock and retention the metrics of a query run with. */
export function statsContext(query: Query, account: object, options: ResultOptions = {}): StatsContext {
  return {
    timeZone: options.timeZone ?? defaultTimeZone(),
    // dashboard.md §3.4: the `now` parameter overrides "now" for every window.
    now: toTime(query.now) ?? options.now ?? Date.now(),
    retentionPeriod: (account as { retentionPeriod?: unknown }).retentionPeriod,
  };
}

export function computeResult(
  input: ResultEvents,
  query: Query,
  account: object,
  options: ResultOptions = {},
): QueryResult & DashboardStats {
  const from = toTime(query.from);
  const to = toTime(query.to);
  const view = Array.isArray(input) ? null : (input as { blocks: readonly EventBlock[]; summaries?: readonly DaySummary[] });
  const blocks = view ? view.blocks : [encodeBlock(input as readonly NormalizedEvent[])];
  const stats = computeBlockStats(blocks, query, statsContext(query, account, options), view?.summaries);
  // Windows use the server's ULID time, not the client timestamp (dashboard.md §1, §7.12); ULIDs sort
  // lexicographically by time (§7.12).
  const chosen =
    options.events === 'none'
      ? []
      : options.events === 'window'
        ? eventsBetween(blocks, Date.parse(stats.window.from), Date.parse(stats.window.to))
        : Array.isArray(input)
          ? [...(input as readonly NormalizedEvent[])]
          : blocks.flatMap((block) => block.events());
  chosen.sort(byEventId);
  return {
    ...stats,
    account,
    events: chosen,
    range: {
      from: from === null ? null : new Date(from).toISOString(),
      to: to === null ? null : new Date(to).toISOString(),
    },
  };
}
