// The events the metrics read, turned into columns once per computation (dashboard.md §2 at issue 4's scale:
// 1,000,000 events). The events arrive as blocks (event-block.ts): dictionary-encoded columns. Every string the
// metrics group by (user, session, page, referrer, country, account) becomes a small integer by mapping each
// block's dictionary onto global ids, once per dictionary entry, so counting distinct users, grouping sessions
// and tallying pages runs on typed arrays and no event object is built.
//
// Only "relevant" events get columns: those inside the selected window, the four retention weeks (§2.11) or
// the real-time window (§2.10). Positions into the columns are ascending event indices, so a pass over
// positions visits events in input order, as the first implementation did (ties keep the same winner).
import type { DaySummary, EventBlock } from '../event-block.ts';
import type { NormalizedEvent } from '../types.ts';
import { UrlFacts } from './urls.ts';
import type { UtmTags } from './urls.ts';

export { eventTime } from '../event-block.ts';

/** A subset of the relevant events as ascending positions into the columns. */
export type Selection = Int32Array;

export const MOBILE = 1;
export const HAS_GEO = 2;

/**
 * Strings to dense ids 0, 1, 2, …. A null-prototype object rather than a Map: V8 looks dictionary keys up
 * through its string table and then lets each looked-up string point at the table's copy, so the next
 * computation over the same event objects (a warm dashboard) compares pointers, not characters. Measured
 * at 1M events, this is the cheapest lookup by string V8 offers.
 */
export class Interner {
  private readonly ids: Record<string, number> = Object.create(null) as Record<string, number>;
  /** The strings by id. */
  readonly keys: string[] = [];

  get size(): number {
    return this.keys.length;
  }

  get(value: string): number | undefined {
    return this.ids[value];
  }

  intern(value: string): number {
    let id = this.ids[value];
    if (id === undefined) {
      id = this.ids[value] = this.keys.length;
      this.keys.push(value);
    }
    return id;
  }
}

const HEX = new Int8Array(128).fill(-1);
'0123456789abcdef'.split('').forEach((char, value) => (HEX[char.charCodeAt(0)] = value));

/**
 * The 128 bits of a sessionId that is a UUID as the vault writes them (lower-case hex, 8-4-4-4-12) into
 * out[at..at+3] (as signed 32-bit words); false for any other value, which is then kept as a string. Only that
 * one spelling converts, so two different sessionIds never share their bits.
 */
export function uuidWords(value: unknown, out: Int32Array, at: number): boolean {
  if (typeof value !== 'string' || value.length !== 36) return false;
  let word = 0;
  let digits = 0;
  for (let i = 0; i < 36; i++) {
    const code = value.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (code !== 45 /* - */) return false;
      continue;
    }
    const digit = code < 128 ? HEX[code]! : -1;
    if (digit < 0) return false;
    word = (word << 4) | digit;
    if (++digits === 8) {
      out[at++] = word;
      word = 0;
      digits = 0;
    }
  }
  return true;
}

/** The slot hash of a UUID's four words. */
function slotHash(a: number, b: number, c: number, d: number): number {
  return Math.imul(a ^ Math.imul(b, 0x9e3779b1) ^ Math.imul(c, 0x85ebca6b) ^ Math.imul(d, 0xc2b2ae35), 0x27d4eb2f) >>> 0;
}

/**
 * Sessions to dense ids 0, 1, 2, …: UUIDs by their 128 bits in an open-addressing table (no string is built
 * or hashed; a day aggregate stores them as bits), other sessionIds by their string.
 */
export class SessionIndex {
  private slots = new Int32Array(1 << 12).fill(-1);
  /** 4 words per id (zero for ids that are no UUID). */
  private bits = new Int32Array(4 << 11);
  private count = 0;
  private readonly byName = new Map<string, number>();
  /** The sessionId strings of the ids that are no UUID. */
  private readonly names = new Map<number, string>();
  private readonly scratch = new Int32Array(4);
  private readonly one = new Int32Array(1);

