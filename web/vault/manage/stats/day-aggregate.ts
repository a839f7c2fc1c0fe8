// What the metrics of a window need of one whole UTC day, computed once when the day's block is written
// (cache-view.ts, record `agg:<n>`) so that a long range does not rebuild every event of every day on each page
// load. The day is kept as up to two parts, cut at the viewer's local midnight inside it (dayCut), so that
// each part lies in one chart bucket of a day, week or month resolution in that zone. A part wholly inside
// the selected window, inside one chart bucket and outside the real-time window (neededDays) is then counted
// from its aggregate: its tallies add up, its visitors are a set, and its sessions are fragments (their facts
// in that part) that join the fragments of other parts and days by sessionId.
//
// Binary layout (little-endian): u32 header length | header JSON (utf-8) | padding to 4 |
//   per part:
//     pages  Int32 triples [account, page, count], indices into the header's strings
//     uuids  Int32, 4 per session that is a UUID (SessionIndex)
//     facts  SESSION_FACTS per session (the UUIDs', then the part's others'), each stored + 1 as Uint16 when
//            every one fits, else as Int32 (see AggregatePart.facts); padded to 4
//   seen   with two parts: Uint8, 1 per visitor of the day's summary, bit p set when seen in part p
// The visitors' first and last times are a record of their own (`tim:<n>`, serializeTimes): only the few days a
// retention week's edge cuts need them.
import { userTimes } from '../event-block.ts';
import type { EventBlock } from '../event-block.ts';
import { EventColumns, MOBILE } from './columns.ts';
import type { Selection } from './columns.ts';
import { sessionGeo, sessionTag, summarizeSessions } from './sessions.ts';
import { civilDateOf, startOfDay } from './zoned.ts';

/** Ints per session fragment in AggregatePart.facts. */
export const SESSION_FACTS = 7;
/** Offsets within a fragment's facts; string members are indices into `strings`, -1 for none. */
export const F_EVENTS = 0;
export const F_LANDING = 1;
export const F_EXIT = 2;
export const F_REFERRER = 3;
export const F_GEO = 4;
export const F_CAMPAIGN = 5;
export const F_SOURCE = 6;

const VERSION = 5;
const DAY = 86_400_000;

/** The events of a day from `start` (ms after the day's start) to the next part's start or the day's end. */
export interface AggregatePart {
  start: number;
  /** Events, events with a sessionId, mobile events, and the sum and number of page load measurements (§2.1). */
  events: number;
  withSession: number;
  mobile: number;
  pageloadSum: number;
  pageloads: number;
  /** [account, page, count] per page and account seen in the part (§2.3), indices into DayAggregate.strings. */
  pages: Int32Array;
  /** The part's sessions that are UUIDs, as 4 words each (columns.ts uuidWords), then the others' strings. */
  uuids: Int32Array;
  others: string[];
  /**
   * Per session (the UUIDs first, then the others), SESSION_FACTS ints: its events in the part, its first
   * event's page (landing) and last event's page (exit), its first event's computed referrer (§2.6), and the
   * first country, utm_campaign and utm_source of the part's events that have one (§2.7, §2.8); "first" and
   * "last" by eventId.
   */
  facts: Int32Array;
}

export interface DayAggregate {
  /** Where the second part starts (ms after the day's start); 0 when the day is one part. */
  cut: number;
  /** The strings the parts point into: account ids, pages, computed referrers, countries, utm tags. */
  strings: string[];
  /** One part, or two when `cut` > 0, in time order. */
  parts: AggregatePart[];
  /** With two parts, per visitor of the day's summary (in its order): bit p set when seen in part p. */
  seen: Uint8Array;
}

/**
 * The first and last event time (ms after the day's start) of each visitor of a day's summary, in its order
 * (event-block.ts userTimes), two ints each: who was seen on either side of any instant that cuts the day (a
 * retention week's edge).
 */
export type DayTimes = Int32Array;

/**
 * Where a UTC day is cut for a viewer in `timeZone`: the ms after the day's start of the local midnight inside
 * it, or 0 when none is (a zone at UTC+0). Every day, week and month bucket in that zone starts at a local
 * midnight; where a zone change puts two midnights in one UTC day the later one is taken, and the buckets then
 * decide (neededDays reads such a day as a block).
 */
