// The writer of the local cache's first day-record format (cache-codec.ts), which only tests still write: they
// store such records to prove a cache of an earlier version is read and rewritten as blocks.
import { FIELDS, OWN } from './cache-codec.ts';
import type { Column, EventColumns } from './cache-codec.ts';
import type { NormalizedEvent } from './types.ts';

type Primitive = string | number | boolean | null;

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
