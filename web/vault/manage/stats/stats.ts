// Every metric of dashboard.md §2 as one pure function of (events, query, time zone, now, retention): no DOM,
// no IndexedDB, no clock of its own, so a Web Worker can run it. It has to stay fast at issue 4's scale (a
// warm dashboard under 1 s for 1,000,000 events; bench/stats-bench.mjs measures it), so:
// - one pass over all events decodes each ULID time once and finds the events any window needs;
// - those events become columns (columns.ts) with every grouping string interned to an integer once;
// - the metrics then run on typed arrays: distinct counts with flag arrays, tables with count arrays, and
//   only the distinct keys are sorted.
// reference.test-support.ts keeps the first, straightforward implementation; equivalence.test.ts checks
// that both give the same result.
import { encodeBlock } from '../event-block.ts';
import type { DaySummary, EventBlock } from '../event-block.ts';
import type { NormalizedEvent } from '../types.ts';
import { EventColumns, Interner, MOBILE } from './columns.ts';
import type { Selection } from './columns.ts';
import { F_CAMPAIGN, F_EVENTS, F_EXIT, F_GEO, F_LANDING, F_REFERRER, F_SOURCE, SESSION_FACTS, dayCut } from './day-aggregate.ts';
import type { AggregatePart, DayAggregate } from './day-aggregate.ts';
import { applyFilter, parseFilter } from './filters.ts';
import type { Filter } from './filters.ts';
import { bucketIndex, resolveWindow } from './ranges.ts';
import type { RangeQuery, Window } from './ranges.ts';
import { summarizeSessions } from './sessions.ts';
import type { Sessions } from './sessions.ts';
import type { ChartBucket, DashboardStats, OnboardingStats, PageRow, TableRow } from './types.ts';
import { NONE_GEOLOCATION, NONE_REFERRER, UrlFacts } from './urls.ts';
import { DAY, MINUTE, isoWeek, wallClock, weekday } from './zoned.ts';

export { eventTime } from './columns.ts';

export interface StatsQuery extends RangeQuery {
  filter?: unknown;
}

export interface StatsContext {
  /** IANA zone of the viewer; every bucket edge is local to it. */
  timeZone: string;
  /** "Now" in ms (the `now` query parameter already applied, §3.4). */
  now: number;
  /** The account's retention setting (§0); unknown values mean the default, 6months. */
  retentionPeriod?: unknown;
}

const LIVE_WINDOW = 15 * MINUTE;
const WEEK = 7 * DAY;

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byCountThenKey(a: TableRow, b: TableRow): number {
  return b.count - a.count || compareKeys(a.key, b.key);
}

/** Rows from counts per page id, sorted by count descending and key ascending (§2.3). */
function pageRows(counts: Int32Array, keys: readonly string[]): TableRow[] {
  const rows: TableRow[] = [];
  for (let page = 0; page < counts.length; page++) if (counts[page]! > 0) rows.push({ key: keys[page]!, count: counts[page]! });
  return rows.sort(byCountThenKey);
}

/**
 * Session tables (§2.6–2.9): [sessions, events per session], by sessions then page depth, both descending.
 * `keyOf[id]` is the session's key as an index into `names`, -1 for none: then `none` (or no row when null).
 */
function sessionRows(table: SessionTable, keyOf: Int32Array, names: readonly string[], none: string | null): TableRow[] {
  const sessions = new Int32Array(names.length + 1);
  const events = new Int32Array(names.length + 1);
  for (let k = 0; k < table.count; k++) {
    const id = table.ids[k]!;
    const key = keyOf[id]! + 1;
    sessions[key]!++;
    events[key]! += table.events[id]!;
  }
  const rows: TableRow[] = [];
  for (let key = none === null ? 1 : 0; key < sessions.length; key++) {
    const count = sessions[key]!;
    if (count > 0) rows.push({ key: key === 0 ? none! : names[key - 1]!, count, pageDepth: events[key]! / count });
  }
  return rows.sort((a, b) => b.count - a.count || b.pageDepth! - a.pageDepth! || compareKeys(a.key, b.key));
}

/** How many distinct users a selection has. */
function countUsers(columns: EventColumns, selection: Selection): number {
  const flags = new Uint8Array(columns.userIds.size);
  const user = columns.user;
  let count = 0;
  for (let k = 0; k < selection.length; k++) {
    const id = user[selection[k]!]!;
    if (flags[id] === 0) {
      flags[id] = 1;
      count++;
    }
  }
  return count;
}

/**
 * Distinct keys (users or accounts) per chart bucket, of the selection (`bucketOf[k]` is the bucket of
 * selection[k], or -1) and of the aggregated days (their bucket and their keys). A key is counted again only
 * when its bucket changes, so everything is visited bucket by bucket: the events through a counting sort.
 */
