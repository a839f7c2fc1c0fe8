// The events the metrics read, turned into columns once per computation (dashboard.md §2 at issue 4's scale:
// 1,000,000 events). Every string the metrics group by (user, session, page, account) is interned to a small
// integer, so counting distinct users, grouping sessions and tallying pages runs on typed arrays instead of
// string-keyed Maps and Sets; each string is hashed once per event here and never again.
//
// Only "relevant" events get columns: those inside the selected window, the four retention weeks (§2.11) or
// the real-time window (§2.10). Positions into the columns are ascending event indices, so a pass over
// positions visits events in input order, as the first implementation did (ties keep the same winner).
import type { NormalizedEvent } from '../types.ts';
import { UrlFacts } from './urls.ts';
import type { UtmTags } from './urls.ts';

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
 * decoding as ../ulid.ts, with a lookup table because it runs once per stored event.
 */
export function eventTime(eventId: string): number {
  if (eventId.length !== 26) return NaN;
  let time = 0;
  for (let i = 0; i < 10; i++) {
    const code = eventId.charCodeAt(i);
    const digit = code < 128 ? DIGITS[code]! : -1;
    if (digit < 0) return NaN;
    time = time * 32 + digit;
  }
  return time <= MAX_TIME ? time : NaN;
}

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

interface Scratch {
  capacity: number;
  times: Float64Array;
  index: Int32Array;
  time: Float64Array;
  user: Int32Array;
  session: Int32Array;
  page: Int32Array;
  account: Int32Array;
  pageload: Float64Array;
  flags: Uint8Array;
  tag: Int32Array;
}

let scratch: Scratch | null = null;

/**
 * The column buffers, reused from one computation to the next (about 50 bytes per event). Allocating ~50 MB
 * of fresh typed arrays per computation at 1M events made V8 run a full garbage collection, which has to
 * mark every event object, almost every time: that cost more than the metrics. Reuse is safe because the
 * computation is synchronous and no result keeps a reference to these buffers; every slot read is written
 * first in the same computation.
 */
function scratchFor(count: number): Scratch {
  if (scratch === null || scratch.capacity < count) {
    scratch = {
      capacity: count,
      times: new Float64Array(count),
      index: new Int32Array(count),
      time: new Float64Array(count),
      user: new Int32Array(count),
      session: new Int32Array(count),
      page: new Int32Array(count),
      account: new Int32Array(count),
      pageload: new Float64Array(count),
      flags: new Uint8Array(count),
      tag: new Int32Array(count),
    };
  }
  return scratch;
}

/**
 * The events as columns. One pass over every event decodes its time and counts it for its account; the
 * events within [from, to] (the relevant ones) also get their strings interned. Each event object is read
 * once: at a million events, reading them is a large part of the cost.
 */
export class EventColumns {
  /** ULID time per event index (NaN for ids that are no ULID). */
  readonly times: Float64Array;
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
  readonly account: Int32Array;
  /** The page load when it is a measurement (a number > 0, §2.1), else 0. */
  readonly pageload: Float64Array;
  /** MOBILE | HAS_GEO bits. */
  readonly flags: Uint8Array;
  /** Index into tagList: the utm tags of rawHref, else of href (§2.7). */
  readonly tag: Int32Array;

  readonly userIds = new Interner();
  readonly sessionIds = new Interner();
  readonly pageIds = new Interner();
  readonly accountIds = new Interner();
  readonly tagList: UtmTags[] = [];
  readonly urls = new UrlFacts();

  constructor(
    readonly events: readonly NormalizedEvent[],
    from: number,
    to: number,
  ) {
    const count = events.length;
    const { times: allTimes, index, time, user, session, page, account, pageload, flags, tag } = scratchFor(count);
    const times = (this.times = allTimes.subarray(0, count));

    const { userIds, sessionIds, pageIds, accountIds, perAccount, urls, tagList } = this;
    // Per distinct href: its page and its tags, so each href costs one Map lookup per event.
    const hrefs = new Interner();
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
    let lastAccount: string | null = null;
    let lastAccountId = -1;
    let lastAccountCount = 0;
    let canonical = true;
    let latest = -1;
    let latestTime = -Infinity;
    let size = 0;

    for (let i = 0; i < count; i++) {
      const event = events[i]!;
      // Every stored event counts for numVisits (§2.13), relevant or not.
      const accountId = event.accountId;
      if (accountId !== lastAccount) {
        if (lastAccount !== null) perAccount.set(lastAccount, lastAccountCount);
        lastAccount = accountId;
        lastAccountCount = perAccount.get(accountId) ?? 0;
        lastAccountId = -1;
      }
      lastAccountCount++;

      const id = event.eventId;
      let at = NaN;
      if (id.length === 26) {
        at = 0;
        for (let k = 0; k < 10; k++) {
          const code = id.charCodeAt(k);
          const digit = code < 128 ? DIGITS[code]! : -1;
          if (digit < 0) {
            at = NaN;
            break;
          }
          if (code > UPPER_END) canonical = false;
          at = at * 32 + digit;
        }
        if (at > MAX_TIME) at = NaN;
      }
      times[i] = at;
      if (Number.isNaN(at)) continue;
      if (at > latestTime || (at === latestTime && id > events[latest]!.eventId)) {
        latest = i;
        latestTime = at;
      }
      if (at < from || at > to) continue;

      const position = size++;
      index[position] = i;
      time[position] = at;
      user[position] = userIds.intern(event.secretId);
      const sessionId = event.sessionId;
      session[position] = sessionId ? sessionIds.intern(sessionId) : -1;
      const href = event.href;
      const hrefId = hrefs.intern(href);
      if (hrefId === hrefPage.length) {
        hrefPage.push(pageIds.intern(urls.page(href)));
        hrefTag.push(tagId(urls.utm(href, undefined)));
      }
      page[position] = hrefPage[hrefId]!;
      const rawHref = event.rawHref;
      tag[position] = rawHref ? tagId(urls.utm(href, rawHref)) : hrefTag[hrefId]!;
      if (lastAccountId < 0) lastAccountId = accountIds.intern(accountId);
      account[position] = lastAccountId;
      const load = event.pageload;
      // Only first loads carry a pageload; null, 0 and negative values are not measurements (§2.1).
      pageload[position] = typeof load === 'number' && load > 0 ? load : 0;
      flags[position] = (event.isMobile ? MOBILE : 0) | (event.geo ? HAS_GEO : 0);
    }
    if (lastAccount !== null) perAccount.set(lastAccount, lastAccountCount);

    if (!canonical) {
      // Some id has lower-case time digits, so time order may differ from id order: compare the ids.
      latest = -1;
      for (let i = 0; i < count; i++) {
        if (Number.isNaN(times[i]!)) continue;
        if (latest < 0 || events[i]!.eventId > events[latest]!.eventId) latest = i;
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
    this.account = account.subarray(0, size);
    this.pageload = pageload.subarray(0, size);
    this.flags = flags.subarray(0, size);
    this.tag = tag.subarray(0, size);
  }

  event(position: number): NormalizedEvent {
    return this.events[this.index[position]!]!;
  }

  tags(position: number): UtmTags {
    return this.tagList[this.tag[position]!]!;
  }

  /** Whether the event at position a has a smaller eventId than the one at b (§2: "ordered by eventId"). */
  before(a: number, b: number): boolean {
    const ta = this.time[a]!;
    const tb = this.time[b]!;
    if (this.canonical && ta !== tb) return ta < tb;
    return this.event(a).eventId < this.event(b).eventId;
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
