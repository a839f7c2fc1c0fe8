// The column-wise form of decrypted events in the local cache (cache-store.ts). Like upstream's hourly
// aggregates (clients-and-crypto.md §4.4 "Local aggregates") each chunk is stored column by column; every
// payload column is dictionary-encoded, because hrefs, referrers, countries and session ids repeat a lot, which
// keeps the stored JSON (and its JSON.parse on the next page load) small and lets decoded events share strings.
import type { NormalizedEvent } from './types.ts';

/** The payload members of §2.3 that get their own column; anything else rides in `extra`. */
const FIELDS = ['type', 'href', 'rawHref', 'referrer', 'pageload', 'isMobile', 'timestamp', 'sessionId', 'geo'] as const;
const OWN = new Set<string>([...FIELDS, 'eventId', 'accountId', 'secretId']);

type Primitive = string | number | boolean | null;

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

function columnBuilder() {
  const index = new Map<unknown, number>();
  const column: Column = { d: [], i: [] };
  return {
    column,
    push(value: unknown) {
      if (value === undefined) {
        column.i.push(-1);
        return;
      }
      // Objects (never expected in a valid payload's own members) are kept by value through JSON.
      const key = value !== null && typeof value === 'object' ? `\u0000${JSON.stringify(value)}` : (value as Primitive);
      let at = index.get(key);
      if (at === undefined) {
        at = column.d.length;
        column.d.push(value);
        index.set(key, at);
      }
      column.i.push(at);
    },
  };
}

export function encodeEvents(events: Iterable<NormalizedEvent>): EventColumns {
  const eventId: string[] = [];
  const secretId = columnBuilder();
  const fields = Object.fromEntries(FIELDS.map((field) => [field, columnBuilder()]));
  let extra: Array<Record<string, unknown> | 0> | null = null;
  let count = 0;
  for (const event of events) {
    eventId.push(event.eventId);
    secretId.push(event.secretId);
    const record = event as unknown as Record<string, unknown>;
    for (const field of FIELDS) fields[field]!.push(record[field]);
    let more: Record<string, unknown> | 0 = 0;
    for (const key of Object.keys(record)) {
      if (OWN.has(key)) continue;
      if (more === 0) more = {};
      more[key] = record[key];
    }
    if (more !== 0 && extra === null) extra = new Array<Record<string, unknown> | 0>(count).fill(0);
    if (extra !== null) extra.push(more);
    count++;
  }
  return {
    v: 1,
    eventId,
    secretId: secretId.column,
    fields: Object.fromEntries(FIELDS.map((field) => [field, fields[field]!.column])),
    extra,
  };
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