function distinctPerBucket(
  selection: Selection,
  bucketOf: Int32Array,
  keyOf: Int32Array,
  keyCount: number,
  bucketCount: number,
  days: ReadonlyArray<readonly [number, Int32Array]>,
): Int32Array {
  const counts = new Int32Array(bucketCount);
  const lastBucket = new Int32Array(keyCount).fill(-1);
  const starts = new Int32Array(bucketCount + 1);
  for (let k = 0; k < bucketOf.length; k++) if (bucketOf[k]! >= 0) starts[bucketOf[k]! + 1]!++;
  for (let b = 0; b < bucketCount; b++) starts[b + 1]! += starts[b]!;
  const next = starts.slice(0, bucketCount);
  const order = new Int32Array(starts[bucketCount]!);
  for (let k = 0; k < bucketOf.length; k++) if (bucketOf[k]! >= 0) order[next[bucketOf[k]!]!++] = k;
  const byBucket = [...days].sort((a, b) => a[0] - b[0]);
  let day = 0;
  for (let bucket = 0; bucket < bucketCount; bucket++) {
    for (let n = starts[bucket]!; n < starts[bucket + 1]!; n++) {
      const key = keyOf[selection[order[n]!]!]!;
      if (lastBucket[key] !== bucket) {
        lastBucket[key] = bucket;
        counts[bucket]!++;
      }
    }
    for (; day < byBucket.length && byBucket[day]![0] === bucket; day++) {
      const keys = byBucket[day]![1];
      for (let k = 0; k < keys.length; k++) {
        const key = keys[k]!;
        if (lastBucket[key] !== bucket) {
          lastBucket[key] = bucket;
          counts[bucket]!++;
        }
      }
    }
  }
  return counts;
}

/** Keys of the session tables beside the columns' own: computed referrers (§2.6) and utm values (§2.7). */
interface SessionKeys {
  referrers: Interner;
  tags: Interner;
}

/** An aggregated part of a day inside the window (neededDays), its strings mapped onto this computation's ids. */
interface WindowPart {
  /** When the part starts (ms): parts and the days read as blocks are disjoint, so this orders their sessions' fragments. */
  at: number;
  bucket: number;
  users: Int32Array;
  accounts: Int32Array;
  /** [account id, page id, count] triples. */
  pages: Int32Array;
  sessions: Int32Array;
  /** AggregatePart.facts with landing and exit as page ids, referrer and tags as SessionKeys ids, geo as geo ids. */
  facts: Int32Array;
  part: AggregatePart;
}

/**
 * Maps the string indices at `offset` of every `stride` ints of `from` (-1 for none) to their ids in one
 * interner, each string looked up once, into `to`. One plain loop per member: a page load runs this code
 * cold, where a call per value would cost more than the lookup.
 */
function mapStrings(from: Int32Array, to: Int32Array, offset: number, stride: number, strings: readonly string[], ids: Interner): void {
  const map = new Int32Array(strings.length).fill(-2);
  for (let at = offset; at < from.length; at += stride) {
    const index = from[at]!;
    if (index < 0) {
      to[at] = -1;
      continue;
    }
    let id = map[index]!;
    if (id === -2) id = map[index] = ids.intern(strings[index]!);
    to[at] = id;
  }
}

/** The visitor codes of a day's summary seen in part p of its aggregate (all of them when it is one part). */
function partCodes(summary: DaySummary, agg: DayAggregate, p: number): Int32Array {
  const codes = summary.users.i;
  if (agg.parts.length === 1) return codes;
  if (agg.seen.length !== codes.length) throw new Error(`day ${summary.day} has no parts for its visitors`);
  const out = new Int32Array(codes.length);
  let count = 0;
  const bit = 1 << p;
  for (let k = 0; k < codes.length; k++) if (agg.seen[k]! & bit) out[count++] = codes[k]!;
  return out.slice(0, count);
}

/**
 * The visitor codes of a day's summary seen in [from, to) (ms after the day's start), from its times: only
 * one instant cuts the day, so a visitor was seen before it when their first event was, and at or after it
 * when their last was.
 */
function codesBetween(summary: DaySummary, from: number, to: number): Int32Array {
  const codes = summary.users.i;
  const times = summary.times;
  if (times === undefined || times.length !== codes.length * 2) throw new Error(`day ${summary.day} is cut by a retention week but was not read`);
  const out = new Int32Array(codes.length);
  let count = 0;
  for (let k = 0; k < codes.length; k++) if (times[2 * k]! < to && times[2 * k + 1]! >= from) out[count++] = codes[k]!;
  return out.slice(0, count);
}

/** The part's end (exclusive, ms after the day's start). */
function partEnd(agg: DayAggregate, p: number): number {
  return p + 1 < agg.parts.length ? agg.parts[p + 1]!.start : DAY;
}

/**
 * A part's session facts with their strings as this computation's ids (see WindowPart.facts), in one pass
 * with each string looked up once per interner it goes to. Written out member by member: a page load runs
 * this cold, where a call per value would cost more than the lookup.
 */
