// Decrypted events held column-wise: the form the operator's view keeps them in (cache-view.ts), the form the
// metrics read (stats/columns.ts) and, serialised, the form the encrypted local cache stores (one block per
// UTC day). Like upstream's local aggregates (clients-and-crypto.md §4.4) a block is column by column; every
// payload member is dictionary-encoded (hrefs, referrers, countries, sessions and users repeat a lot), so a
// page load reads a few typed arrays and small dictionaries instead of rebuilding a million event objects.
//
// Binary layout (little-endian), version 2 of the cache's day records:
//   u32 header length | header JSON (utf-8) | padding to 8 | sections, each padded to 8:
//     per column of BLOCK_FIELDS: the index array at the header's width (1, 2 or 4 bytes per event)
//     the index array of the timestamps that are kept as written (stampOther), at its width
//     stamp      the client timestamp when its ISO form round-trips, else none: Int32 ms after the event time
//                (-2^31 for none) when every one fits, else Float64 ms (NaN for none)
//     time       the ULID time of the eventId: Uint32 ms after the header's timeBase when all are ULID times
//                within 2^32 ms, else Float64 (NaN where the id is no ULID)
//     ids        canonical ULIDs (upper case): their 80 random bits, 10 bytes per event (the time is above);
//                else 26 bytes per event (ASCII) when every id is 26 ASCII characters; else in the header
import type { DayAggregate, DayTimes } from './stats/day-aggregate.ts';
import type { NormalizedEvent } from './types.ts';

/** The members with a dictionary column; timestamp and eventId have columns of their own. */
export const BLOCK_FIELDS = ['type', 'href', 'rawHref', 'referrer', 'pageload', 'isMobile', 'sessionId', 'geo', 'accountId', 'secretId'] as const;
export type BlockField = (typeof BLOCK_FIELDS)[number];
const OWN = new Set<string>([...BLOCK_FIELDS, 'eventId', 'timestamp']);
const VERSION = 2;
const ID_WIDTH = 26;
/** Bytes of a ULID's random part (16 base-32 digits, 80 bits). */
const RANDOM_WIDTH = 10;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const NO_STAMP = -0x80000000;

/** A dictionary column: `d` the distinct values, `i[n]` = 1 + the index of event n's value, 0 where absent. */
export interface Dict {
  d: unknown[];
  i: Int32Array;
}

// Crockford base-32 digit values by char code (upper and lower case), -1 elsewhere.
const DIGITS = new Int8Array(128).fill(-1);
'0123456789ABCDEFGHJKMNPQRSTVWXYZ'.split('').forEach((char, value) => {
  DIGITS[char.charCodeAt(0)] = value;
  DIGITS[char.toLowerCase().charCodeAt(0)] = value;
});
const MAX_TIME = 2 ** 48 - 1;
/** Char codes above 'Z' among valid digits are lower-case letters. */
const UPPER_END = 90;

/**
 * Event time = the ULID time of the eventId (dashboard.md §0), or NaN when the id is no ULID. The same
 * decoding as ulid.ts, with a lookup table because it runs once per event.
 */
export function eventTime(eventId: string): number {
  if (eventId.length !== ID_WIDTH) return NaN;
  let time = 0;
  for (let i = 0; i < 10; i++) {
    const code = eventId.charCodeAt(i);
    const digit = code < 128 ? DIGITS[code]! : -1;
    if (digit < 0) return NaN;
    time = time * 32 + digit;
  }
  return time <= MAX_TIME ? time : NaN;
}

/** Whether a ULID's time digits are all upper case (then string order of ids with different times is time order). */
export function upperTime(eventId: string): boolean {
  for (let i = 0; i < 10; i++) if (eventId.charCodeAt(i) > UPPER_END) return false;
  return true;
}

