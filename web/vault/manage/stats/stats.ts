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
import { EventColumns, MOBILE } from './columns.ts';
import type { Selection } from './columns.ts';
import { applyFilter, parseFilter } from './filters.ts';
import type { Filter } from './filters.ts';
import { bucketIndex, resolveWindow } from './ranges.ts';
import type { RangeQuery, Window } from './ranges.ts';
import { sessionGeo, sessionReferrer, sessionTag, summarizeSessions } from './sessions.ts';
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

/** Session tables (§2.6–2.9): [sessions, events per session], by sessions then page depth, both descending. */
function sessionRows(sessions: Sessions, keyOf: (id: number) => string | null): TableRow[] {
  const groups = new Map<string, { sessions: number; events: number }>();
  for (let k = 0; k < sessions.count; k++) {
    const id = sessions.ids[k]!;
    const key = keyOf(id);
    if (key === null) continue;
    const group = groups.get(key);
    if (group) {
      group.sessions++;
      group.events += sessions.events[id]!;
    } else groups.set(key, { sessions: 1, events: sessions.events[id]! });
  }
  const rows: TableRow[] = [];
  for (const [key, { sessions: count, events }] of groups) rows.push({ key, count, pageDepth: events / count });
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
 * Distinct keys (users or accounts) per chart bucket. `bucketOf[k]` is the bucket of selection[k] (or -1);
 * a key is counted again only when its bucket changes, which needs the events in bucket order: they
 * already are when the input is sorted by eventId (the usual case), otherwise a counting sort makes it so.
 */
function distinctPerBucket(selection: Selection, bucketOf: Int32Array, ordered: boolean, keyOf: Int32Array, keyCount: number, bucketCount: number): Int32Array {
  const counts = new Int32Array(bucketCount);
  const lastBucket = new Int32Array(keyCount).fill(-1);
  let order: Int32Array | null = null;
  if (!ordered) {
    const starts = new Int32Array(bucketCount + 1);
    for (let k = 0; k < bucketOf.length; k++) if (bucketOf[k]! >= 0) starts[bucketOf[k]! + 1]!++;
    for (let b = 0; b < bucketCount; b++) starts[b + 1]! += starts[b]!;
    order = new Int32Array(starts[bucketCount]!);
    for (let k = 0; k < bucketOf.length; k++) if (bucketOf[k]! >= 0) order[starts[bucketOf[k]!]!++] = k;
  }
  const length = order ? order.length : bucketOf.length;
  for (let n = 0; n < length; n++) {
    const k = order ? order[n]! : n;
    const bucket = bucketOf[k]!;
    if (bucket < 0) continue;
    const key = keyOf[selection[k]!]!;
    if (lastBucket[key] !== bucket) {
      lastBucket[key] = bucket;
      counts[bucket]!++;
    }
  }
  return counts;
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
  // A summary's visitors as user ids, each dictionary code looked up once (numbered days share one dictionary).
  const codeIds = new Map<readonly unknown[], Int32Array>();
  const summaryIds = summarized.map(([summary, week]) => {
    const { d, i: codes } = summary.users;
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
function newUsers(columns: EventColumns, inWindow: Uint8Array, count: number, start: number): number {
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
  // Days kept as summaries all lie before the window (neededDays), so all of their visitors were seen before it.
  // (The same steps as the loop above, written out again: both run once per stored visitor code.)
  for (let k = columns.summaries.length - 1; k >= 0 && fresh > 0; k--) {
    const { d, i: codes } = columns.summaries[k]!.users;
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
 * The summaries inside the retention weeks, each with its week. A summary the query needs as a block (one in
 * a window, cut by a week edge, or any in the weeks under a filter) means the caller skipped neededDays: that
 * is refused rather than counted wrong.
 */
function retentionSummaries(
  summaries: readonly DaySummary[],
  window: Window,
  filter: Filter | null,
  retentionFrom: number,
  liveFrom: number,
  now: number,
): Array<readonly [DaySummary, number]> {
  const out: Array<readonly [DaySummary, number]> = [];
  for (const summary of summaries) {
    // Without its day a summary is taken to be older than every window (the contract before neededDays).
    if (summary.day === undefined || !Number.isFinite(summary.day)) continue;
    const first = summary.day * DAY;
    const last = first + DAY - 1;
    if (last >= window.start) throw new Error(`day ${summary.day} lies in the window but was not read`);
    if (last < retentionFrom || first > now) continue;
    const week = retentionWeek(first, retentionFrom);
    if (filter !== null || first < retentionFrom || last >= liveFrom || week !== retentionWeek(last, retentionFrom)) {
      throw new Error(`day ${summary.day} is cut by the retention or live window but was not read`);
    }
    out.push([summary, week]);
  }
  return out;
}

/** The retention week (0–3) of an instant at or after `retentionFrom`; W3 runs to now (§2.11). */
function retentionWeek(time: number, retentionFrom: number): number {
  return Math.min(3, Math.floor((time - retentionFrom) / WEEK));
}

/**
 * Which UTC days (ms / DAY) this query needs as blocks (cache-view.ts DayNeed): those from the day of
 * neededFrom on, except days before the selected window that lie wholly inside one retention week and outside
 * the live window. The retention matrix only asks who was seen in each week, which such a day's summary (its
 * visitors) answers; the days a week edge cuts stay blocks. With a filter every day from `from` on is needed:
 * the filter applies to the retention weeks too (§3.3).
 */
export function neededDays(query: StatsQuery, context: StatsContext): { from: number; summarized: Set<number> } {
  const summarized = new Set<number>();
  const from = Math.floor(neededFrom(query, context) / DAY);
  let window: Window;
  try {
    window = resolveWindow(query, context.timeZone, context.now, context.retentionPeriod);
    if (parseFilter(query.filter) !== null) return { from, summarized };
  } catch {
    return { from, summarized };
  }
  const { now } = context;
  const retentionFrom = now - 4 * WEEK;
  const liveFrom = now - LIVE_WINDOW;
  for (let day = Math.ceil(retentionFrom / DAY); day < Math.floor(window.start / DAY); day++) {
    const first = day * DAY;
    const last = first + DAY - 1;
    if (last >= liveFrom || last > now) break;
    if (retentionWeek(first, retentionFrom) === retentionWeek(last, retentionFrom)) summarized.add(day);
  }
  return { from, summarized };
}

/** The metrics of events given as objects (a visitor's, a test's): they become one block first. */
export function computeStats(events: readonly NormalizedEvent[], query: StatsQuery, context: StatsContext): DashboardStats {
  return computeBlockStats([encodeBlock(events)], query, context);
}

/**
 * The metrics of events given as blocks (an operator's view, cache-view.ts), and of days given only as
 * summaries (with their `day`), which must be days the query does not need as blocks (see neededDays): before
 * the selected and live windows, and inside the retention weeks only wholly within one week and unfiltered.
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
  const sessions = summarizeSessions(columns, scoped);

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
  let ordered = true;
  let previousBucket = 0;
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
    if (bucket >= 0) {
      bucketViews[bucket]!++;
      if (bucket < previousBucket) ordered = false;
      previousBucket = bucket;
    }
  }
  const bucketUsers = distinctPerBucket(scoped, bucketOf, ordered, userOf, userCount, bucketCount);
  const bucketAccounts = distinctPerBucket(scoped, bucketOf, ordered, accountOf, accountCount, bucketCount);

  // Session-level metrics.
  let bounces = 0;
  const landings = new Int32Array(pageCount);
  const exits = new Int32Array(pageCount);
  for (let k = 0; k < sessions.count; k++) {
    const id = sessions.ids[k]!;
    const count = sessions.events[id]!;
    if (count === 1) bounces++;
    landings[page[sessions.first[id]!]!]!++;
    // §2.5: only sessions with two or more events have an exit page.
    if (count >= 2) exits[page[sessions.last[id]!]!]!++;
  }

  let returningUsers: number | null;
  if (window.preset === '6months') returningUsers = null; // D9: shown as "–"
  else if (distinctUsers === 0) returningUsers = 0;
  else {
    returningUsers = 1 - newUsers(columns, users, distinctUsers, window.start) / distinctUsers;
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
  const summarizedWeeks = retentionSummaries(summaries, window, filter, retentionFrom, liveFrom, now);
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
    mobileShare: scoped.length > 0 ? mobile / scoped.length : null,
    avgPageload: pageloads > 0 ? pageloadSum / pageloads : null,
    pageviews: chart(window, bucketViews, bucketUsers, bucketAccounts, timeZone),
    pages,
    landingPages: pageRows(landings, columns.pageIds.keys),
    exitPages: pageRows(exits, columns.pageIds.keys),
    referrers: sessionRows(sessions, (id) => sessionReferrer(columns, sessions, id) ?? NONE_REFERRER),
    campaigns: sessionRows(sessions, (id) => sessionTag(columns, sessions, id, 'campaign')),
    sources: sessionRows(sessions, (id) => sessionTag(columns, sessions, id, 'source')),
    geo: sessionRows(sessions, (id) => sessionGeo(columns, sessions, id) ?? NONE_GEOLOCATION),
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