function mapFacts(from: Int32Array, strings: readonly string[], columns: EventColumns, keys: SessionKeys): Int32Array {
  const to = from.slice();
  const pages = new Int32Array(strings.length).fill(-2);
  const referrers = new Int32Array(strings.length).fill(-2);
  const geos = new Int32Array(strings.length).fill(-2);
  const tags = new Int32Array(strings.length).fill(-2);
  const { pageIds, geoIds } = columns;
  let index = 0;
  let id = 0;
  for (let at = 0; at < from.length; at += SESSION_FACTS) {
    index = from[at + F_LANDING]!;
    id = pages[index]!;
    if (id === -2) id = pages[index] = pageIds.intern(strings[index]!);
    to[at + F_LANDING] = id;
    index = from[at + F_EXIT]!;
    id = pages[index]!;
    if (id === -2) id = pages[index] = pageIds.intern(strings[index]!);
    to[at + F_EXIT] = id;
    index = from[at + F_REFERRER]!;
    if (index >= 0) {
      id = referrers[index]!;
      if (id === -2) id = referrers[index] = keys.referrers.intern(strings[index]!);
      to[at + F_REFERRER] = id;
    }
    index = from[at + F_GEO]!;
    if (index >= 0) {
      id = geos[index]!;
      if (id === -2) id = geos[index] = geoIds.intern(strings[index]!);
      to[at + F_GEO] = id;
    }
    index = from[at + F_CAMPAIGN]!;
    if (index >= 0) {
      id = tags[index]!;
      if (id === -2) id = tags[index] = keys.tags.intern(strings[index]!);
      to[at + F_CAMPAIGN] = id;
    }
    index = from[at + F_SOURCE]!;
    if (index >= 0) {
      id = tags[index]!;
      if (id === -2) id = tags[index] = keys.tags.intern(strings[index]!);
      to[at + F_SOURCE] = id;
    }
  }
  return to;
}

function joinPart(columns: EventColumns, keys: SessionKeys, summary: DaySummary, agg: DayAggregate, p: number, bucket: number): WindowPart {
  const part = agg.parts[p]!;
  const { d } = summary.users;
  const codes = partCodes(summary, agg, p);
  const userIds = columns.userIds;
  let users = codes;
  if (!userIds.byCode(d)) {
    users = new Int32Array(codes.length);
    for (let k = 0; k < codes.length; k++) users[k] = userIds.intern(d, codes[k]!);
  }
  const pages = part.pages.slice();
  mapStrings(part.pages, pages, 0, 3, agg.strings, columns.accountIds);
  mapStrings(part.pages, pages, 1, 3, agg.strings, columns.pageIds);
  const seen = new Set<number>();
  for (let k = 0; k < pages.length; k += 3) seen.add(pages[k]!);
  const accounts = Int32Array.from(seen);
  const uuidCount = part.uuids.length / 4;
  const sessions = new Int32Array(uuidCount + part.others.length);
  const sessionIds = columns.sessionIds;
  sessionIds.internBits(part.uuids, uuidCount, sessions, 0);
  for (let k = 0; k < part.others.length; k++) sessions[uuidCount + k] = sessionIds.intern(part.others[k]!);
  const facts = mapFacts(part.facts, agg.strings, columns, keys);
  return { at: summary.day! * DAY + part.start, bucket, users, accounts, pages, sessions, facts, part };
}

/** Every session of the window with the facts its tables need; `-1` where it has none. */
interface SessionTable {
  count: number;
  ids: Int32Array;
  events: Int32Array;
  landing: Int32Array;
  exit: Int32Array;
  referrer: Int32Array;
  geo: Int32Array;
  campaign: Int32Array;
  source: Int32Array;
}

/**
 * The sessions of the window's events (their fragment over the days read as blocks) joined with their
 * fragments in aggregated parts of days. Days read as blocks and parts are disjoint in time and id order is time
 * order on both (aggregateDay), so the earliest fragment gives the landing page and referrer, the latest the exit
 * page, and the earliest that has one the country and tags.
 */