/** Start of the day (ms) of a "YYYY-MM-DD" that toISOString writes the same way, else NaN; memoised. */
const dayStarts = new Map<string, number>();
let lastDay = '';
let lastDayStart = NaN;
function dayStart(stamp: string): number {
  // Events of one block are of one day or two: most are the previous one's.
  if (lastDay !== '' && stamp.startsWith(lastDay)) return lastDayStart;
  const date = stamp.slice(0, 10);
  let start = dayStarts.get(date);
  if (start === undefined) {
    const ms = Date.parse(`${date}T00:00:00.000Z`);
    start = !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === date ? ms : NaN;
    if (dayStarts.size > 10_000) dayStarts.clear();
    dayStarts.set(date, start);
  }
  lastDay = date;
  lastDayStart = start;
  return start;
}

/** Two ASCII digits at `at` as a number, or NaN. */
function digits2(value: string, at: number): number {
  const a = value.charCodeAt(at) - 48;
  const b = value.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NaN;
}

/**
 * The ms of a timestamp exactly as toISOString writes it ("2024-10-01T10:00:00.000Z"), so that writing the ms
 * back gives the same string; NaN for anything else, which is then kept as written. Parsed by hand (the day
 * through Date once per distinct day): it runs once per event when a big account's days are encoded.
 */
export function exactStamp(value: unknown): number {
  if (typeof value !== 'string' || value.length !== 24) return NaN;
  if (value.charCodeAt(10) !== 84 /* T */ || value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58 || value.charCodeAt(19) !== 46 || value.charCodeAt(23) !== 90 /* Z */) return NaN;
  const hour = digits2(value, 11);
  const minute = digits2(value, 14);
  const second = digits2(value, 17);
  const centis = digits2(value, 20);
  const third = value.charCodeAt(22) - 48;
  // Comparisons with NaN are false, so a non-digit anywhere ends here.
  if (!(hour <= 23 && minute <= 59 && second <= 59 && centis >= 0 && third >= 0 && third <= 9)) return NaN;
  return dayStart(value) + ((hour * 60 + minute) * 60 + second) * 1000 + centis * 10 + third;
}

/** The 10 time digits of a ULID time. */
function timeText(time: number): string {
  let out = '';
  for (let k = 0, t = time; k < 10; k++, t = Math.floor(t / 32)) out = ALPHABET[t % 32] + out;
  return out;
}

/** The 16 random digits of a ULID from its 10 packed bytes at `at`. */
function randomText(bytes: Uint8Array, at: number): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (let k = 0; k < RANDOM_WIDTH; k++) {
    acc = (acc << 8) | bytes[at + k]!;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}

/**
 * Packs the random digits of a canonical ULID (26 upper-case base-32 digits, its time digits `time`) into 10
 * bytes at `at`; false when the id is not one (it must come back unchanged from timeText + randomText).
 */
function packUlid(id: string, time: number, out: Uint8Array, at: number): boolean {
  if (id.length !== ID_WIDTH || Number.isNaN(time)) return false;
  for (let k = 0; k < 10; k++) if (id.charCodeAt(k) > UPPER_END) return false;
  // The time digits can still differ from timeText(time): a first digit above 7 is no ULID time at all.
  if (id.charCodeAt(0) > 55 /* 7 */) return false;
  let acc = 0;
  let bits = 0;
  let o = at;
  for (let k = 10; k < ID_WIDTH; k++) {
    const code = id.charCodeAt(k);
    const digit = code < 128 ? DIGITS[code]! : -1;
    if (digit < 0 || code > UPPER_END) return false;
    acc = (acc << 5) | digit;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
    acc &= (1 << bits) - 1;
  }
  return true;
}

export class EventBlock {
  /** ULID time per event (NaN for ids that are no ULID). */
  readonly time: Float64Array;
  /** Whether every ULID time in the block has upper-case digits (see upperTime). */
  readonly canonical: boolean;
  private index: Map<string, number> | null = null;
  /** Bytes per id in `ids`: 26 (ASCII) or 10 (the random part of a canonical ULID; its time is `time`). */
  private readonly idWidth: number;