  get size(): number {
    return this.count;
  }

  /** The id of a sessionId. */
  intern(value: unknown): number {
    if (uuidWords(value, this.scratch, 0)) {
      this.internBits(this.scratch, 1, this.one, 0);
      return this.one[0]!;
    }
    const name = String(value);
    let id = this.byName.get(name);
    if (id === undefined) {
      id = this.next();
      this.byName.set(name, id);
      this.names.set(id, name);
    }
    return id;
  }

  /**
   * The ids of `count` UUIDs given as words (4 each) into out[outAt..]. One call per list: a page load runs
   * this cold, for a quarter of a million sessions, where a call per session would cost more than its lookup.
   */
  internBits(words: Int32Array, count: number, out: Int32Array, outAt: number): void {
    for (let n = 0; n < count; n++) {
      const at = n * 4;
      const a = words[at]!;
      const b = words[at + 1]!;
      const c = words[at + 2]!;
      const d = words[at + 3]!;
      const slots = this.slots;
      const bits = this.bits;
      const mask = slots.length - 1;
      let slot = slotHash(a, b, c, d) & mask;
      let id = slots[slot]!;
      while (id >= 0) {
        const k = id * 4;
        if (bits[k] === a && bits[k + 1] === b && bits[k + 2] === c && bits[k + 3] === d) break;
        slot = (slot + 1) & mask;
        id = slots[slot]!;
      }
      if (id < 0) {
        id = this.next();
        const k = id * 4;
        this.bits[k] = a;
        this.bits[k + 1] = b;
        this.bits[k + 2] = c;
        this.bits[k + 3] = d;
        slots[slot] = id;
        if (this.count * 2 > slots.length) this.grow();
      }
      out[outAt + n] = id;
    }
  }

  /** The sessionId string of an id that is no UUID, else null (then `bitsOf` has it). */
  name(id: number): string | null {
    return this.names.get(id) ?? null;
  }

  /** Copies the bits of a UUID id into out[at..at+3]. */
  bitsOf(id: number, out: Int32Array, at: number): void {
    out.set(this.bits.subarray(id * 4, id * 4 + 4), at);
  }

  /**
   * Makes room for `more` ids beyond the current ones at once (a page load knows how many session fragments its
   * aggregated days bring), so the table is not rebuilt again and again while it fills.
   */
  reserve(more: number): void {
    const total = this.count + more;
    if (total * 4 > this.bits.length) {
      const grown = new Int32Array(total * 4);
      grown.set(this.bits.subarray(0, this.count * 4));
      this.bits = grown;
    }
    let size = this.slots.length;
    while (total * 2 > size) size *= 2;
    if (size > this.slots.length) this.grow(size);
  }

  /** Rebuilds the table at `size` slots (a power of two; doubled by default), keeping it at most half full. */
  private grow(size = this.slots.length * 2): void {
    const slots = (this.slots = new Int32Array(size).fill(-1));
    const mask = slots.length - 1;
    const bits = this.bits;
    for (let id = 0; id < this.count; id++) {
      if (this.names.has(id)) continue;
      const k = id * 4;
      let slot = slotHash(bits[k]!, bits[k + 1]!, bits[k + 2]!, bits[k + 3]!) & mask;
      while (slots[slot]! >= 0) slot = (slot + 1) & mask;
      slots[slot] = id;
    }
  }

  private next(): number {
    const id = this.count++;
    if (this.count * 4 > this.bits.length) {
      const grown = new Int32Array(this.bits.length * 2);
      grown.set(this.bits);
      this.bits = grown;
    }
    return id;
  }
}

/**
 * Visitors (secretIds) to ids. A view codes every block and summary with its one visitor numbering
 * (event-block.ts UserNumbers), so a code already names a visitor: then the code is the id (0 for "no
 * secretId"), with no string hashed and no table. Blocks with dictionaries of their own (a visitor's events,
 * the first cache format) go by the secretId string instead, to dense ids; "no secretId" (code 0) is the
 * visitor "undefined", as in the first implementation.
 */