function joinSessions(columns: EventColumns, sessions: Sessions, parts: readonly WindowPart[], keys: SessionKeys): SessionTable {
  const size = columns.sessionIds.size;
  const ids = new Int32Array(size);
  const events = new Int32Array(size);
  const landing = new Int32Array(size);
  const exit = new Int32Array(size);
  const referrer = new Int32Array(size);
  const geo = new Int32Array(size);
  const campaign = new Int32Array(size);
  const source = new Int32Array(size);
  // When each fact was seen (an event's time, a part's start), to join fragments.
  const firstAt = new Float64Array(size);
  const lastAt = new Float64Array(size);
  const geoAt = new Float64Array(size);
  const campaignAt = new Float64Array(size);
  const sourceAt = new Float64Array(size);
  const { page, time } = columns;
  const tagOf = (position: number, tag: 'campaign' | 'source') => (position < 0 ? -1 : keys.tags.intern(columns.tags(position)[tag]!));
  let count = 0;
  for (let k = 0; k < sessions.count; k++) {
    const id = sessions.ids[k]!;
    ids[count++] = id;
    events[id] = sessions.events[id]!;
    const first = sessions.first[id]!;
    const last = sessions.last[id]!;
    landing[id] = page[first]!;
    firstAt[id] = time[first]!;
    exit[id] = page[last]!;
    lastAt[id] = time[last]!;
    const computed = columns.computedReferrer(first);
    referrer[id] = computed === null ? -1 : keys.referrers.intern(computed);
    const at = sessions.geo[id]!;
    geo[id] = at < 0 ? -1 : columns.geo[at]!;
    geoAt[id] = at < 0 ? Infinity : time[at]!;
    campaign[id] = tagOf(sessions.campaign[id]!, 'campaign');
    campaignAt[id] = sessions.campaign[id]! < 0 ? Infinity : time[sessions.campaign[id]!]!;
    source[id] = tagOf(sessions.source[id]!, 'source');
    sourceAt[id] = sessions.source[id]! < 0 ? Infinity : time[sessions.source[id]!]!;
  }
  for (const { at: start, sessions: fragments, facts } of parts) {
    for (let f = 0; f < fragments.length; f++) {
      const id = fragments[f]!;
      const at = f * SESSION_FACTS;
      const seen = events[id]! > 0;
      events[id]! += facts[at + F_EVENTS]!;
      if (!seen) {
        ids[count++] = id;
        firstAt[id] = lastAt[id] = geoAt[id] = campaignAt[id] = sourceAt[id] = Infinity;
        lastAt[id] = -Infinity;
        geo[id] = campaign[id] = source[id] = -1;
      }
      if (start < firstAt[id]!) {
        firstAt[id] = start;
        landing[id] = facts[at + F_LANDING]!;
        referrer[id] = facts[at + F_REFERRER]!;
      }
      if (start > lastAt[id]!) {
        lastAt[id] = start;
        exit[id] = facts[at + F_EXIT]!;
      }
      if (facts[at + F_GEO]! >= 0 && start < geoAt[id]!) {
        geoAt[id] = start;
        geo[id] = facts[at + F_GEO]!;
      }
      if (facts[at + F_CAMPAIGN]! >= 0 && start < campaignAt[id]!) {
        campaignAt[id] = start;
        campaign[id] = facts[at + F_CAMPAIGN]!;
      }
      if (facts[at + F_SOURCE]! >= 0 && start < sourceAt[id]!) {
        sourceAt[id] = start;
        source[id] = facts[at + F_SOURCE]!;
      }
    }
  }
  return { count, ids: ids.subarray(0, count), events, landing, exit, referrer, geo, campaign, source };
}

/** The chart bars from per-bucket tallies (§2.2). */
function chart(window: Window, pageviews: Int32Array, visitors: Int32Array, accounts: Int32Array, timeZone: string): ChartBucket[] {
  return window.buckets.map((bucket, i) => {
    const clock = wallClock(bucket.start, timeZone);
    return {
      date: new Date(bucket.start).toISOString(),
      pageviews: pageviews[i]!,
      visitors: visitors[i]!,
      accounts: accounts[i]!,
      local: { year: clock.year, month: clock.month, day: clock.day, hour: clock.hour, weekday: weekday(clock), isoWeek: isoWeek(clock) },
    };
  });
}

/** §2.10 "Active pages": each user's latest event by client timestamp, users counted per page, top 5. */
function livePages(columns: EventColumns, selection: Selection): TableRow[] {
  const latest = new Map<number, { position: number; at: number }>();
  for (let k = 0; k < selection.length; k++) {
    const position = selection[k]!;
    const parsed = columns.timestamp(position);
    const at = Number.isNaN(parsed) ? -Infinity : parsed;
    const user = columns.user[position]!;
    const known = latest.get(user);
    // Ties (and unreadable timestamps) fall back to the server order.
    if (!known || at > known.at || (at === known.at && columns.eventId(position) > columns.eventId(known.position))) latest.set(user, { position, at });
  }
  const counts = new Int32Array(columns.pageIds.keys.length);
  for (const { position } of latest.values()) counts[columns.page[position]!]!++;
  return pageRows(counts, columns.pageIds.keys).slice(0, 5);
}

/**
 * §2.11: cell (i, j) = share of cohort i (users of Wi) also seen in Wj; the diagonal is 1, or 0 if empty.
 * `summarized` are unread days that lie wholly inside one week (no filter: see neededDays), with that week.
 */
function retentionMatrix(columns: EventColumns, weeks: readonly Selection[], summarized: ReadonlyArray<readonly [DaySummary, number]>): number[][] {
  // A summary's visitors as user ids: their codes when they are ids, else each code looked up once.
  const codeIds = new Map<readonly unknown[], Int32Array>();
  const summaryIds = summarized.map(([summary, week]) => {
    const { d, i: codes } = summary.users;
    if (columns.userIds.byCode(d)) return [codes, week] as const;
    let map = codeIds.get(d);
    if (map === undefined) codeIds.set(d, (map = new Int32Array(d.length + 1).fill(-1)));
    const ids = new Int32Array(codes.length);
    for (let k = 0; k < codes.length; k++) {
      const code = codes[k]!;
      let id = map[code]!;
      if (id < 0) id = map[code] = columns.userIds.intern(d, code);
      ids[k] = id;
    }
    return [ids, week] as const;
  });
  const masks = new Uint8Array(columns.userIds.size);
  const user = columns.user;
  weeks.forEach((selection, week) => {
    for (let k = 0; k < selection.length; k++) masks[user[selection[k]!]!]! |= 1 << week;
  });
  for (const [ids, week] of summaryIds) for (let k = 0; k < ids.length; k++) masks[ids[k]!]! |= 1 << week;
  const cohort = [0, 0, 0, 0];
  const kept = [0, 0, 0, 0].map(() => [0, 0, 0, 0]);
  for (let id = 0; id < masks.length; id++) {
    const mask = masks[id]!;
    if (mask === 0) continue;
    for (let i = 0; i < 4; i++) {
      if ((mask & (1 << i)) === 0) continue;
      cohort[i]!++;
      for (let j = i; j < 4; j++) if (mask & (1 << j)) kept[i]![j]!++;
    }
  }
  return cohort.map((size, i) => kept[i]!.slice(i).map((count) => (size === 0 ? 0 : count / size)));
}