  constructor(
    readonly count: number,
    /** The eventIds: bytes (see idWidth), or one string per event. */
    private readonly ids: Uint8Array | string[],
    readonly columns: Readonly<Record<BlockField, Dict>>,
    /** Client timestamps in ms where they round-trip through toISOString; NaN where `stampOther` holds them. */
    readonly stamp: Float64Array,
    readonly stampOther: Dict,
    /** Members outside the known ones (the schema lets payloads carry more), per event; 0 where there are none. */
    readonly extra: ReadonlyArray<Record<string, unknown> | 0> | null,
    /** The ULID times and canonical flag when they are known already (a parsed block stores them). */
    known?: { time: Float64Array; canonical: boolean; idWidth: number },
  ) {
    this.idWidth = known?.idWidth ?? ID_WIDTH;
    if (known) {
      this.time = known.time;
      this.canonical = known.canonical;
      return;
    }
    let canonical = true;
    const time = (this.time = new Float64Array(count));
    if (ids instanceof Uint8Array) {
      for (let n = 0; n < count; n++) {
        let at = 0;
        const base = n * ID_WIDTH;
        for (let k = 0; k < 10; k++) {
          const code = ids[base + k]!;
          const digit = code < 128 ? DIGITS[code]! : -1;
          if (digit < 0) {
            at = NaN;
            break;
          }
          if (code > UPPER_END) canonical = false;
          at = at * 32 + digit;
        }
        time[n] = at > MAX_TIME ? NaN : at;
      }
    } else {
      for (let n = 0; n < count; n++) {
        const at = eventTime(ids[n]!);
        time[n] = at;
        if (!Number.isNaN(at) && !upperTime(ids[n]!)) canonical = false;
      }
    }
    this.canonical = canonical;
  }

  /** The ids as bytes, and how many per id (see idWidth); null when they are strings. */
  idBytes(): { bytes: Uint8Array; width: number } | null {
    return this.ids instanceof Uint8Array ? { bytes: this.ids, width: this.idWidth } : null;
  }

  eventId(n: number): string {
    const ids = this.ids;
    if (!(ids instanceof Uint8Array)) return ids[n]!;
    if (this.idWidth === RANDOM_WIDTH) return timeText(this.time[n]!) + randomText(ids, n * RANDOM_WIDTH);
    return String.fromCharCode.apply(null, ids.subarray(n * ID_WIDTH, (n + 1) * ID_WIDTH) as unknown as number[]);
  }

  /** Compares the eventIds of events a and b (of this block) as strings, without building them. */
  compareIds(a: number, b: number): number {
    const ids = this.ids;
    if (!(ids instanceof Uint8Array)) return ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0;
    const width = this.idWidth;
    // Canonical ULIDs: time digits first (time order), then the random part, whose bytes keep digit order.
    if (width === RANDOM_WIDTH && this.time[a] !== this.time[b]) return this.time[a]! - this.time[b]!;
    for (let k = 0, x = a * width, y = b * width; k < width; k++, x++, y++) {
      const d = ids[x]! - ids[y]!;
      if (d !== 0) return d;
    }
    return 0;
  }

  value(field: BlockField, n: number): unknown {
    const column = this.columns[field];
    const at = column.i[n]!;
    return at === 0 ? undefined : column.d[at - 1];
  }

  timestamp(n: number): unknown {
    const ms = this.stamp[n]!;
    if (!Number.isNaN(ms)) return new Date(ms).toISOString();
    const at = this.stampOther.i[n]!;
    return at === 0 ? undefined : this.stampOther.d[at - 1];
  }

  /** Event n as an object: every member it had, and no others. */
  event(n: number): NormalizedEvent {
    const event: Record<string, unknown> = {};
    for (const field of BLOCK_FIELDS) {
      const column = this.columns[field];
      const at = column.i[n]!;
      if (at !== 0) event[field] = column.d[at - 1];
    }
    const timestamp = this.timestamp(n);
    if (timestamp !== undefined) event.timestamp = timestamp;
    event.eventId = this.eventId(n);
    const more = this.extra?.[n];
    if (more) Object.assign(event, more);
    return event as unknown as NormalizedEvent;
  }

  events(): NormalizedEvent[] {
    const out = new Array<NormalizedEvent>(this.count);
    for (let n = 0; n < this.count; n++) out[n] = this.event(n);
    return out;
  }

