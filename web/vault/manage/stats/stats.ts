// Every metric of dashboard.md §2 as one pure function of (events, query, time zone, now, retention): no DOM,
// no IndexedDB, no clock of its own, so a Web Worker can run it. Cost: one pass over all events to split them
// into the windows, then a few linear passes over the window's events; tables are sorted by distinct key only.
import type { NormalizedEvent } from '../types.ts';
import { applyFilter, parseFilter } from './filters.ts';
import type { Filter } from './filters.ts';
import { bucketIndex, resolveWindow } from './ranges.ts';
import type { RangeQuery, Window } from './ranges.ts';
import { summarizeSessions } from './sessions.ts';
import type { SessionFacts, Selection } from './sessions.ts';
import type { ChartBucket, DashboardStats, OnboardingStats, PageRow, TableRow } from './types.ts';
import { NONE_GEOLOCATION, NONE_REFERRER, UrlFacts } from './urls.ts';
import { DAY, MINUTE, isoWeek, wallClock, weekday } from './zoned.ts';

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

// Crockford base-32 digit values by char code (upper and lower case), -1 elsewhere.
const DIGITS = new Int8Array(128).fill(-1);
'0123456789ABCDEFGHJKMNPQRSTVWXYZ'.split('').forEach((char, value) => {
  DIGITS[char.charCodeAt(0)] = value;
  DIGITS[char.toLowerCase().charCodeAt(0)] = value;
});

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
  return time <= 2 ** 48 - 1 ? time : NaN;
}

/** Count per key, then rows sorted by count descending and key ascending (§2.3). */
function countRows(counts: Map<string, number>): TableRow[] {
  return [...counts].map(([key, count]) => ({ key, count })).sort(byCountThenKey);
}