/**
 * §2.1 "new" users: users of the (filtered) window with no stored event at all, unfiltered, older than the
 * window. Walks the blocks back from the newest and stops once every user has been seen; within a block each
 * distinct user is looked up once.
 */
function newUsers(columns: EventColumns, inWindow: Uint8Array, count: number, start: number, older: readonly DaySummary[]): number {
  const { blocks, userIds } = columns;
  const seen = new Uint8Array(inWindow.length);
  // Per dictionary entry: 1 once looked up. Blocks coded with one visitor numbering share their dictionary.
  const states = new Map<unknown[], Uint8Array>();
  let fresh = count;
  for (let b = blocks.length - 1; b >= 0 && fresh > 0; b--) {
    const block = blocks[b]!;
    const { d, i: codes } = block.columns.secretId;
    const time = block.time;
    let state = states.get(d);
    if (state === undefined) states.set(d, (state = new Uint8Array(d.length + 1)));
    for (let n = block.count - 1; n >= 0 && fresh > 0; n--) {
      if (!(time[n]! < start)) continue;
      const code = codes[n]!;
      if (state[code] !== 0) continue;
      state[code] = 1;
      const id = userIds.lookup(d, code);
      if (id >= 0 && inWindow[id] === 1 && seen[id] === 0) {
        seen[id] = 1;
        fresh--;
      }
    }
  }
  // The days kept as summaries before the window: all of their visitors were seen before it.
  // (The same steps as the loop above, written out again: both run once per stored visitor code.)
  for (let k = older.length - 1; k >= 0 && fresh > 0; k--) {
    const { d, i: codes } = older[k]!.users;
    let state = states.get(d);
    if (state === undefined) states.set(d, (state = new Uint8Array(d.length + 1)));
    for (let n = 0; n < codes.length && fresh > 0; n++) {
      const code = codes[n]!;
      if (state[code] !== 0) continue;
      state[code] = 1;
      const id = userIds.lookup(d, code);
      if (id >= 0 && inWindow[id] === 1 && seen[id] === 0) {
        seen[id] = 1;
        fresh--;
      }
    }
  }
  return fresh;
}

function onboardingStats(latest: NormalizedEvent | null, numVisits: number, urls: UrlFacts): OnboardingStats | null {
  if (!latest) return null;
  let url: URL | null = null;
  try {
    url = new URL(latest.href);
  } catch {
    url = null;
  }
  return {
    domain: url?.host ?? '',
    url: url && url.pathname !== '/' ? url.host + url.pathname : null,
    referrer: urls.referrer(latest.referrer, latest.href),
    numVisits,
    isMobile: latest.isMobile,
    geo: latest.geo || null,
  };
}

/**
 * The earliest instant any window of this query looks at (the selected window, the live window, the four
 * retention weeks): events before it only count as totals and as visitors seen before (summaries suffice).
 * -Infinity when the query cannot be resolved (then everything is needed).
 */
export function neededFrom(query: StatsQuery, context: StatsContext): number {
  try {
    const window = resolveWindow(query, context.timeZone, context.now, context.retentionPeriod);
    return Math.min(window.start, context.now - LIVE_WINDOW, context.now - 4 * WEEK);
  } catch {
    return -Infinity;
  }
}

/**
 * The summaries by what they stand in for: parts of days inside the selected window (counted from their
 * aggregates, with their chart bucket), days inside the retention weeks (with their week), and visitors seen
 * before the window. A summary of a day the query needs as a block (a part cut by the window or a bucket, one
 * without an aggregate touching the window, a day cut by a retention week without its visitors' times, one in
 * the live window, or any under a filter except before every window) means the caller skipped neededDays: that
 * is refused rather than counted wrong.
 */