  /** The same events with one column coded anew (rollups.ts moves the secretId column between numberings). */
  withColumn(field: BlockField, dict: Dict): EventBlock {
    if (dict.i.length !== this.count) throw new Error('a column of another length');
    return new EventBlock(this.count, this.ids, { ...this.columns, [field]: dict }, this.stamp, this.stampOther, this.extra, {
      time: this.time,
      canonical: this.canonical,
      idWidth: this.idWidth,
    });
  }

  /** The position of an eventId in the block, or -1. */
  indexOf(eventId: string): number {
    if (this.index === null) {
      this.index = new Map();
      for (let n = 0; n < this.count; n++) this.index.set(this.eventId(n), n);
    }
    return this.index.get(eventId) ?? -1;
  }
}

/**
 * One account's visitors numbered 0, 1, 2, … in order of first appearance, for the life of its cache (numbers
 * are never reused or moved). The blocks of an operator's view code their secretId column with these numbers
 * instead of a dictionary of their own: a day's block then carries no secretIds, and the metrics map each
 * visitor to an id once, not once per day.
 */
export class UserNumbers {
  /** secretId by number; blocks coded with this table share this very array as their secretId dictionary. */
  readonly names: string[] = [];
  /**
   * Number by secretId, for the names up to `indexed` (the first number given to a name wins). Built only
   * when a number is asked for: a page load whose query reads the blocks needs the names alone, and indexing
   * 100,000 of them cost it about 100 ms.
   */
  private readonly numbers = new Map<string, number>();
  private indexed = 0;
  /**
   * True while the stored numbering is not read (cache-view.ts reads it only when something needs it): then
   * no name can be numbered, since the next number is not known.
   */
  pending = false;

  /** How many visitors are numbered, read or not. */
  get size(): number {
    return this.names.length;
  }

  /**
   * A stored numbering of `count` names, not read yet: `names` gets its length (the metrics size their tables
   * by it, and blocks are checked against it) and is filled by restore.
   */
  expect(count: number): void {
    this.names.length = count;
    this.pending = true;
  }

  number(secretId: string): number {
    if (this.pending) throw new Error('the visitor numbering has not been read');
    const names = this.names;
    for (; this.indexed < names.length; this.indexed++) if (!this.numbers.has(names[this.indexed]!)) this.numbers.set(names[this.indexed]!, this.indexed);
    let at = this.numbers.get(secretId);
    if (at === undefined) {
      at = names.length;
      names.push(secretId);
      this.numbers.set(secretId, at);
      this.indexed = names.length;
    }
    return at;
  }

  /** Appends names read back from the cache, each at its stored position (or fills the expected ones). */
  restore(names: readonly string[]): void {
    if (this.pending) {
      if (names.length !== this.names.length) throw new Error('the visitor numbering is not the one the meta record counts');
      names.forEach((name, n) => (this.names[n] = name));
      this.pending = false;
      return;
    }
    for (const name of names) this.names.push(name);
  }
}

class DictBuilder {
  private readonly positions = new Map<unknown, number>();
  private readonly d: unknown[] = [];
  private readonly codes: Int32Array;
  private n = 0;
  // Neighbouring events often share a value (one account, one type, one visitor's session): skip the lookup.
  private lastValue: unknown = undefined;
  private lastCode = 0;

  constructor(count: number) {
    this.codes = new Int32Array(count);
  }

  push(value: unknown): void {
    if (value === this.lastValue) {
      this.codes[this.n++] = this.lastCode;
      return;
    }
    if (value === undefined) {
      this.n++;
      return;
    }
    // Objects (never expected in a valid payload's own members) are kept by value through JSON.
    const object = value !== null && typeof value === 'object';
    const key = object ? `\u0000${JSON.stringify(value)}` : value;
    let at = this.positions.get(key);
    if (at === undefined) {
      this.d.push(value);
      this.positions.set(key, (at = this.d.length));
    }
    this.codes[this.n++] = at;
    if (!object) {
      this.lastValue = value;
      this.lastCode = at;
    }
  }

  done(): Dict {
    return { d: this.d, i: this.codes };
  }
}

/** The secretId column coded with a UserNumbers table (code = number + 1, 0 where absent). */
class SharedBuilder {
  private readonly codes: Int32Array;
  private n = 0;
  private lastValue: unknown = undefined;
  private lastCode = 0;

