// Test-only reference for the metrics (not bundled: only *.test.ts and bench/stats-bench.mjs import it). It is
// the first, straightforward implementation of dashboard.md §2 over event objects and string-keyed Maps and
// Sets, kept so that equivalence.test.ts can check the optimised computeStats (stats.ts) against it on random
// data. It shares only the pieces both use unchanged: window resolution (ranges.ts), filter parsing, URL
// normalisation and the referrer names (urls.ts); event times come from ../ulid.ts, a separate decoder.
import type { NormalizedEvent } from '../types.ts';
import { ulidTime } from '../ulid.ts';
import { parseFilter } from './filters.ts';
import type { Filter } from './filters.ts';
import { bucketIndex, resolveWindow } from './ranges.ts';
import type { Window } from './ranges.ts';
import type { StatsContext, StatsQuery } from './stats.ts';
import type { ChartBucket, DashboardStats, OnboardingStats, PageRow, TableRow } from './types.ts';
import { NONE_GEOLOCATION, NONE_REFERRER, UrlFacts, stripHref } from './urls.ts';
import { DAY, MINUTE, isoWeek, wallClock, weekday } from './zoned.ts';

type Selection = readonly number[];

interface SessionFacts {
  events: number;
  first: NormalizedEvent;
  last: NormalizedEvent;
  geo: string | null;
  campaign: string | null;
  source: string | null;
}

interface Working extends SessionFacts {
  geoId: string;
  campaignId: string;
  sourceId: string;
}

const LIVE_WINDOW = 15 * MINUTE;
const WEEK = 7 * DAY;

function summarizeSessions(events: readonly NormalizedEvent[], selection: Selection, urls: UrlFacts): Map<string, SessionFacts> {
  const sessions = new Map<string, Working>();
  for (const index of selection) {
    const event = events[index]!;
    const id = event.sessionId;
    if (!id) continue;
    const { campaign, source } = urls.utm(event.href, event.rawHref);
    const geo = event.geo || null;
    const session = sessions.get(id);
    if (!session) {
      sessions.set(id, {
        events: 1,
        first: event,
        last: event,
        geo,
        geoId: geo ? event.eventId : '',
        campaign,
        campaignId: campaign ? event.eventId : '',
        source,
        sourceId: source ? event.eventId : '',
      });
      continue;
    }
    session.events++;
    if (event.eventId < session.first.eventId) session.first = event;
    if (event.eventId > session.last.eventId) session.last = event;
    if (geo && (!session.geoId || event.eventId < session.geoId)) {
      session.geo = geo;
      session.geoId = event.eventId;
    }
    if (campaign && (!session.campaignId || event.eventId < session.campaignId)) {
      session.campaign = campaign;
      session.campaignId = event.eventId;
    }
    if (source && (!session.sourceId || event.eventId < session.sourceId)) {
      session.source = source;
      session.sourceId = event.eventId;
    }
  }
  return sessions;
}

function sessionMatches(filter: Filter, session: SessionFacts, urls: UrlFacts, target: string): boolean {
  switch (filter.prop) {
    case 'referrer':
      return (urls.referrer(session.first.referrer, session.first.href) ?? NONE_REFERRER) === filter.value;
    case 'campaign':
      return session.campaign === filter.value;
    case 'source':
      return session.source === filter.value;
    case 'landing':
      return urls.page(session.first.href) === target;
    case 'exit':
      return session.events >= 2 && urls.page(session.last.href) === target;
    case 'geo':
      return (session.geo ?? NONE_GEOLOCATION) === filter.value;
    case 'href':
      return false;
  }
}

function applyFilter(events: readonly NormalizedEvent[], selection: Selection, filter: Filter | null, urls: UrlFacts): Selection {
  if (!filter) return selection;
  const target = filter.prop === 'href' || filter.prop === 'landing' || filter.prop === 'exit' ? stripHref(filter.value) : filter.value;
  if (filter.prop === 'href') return selection.filter((index) => urls.page(events[index]!.href) === target);
  const matched = new Set<string>();
  for (const [id, session] of summarizeSessions(events, selection, urls)) if (sessionMatches(filter, session, urls, target)) matched.add(id);
  return selection.filter((index) => {
    const id = events[index]!.sessionId;
    return id !== null && matched.has(id);
  });
}