export function dayCut(day: number, timeZone: string): number {
  const key = `${timeZone} ${day}`;
  let cut = cuts.get(key);
  if (cut === undefined) {
    const start = day * DAY;
    const midnight = startOfDay(civilDateOf(start + DAY - 1, timeZone), timeZone);
    cut = midnight > start && midnight < start + DAY ? midnight - start : 0;
    // Each page load asks for the same few hundred days several times, and each answer costs Intl calls.
    if (cuts.size >= 4096) cuts.clear();
    cuts.set(key, cut);
  }
  return cut;
}

const cuts = new Map<string, number>();

/**
 * The aggregate of one day's block cut at `cut` (dayCut), or undefined when its events cannot be joined with
 * other days by time alone: an id whose time digits are not upper case (then id order may differ from time
 * order), an id that is no ULID, or a value that is not a string where the metrics expect one. Such a day is
 * then read as a block.
 */
export function aggregateDay(block: EventBlock, cut = 0): (DayAggregate & { times: DayTimes }) | undefined {
  if (!block.canonical || block.count === 0) return undefined;
  if (!(Number.isInteger(cut) && cut >= 0 && cut < DAY)) throw new RangeError(`a cut outside the day: ${cut}`);
  for (let n = 0; n < block.count; n++) if (Number.isNaN(block.time[n]!)) return undefined;
  const dayStart = Math.floor(block.time[0]! / DAY) * DAY;
  const columns = new EventColumns([block], -Infinity, Infinity);
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
  const starts = cut > 0 ? [0, cut] : [0];
  const selections = starts.map(() => [] as number[]);
  for (let position = 0; position < columns.size; position++) selections[columns.time[position]! - dayStart < cut ? 0 : selections.length - 1]!.push(position);
  const parts = starts.map((start, p) => aggregatePart(columns, Int32Array.from(selections[p]!), start, str));
  if (!valid) return undefined;
  const times = userTimes(block, dayStart);
  // Every event of a day record lies on that day (cache-view.ts dayKey).
  for (let k = 0; k < times.length; k++) if (!(times[k]! >= 0 && times[k]! < DAY)) return undefined;
  const seen = new Uint8Array(cut > 0 ? times.length / 2 : 0);
  for (let k = 0; k < seen.length; k++) seen[k] = (times[2 * k]! < cut ? 1 : 0) | (times[2 * k + 1]! >= cut ? 2 : 0);
  return { cut, strings, parts, seen, times };
}

function aggregatePart(columns: EventColumns, selection: Selection, start: number, str: (value: unknown) => number): AggregatePart {
  let withSession = 0;
  let mobile = 0;
  let pageloadSum = 0;
  let pageloads = 0;
  const pageCount = columns.pageIds.size;
  const counts = new Int32Array(columns.accountIds.size * pageCount);
  const { session, flags, pageload, account, page } = columns;
  for (let k = 0; k < selection.length; k++) {
    const position = selection[k]!;
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
  const sessions = summarizeSessions(columns, selection);
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
  return {
    start, events: selection.length, withSession, mobile, pageloadSum, pageloads,
    pages: Int32Array.from(pages), uuids: uuids.slice(0, uuidCount * 4), others, facts,
  };
}

type PartHeader = Omit<AggregatePart, 'pages' | 'uuids' | 'facts'> & { pages: number; uuids: number; narrow: boolean };

/** Bytes of a part's facts: Uint16 (+ 1) when every one fits, else Int32; padded to 4. */
function factsBytes(count: number, narrow: boolean): number {
  return (count * (narrow ? 2 : 4) + 3) & ~3;
}

export function serializeAggregate(aggregate: DayAggregate): Uint8Array<ArrayBuffer> {
  const { cut, strings, parts, seen } = aggregate;
  const heads: PartHeader[] = parts.map(({ start, events, withSession, mobile, pageloadSum, pageloads, pages, uuids, others, facts }) => {
    let narrow = true;
    for (let k = 0; k < facts.length && narrow; k++) narrow = facts[k]! + 1 < 0xffff;
    return { start, events, withSession, mobile, pageloadSum, pageloads, others, uuids: uuids.length / 4, pages: pages.length, narrow };
  });
  const head = new TextEncoder().encode(JSON.stringify({ v: VERSION, cut, strings, parts: heads, seen: seen.length }));
  const start = (4 + head.length + 3) & ~3;
  let size = start;
  parts.forEach((part, p) => (size += (part.pages.length + part.uuids.length) * 4 + factsBytes(part.facts.length, heads[p]!.narrow)));
  const out = new Uint8Array(size + seen.length);
  new DataView(out.buffer).setUint32(0, head.length, true);
  out.set(head, 4);
  let at = start;
  parts.forEach(({ pages, uuids, facts }, p) => {
    new Int32Array(out.buffer, at, pages.length).set(pages);
    new Int32Array(out.buffer, at + pages.length * 4, uuids.length).set(uuids);
    at += (pages.length + uuids.length) * 4;
    const stored = heads[p]!.narrow ? new Uint16Array(out.buffer, at, facts.length) : new Int32Array(out.buffer, at, facts.length);
    for (let k = 0; k < facts.length; k++) stored[k] = facts[k]! + 1;
    at += factsBytes(facts.length, heads[p]!.narrow);
  });
  out.set(seen, at);
  return out;
}

/** A day's DayTimes as bytes: the Int32 values after a u32 format version. */
export function serializeTimes(times: DayTimes): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(4 + times.length * 4);
  new DataView(out.buffer).setUint32(0, VERSION, true);
  new Int32Array(out.buffer, 4, times.length).set(times);
  return out;
}