  constructor(
    count: number,
    private readonly users: UserNumbers,
  ) {
    this.codes = new Int32Array(count);
  }

  push(value: unknown): void {
    if (value === this.lastValue) {
      this.codes[this.n++] = this.lastCode;
      return;
    }
    const code = typeof value === 'string' ? this.users.number(value) + 1 : -1;
    if (code < 0) throw new Error('a secretId that is not a string');
    this.codes[this.n++] = this.lastCode = code;
    this.lastValue = value;
  }

  done(): Dict {
    return { d: this.users.names, i: this.codes };
  }
}

/** The events as one block, in the order given. */
export function encodeBlock(events: Iterable<NormalizedEvent>, users?: UserNumbers): EventBlock {
  const list = (Array.isArray(events) ? events : [...events]) as unknown as ReadonlyArray<Record<string, unknown>>;
  const count = list.length;
  // With a numbering, secretIds must all be strings (the operator's decrypted events always have one).
  const shared = users !== undefined && list.every((record) => typeof record.secretId === 'string');
  const builders: Array<DictBuilder | SharedBuilder> = BLOCK_FIELDS.map((field) => (shared && field === 'secretId' ? new SharedBuilder(count, users) : new DictBuilder(count)));
  const other = new DictBuilder(count);
  const ids = new Array<string>(count);
  const stamps = new Float64Array(count);
  let packed: Uint8Array | null = new Uint8Array(count * ID_WIDTH);
  let extra: Array<Record<string, unknown> | 0> | null = null;
  for (let n = 0; n < count; n++) {
    const record = list[n]!;
    const id = String(record.eventId);
    ids[n] = id;
    if (packed !== null) {
      if (id.length !== ID_WIDTH) packed = null;
      else {
        for (let k = 0, at = n * ID_WIDTH; k < ID_WIDTH; k++, at++) {
          const code = id.charCodeAt(k);
          if (code < 0x20 || code > 0x7e) {
            packed = null;
            break;
          }
          packed[at] = code;
        }
      }
    }
    // Own members present; more keys than that means members outside them (rare: looked at one by one).
    // Named reads (in BLOCK_FIELDS order): a read by a computed key would be a megamorphic lookup per field.
    const values = [record.type, record.href, record.rawHref, record.referrer, record.pageload, record.isMobile, record.sessionId, record.geo, record.accountId, record.secretId];
    let present = 1;
    for (let f = 0; f < values.length; f++) {
      const value = values[f];
      if (value !== undefined) present++;
      builders[f]!.push(value);
    }
    const timestamp = record.timestamp;
    if (timestamp !== undefined) present++;
    const ms = exactStamp(timestamp);
    stamps[n] = ms;
    other.push(Number.isNaN(ms) ? timestamp : undefined);
    let more: Record<string, unknown> | 0 = 0;
    if (Object.keys(record).length > present) {
      for (const key of Object.keys(record)) {
        if (OWN.has(key)) continue;
        if (more === 0) more = {};
        more[key] = record[key];
      }
    }
    if (more !== 0 && extra === null) extra = new Array<Record<string, unknown> | 0>(n).fill(0);
    if (extra !== null) extra.push(more);
  }
  const columns = Object.fromEntries(BLOCK_FIELDS.map((field, f) => [field, builders[f]!.done()])) as Record<BlockField, Dict>;
  return new EventBlock(count, packed ?? ids, columns, stamps, other.done(), extra);
}

interface Header {
  v: number;
  count: number;
  widths: number[];
  /** null for the secretId dictionary of a block coded with a UserNumbers table. */
  dicts: Array<unknown[] | null>;
  other: unknown[];
  otherWidth: number;
  canonical: boolean;
  ids: string[] | null;
  /** Bytes per id in the ids section (26 or 10). */
  idWidth: number;
  /** Set when times are Uint32 ms after it. */
  timeBase: number | null;
  /** Whether timestamps are Int32 ms after the event time. */
  stampDelta: boolean;
  extra: Array<Record<string, unknown> | 0> | null;
}

const pad8 = (n: number) => (n + 7) & ~7;