export class UserIndex {
  private readonly strings = new Interner();

  constructor(private readonly shared: readonly unknown[] | null) {}

  /** One more than the greatest id. */
  get size(): number {
    return this.shared === null ? this.strings.size : this.shared.length + 1;
  }

  /** Whether codes of this dictionary are ids. */
  byCode(dict: readonly unknown[]): boolean {
    return dict === this.shared;
  }

  /** The id of a dictionary code, or -1 when that visitor has none yet. */
  lookup(dict: readonly unknown[], code: number): number {
    if (dict === this.shared) return code;
    return this.strings.get(code === 0 ? 'undefined' : String(dict[code - 1])) ?? -1;
  }

  intern(dict: readonly unknown[], code: number): number {
    if (dict === this.shared) return code;
    return this.strings.intern(code === 0 ? 'undefined' : String(dict[code - 1]));
  }
}

/** The one visitor dictionary every block and summary shares, or null. */
function sharedUsers(blocks: readonly EventBlock[], summaries: readonly DaySummary[]): readonly unknown[] | null {
  const first = blocks[0]?.columns.secretId.d ?? summaries[0]?.users.d;
  if (first === undefined) return null;
  for (const block of blocks) if (block.columns.secretId.d !== first) return null;
  for (const summary of summaries) if (summary.users.d !== first) return null;
  return first;
}

interface Scratch {
  capacity: number;
  index: Int32Array;
  time: Float64Array;
  user: Int32Array;
  session: Int32Array;
  page: Int32Array;
  href: Int32Array;
  referrer: Int32Array;
  geo: Int32Array;
  account: Int32Array;
  pageload: Float64Array;
  flags: Uint8Array;
  tag: Int32Array;
}

let scratch: Scratch | null = null;

/**
 * The column buffers, reused from one computation to the next (about 60 bytes per relevant event). Allocating
 * them afresh per computation at 1M events made V8 run full garbage collections that cost more than the
 * metrics. Reuse is safe because the computation is synchronous and no result keeps a reference to these
 * buffers; every slot read is written first in the same computation.
 */
function scratchFor(count: number): Scratch {
  if (scratch === null || scratch.capacity < count) {
    scratch = {
      capacity: count,
      index: new Int32Array(count),
      time: new Float64Array(count),
      user: new Int32Array(count),
      session: new Int32Array(count),
      page: new Int32Array(count),
      href: new Int32Array(count),
      referrer: new Int32Array(count),
      geo: new Int32Array(count),
      account: new Int32Array(count),
      pageload: new Float64Array(count),
      flags: new Uint8Array(count),
      tag: new Int32Array(count),
    };
  }
  return scratch;
}

const UNSET = -2;

/** A block dictionary's entries mapped to global ids on first use (UNSET until then). */
function lazyMap(size: number): Int32Array {
  return new Int32Array(size).fill(UNSET);
}

/**
 * The global id of a block dictionary code whose empty values (absent, null, '') mean "none" (-1), looked up
 * once per code (UNSET until then).
 */
function optionalId(map: Int32Array, code: number, dict: readonly unknown[], ids: Interner): number {
  let id = map[code]!;
  if (id === UNSET) {
    const value = code === 0 ? undefined : dict[code - 1];
    id = map[code] = value ? ids.intern(value as string) : -1;
  }
  return id;
}

/**
 * The events as columns. Events are numbered across the blocks in order (the "event index"); the relevant
 * ones, those within [from, to], get positions and columns.
 */
export class EventColumns {
  /** Events over all blocks. */
  readonly total: number;
  /** Event index of each block's first event, and `total` at the end. */
  readonly starts: Int32Array;
  /** Index of the event with the greatest eventId among those with a ULID time, or -1 (§2.13). */
  readonly latest: number;
  /** Events per accountId over all events (§2.13 numVisits). */
  readonly perAccount = new Map<string, number>();
  /** Whether time order is eventId order whenever times differ (every time digit is upper case). */
  readonly canonical: boolean;

