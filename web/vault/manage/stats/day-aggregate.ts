// What the metrics of a window need of one whole UTC day, computed once when the day's block is written
// (cache-view.ts, record `agg:<n>`) so that a long range does not rebuild every event of every day on each page
// load. A day wholly inside the selected window, inside one chart bucket and outside the real-time window
// (neededDays) is then counted from its aggregate: its tallies add up, its visitors are a set, and its
// sessions are fragments (their facts on that day) that join the fragments of other days by sessionId.
//
// Binary layout (little-endian): u32 header length | header JSON (utf-8) | padding to 4 |
//   pages  Int32 triples [account, page, count], indices into the header's strings
//   uuids  Int32, 4 per session that is a UUID (SessionIndex)
//   facts  SESSION_FACTS per session (the UUIDs', then the header's others'), each stored + 1 as Uint16 when
//          every one fits, else as Int32 (see DayAggregate.facts); padded to 4
//   times  Int32, 2 per visitor of the day's summary (DayAggregate.times)
import { userTimes } from '../event-block.ts';
import type { EventBlock } from '../event-block.ts';
import { EventColumns, MOBILE } from './columns.ts';
import { sessionGeo, sessionTag, summarizeSessions } from './sessions.ts';

/** Ints per session fragment in DayAggregate.facts. */
export const SESSION_FACTS = 7;
/** Offsets within a fragment's facts; string members are indices into `strings`, -1 for none. */
export const F_EVENTS = 0;
export const F_LANDING = 1;
export const F_EXIT = 2;
export const F_REFERRER = 3;
export const F_GEO = 4;
export const F_CAMPAIGN = 5;
export const F_SOURCE = 6;

const VERSION = 3;
const DAY = 86_400_000;

export interface DayAggregate {
  /** Events with a sessionId, mobile events, and the sum and number of page load measurements (§2.1). */
  withSession: number;
  mobile: number;
  pageloadSum: number;
  pageloads: number;
  /** The strings the other members point into: account ids, pages, computed referrers, countries, utm tags. */
  strings: string[];
  /** [account, page, count] per page and account seen that day (§2.3). */
  pages: Int32Array;
  /** The day's sessions that are UUIDs, as 4 words each (columns.ts uuidWords), then the others' strings. */
  uuids: Int32Array;
  others: string[];
  /**
   * Per session (the UUIDs first, then the others), SESSION_FACTS ints: its events that day, its first event's page (landing) and last event's
   * page (exit), its first event's computed referrer (§2.6), and the first country, utm_campaign and
   * utm_source of the day's events that have one (§2.7, §2.8); "first" and "last" by eventId.
   */
  facts: Int32Array;
  /**
   * The first and last event time (ms after the day's start) of each visitor of the day's summary, in its
   * order (event-block.ts userTimes): what a retention week edge that cuts the day needs.
   */
  times: Int32Array;
}

/**
 * The aggregate of one day's block, or undefined when its events cannot be joined with other days by time
 * alone: an id whose time digits are not upper case (then id order may differ from time order), an id that is
 * no ULID, or a value that is not a string where the metrics expect one. Such a day is then read as a block.
 */
export function aggregateDay(block: EventBlock): DayAggregate | undefined {
  if (!block.canonical || block.count === 0) return undefined;
  for (let n = 0; n < block.count; n++) if (Number.isNaN(block.time[n]!)) return undefined;
  const columns = new EventColumns([block], -Infinity, Infinity);
  const size = columns.size;
  const strings: string[] = [];
  const index = new Map<string, number>();
  let valid = true;
  const str = (value: unknown): number => {
    if (typeof value !== 'string') {
      valid = false;
      return -1;
    }
    let at = index.get(value);
    if (at === undefined) {
      index.set(value, (at = strings.length));
      strings.push(value);
    }
    return at;
  };
  let withSession = 0;
  let mobile = 0;
  let pageloadSum = 0;
  let pageloads = 0;
  const pageCount = columns.pageIds.size;
  const counts = new Int32Array(columns.accountIds.size * pageCount);
  const { session, flags, pageload, account, page } = columns;
  for (let position = 0; position < size; position++) {
    if (session[position]! >= 0) withSession++;
    if (flags[position]! & MOBILE) mobile++;
    const load = pageload[position]!;
    if (load > 0) {
      pageloadSum += load;
      pageloads++;
    }
    counts[account[position]! * pageCount + page[position]!]!++;
  }
  const pages: number[] = [];
  for (let k = 0; k < counts.length; k++) {
    if (counts[k] === 0) continue;
    pages.push(str(columns.accountIds.keys[Math.floor(k / pageCount)]), str(columns.pageIds.keys[k % pageCount]), counts[k]!);
  }
  const all = new Int32Array(size);
  for (let position = 0; position < size; position++) all[position] = position;
  const sessions = summarizeSessions(columns, all);
  // UUID sessions first, then the others.
  const order: number[] = [];
  const others: string[] = [];
  const uuids = new Int32Array(sessions.count * 4);
  let uuidCount = 0;
  for (let k = 0; k < sessions.count; k++) {
    const id = sessions.ids[k]!;
    if (columns.sessionIds.name(id) === null) {
      columns.sessionIds.bitsOf(id, uuids, uuidCount++ * 4);
      order.push(id);
    }
  }
  for (let k = 0; k < sessions.count; k++) {
    const id = sessions.ids[k]!;
    const name = columns.sessionIds.name(id);
    if (name === null) continue;
    others.push(name);
    order.push(id);
  }
  const facts = new Int32Array(sessions.count * SESSION_FACTS);
  const optional = (value: string | null) => (value === null ? -1 : str(value));
  order.forEach((id, k) => {
    const at = k * SESSION_FACTS;
    facts[at + F_EVENTS] = sessions.events[id]!;
    facts[at + F_LANDING] = str(columns.pageIds.keys[page[sessions.first[id]!]!]);
    facts[at + F_EXIT] = str(columns.pageIds.keys[page[sessions.last[id]!]!]);
    facts[at + F_REFERRER] = optional(columns.computedReferrer(sessions.first[id]!));
    facts[at + F_GEO] = optional(sessionGeo(columns, sessions, id));
    facts[at + F_CAMPAIGN] = optional(sessionTag(columns, sessions, id, 'campaign'));
    facts[at + F_SOURCE] = optional(sessionTag(columns, sessions, id, 'source'));
  });
  if (!valid) return undefined;
  const times = userTimes(block, Math.floor(block.time[0]! / DAY) * DAY);
  // Every event of a day record lies on that day (cache-view.ts dayKey).
  for (let k = 0; k < times.length; k++) if (!(times[k]! >= 0 && times[k]! < DAY)) return undefined;
  return { withSession, mobile, pageloadSum, pageloads, strings, pages: Int32Array.from(pages), uuids: uuids.slice(0, uuidCount * 4), others, facts, times };
}