function byCountThenKey(a: TableRow, b: TableRow): number {
  return b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Session tables (§2.6–2.9): [sessions, events per session], by sessions then page depth, both descending. */
function sessionRows(sessions: Iterable<SessionFacts>, keyOf: (session: SessionFacts) => string | null): TableRow[] {
  const groups = new Map<string, { sessions: number; events: number }>();
  for (const session of sessions) {
    const key = keyOf(session);
    if (key === null) continue;
    const group = groups.get(key);
    if (group) {
      group.sessions++;
      group.events += session.events;
    } else groups.set(key, { sessions: 1, events: session.events });
  }
  return [...groups]
    .map(([key, { sessions, events }]) => ({ key, count: sessions, pageDepth: events / sessions }))
    .sort((a, b) => b.count - a.count || b.pageDepth - a.pageDepth || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function distinctUsers(events: readonly NormalizedEvent[], selection: Selection): Set<string> {
  const users = new Set<string>();
  for (const index of selection) users.add(events[index]!.secretId);
  return users;
}

/** The chart bars from per-bucket tallies (§2.2). */
function chart(window: Window, pageviews: readonly number[], visitors: readonly Set<string>[], accounts: readonly Set<string>[], timeZone: string): ChartBucket[] {
  return window.buckets.map((bucket, i) => {
    const clock = wallClock(bucket.start, timeZone);
    return {
      date: new Date(bucket.start).toISOString(),
      pageviews: pageviews[i]!,
      visitors: visitors[i]!.size,
      accounts: accounts[i]!.size,
      local: { year: clock.year, month: clock.month, day: clock.day, hour: clock.hour, weekday: weekday(clock), isoWeek: isoWeek(clock) },
    };
  });
}

/** §2.10 "Active pages": each user's latest event by client timestamp, users counted per page, top 5. */
function livePages(events: readonly NormalizedEvent[], selection: Selection, urls: UrlFacts): TableRow[] {
  const latest = new Map<string, { event: NormalizedEvent; at: number }>();
  for (const index of selection) {
    const event = events[index]!;
    const parsed = Date.parse(event.timestamp);
    const at = Number.isNaN(parsed) ? -Infinity : parsed;
    const known = latest.get(event.secretId);
    // Ties (and unreadable timestamps) fall back to the server order.
    if (!known || at > known.at || (at === known.at && event.eventId > known.event.eventId)) latest.set(event.secretId, { event, at });
  }
  const counts = new Map<string, number>();
  for (const { event } of latest.values()) increment(counts, urls.page(event.href));
  return countRows(counts).slice(0, 5);
}

/** §2.11: cell (i, j) = share of cohort i (users of Wi) also seen in Wj; the diagonal is 1, or 0 if empty. */
function retentionMatrix(windows: readonly Set<string>[]): number[][] {
  return windows.map((cohort, i) =>
    windows.slice(i).map((later) => {
      if (cohort.size === 0) return 0;
      let kept = 0;
      for (const user of cohort) if (later.has(user)) kept++;
      return kept / cohort.size;
    }),
  );
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

export function computeStats(events: readonly NormalizedEvent[], query: StatsQuery, context: StatsContext): DashboardStats {
  const { timeZone, now } = context;
  const window = resolveWindow(query, timeZone, now, context.retentionPeriod);
  const filter: Filter | null = parseFilter(query.filter);
  const urls = new UrlFacts();

  // Pass 1: decode each event time once and split the events into the windows that use them.
  const times = new Float64Array(events.length);
  const inWindow: number[] = [];
  const live: number[] = [];
  const retention: number[][] = [[], [], [], []];
  const seenBefore = new Set<string>();
  let latest: NormalizedEvent | null = null;
  const liveFrom = now - LIVE_WINDOW;
  const retentionFrom = now - 4 * WEEK;
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!;
    const time = (times[index] = eventTime(event.eventId));
    if (Number.isNaN(time)) continue;
    // Returning users (§2.1): "before" = any stored event older than the window, never filtered.
    if (time < window.start) seenBefore.add(event.secretId);
    else if (time <= window.end) inWindow.push(index);
    if (time >= liveFrom && time <= now) live.push(index);
    // W0 = [now−28d, now−21d), W1, W2, W3 = [now−7d, now] (§2.11; they ignore the selected range).
    if (time >= retentionFrom && time <= now) retention[Math.min(3, Math.floor((time - retentionFrom) / WEEK))]!.push(index);
    if (!latest || event.eventId > latest.eventId) latest = event;
  }

  // §2.13 numVisits: the stored events of the latest event's account.
  let visits = 0;
  if (latest) for (const event of events) if (event.accountId === latest.accountId) visits++;

  // The filter applies first (§2), to the window and to each of the live and retention windows (§3.3).
  const scoped = applyFilter(events, inWindow, filter, urls);
  const sessions = summarizeSessions(events, scoped, urls);

  // Pass 2: event-level metrics and the chart tallies.
  const users = new Set<string>();
  const accounts = new Set<string>();
  const pageCounts = new Map<string, Map<string, number>>();
  const bucketViews = new Array<number>(window.buckets.length).fill(0);
  const bucketUsers = window.buckets.map(() => new Set<string>());
  const bucketAccounts = window.buckets.map(() => new Set<string>());
  let withSession = 0;
  let mobile = 0;
  let pageloadSum = 0;
  let pageloads = 0;
  let lastAccount: string | null = null;
  let accountPages = new Map<string, number>();
  for (const index of scoped) {
    const event = events[index]!;
    users.add(event.secretId);
    accounts.add(event.accountId);
    if (event.sessionId) withSession++;
    if (event.isMobile) mobile++;
    // Only first loads carry a pageload; null, 0 and negative values are not measurements (§2.1).
    if (typeof event.pageload === 'number' && event.pageload > 0) {
      pageloadSum += event.pageload;
      pageloads++;
    }
    // §2.3: pages are counted per account.
    if (event.accountId !== lastAccount) {
      lastAccount = event.accountId;
      let known = pageCounts.get(lastAccount);
      if (!known) pageCounts.set(lastAccount, (known = new Map()));
      accountPages = known;
    }
    increment(accountPages, urls.page(event.href));
    const bucket = bucketIndex(window.buckets, times[index]!);
    if (bucket >= 0) {
      bucketViews[bucket]!++;
      bucketUsers[bucket]!.add(event.secretId);
      bucketAccounts[bucket]!.add(event.accountId);
    }
  }

  // Pass 3: session-level metrics.
  let bounces = 0;
  const landings = new Map<string, number>();
  const exits = new Map<string, number>();
  for (const session of sessions.values()) {
    if (session.events === 1) bounces++;
    increment(landings, urls.page(session.first.href));
    // §2.5: only sessions with two or more events have an exit page.
    if (session.events >= 2) increment(exits, urls.page(session.last.href));
  }

  let returningUsers: number | null;
  if (window.preset === '6months') returningUsers = null; // D9: shown as "–"
  else if (users.size === 0) returningUsers = 0;
  else {
    let fresh = 0;
    for (const user of users) if (!seenBefore.has(user)) fresh++;
    returningUsers = 1 - fresh / users.size;
  }

  const pages: PageRow[] = [];
  for (const [accountId, counts] of pageCounts) for (const [key, count] of counts) pages.push({ key, count, accountId });
  pages.sort((a, b) => byCountThenKey(a, b) || (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));

  const liveScoped = applyFilter(events, live, filter, urls);
  const sessionList = [...sessions.values()];

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
    uniqueUsers: users.size,
    uniqueAccounts: accounts.size,
    uniqueSessions: sessions.size,
    avgPageDepth: sessions.size > 0 ? withSession / sessions.size : null,
    bounceRate: sessions.size > 0 ? bounces / sessions.size : 0,
    returningUsers,
    mobileShare: scoped.length > 0 ? mobile / scoped.length : null,
    avgPageload: pageloads > 0 ? pageloadSum / pageloads : null,
    pageviews: chart(window, bucketViews, bucketUsers, bucketAccounts, timeZone),
    pages,
    landingPages: countRows(landings),
    exitPages: countRows(exits),
    referrers: sessionRows(sessionList, (s) => urls.referrer(s.first.referrer, s.first.href) ?? NONE_REFERRER),
    campaigns: sessionRows(sessionList, (s) => s.campaign),
    sources: sessionRows(sessionList, (s) => s.source),
    geo: sessionRows(sessionList, (s) => s.geo ?? NONE_GEOLOCATION),
    liveUsers: distinctUsers(events, liveScoped).size,
    livePages: livePages(events, liveScoped, urls),
    retentionMatrix: retentionMatrix(retention.map((selection) => distinctUsers(events, applyFilter(events, selection, filter, urls)))),
    empty: events.length === 0,
    onboardingStats: onboardingStats(latest, visits, urls),
  };
}