  /** Relevant events, and per position: event index, time and the interned columns. */
  readonly size: number;
  readonly index: Int32Array;
  readonly time: Float64Array;
  /** Interned secretId. */
  readonly user: Int32Array;
  /** Interned sessionId, or -1 when the event has none (null or ''). */
  readonly session: Int32Array;
  /** Interned stripped page (§0) of the href. */
  readonly page: Int32Array;
  /** Interned href, and interned referrer (-1 when empty), for the computed referrer (§2.6). */
  readonly href: Int32Array;
  readonly referrer: Int32Array;
  /** Interned geo, or -1 when the event has none. */
  readonly geo: Int32Array;
  readonly account: Int32Array;
  /** The page load when it is a measurement (a number > 0, §2.1), else 0. */
  readonly pageload: Float64Array;
  /** MOBILE | HAS_GEO bits. */
  readonly flags: Uint8Array;
  /** Index into tagList: the utm tags of rawHref, else of href (§2.7). */
  readonly tag: Int32Array;

  readonly userIds: UserIndex;
  readonly sessionIds = new SessionIndex();
  readonly pageIds = new Interner();
  readonly hrefIds = new Interner();
  readonly referrerIds = new Interner();
  readonly geoIds = new Interner();
  readonly accountIds = new Interner();
  readonly tagList: UtmTags[] = [];
  readonly urls = new UrlFacts();

