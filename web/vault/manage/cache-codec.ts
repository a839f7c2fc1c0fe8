// The first format of the local cache's day records (cache-store.ts): JSON columns, every payload column
// dictionary-encoded. Day records are now binary blocks (event-block.ts); this format is only read, so a cache
// written by an earlier version keeps its events (cache-view.ts rewrites them as blocks). Its writer lives in
// cache-codec.test-support.ts, for the tests that store such records.
import type { NormalizedEvent } from './types.ts';

/** The payload members of §2.3 that get their own column; anything else rides in `extra`. */
export const FIELDS = ['type', 'href', 'rawHref', 'referrer', 'pageload', 'isMobile', 'timestamp', 'sessionId', 'geo'] as const;
export const OWN = new Set<string>([...FIELDS, 'eventId', 'accountId', 'secretId']);

/** A dictionary column: `d` the distinct values, `i` one index per event, -1 where the member is absent. */
export interface Column {
  d: unknown[];
  i: number[];
}

export interface EventColumns {
  v: 1;
  eventId: string[];
  secretId: Column;
  fields: Record<string, Column>;
  /** Members outside FIELDS (the schema lets payloads carry more), per event; 0 where there are none. */
  extra: Array<Record<string, unknown> | 0> | null;
}

/** Rebuilds the events of one chunk; `accountId` is the cache's own (one database per account). */
export function decodeEvents(columns: EventColumns, accountId: string): NormalizedEvent[] {
  if (columns.v !== 1) throw new Error('unknown cache chunk version');
  const count = columns.eventId.length;
  const out = new Array<NormalizedEvent>(count);
  const column = (field: string): Column => columns.fields[field] ?? { d: [], i: new Array<number>(count).fill(-1) };
  const complete = (c: Column) => !c.i.includes(-1);
  const [type, href, rawHref, referrer, pageload, isMobile, timestamp, sessionId, geo] = FIELDS.map(column) as [Column, Column, Column, Column, Column, Column, Column, Column, Column];
  const secret = columns.secretId;
  // The usual chunk has every member but rawHref on every event: build those objects with one literal, so
  // they share a shape (a page load rebuilds every cached event; this is most of its time).
  if ([type, href, referrer, pageload, isMobile, timestamp, sessionId, geo].every(complete) && !columns.extra) {
    for (let n = 0; n < count; n++) {
      const event = {
        type: type.d[type.i[n]!],
        href: href.d[href.i[n]!],
        referrer: referrer.d[referrer.i[n]!],
        pageload: pageload.d[pageload.i[n]!],
        isMobile: isMobile.d[isMobile.i[n]!],
        timestamp: timestamp.d[timestamp.i[n]!],
        sessionId: sessionId.d[sessionId.i[n]!],
        geo: geo.d[geo.i[n]!],
        eventId: columns.eventId[n],
        accountId,
        secretId: secret.d[secret.i[n]!],
      } as Record<string, unknown>;
      const raw = rawHref.i[n]!;
      if (raw >= 0) event.rawHref = rawHref.d[raw];
      out[n] = event as unknown as NormalizedEvent;
    }
    return out;
  }
  const present = FIELDS.map((field) => [field, column(field)] as const);
  for (let n = 0; n < count; n++) {
    const event: Record<string, unknown> = { eventId: columns.eventId[n], accountId, secretId: secret.d[secret.i[n]!] };
    for (let f = 0; f < present.length; f++) {
      const [field, c] = present[f]!;
      const at = c.i[n]!;
      if (at >= 0) event[field] = c.d[at];
    }
    const more = columns.extra?.[n];
    if (more) Object.assign(event, more);
    out[n] = event as unknown as NormalizedEvent;
  }
  return out;
}
