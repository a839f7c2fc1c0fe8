// Decrypted events held column-wise: the form the operator's view keeps them in (cache-view.ts), the form the
// metrics read (stats/columns.ts) and, serialised, the form the encrypted local cache stores (one block per
// UTC day). Like upstream's local aggregates (clients-and-crypto.md §4.4) a block is column by column; every
// payload member is dictionary-encoded (hrefs, referrers, countries, sessions and users repeat a lot), so a
// page load reads a few typed arrays and small dictionaries instead of rebuilding a million event objects.
//
// Binary layout (little-endian), version 2 of the cache's day records:
//   u32 header length | header JSON (utf-8) | padding to 8 | sections, each padded to 8:
//     per column of BLOCK_FIELDS: the index array at the header's width (1, 2 or 4 bytes per event)
//     stamp      Float64 per event: the client timestamp in ms when its ISO form round-trips, else NaN
//     ids        26 bytes per event (latin-1) when every eventId is 26 ASCII characters; else in the header
import type { NormalizedEvent } from './types.ts';

/** The members with a dictionary column; timestamp and eventId have columns of their own. */
export const BLOCK_FIELDS = ['type', 'href', 'rawHref', 'referrer', 'pageload', 'isMobile', 'sessionId', 'geo', 'accountId', 'secretId'] as const;
export type BlockField = (typeof BLOCK_FIELDS)[number];
const OWN = new Set<string>([...BLOCK_FIELDS, 'eventId', 'timestamp']);
const VERSION = 2;
const ID_WIDTH = 26;

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
function upperTime(eventId: string): boolean {
  for (let i = 0; i < 10; i++) if (eventId.charCodeAt(i) > UPPER_END) return false;
  return true;
}

function exactStamp(value: unknown): number {
  if (typeof value !== 'string' || value.length !== 24) return NaN;
  const ms = Date.parse(value);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === value ? ms : NaN;
}

export class EventBlock {
  /** ULID time per event (NaN for ids that are no ULID). */
  readonly time: Float64Array;
  /** Whether every ULID time in the block has upper-case digits (see upperTime). */
  readonly canonical: boolean;
  private index: Map<string, number> | null = null;