/** Reads serializeTimes's bytes; throws on anything else (the caller then reads the day's block). */
export function parseTimes(bytes: Uint8Array): DayTimes {
  const data = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  if (data.byteLength < 4 || (data.byteLength - 4) % 8 !== 0) throw new Error('truncated times');
  if (new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true) !== VERSION) throw new Error('unknown times format');
  const times = new Int32Array(data.buffer as ArrayBuffer, data.byteOffset + 4, (data.byteLength - 4) / 4);
  for (let k = 0; k < times.length; k++) if (!(times[k]! >= 0 && times[k]! < DAY)) throw new Error('a time outside the day');
  return times;
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** Reads serializeAggregate's bytes; throws on anything else (the caller then reads the day's block). */
export function parseAggregate(bytes: Uint8Array): DayAggregate {
  const data = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const length = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(data.subarray(4, 4 + length))) as { v: number; cut: number; strings: string[]; parts: PartHeader[]; seen: number };
  if (header.v !== VERSION || !Array.isArray(header.strings) || !Array.isArray(header.parts)) throw new Error('unknown aggregate format');
  const { cut, strings } = header;
  if (!(isCount(cut) && cut < DAY) || header.parts.length !== (cut > 0 ? 2 : 1) || !isCount(header.seen) || (cut === 0 && header.seen !== 0)) throw new Error('an aggregate of unknown shape');
  const buffer = data.buffer as ArrayBuffer;
  const limit = strings.length;
  let at = (4 + length + 3) & ~3;
  const parts = header.parts.map((head, p): AggregatePart => {
    if (head.start !== (p === 0 ? 0 : cut) || !Array.isArray(head.others) || !isCount(head.pages) || !isCount(head.uuids) || head.pages % 3 !== 0) throw new Error('an aggregate part of unknown shape');
    const count = (head.uuids + head.others.length) * SESSION_FACTS;
    const end = at + (head.pages + head.uuids * 4) * 4 + factsBytes(count, head.narrow);
    if (end > data.byteLength) throw new Error('a truncated aggregate');
    const pages = new Int32Array(buffer, data.byteOffset + at, head.pages);
    const uuids = new Int32Array(buffer, data.byteOffset + at + head.pages * 4, head.uuids * 4);
    const factsAt = data.byteOffset + at + (head.pages + head.uuids * 4) * 4;
    const stored = head.narrow ? new Uint16Array(buffer, factsAt, count) : new Int32Array(buffer, factsAt, count);
    for (let k = 0; k < pages.length; k += 3) if (!(pages[k]! >= 0 && pages[k]! < limit && pages[k + 1]! >= 0 && pages[k + 1]! < limit)) throw new Error('a page outside the strings');
    const facts = new Int32Array(count);
    for (let k = 0, field = 0; k < count; k++) {
      const value = stored[k]! - 1;
      if (field === F_EVENTS ? value < 1 : value < (field <= F_EXIT ? 0 : -1) || value >= limit) throw new Error('a session fact outside the strings');
      facts[k] = value;
      if (++field === SESSION_FACTS) field = 0;
    }
    at = end;
    const { start, events, withSession, mobile, pageloadSum, pageloads, others } = head;
    return { start, events, withSession, mobile, pageloadSum, pageloads, pages, uuids, others, facts };
  });
  if (data.byteLength !== at + header.seen) throw new Error('a truncated aggregate');
  const seen = new Uint8Array(buffer, data.byteOffset + at, header.seen);
  for (let k = 0; k < seen.length; k++) if (seen[k] === 0 || seen[k]! > 3) throw new Error('a visitor seen in no part');
  return { cut, strings, parts, seen };
}