  constructor(
    readonly blocks: readonly EventBlock[],
    from: number,
    to: number,
    /** Days not read as blocks, all older than `from` (cache-view.ts): they count for total and numVisits. */
    readonly summaries: readonly DaySummary[] = [],
  ) {
    this.userIds = new UserIndex(sharedUsers(blocks, summaries));
    let total = 0;
    const starts = (this.starts = new Int32Array(blocks.length + 1));
    blocks.forEach((block, b) => {
      starts[b] = total;
      total += block.count;
    });
    starts[blocks.length] = total;
    for (const summary of summaries) {
      total += summary.count;
      for (const [accountId, count] of summary.accounts) this.perAccount.set(accountId as string, (this.perAccount.get(accountId as string) ?? 0) + count);
    }
    this.total = total;
    let relevant = 0;
    for (const block of blocks) {
      const time = block.time;
      for (let n = 0; n < block.count; n++) if (time[n]! >= from && time[n]! <= to) relevant++;
    }
    const { index, time, user, session, page, href, referrer, geo, account, pageload, flags, tag } = scratchFor(relevant);

    const { userIds, sessionIds, pageIds, hrefIds, referrerIds, geoIds, accountIds, perAccount, urls, tagList } = this;
    // Per global href: its page and its tags.
    const hrefPage: number[] = [];
    const hrefTag: number[] = [];
    const tagIds = new Map<UtmTags, number>();
    const tagId = (tags: UtmTags) => {
      let id = tagIds.get(tags);
      if (id === undefined) {
        tagIds.set(tags, (id = tagList.length));
        tagList.push(tags);
      }
      return id;
    };
    const userMaps = new Map<unknown[], Int32Array>();
    let canonical = true;
    let latest = -1;
    let latestTime = -Infinity;
    let latestBlock = -1;
    let size = 0;

    for (let b = 0; b < blocks.length; b++) {
      const block = blocks[b]!;
      const count = block.count;
      const base = starts[b]!;
      const times = block.time;
      const columns = block.columns;
      if (!block.canonical) canonical = false;
      // Every stored event counts for numVisits (§2.13), relevant or not.
      const accounts = columns.accountId;
      const perCode = new Int32Array(accounts.d.length + 1);
      for (let n = 0; n < count; n++) perCode[accounts.i[n]!]!++;
      for (let code = 0; code < perCode.length; code++) {
        if (perCode[code] === 0) continue;
        const key = (code === 0 ? undefined : accounts.d[code - 1]) as string;
        perAccount.set(key, (perAccount.get(key) ?? 0) + perCode[code]!);
      }

      const userCode = columns.secretId.i;
      const userDict = columns.secretId.d;
      // Blocks coded with one visitor numbering share their dictionary, and so its mapping.
      let userMap = userMaps.get(userDict);
      if (userMap === undefined) userMaps.set(userDict, (userMap = lazyMap(userDict.length + 1)));
      const sessionCode = columns.sessionId.i;
      const sessionDict = columns.sessionId.d;
      const sessionMap = lazyMap(sessionDict.length + 1);
      const hrefCode = columns.href.i;
      const hrefDict = columns.href.d;
      const hrefMap = lazyMap(hrefDict.length + 1);
      const rawCode = columns.rawHref.i;
      const rawDict = columns.rawHref.d;
      const rawTagMap = lazyMap(rawDict.length + 1);
      const referrerCode = columns.referrer.i;
      const referrerDict = columns.referrer.d;
      const referrerMap = lazyMap(referrerDict.length + 1);
      const geoCode = columns.geo.i;
      const geoDict = columns.geo.d;
      const geoMap = lazyMap(geoDict.length + 1);
      const accountCode = accounts.i;
      const accountMap = lazyMap(accounts.d.length + 1);
      const loadCode = columns.pageload.i;
      const loads = new Float64Array(columns.pageload.d.length + 1);
      columns.pageload.d.forEach((load, k) => (loads[k + 1] = typeof load === 'number' && load > 0 ? load : 0));
      const mobileCode = columns.isMobile.i;
      const mobiles = new Uint8Array(columns.isMobile.d.length + 1);
      columns.isMobile.d.forEach((value, k) => (mobiles[k + 1] = value ? MOBILE : 0));

      for (let n = 0; n < count; n++) {
        const at = times[n]!;
        if (Number.isNaN(at)) continue;
        if (at > latestTime || (at === latestTime && (latestBlock === b ? block.compareIds(n, latest - base) > 0 : block.eventId(n) > this.eventIdOfIndex(latest)))) {
          latest = base + n;
          latestTime = at;
          latestBlock = b;
        }
        if (at < from || at > to) continue;

        const position = size++;
        index[position] = base + n;
        time[position] = at;

        const u = userCode[n]!;
        let id = userMap[u]!;
        if (id === UNSET) id = userMap[u] = userIds.intern(userDict, u);
        user[position] = id;

        const sc = sessionCode[n]!;
        id = sessionMap[sc]!;
        if (id === UNSET) {
          const value = sc === 0 ? undefined : sessionDict[sc - 1];
          id = sessionMap[sc] = value ? sessionIds.intern(value) : -1;
        }
        session[position] = id;

        const h = hrefCode[n]!;
        let hrefId = hrefMap[h]!;
        if (hrefId === UNSET) {
          const value = (h === 0 ? undefined : hrefDict[h - 1]) as string;
          hrefId = hrefMap[h] = hrefIds.intern(value);
          if (hrefId === hrefPage.length) {
            hrefPage.push(pageIds.intern(urls.page(value)));
            hrefTag.push(tagId(urls.utm(value, undefined)));
          }
        }
        href[position] = hrefId;
        page[position] = hrefPage[hrefId]!;

        const r = rawCode[n]!;
        const raw = r === 0 ? undefined : rawDict[r - 1];
        if (raw) {
          id = rawTagMap[r]!;
          if (id === UNSET) id = rawTagMap[r] = tagId(urls.utm(hrefIds.keys[hrefId]!, raw as string));
          tag[position] = id;
        } else tag[position] = hrefTag[hrefId]!;

        referrer[position] = optionalId(referrerMap, referrerCode[n]!, referrerDict, referrerIds);
        geo[position] = optionalId(geoMap, geoCode[n]!, geoDict, geoIds);

        const a = accountCode[n]!;
        id = accountMap[a]!;
        if (id === UNSET) id = accountMap[a] = accountIds.intern(a === 0 ? 'undefined' : String(accounts.d[a - 1]));
        account[position] = id;

        // Only first loads carry a pageload; null, 0 and negative values are not measurements (§2.1).
        pageload[position] = loads[loadCode[n]!]!;
        flags[position] = mobiles[mobileCode[n]!]! | (geo[position]! >= 0 ? HAS_GEO : 0);
      }
    }

    if (!canonical) {
      // Some id has lower-case time digits, so time order may differ from id order: compare the ids.
      latest = -1;
      let latestId = '';
      for (let b = 0; b < blocks.length; b++) {
        const block = blocks[b]!;
        for (let n = 0; n < block.count; n++) {
          if (Number.isNaN(block.time[n]!)) continue;
          const eventId = block.eventId(n);
          if (latest < 0 || eventId > latestId) {
            latest = starts[b]! + n;
            latestId = eventId;
          }
        }
      }
    }
    this.latest = latest;
    this.canonical = canonical;
    this.size = size;
    this.index = index.subarray(0, size);
    this.time = time.subarray(0, size);
    this.user = user.subarray(0, size);
    this.session = session.subarray(0, size);
    this.page = page.subarray(0, size);
    this.href = href.subarray(0, size);
    this.referrer = referrer.subarray(0, size);
    this.geo = geo.subarray(0, size);
    this.account = account.subarray(0, size);
    this.pageload = pageload.subarray(0, size);
    this.flags = flags.subarray(0, size);
    this.tag = tag.subarray(0, size);
  }