function widthOf(size: number): 1 | 2 | 4 {
  return size < 0xff ? 1 : size < 0xffff ? 2 : 4;
}

function narrow(codes: Int32Array, width: 1 | 2 | 4): Uint8Array {
  const out = width === 1 ? Uint8Array.from(codes) : width === 2 ? Uint16Array.from(codes) : new Uint32Array(codes.buffer, codes.byteOffset, codes.length);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** The block as bytes (see the layout at the top). */
export function serializeBlock(block: EventBlock, users?: UserNumbers): Uint8Array<ArrayBuffer> {
  const count = block.count;
  const dicts = BLOCK_FIELDS.map((field) => block.columns[field]);
  const widths = dicts.map((dict) => widthOf(dict.d.length));
  const time = block.time;
  const packed = block.idBytes();
  const fixed = packed !== null;
  // Canonical ULIDs keep only their random part.
  let ids = packed?.bytes ?? null;
  let idWidth = packed?.width ?? ID_WIDTH;
  if (packed && idWidth === ID_WIDTH && count > 0) {
    const random = new Uint8Array(count * RANDOM_WIDTH);
    let all = true;
    for (let n = 0; n < count && all; n++) all = packUlid(block.eventId(n), time[n]!, random, n * RANDOM_WIDTH);
    if (all) {
      ids = random;
      idWidth = RANDOM_WIDTH;
    }
  }
  let low = Infinity;
  let high = -Infinity;
  for (let n = 0; n < count; n++) {
    low = Math.min(low, time[n]!);
    high = Math.max(high, time[n]!);
  }
  // Math.min/max give NaN as soon as one time is NaN.
  const timeBase = count > 0 && !Number.isNaN(low) && !Number.isNaN(high) && high - low < 2 ** 32 ? low : null;
  let stampDelta = timeBase !== null;
  for (let n = 0; n < count && stampDelta; n++) {
    const stamp = block.stamp[n]!;
    if (Number.isNaN(stamp)) continue;
    const delta = stamp - time[n]!;
    stampDelta = delta > NO_STAMP && delta < 0x80000000;
  }
  const header: Header = {
    v: VERSION,
    count,
    widths,
    dicts: dicts.map((dict, k) => (users !== undefined && BLOCK_FIELDS[k] === 'secretId' && dict.d === users.names ? null : dict.d)),
    other: block.stampOther.d,
    otherWidth: widthOf(block.stampOther.d.length),
    canonical: block.canonical,
    ids: fixed ? null : Array.from({ length: count }, (_, n) => block.eventId(n)),
    idWidth,
    timeBase,
    stampDelta,
    extra: block.extra ? [...block.extra] : null,
  };
  const head = new TextEncoder().encode(JSON.stringify(header));
  const sections: Uint8Array[] = dicts.map((dict, k) => narrow(dict.i, widths[k] as 1 | 2 | 4));
  const otherWidth = widthOf(block.stampOther.d.length);
  sections.push(narrow(block.stampOther.i, otherWidth));
  if (stampDelta) {
    const deltas = new Int32Array(count);
    for (let n = 0; n < count; n++) deltas[n] = Number.isNaN(block.stamp[n]!) ? NO_STAMP : block.stamp[n]! - time[n]!;
    sections.push(new Uint8Array(deltas.buffer));
  } else sections.push(new Uint8Array(block.stamp.buffer, block.stamp.byteOffset, block.stamp.byteLength));
  if (timeBase !== null) {
    const offsets = new Uint32Array(count);
    for (let n = 0; n < count; n++) offsets[n] = time[n]! - timeBase;
    sections.push(new Uint8Array(offsets.buffer));
  } else sections.push(new Uint8Array(time.buffer, time.byteOffset, time.byteLength));
  if (ids) sections.push(ids);
  let size = pad8(4 + head.length);
  for (const section of sections) size += pad8(section.length);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, head.length, true);
  out.set(head, 4);
  let offset = pad8(4 + head.length);
  for (const section of sections) {
    out.set(section, offset);
    offset += pad8(section.length);
  }
  return out;
}