function classifySummaries(
  summaries: readonly DaySummary[],
  window: Window,
  filter: Filter | null,
  retentionFrom: number,
  liveFrom: number,
  now: number,
): { inWindow: Array<readonly [DaySummary, DayAggregate, number, number]>; weeks: Array<readonly [DaySummary, number]>; before: DaySummary[] } {
  const inWindow: Array<readonly [DaySummary, DayAggregate, number, number]> = [];
  const weeks: Array<readonly [DaySummary, number]> = [];
  const before: DaySummary[] = [];
  const withCodes = (summary: DaySummary, codes: Int32Array): DaySummary => ({ ...summary, users: { d: summary.users.d, i: codes } });
  for (const summary of summaries) {
    // Without its day a summary is taken to be older than every window (the contract before neededDays).
    if (summary.day === undefined || !Number.isFinite(summary.day)) {
      before.push(summary);
      continue;
    }
    const first = summary.day * DAY;
    const last = first + DAY - 1;
    if (last < window.start) before.push(summary);
    else if (first <= window.end) {
      const agg = summary.agg;
      if (filter !== null || agg === undefined || last >= liveFrom || last > now) throw new Error(`day ${summary.day} lies in the window but was not read`);
      for (let p = 0; p < agg.parts.length; p++) {
        const from = first + agg.parts[p]!.start;
        const to = first + partEnd(agg, p) - 1;
        if (to < window.start || from > window.end) continue;
        const bucket = bucketIndex(window.buckets, from);
        if (from < window.start || to > window.end || bucket < 0 || bucket !== bucketIndex(window.buckets, to)) {
          throw new Error(`day ${summary.day} lies in the window but was not read`);
        }
        inWindow.push([summary, agg, p, bucket]);
      }
      // Who of the day was seen before the window (§2.1 returning visitors): its first part, which the
      // window's start (a local midnight) ends.
      if (first < window.start) {
        if (agg.parts.length !== 2 || first + agg.cut !== window.start) throw new Error(`day ${summary.day} lies in the window but was not read`);
        before.push(withCodes(summary, partCodes(summary, agg, 0)));
      }
    }
    if (last < retentionFrom || first > now) continue;
    if (filter !== null || last >= liveFrom) throw new Error(`day ${summary.day} is inside the retention or live window but was not read`);
    const week = retentionWeek(first, retentionFrom);
    if (first >= retentionFrom && week === retentionWeek(last, retentionFrom)) {
      weeks.push([summary, week]);
      continue;
    }
    // Cut by one edge (weeks are longer than a day): who was seen before it and after it, from the times.
    const edge = first < retentionFrom ? retentionFrom : retentionFrom + (week + 1) * WEEK;
    if (edge > retentionFrom) weeks.push([withCodes(summary, codesBetween(summary, 0, edge - first)), week]);
    weeks.push([withCodes(summary, codesBetween(summary, edge - first, DAY)), retentionWeek(edge, retentionFrom)]);
  }
  return { inWindow, weeks, before };
}

/** The retention week (0–3) of an instant at or after `retentionFrom`; W3 runs to now (§2.11). */
function retentionWeek(time: number, retentionFrom: number): number {
  return Math.min(3, Math.floor((time - retentionFrom) / WEEK));
}

/**
 * Which UTC days (ms / DAY) this query needs as blocks (cache-view.ts DayNeed): those from the day of
 * neededFrom on, except
 * - `summarized`: days before the selected window that lie wholly inside one retention week and outside the
 *   live window. The retention matrix only asks who was seen in each week, which such a day's summary (its
 *   visitors) answers.
 * - `aggregated` (only when `aggregate`, i.e. the answer carries no events), with the cut (dayCut) their
 *   aggregate must have: days outside the live window each of whose parts lies wholly outside the selected
 *   window or wholly inside one of its chart buckets, and days before the window cut by a retention week's
 *   edge. Their aggregate (day-aggregate.ts) gives what the window's metrics need of them, including who was
 *   seen in each part (the first part ends where the window starts).
 * - `timed`: of those, the days a retention week's edge cuts; their visitors' first and last times (a record
 *   of their own) split them at the edge.
 *   Without `aggregate` those days are blocks.
 * With a filter every day from `from` on is needed: the filter applies to the retention weeks too (§3.3), and
 * to each event of the window.
 */
export function neededDays(
  query: StatsQuery,
  context: StatsContext,
  aggregate = false,
): { from: number; summarized: Set<number>; aggregated: Map<number, number>; timed: Set<number> } {
  const summarized = new Set<number>();
  const aggregated = new Map<number, number>();
  const timed = new Set<number>();
  const from = Math.floor(neededFrom(query, context) / DAY);
  let window: Window;
  try {
    window = resolveWindow(query, context.timeZone, context.now, context.retentionPeriod);
    if (parseFilter(query.filter) !== null) return { from, summarized, aggregated, timed };
  } catch {
    return { from, summarized, aggregated, timed };
  }
  const { now, timeZone } = context;
  const retentionFrom = now - 4 * WEEK;
  const liveFrom = now - LIVE_WINDOW;
  const oneWeek = (first: number, last: number) => last < retentionFrom || (first >= retentionFrom && retentionWeek(first, retentionFrom) === retentionWeek(last, retentionFrom));
  // Days before the window in the retention weeks: those cut by a week's edge need their aggregate's times.
  for (let day = Math.floor(retentionFrom / DAY); day < Math.floor(window.start / DAY); day++) {
    const first = day * DAY;
    const last = first + DAY - 1;
    if (last >= liveFrom || last > now) break;
    if (last < retentionFrom) continue;
    if (oneWeek(first, last)) summarized.add(day);
    else if (aggregate) {
      aggregated.set(day, dayCut(day, timeZone));
      timed.add(day);
    }
  }
  if (aggregate) {
    const { buckets } = window;
    const fits = (from: number, to: number) => {
      if (to < window.start || from > window.end) return true;
      const bucket = bucketIndex(buckets, from);
      return from >= window.start && to <= window.end && bucket >= 0 && bucket === bucketIndex(buckets, to);
    };
    for (let day = Math.floor(window.start / DAY); day * DAY <= window.end; day++) {
      const first = day * DAY;
      const last = first + DAY - 1;
      if (last >= liveFrom || last > now) break;
      const cut = dayCut(day, timeZone);
      if (cut > 0 ? fits(first, first + cut - 1) && fits(first + cut, last) : fits(first, last)) {
        aggregated.set(day, cut);
        if (!oneWeek(first, last)) timed.add(day);
      }
    }
  }
  return { from, summarized, aggregated, timed };
}