export function serializeAggregate(aggregate: DayAggregate): Uint8Array<ArrayBuffer> {
  const { withSession, mobile, pageloadSum, pageloads, strings, pages, uuids, others, facts, times } = aggregate;
  let narrow = true;
  for (let k = 0; k < facts.length && narrow; k++) narrow = facts[k]! + 1 < 0xffff;
  const head = new TextEncoder().encode(
    JSON.stringify({ v: VERSION, withSession, mobile, pageloadSum, pageloads, strings, others, uuids: uuids.length / 4, pages: pages.length, narrow, times: times.length }),
  );
  const start = (4 + head.length + 3) & ~3;
  const factsAt = start + (pages.length + uuids.length) * 4;
  const timesAt = factsAt + ((facts.length * (narrow ? 2 : 4) + 3) & ~3);
  const out = new Uint8Array(timesAt + times.length * 4);
  new DataView(out.buffer).setUint32(0, head.length, true);
  out.set(head, 4);
  new Int32Array(out.buffer, start, pages.length).set(pages);
  new Int32Array(out.buffer, start + pages.length * 4, uuids.length).set(uuids);
  const stored = narrow ? new Uint16Array(out.buffer, factsAt, facts.length) : new Int32Array(out.buffer, factsAt, facts.length);
  for (let k = 0; k < facts.length; k++) stored[k] = facts[k]! + 1;
  new Int32Array(out.buffer, timesAt, times.length).set(times);
  return out;
}

/** Reads serializeAggregate's bytes; throws on anything else (the caller then reads the day's block). */
export function parseAggregate(bytes: Uint8Array): DayAggregate {
  const data = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const length = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(data.subarray(4, 4 + length))) as Omit<DayAggregate, 'pages' | 'facts' | 'uuids'> & {
    v: number;
    pages: number;
    uuids: number;
    narrow: boolean;
    times: number;
  };
  if (header.v !== VERSION || !Array.isArray(header.strings) || !Array.isArray(header.others)) throw new Error('unknown aggregate format');
  const start = (4 + length + 3) & ~3;
  const sessions = header.uuids + header.others.length;
  const factsAt = start + (header.pages + header.uuids * 4) * 4;
  const count = sessions * SESSION_FACTS;
  const timesAt = factsAt + ((count * (header.narrow ? 2 : 4) + 3) & ~3);
  if (header.pages % 3 !== 0 || header.times % 2 !== 0 || data.byteLength !== timesAt + header.times * 4) throw new Error('a truncated aggregate');
  const buffer = data.buffer as ArrayBuffer;
  const pages = new Int32Array(buffer, data.byteOffset + start, header.pages);
  const uuids = new Int32Array(buffer, data.byteOffset + start + header.pages * 4, header.uuids * 4);
  const stored = header.narrow ? new Uint16Array(buffer, data.byteOffset + factsAt, count) : new Int32Array(buffer, data.byteOffset + factsAt, count);
  const limit = header.strings.length;
  for (let k = 0; k < pages.length; k += 3) if (!(pages[k]! >= 0 && pages[k]! < limit && pages[k + 1]! >= 0 && pages[k + 1]! < limit)) throw new Error('a page outside the strings');
  const facts = new Int32Array(count);
  for (let k = 0, field = 0; k < count; k++) {
    const value = stored[k]! - 1;
    if (field === F_EVENTS ? value < 1 : value < (field <= F_EXIT ? 0 : -1) || value >= limit) throw new Error('a session fact outside the strings');
    facts[k] = value;
    if (++field === SESSION_FACTS) field = 0;
  }
  const times = new Int32Array(buffer, data.byteOffset + timesAt, header.times);
  for (let k = 0; k < times.length; k++) if (!(times[k]! >= 0 && times[k]! < DAY)) throw new Error('a time outside the day');
  return { withSession: header.withSession, mobile: header.mobile, pageloadSum: header.pageloadSum, pageloads: header.pageloads, strings: header.strings, pages, uuids, others: header.others, facts, times };
}