function widen(buffer: ArrayBuffer, offset: number, count: number, width: number): Int32Array {
  if (width === 4) return new Int32Array(buffer, offset, count);
  const out = new Int32Array(count);
  // A plain loop: TypedArray.prototype.set between element types is an element-by-element slow path in V8.
  if (width === 1) {
    const view = new Uint8Array(buffer, offset, count);
    for (let n = 0; n < count; n++) out[n] = view[n]!;
  } else {
    const view = new Uint16Array(buffer, offset, count);
    for (let n = 0; n < count; n++) out[n] = view[n]!;
  }
  return out;
}

/** Reads serializeBlock's bytes; throws on anything else (the caller treats the record as broken). */
export function parseBlock(bytes: Uint8Array, users?: UserNumbers): EventBlock {
  // Typed views need aligned offsets: work on a copy that starts at offset 0 when the input does not.
  const data = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const buffer = data.buffer as ArrayBuffer;
  const base = data.byteOffset;
  const headLength = new DataView(buffer, base, data.byteLength).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(data.subarray(4, 4 + headLength))) as Header;
  if (header.v !== VERSION || !Array.isArray(header.dicts) || header.dicts.length !== BLOCK_FIELDS.length) throw new Error('unknown block format');
  const count = header.count;
  let offset = base + pad8(4 + headLength);
  const take = (bytesLength: number) => {
    const at = offset;
    offset += pad8(bytesLength);
    if (offset - base > data.byteLength + 7) throw new Error('truncated block');
    return at;
  };
  const columns = {} as Record<BlockField, Dict>;
  BLOCK_FIELDS.forEach((field, k) => {
    const width = header.widths[k]!;
    const codes = widen(buffer, take(count * width), count, width);
    let d = header.dicts[k];
    if (d === null) {
      // Coded with the view's numbering: every code must be one of its numbers.
      if (field !== 'secretId' || users === undefined) throw new Error('a block coded with a numbering it was not given');
      d = users.names;
      const size = users.size;
      for (let n = 0; n < count; n++) if (codes[n]! > size) throw new Error('a user number the numbering does not have');
    }
    columns[field] = { d: d!, i: codes };
  });
  const otherWidth = header.otherWidth;
  const stampOther: Dict = { d: header.other, i: widen(buffer, take(count * otherWidth), count, otherWidth) };
  const stampAt = take(count * (header.stampDelta ? 4 : 8));
  const timeBase = header.timeBase;
  let time: Float64Array;
  if (timeBase !== null) {
    const offsets = new Uint32Array(buffer, take(count * 4), count);
    time = new Float64Array(count);
    for (let n = 0; n < count; n++) time[n] = timeBase + offsets[n]!;
  } else time = new Float64Array(buffer, take(count * 8), count);
  let stamp: Float64Array;
  if (header.stampDelta) {
    const deltas = new Int32Array(buffer, stampAt, count);
    stamp = new Float64Array(count);
    for (let n = 0; n < count; n++) stamp[n] = deltas[n] === NO_STAMP ? NaN : time[n]! + deltas[n]!;
  } else stamp = new Float64Array(buffer, stampAt, count);
  const idWidth = header.idWidth;
  if (idWidth !== ID_WIDTH && idWidth !== RANDOM_WIDTH) throw new Error('unknown id width');
  const ids = header.ids ?? new Uint8Array(buffer, take(count * idWidth), count * idWidth);
  return new EventBlock(count, ids, columns, stamp, stampOther, header.extra, { time, canonical: header.canonical === true, idWidth });
}

/**
 * What the metrics need of a day whose block is not read on a page load (cache-view.ts): how many events it
 * holds, per account, and which visitors it saw, as codes into a secretId dictionary (the view's numbering,
 * or the block's own). A dashboard of the last 7 days then reads 5 weeks of blocks, not 6 months.
 */
export interface DaySummary {
  /** The UTC day (ms / 86,400,000) it summarises, where the view that holds it knows it. */
  day?: number;
  count: number;
  accounts: ReadonlyArray<readonly [unknown, number]>;
  /** Distinct codes (1 + the index into `d`) of the day's visitors. */
  users: Dict;
  /** What a window's metrics need of the whole day (stored apart, record `agg:<n>`, and read only then). */
  agg?: DayAggregate;
  /** Its visitors' first and last times (record `tim:<n>`, read only for a day a retention week's edge cuts). */
  times?: DayTimes;
  /**
   * Set when an id of the day has time digits that are not upper case: its id order may then differ from time
   * order, and the latest event by eventId (§2.13) may be on this day, so its block is always read.
   */
  irregular?: true;
}