  constructor(
    readonly count: number,
    /** The eventIds: one string of fixed-width ids, or one string per event. */
    private readonly ids: string | string[],
    readonly columns: Readonly<Record<BlockField, Dict>>,
    /** Client timestamps in ms where they round-trip through toISOString; NaN where `stampOther` holds them. */
    readonly stamp: Float64Array,
    readonly stampOther: Dict,
    /** Members outside the known ones (the schema lets payloads carry more), per event; 0 where there are none. */
    readonly extra: ReadonlyArray<Record<string, unknown> | 0> | null,
  ) {
    const time = (this.time = new Float64Array(count));
    let canonical = true;
    if (typeof ids === 'string') {
      for (let n = 0; n < count; n++) {
        let at = 0;
        const base = n * ID_WIDTH;
        for (let k = 0; k < 10; k++) {
          const code = ids.charCodeAt(base + k);
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

  /** The ids as one string of fixed-width ids, or null when they are not all 26 ASCII characters. */
  idText(): string | null {
    return typeof this.ids === 'string' ? this.ids : null;
  }

  eventId(n: number): string {
    const ids = this.ids;
    return typeof ids === 'string' ? ids.slice(n * ID_WIDTH, (n + 1) * ID_WIDTH) : ids[n]!;
  }

  /** Compares the eventIds of events a and b (of this block) as strings, without building them. */
  compareIds(a: number, b: number): number {
    const ids = this.ids;
    if (typeof ids !== 'string') return ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0;
    for (let k = 0, x = a * ID_WIDTH, y = b * ID_WIDTH; k < ID_WIDTH; k++, x++, y++) {
      const d = ids.charCodeAt(x) - ids.charCodeAt(y);
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

  /** The position of an eventId in the block, or -1. */
  indexOf(eventId: string): number {
    if (this.index === null) {
      this.index = new Map();
      for (let n = 0; n < this.count; n++) this.index.set(this.eventId(n), n);
    }
    return this.index.get(eventId) ?? -1;
  }
}

function dictBuilder() {
  const positions = new Map<unknown, number>();
  const d: unknown[] = [];
  const codes: number[] = [];
  return {
    push(value: unknown) {
      if (value === undefined) {
        codes.push(0);
        return;
      }
      // Objects (never expected in a valid payload's own members) are kept by value through JSON.
      const key = value !== null && typeof value === 'object' ? `\u0000${JSON.stringify(value)}` : value;
      let at = positions.get(key);
      if (at === undefined) {
        d.push(value);
        positions.set(key, (at = d.length));
      }
      codes.push(at);
    },
    done(): Dict {
      return { d, i: Int32Array.from(codes) };
    },
  };
}

/** The events as one block, in the order given. */
export function encodeBlock(events: Iterable<NormalizedEvent>): EventBlock {
  const builders = Object.fromEntries(BLOCK_FIELDS.map((field) => [field, dictBuilder()])) as Record<BlockField, ReturnType<typeof dictBuilder>>;
  const other = dictBuilder();
  const ids: string[] = [];
  const stamps: number[] = [];
  let extra: Array<Record<string, unknown> | 0> | null = null;
  let fixed = true;
  for (const event of events) {
    const record = event as unknown as Record<string, unknown>;
    const id = String(record.eventId);
    ids.push(id);
    if (id.length !== ID_WIDTH || !/^[\x20-\x7e]*$/.test(id)) fixed = false;
    for (const field of BLOCK_FIELDS) builders[field].push(record[field]);
    const ms = exactStamp(record.timestamp);
    stamps.push(ms);
    other.push(Number.isNaN(ms) ? record.timestamp : undefined);
    let more: Record<string, unknown> | 0 = 0;
    for (const key of Object.keys(record)) {
      if (OWN.has(key)) continue;
      if (more === 0) more = {};
      more[key] = record[key];
    }
    if (more !== 0 && extra === null) extra = new Array<Record<string, unknown> | 0>(ids.length - 1).fill(0);
    if (extra !== null) extra.push(more);
  }
  const columns = Object.fromEntries(BLOCK_FIELDS.map((field) => [field, builders[field].done()])) as Record<BlockField, Dict>;
  return new EventBlock(ids.length, fixed ? ids.join('') : ids, columns, Float64Array.from(stamps), other.done(), extra);
}

interface Header {
  v: number;
  count: number;
  widths: number[];
  dicts: unknown[][];
  other: unknown[];
  ids: string[] | null;
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
export function serializeBlock(block: EventBlock): Uint8Array<ArrayBuffer> {
  const count = block.count;
  const dicts = BLOCK_FIELDS.map((field) => block.columns[field]);
  const widths = dicts.map((dict) => widthOf(dict.d.length));
  const text = block.idText();
  const fixed = text !== null;
  const header: Header = {
    v: VERSION,
    count,
    widths,
    dicts: dicts.map((dict) => dict.d),
    other: block.stampOther.d,
    ids: fixed ? null : Array.from({ length: count }, (_, n) => block.eventId(n)),
    extra: block.extra ? [...block.extra] : null,
  };
  const head = new TextEncoder().encode(JSON.stringify(header));
  const sections: Uint8Array[] = dicts.map((dict, k) => narrow(dict.i, widths[k] as 1 | 2 | 4));
  sections.push(narrow(block.stampOther.i, 4));
  sections.push(new Uint8Array(block.stamp.buffer, block.stamp.byteOffset, block.stamp.byteLength));
  if (fixed) {
    const bytes = new Uint8Array(count * ID_WIDTH);
    for (let k = 0; k < bytes.length; k++) bytes[k] = text!.charCodeAt(k);
    sections.push(bytes);
  }
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
  const view = width === 1 ? new Uint8Array(buffer, offset, count) : width === 2 ? new Uint16Array(buffer, offset, count) : new Int32Array(buffer, offset, count);
  const out = new Int32Array(count);
  out.set(view);
  return out;
}

/** Reads serializeBlock's bytes; throws on anything else (the caller treats the record as broken). */
export function parseBlock(bytes: Uint8Array): EventBlock {
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
    columns[field] = { d: header.dicts[k]!, i: codes };
  });
  const stampOther: Dict = { d: header.other, i: widen(buffer, take(count * 4), count, 4) };
  const stamp = new Float64Array(count);
  stamp.set(new Float64Array(buffer, take(count * 8), count));
  let ids: string | string[];
  if (header.ids) ids = header.ids;
  else {
    const at = take(count * ID_WIDTH);
    ids = new TextDecoder('latin1').decode(new Uint8Array(buffer, at, count * ID_WIDTH));
  }
  return new EventBlock(count, ids, columns, stamp, stampOther, header.extra);
}