  /** The block holding an event index, and the event's place in it. */
  locate(eventIndex: number): [EventBlock, number] {
    const starts = this.starts;
    let low = 0;
    let high = this.blocks.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= eventIndex) low = middle;
      else high = middle - 1;
    }
    return [this.blocks[low]!, eventIndex - starts[low]!];
  }

  eventIdOfIndex(eventIndex: number): string {
    const [block, n] = this.locate(eventIndex);
    return block.eventId(n);
  }

  /** The whole event at an event index (built on demand: only a handful are ever needed). */
  eventAt(eventIndex: number): NormalizedEvent {
    const [block, n] = this.locate(eventIndex);
    return block.event(n);
  }

  eventId(position: number): string {
    return this.eventIdOfIndex(this.index[position]!);
  }

  /** The client timestamp of a relevant event in ms, NaN when unreadable. */
  timestamp(position: number): number {
    const [block, n] = this.locate(this.index[position]!);
    const ms = block.stamp[n]!;
    if (!Number.isNaN(ms)) return ms;
    return Date.parse(block.timestamp(n) as string);
  }

  tags(position: number): UtmTags {
    return this.tagList[this.tag[position]!]!;
  }

  /** §2.6: the computed referrer of the event at a position, or null. */
  computedReferrer(position: number): string | null {
    const referrer = this.referrer[position]!;
    return referrer < 0 ? null : this.urls.referrer(this.referrerIds.keys[referrer]!, this.hrefIds.keys[this.href[position]!]!);
  }

  /** Whether the event at position a has a smaller eventId than the one at b (§2: "ordered by eventId"). */
  before(a: number, b: number): boolean {
    const ta = this.time[a]!;
    const tb = this.time[b]!;
    if (this.canonical && ta !== tb) return ta < tb;
    const [blockA, na] = this.locate(this.index[a]!);
    const [blockB, nb] = this.locate(this.index[b]!);
    return blockA === blockB ? blockA.compareIds(na, nb) < 0 : blockA.eventId(na) < blockB.eventId(nb);
  }

  /** Positions whose time lies in [from, to], ascending. */
  between(from: number, to: number): Selection {
    const time = this.time;
    let count = 0;
    for (let position = 0; position < this.size; position++) if (time[position]! >= from && time[position]! <= to) count++;
    const selection = new Int32Array(count);
    for (let position = 0, next = 0; next < count; position++) if (time[position]! >= from && time[position]! <= to) selection[next++] = position;
    return selection;
  }
}