function countRows(counts: Map<string, number>): TableRow[] {
  return [...counts].map(([key, count]) => ({ key, count })).sort(byCountThenKey);
}

function byCountThenKey(a: TableRow, b: TableRow): number {
  return b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

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

function livePages(events: readonly NormalizedEvent[], selection: Selection, urls: UrlFacts): TableRow[] {
  const latest = new Map<string, { event: NormalizedEvent; at: number }>();
  for (const index of selection) {
    const event = events[index]!;
    const parsed = Date.parse(event.timestamp);
    const at = Number.isNaN(parsed) ? -Infinity : parsed;
    const known = latest.get(event.secretId);
    if (!known || at > known.at || (at === known.at && event.eventId > known.event.eventId)) latest.set(event.secretId, { event, at });
  }
  const counts = new Map<string, number>();
  for (const { event } of latest.values()) increment(counts, urls.page(event.href));
  return countRows(counts).slice(0, 5);
}

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

/** The reference computeStats: same inputs, same result, no attention to speed. */
export function referenceStats(events: readonly NormalizedEvent[], query: StatsQuery, context: StatsContext): DashboardStats {
  const { timeZone, now } = context;
  const window = resolveWindow(query, timeZone, now, context.retentionPeriod);
  const filter: Filter | null = parseFilter(query.filter);
  const urls = new UrlFacts();

  const times = events.map((event) => ulidTime(event.eventId) ?? NaN);
  const inWindow: number[] = [];
  const live: number[] = [];
  const retention: number[][] = [[], [], [], []];
  const seenBefore = new Set<string>();
  let latest: NormalizedEvent | null = null;
  const liveFrom = now - LIVE_WINDOW;
  const retentionFrom = now - 4 * WEEK;
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!;
    const time = times[index]!;
    if (Number.isNaN(time)) continue;
    if (time < window.start) seenBefore.add(event.secretId);
    else if (time <= window.end) inWindow.push(index);
    if (time >= liveFrom && time <= now) live.push(index);
    if (time >= retentionFrom && time <= now) retention[Math.min(3, Math.floor((time - retentionFrom) / WEEK))]!.push(index);
    if (!latest || event.eventId > latest.eventId) latest = event;
  }

  let visits = 0;
  if (latest) for (const event of events) if (event.accountId === latest.accountId) visits++;

  const scoped = applyFilter(events, inWindow, filter, urls);
  const sessions = summarizeSessions(events, scoped, urls);

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
  for (const index of scoped) {
    const event = events[index]!;
    users.add(event.secretId);
    accounts.add(event.accountId);
    if (event.sessionId) withSession++;
    if (event.isMobile) mobile++;
    if (typeof event.pageload === 'number' && event.pageload > 0) {
      pageloadSum += event.pageload;
      pageloads++;
    }
    let accountPages = pageCounts.get(event.accountId);
    if (!accountPages) pageCounts.set(event.accountId, (accountPages = new Map()));
    increment(accountPages, urls.page(event.href));
    const bucket = bucketIndex(window.buckets, times[index]!);
    if (bucket >= 0) {
      bucketViews[bucket]!++;
      bucketUsers[bucket]!.add(event.secretId);
      bucketAccounts[bucket]!.add(event.accountId);
    }
  }

  let bounces = 0;
  const landings = new Map<string, number>();
  const exits = new Map<string, number>();
  for (const session of sessions.values()) {
    if (session.events === 1) bounces++;
    increment(landings, urls.page(session.first.href));
    if (session.events >= 2) increment(exits, urls.page(session.last.href));
  }

  let returningUsers: number | null;
  if (window.preset === '6months') returningUsers = null;
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