/** The metrics of events given as objects (a visitor's, a test's): they become one block first. */
export function computeStats(events: readonly NormalizedEvent[], query: StatsQuery, context: StatsContext): DashboardStats {
  return computeBlockStats([encodeBlock(events)], query, context);
}

/**
 * The metrics of events given as blocks (an operator's view, cache-view.ts), and of days given only as
 * summaries (with their `day`), which must be days the query does not need as blocks (see neededDays): before
 * the selected and live windows, inside the retention weeks only wholly within one week and unfiltered, and
 * inside the selected window only with their aggregate, wholly within one bucket and unfiltered.
 */
export function computeBlockStats(blocks: readonly EventBlock[], query: StatsQuery, context: StatsContext, summaries: readonly DaySummary[] = []): DashboardStats {
  const { timeZone, now } = context;
  const window = resolveWindow(query, timeZone, now, context.retentionPeriod);
  const filter: Filter | null = parseFilter(query.filter);

  // Pass 1 over every event: times, the latest event, visits per account, and which events a window needs:
  // the selected window, the live window (§2.10) and the four retention weeks (§2.11, which ignore the range).
  const liveFrom = now - LIVE_WINDOW;
  const retentionFrom = now - 4 * WEEK;
  const columns = new EventColumns(blocks, Math.min(window.start, liveFrom, retentionFrom), Math.max(window.end, now), summaries);

  // The filter applies first (§2), to the window and to each of the live and retention windows (§3.3).
  const scoped = applyFilter(columns, columns.between(window.start, window.end), filter);
  const { inWindow, weeks: summarizedWeeks, before: olderSummaries } = classifySummaries(summaries, window, filter, retentionFrom, liveFrom, now);
  // The aggregated days' strings get their ids before any array is sized by the number of ids.
  const keys: SessionKeys = { referrers: new Interner(), tags: new Interner() };
  // Fragments join by day only while day order is id order (every id upper case, aggregateDay).
  if (inWindow.length > 0 && !columns.canonical) throw new Error('aggregated days beside ids whose order is not time order');
  let fragments = 0;
  for (const [, agg, p] of inWindow) fragments += agg.parts[p]!.uuids.length / 4 + agg.parts[p]!.others.length;
  columns.sessionIds.reserve(fragments);
  const days = inWindow.map(([summary, agg, p, bucket]) => joinPart(columns, keys, summary, agg, p, bucket));
  const sessions = joinSessions(columns, summarizeSessions(columns, scoped), days, keys);

  // Event-level metrics and the chart tallies.
  const userCount = columns.userIds.size;
  const accountCount = columns.accountIds.keys.length;
  const pageCount = columns.pageIds.keys.length;
  const bucketCount = window.buckets.length;
  const users = new Uint8Array(userCount);
  const accounts = new Uint8Array(accountCount);
  // §2.3: pages are counted per account.
  const pageCounts = new Int32Array(accountCount * pageCount);
  const bucketViews = new Int32Array(bucketCount);
  const bucketOf = new Int32Array(scoped.length);
  let windowEvents = scoped.length;
  let distinctUsers = 0;
  let distinctAccounts = 0;
  let withSession = 0;
  let mobile = 0;
  let pageloadSum = 0;
  let pageloads = 0;
  const { user: userOf, account: accountOf, session: sessionOf, flags, pageload, page, time } = columns;
  for (let k = 0; k < scoped.length; k++) {
    const position = scoped[k]!;
    const user = userOf[position]!;
    if (users[user] === 0) {
      users[user] = 1;
      distinctUsers++;
    }
    const account = accountOf[position]!;
    if (accounts[account] === 0) {
      accounts[account] = 1;
      distinctAccounts++;
    }
    if (sessionOf[position]! >= 0) withSession++;
    if (flags[position]! & MOBILE) mobile++;
    const load = pageload[position]!;
    if (load > 0) {
      pageloadSum += load;
      pageloads++;
    }
    pageCounts[account * pageCount + page[position]!]!++;
    const bucket = bucketIndex(window.buckets, time[position]!);
    bucketOf[k] = bucket;
    if (bucket >= 0) bucketViews[bucket]!++;
  }
  // The aggregated parts of days: their tallies add up, their visitors and accounts are sets.
  for (const day of days) {
    const { part } = day;
    windowEvents += part.events;
    withSession += part.withSession;
    mobile += part.mobile;
    pageloadSum += part.pageloadSum;
    pageloads += part.pageloads;
    bucketViews[day.bucket]! += part.events;
    for (let k = 0; k < day.users.length; k++) {
      const user = day.users[k]!;
      if (users[user] === 0) {
        users[user] = 1;
        distinctUsers++;
      }
    }
    for (let k = 0; k < day.accounts.length; k++) {
      const account = day.accounts[k]!;
      if (accounts[account] === 0) {
        accounts[account] = 1;
        distinctAccounts++;
      }
    }
    for (let k = 0; k < day.pages.length; k += 3) pageCounts[day.pages[k]! * pageCount + day.pages[k + 1]!]! += day.pages[k + 2]!;
  }
  const bucketUsers = distinctPerBucket(scoped, bucketOf, userOf, userCount, bucketCount, days.map((day) => [day.bucket, day.users] as const));
  const bucketAccounts = distinctPerBucket(scoped, bucketOf, accountOf, accountCount, bucketCount, days.map((day) => [day.bucket, day.accounts] as const));

  // Session-level metrics.
  let bounces = 0;
  const landings = new Int32Array(pageCount);
  const exits = new Int32Array(pageCount);
  for (let k = 0; k < sessions.count; k++) {
    const id = sessions.ids[k]!;
    const count = sessions.events[id]!;
    if (count === 1) bounces++;
    landings[sessions.landing[id]!]!++;
    // §2.5: only sessions with two or more events have an exit page.
    if (count >= 2) exits[sessions.exit[id]!]!++;
  }

  let returningUsers: number | null;
  if (window.preset === '6months') returningUsers = null; // D9: shown as "–"
  else if (distinctUsers === 0) returningUsers = 0;
  else {
    returningUsers = 1 - newUsers(columns, users, distinctUsers, window.start, olderSummaries) / distinctUsers;
  }

  const pages: PageRow[] = [];
  for (let account = 0; account < accountCount; account++) {
    for (let id = 0; id < pageCount; id++) {
      const count = pageCounts[account * pageCount + id]!;
      if (count > 0) pages.push({ key: columns.pageIds.keys[id]!, count, accountId: columns.accountIds.keys[account]! });
    }
  }
  pages.sort((a, b) => byCountThenKey(a, b) || compareKeys(a.accountId, b.accountId));

  // W0 = [now−28d, now−21d), W1, W2, W3 = [now−7d, now] (§2.11).
  const retention = columns.between(retentionFrom, now);
  const weekSizes = [0, 0, 0, 0];
  const weekOf = new Uint8Array(retention.length);
  for (let k = 0; k < retention.length; k++) weekSizes[(weekOf[k] = retentionWeek(time[retention[k]!]!, retentionFrom))]!++;
  const weeks = weekSizes.map((size) => new Int32Array(size));
  const filled = [0, 0, 0, 0];
  for (let k = 0; k < retention.length; k++) weeks[weekOf[k]!]![filled[weekOf[k]!]!++] = retention[k]!;

  const live = applyFilter(columns, columns.between(liveFrom, now), filter);
  const latest = columns.latest >= 0 ? columns.eventAt(columns.latest) : null;

  return {
    resolution: window.resolution,
    window: {
      from: new Date(window.start).toISOString(),
      to: new Date(window.end).toISOString(),
      resolution: window.resolution,
      preset: window.preset,
      custom: window.custom,
      available: window.available,
      timeZone,
    },
    filter,
    uniqueUsers: distinctUsers,
    uniqueAccounts: distinctAccounts,
    uniqueSessions: sessions.count,
    avgPageDepth: sessions.count > 0 ? withSession / sessions.count : null,
    bounceRate: sessions.count > 0 ? bounces / sessions.count : 0,
    returningUsers,
    mobileShare: windowEvents > 0 ? mobile / windowEvents : null,
    avgPageload: pageloads > 0 ? pageloadSum / pageloads : null,
    pageviews: chart(window, bucketViews, bucketUsers, bucketAccounts, timeZone),
    pages,
    landingPages: pageRows(landings, columns.pageIds.keys),
    exitPages: pageRows(exits, columns.pageIds.keys),
    referrers: sessionRows(sessions, sessions.referrer, keys.referrers.keys, NONE_REFERRER),
    campaigns: sessionRows(sessions, sessions.campaign, keys.tags.keys, null),
    sources: sessionRows(sessions, sessions.source, keys.tags.keys, null),
    geo: sessionRows(sessions, sessions.geo, columns.geoIds.keys, NONE_GEOLOCATION),
    liveUsers: countUsers(columns, live),
    livePages: livePages(columns, live),
    retentionMatrix: retentionMatrix(
      columns,
      weeks.map((week) => applyFilter(columns, week, filter)),
      summarizedWeeks,
    ),
    empty: columns.total === 0,
    onboardingStats: onboardingStats(latest, latest ? columns.perAccount.get(latest.accountId)! : 0, columns.urls),
  };
}