export function summarize(block: EventBlock): DaySummary {
  const { accountId, secretId } = block.columns;
  const perAccount = new Int32Array(accountId.d.length + 1);
  const seen = new Uint8Array(secretId.d.length + 1);
  const codes: number[] = [];
  for (let n = 0; n < block.count; n++) {
    perAccount[accountId.i[n]!]!++;
    const code = secretId.i[n]!;
    if (code !== 0 && seen[code] === 0) {
      seen[code] = 1;
      codes.push(code);
    }
  }
  const accounts: Array<readonly [unknown, number]> = [];
  perAccount.forEach((count, code) => {
    if (count > 0) accounts.push([code === 0 ? undefined : accountId.d[code - 1], count]);
  });
  const summary: DaySummary = { count: block.count, accounts, users: { d: secretId.d, i: Int32Array.from(codes) } };
  if (!block.canonical) summary.irregular = true;
  return summary;
}

/**
 * For each visitor of summarize(block).users, in its order: the time of their first and last event that day,
 * in ms after `dayStart` (two ints each). A day cut by a retention week's edge is then split exactly: a
 * visitor was seen before the edge when their first event was, and after it when their last was.
 */
export function userTimes(block: EventBlock, dayStart: number): Int32Array {
  const { secretId } = block.columns;
  const slot = new Int32Array(secretId.d.length + 1).fill(-1);
  const times: number[] = [];
  const time = block.time;
  for (let n = 0; n < block.count; n++) {
    const code = secretId.i[n]!;
    if (code === 0) continue;
    const at = time[n]! - dayStart;
    let k = slot[code]!;
    if (k < 0) {
      slot[code] = k = times.length;
      times.push(at, at);
    } else {
      if (at < times[k]!) times[k] = at;
      if (at > times[k + 1]!) times[k + 1] = at;
    }
  }
  return Int32Array.from(times);
}

/** A summary as bytes: u32 header length, header JSON, padding to 4, the visitor codes as Int32. */
export function serializeSummary(summary: DaySummary, users?: UserNumbers): Uint8Array<ArrayBuffer> {
  const shared = users !== undefined && summary.users.d === users.names;
  const head = new TextEncoder().encode(
    JSON.stringify({ v: 1, count: summary.count, accounts: summary.accounts, d: shared ? null : summary.users.d, ...(summary.irregular ? { irregular: true } : {}) }),
  );
  const start = (4 + head.length + 3) & ~3;
  const out = new Uint8Array(start + summary.users.i.length * 4);
  new DataView(out.buffer).setUint32(0, head.length, true);
  out.set(head, 4);
  out.set(new Uint8Array(summary.users.i.buffer, summary.users.i.byteOffset, summary.users.i.byteLength), start);
  return out;
}

export function parseSummary(bytes: Uint8Array, users?: UserNumbers): DaySummary {
  const data = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const length = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(data.subarray(4, 4 + length))) as { v: number; count: number; accounts: Array<[unknown, number]>; d: unknown[] | null; irregular?: unknown };
  if (header.v !== 1) throw new Error('unknown summary format');
  const start = (4 + length + 3) & ~3;
  const codes = new Int32Array(data.buffer as ArrayBuffer, data.byteOffset + start, (data.byteLength - start) / 4);
  let d = header.d;
  if (d === null) {
    if (users === undefined) throw new Error('a summary coded with a numbering it was not given');
    d = users.names;
    const size = users.size;
    for (let n = 0; n < codes.length; n++) if (codes[n]! < 1 || codes[n]! > size) throw new Error('a user number the numbering does not have');
  }
  const summary: DaySummary = { count: header.count, accounts: header.accounts, users: { d, i: codes } };
  if (header.irregular === true) summary.irregular = true;
  return summary;
}
