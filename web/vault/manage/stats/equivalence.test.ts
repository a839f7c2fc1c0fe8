// The optimised computeStats (stats.ts) must give exactly the result of the straightforward reference
// (reference.test-support.ts) on any data: random datasets with the awkward cases mixed in (same-millisecond
// events, duplicate and lower-case and invalid eventIds, events without session or geo, odd pageloads, URLs
// that do not parse, several accounts, shuffled order), every preset and a custom range, every filter prop,
// and zones with DST changes (Europe/Berlin, America/Santiago, Australia/Lord_Howe's 30-minute shift).
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../types.ts';
import { FILTER_PROPS } from './filters.ts';
import type { RangeQuery } from './ranges.ts';
import { referenceStats } from './reference.test-support.ts';
import { UserNumbers, encodeBlock, eventTime, parseBlock, serializeBlock, summarize } from '../event-block.ts';
import type { DaySummary, EventBlock } from '../event-block.ts';
import { aggregateDay, dayCut, parseAggregate, parseTimes, serializeAggregate, serializeTimes } from './day-aggregate.ts';
import { computeBlockStats, computeStats, neededDays } from './stats.ts';
import type { StatsContext } from './stats.ts';
import type { DashboardStats } from './types.ts';
import { NONE_GEOLOCATION, NONE_REFERRER } from './urls.ts';

const DAY = 86_400_000;
const MINUTE = 60_000;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** mulberry32, so a failure names a seed that reproduces it. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Dataset {
  seed: number;
  timeZone: string;
  now: number;
  shuffled: boolean;
  events: NormalizedEvent[];
}

const SITES = ['https://www.example.com', 'https://shop.example.com:8443', 'http://localhost:8080'];
const PATHS = ['/', '/about', '/about/', '/blog/post-1', '/blog/post-2?x=1', '/contact#form', '/pricing/?utm_campaign=Spring', '/%C3%BCber'];
const REFERRERS = [
  '',
  '',
  '',
  'https://www.google.com/',
  'https://google.co.uk/',
  'https://duckduckgo.com/',
  'https://t.co/abc',
  'https://microsoft.co/x',
  'https://news.ycombinator.com/item',
  'https://en.wikipedia.org/wiki/X',
  'https://blog.example.org/post',
  'https://www.example.com/about',
  'android-app://org.telegram.messenger',
  'not a url',
];
const RAW_TAGS = ['?utm_campaign=Newsletter&utm_source=Mail', '?utm_source=Twitter', '?utm_campaign=spring', '?utm_campaign=&utm_source=', '?utm%5Fcampaign=Encoded', '?utm_medium=email'];
const GEOS = ['DE', 'FR', 'US', 'CL', null, ''];

/**
 * Session n's id: a UUID as the vault writes them (kept as 128 bits), the same in upper case (a string: a
 * different session), or another string.
 */
function sessionName(n: number): string {
  const hex = (value: number, width: number) => (value >>> 0).toString(16).padStart(width, '0').slice(-width);
  const uuid = `${hex(Math.imul(n, 0x9e3779b1), 8)}-${hex(n, 4)}-4${hex(n >> 4, 3)}-8${hex(n * 7, 3)}-${hex(n * 13, 4)}${hex(Math.imul(n, 0x85ebca6b), 8)}`;
  return n % 3 === 0 ? `s-${n}` : n % 3 === 1 ? uuid : uuid.toUpperCase();
}

function dataset(seed: number, timeZone: string, now: number, size: number, shuffled: boolean): Dataset {
  const random = prng(seed);
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const tail = () => Array.from({ length: 16 }, () => pick(CROCKFORD.split(''))).join('');
  const idAt = (time: number) => {
    let head = '';
    for (let t = time, i = 0; i < 10; i++, t = Math.floor(t / 32)) head = CROCKFORD[t % 32] + head;
    return head + tail();
  };
  const users = Array.from({ length: Math.max(5, Math.floor(size / 12)) }, (_, i) => ({ id: `user-${i}`, geo: pick(GEOS), mobile: random() < 0.4 }));
  const events: NormalizedEvent[] = [];
  while (events.length < size) {
    const user = pick(users);
    // Most sessions spread over ~7 months; some cluster in the last hour so the real-time panel has data.
    let time = random() < 0.15 ? now - Math.floor(random() * 60 * MINUTE) : now - Math.floor(random() * 215 * DAY) + Math.floor(random() * 2 * DAY);
    const site = random() < 0.8 ? SITES[0]! : pick(SITES);
    const sessionId = random() < 0.05 ? pick([null, '']) : sessionName(Math.floor(random() * size));
    const length = 1 + Math.floor(random() * (random() < 0.3 ? 1 : 8));
    for (let k = 0; k < length && events.length < size; k++) {
      const href = random() < 0.03 ? pick(['not a url', 'file:///tmp/x.html', '']) : site + pick(PATHS);
      let eventId = idAt(time);
      const odd = random();
      // A few non-canonical ids: lower case (still a ULID time), not a ULID at all, or a repeat of the last.
      if (odd < 0.01) eventId = eventId.toLowerCase();
      else if (odd < 0.02) eventId = pick(['x', 'not-a-ulid', `${eventId}Z`, 'ZZZZZZZZZZZZZZZZZZZZZZZZZZ']);
      else if (odd < 0.03 && events.length > 0) eventId = events[events.length - 1]!.eventId;
      const event: NormalizedEvent = {
        eventId,
        accountId: random() < 0.9 ? 'acc-1' : pick(['acc-2', 'acc-3']),
        secretId: user.id,
        type: 'PAGEVIEW',
        href,
        referrer: k === 0 ? pick(REFERRERS) : random() < 0.8 ? `${site}/` : pick(REFERRERS),
        pageload: pick([null, null, 0, -3, 120, 480.5, 1234.25, 3000]),
        isMobile: random() < 0.1 ? !user.mobile : user.mobile,
        timestamp: random() < 0.02 ? 'garbage' : new Date(time + Math.floor((random() - 0.5) * 20_000)).toISOString(),
        sessionId,
        geo: random() < 0.2 ? pick(GEOS) : user.geo,
      };
      if (random() < 0.15) event.rawHref = href + pick(RAW_TAGS);
      events.push(event);
      // Same-millisecond neighbours now and then, so ties are decided by the rest of the id.
      time += random() < 0.1 ? 0 : Math.floor(random() * 40 * MINUTE);
    }
  }
  events.sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
  if (shuffled) {
    for (let i = events.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [events[i], events[j]] = [events[j]!, events[i]!];
    }
  }
  return { seed, timeZone, now, shuffled, events };
}

const QUERIES: readonly RangeQuery[] = [
  { range: 'yesterday', resolution: 'hours' },
  { range: '24', resolution: 'hours' },
  {},
  { range: '30', resolution: 'days' },
  { range: '6', resolution: 'weeks' },
  { range: '12', resolution: 'weeks' },
  { range: '6', resolution: 'months' },
  { range: '3', resolution: 'days' },
  { from: '2024-02-20', to: '2024-04-10' },
  { from: '2024-03-29', to: '2024-04-08', resolution: 'hours' },
];

/** Filter values that match something in the reference result (rows of its tables), plus one that matches nothing. */
function filterValues(base: DashboardStats): string[] {
  const keys = (rows: { key: string }[]) => rows.slice(0, 1).map((row) => row.key);
  return [
    ...base.pages.slice(0, 2).map((row) => `href:${row.key}`),
    ...keys(base.referrers).map((key) => `referrer:${key}`),
    `referrer:${NONE_REFERRER}`,
    ...keys(base.campaigns).map((key) => `campaign:${key}`),
    ...keys(base.sources).map((key) => `source:${key}`),
    ...keys(base.landingPages).map((key) => `landing:${key}`),
    // landing and href with the stripped URL's trailing slash removed select the same page
    ...keys(base.landingPages).map((key) => `landing:${key.replace(/\/$/, '')}`),
    ...keys(base.exitPages).map((key) => `exit:${key}`),
    ...keys(base.geo).map((key) => `geo:${key}`),
    `geo:${NONE_GEOLOCATION}`,
    ...FILTER_PROPS.map((prop) => `${prop}:nothing-matches`),
  ];
}

const DATASETS: readonly Dataset[] = [
  // now in CEST, six months back across the March change
  dataset(1, 'Europe/Berlin', Date.parse('2024-10-11T10:00:00Z'), 1500, false),
  // now right after Berlin's October change (02:00–03:00 happens twice)
  dataset(2, 'Europe/Berlin', Date.parse('2024-10-27T02:30:00Z'), 1200, true),
  // Santiago leaves DST on the first Saturday of April (midnight repeats) and enters it in September
  dataset(3, 'America/Santiago', Date.parse('2024-04-07T04:30:00Z'), 1200, false),
  dataset(4, 'America/Santiago', Date.parse('2024-09-08T05:00:00Z'), 1000, true),
  dataset(5, 'Australia/Lord_Howe', Date.parse('2024-04-07T00:00:00Z'), 1000, true),
  dataset(6, 'Asia/Kolkata', Date.parse('2024-04-09T18:45:00Z'), 1000, false),
  dataset(7, 'UTC', Date.parse('2024-04-10T23:59:59.999Z'), 800, true),
];

describe('computeStats equals the reference implementation', () => {
  for (const data of DATASETS) {
    it(`seed ${data.seed}: ${data.events.length} events, ${data.timeZone}, ${data.shuffled ? 'shuffled' : 'sorted'}`, () => {
      let compared = 0;
      for (const retentionPeriod of ['6months', '30days']) {
        const context: StatsContext = { timeZone: data.timeZone, now: data.now, retentionPeriod };
        for (const query of QUERIES) {
          const base = referenceStats(data.events, query, context);
          // the dataset must exercise the metrics, not only empty windows
          if (query.range === '6' && query.resolution === 'months') expect(base.uniqueSessions).toBeGreaterThan(50);
          expect(computeStats(data.events, query, context), JSON.stringify(query)).toStrictEqual(base);
          compared++;
          if (retentionPeriod !== '6months') continue;
          for (const filter of filterValues(base)) {
            const filtered = { ...query, filter };
            expect(computeStats(data.events, filtered, context), JSON.stringify(filtered)).toStrictEqual(referenceStats(data.events, filtered, context));
            compared++;
          }
        }
      }
      expect(compared).toBeGreaterThan(100);
    }, 120_000);
  }

  // The operator's view hands the metrics its events as day blocks read back from the cache's bytes
  // (event-block.ts): any split, serialised and parsed, gives the reference result too.
  for (const data of DATASETS.slice(0, 4)) {
    it(`seed ${data.seed}: the same events as serialised blocks of random sizes`, () => {
      const random = prng(data.seed * 7919);
      const blocks: EventBlock[] = [];
      // Half of the datasets code their visitors with one numbering shared by all blocks, as a view does.
      const users = data.seed % 2 === 0 ? new UserNumbers() : undefined;
      for (let at = 0; at < data.events.length; ) {
        const size = Math.min(data.events.length - at, 1 + Math.floor(random() * 120));
        blocks.push(parseBlock(serializeBlock(encodeBlock(data.events.slice(at, at + size), users), users), users));
        at += size;
      }
      if (users) expect(blocks.every((block) => block.columns.secretId.d === users.names)).toBe(true);
      expect(blocks.length).toBeGreaterThan(5);
      const context: StatsContext = { timeZone: data.timeZone, now: data.now, retentionPeriod: '6months' };
      for (const query of QUERIES) {
        expect(computeBlockStats(blocks, query, context), JSON.stringify(query)).toStrictEqual(referenceStats(data.events, query, context));
        for (const filter of ['referrer:' + NONE_REFERRER, 'geo:DE', 'landing:https://www.example.com/about']) {
          const filtered = { ...query, filter };
          expect(computeBlockStats(blocks, filtered, context), JSON.stringify(filtered)).toStrictEqual(referenceStats(data.events, filtered, context));
        }
      }
    }, 120_000);
  }

  // A page load reads the blocks of the days its query needs (neededDays) and the newest day; every other day
  // stands in as its summary, as the cache view hands them over, with its aggregate (serialised and parsed) for
  // the days inside the window. The result is still the reference's.
  for (const data of DATASETS) {
    it(`seed ${data.seed}: day blocks for the days a query needs, summaries and aggregates for the rest`, () => {
      const users = new UserNumbers();
      const byDay = new Map<number, NormalizedEvent[]>();
      // Ids all upper case (as the server writes them): a day with a lower-case one is always read, and beside it
      // no day is aggregated (the computation refuses: see below).
      const events = data.events.map((event) => ({ ...event, eventId: event.eventId.toUpperCase() }));
      for (const event of events) {
        const time = eventTime(event.eventId);
        const day = Number.isNaN(time) ? Infinity : Math.floor(time / DAY);
        let list = byDay.get(day);
        if (!list) byDay.set(day, (list = []));
        list.push(event);
      }
      const days = [...byDay.keys()].sort((a, b) => a - b);
      const newest = Math.max(...days.filter(Number.isFinite));
      const blockOf = new Map(days.map((day) => [day, parseBlock(serializeBlock(encodeBlock(byDay.get(day)!, users), users), users)]));
      const aggregateOf = new Map(
        days.map((day) => {
          // Cut at the viewer's midnight, as the cache view writes them.
          const agg = aggregateDay(blockOf.get(day)!, Number.isFinite(day) ? dayCut(day, data.timeZone) : 0);
          return [day, agg && { agg: parseAggregate(serializeAggregate(agg)), times: parseTimes(serializeTimes(agg.times)) }] as const;
        }),
      );
      let summarizedInRetention = 0;
      let aggregatedDays = 0;
      let cutDays = 0;
      let timedDays = 0;
      for (const retentionPeriod of ['6months', '30days']) {
        const context: StatsContext = { timeZone: data.timeZone, now: data.now, retentionPeriod };
        for (const query of QUERIES) {
          for (const filter of [undefined, 'geo:DE', 'referrer:' + NONE_REFERRER]) {
            const full = filter === undefined ? query : { ...query, filter };
            const need = neededDays(full, context, true);
            if (filter !== undefined) expect(need.summarized.size + need.aggregated.size, JSON.stringify(full)).toBe(0);
            const blocks: EventBlock[] = [];
            const summaries: DaySummary[] = [];
            for (const day of days) {
              const block = blockOf.get(day)!;
              const stored = aggregateOf.get(day);
              const agg = stored?.agg;
              const standsIn = day < need.from || need.summarized.has(day) || (need.aggregated.has(day) && agg !== undefined);
              expect(need.aggregated.has(day) && agg === undefined).toBe(false);
              if (need.aggregated.has(day)) expect(agg!.cut).toBe(need.aggregated.get(day));
              if (need.timed.has(day)) expect(need.aggregated.has(day)).toBe(true);
              if (!standsIn || day === newest) blocks.push(block);
              else {
                summaries.push({
                  ...summarize(block),
                  day,
                  ...(need.aggregated.has(day) ? { agg } : {}),
                  ...(need.timed.has(day) ? { times: stored!.times } : {}),
                });
              }
            }
            summarizedInRetention += summaries.filter((summary) => need.summarized.has(summary.day!)).length;
            aggregatedDays += summaries.filter((summary) => summary.agg !== undefined).length;
            cutDays += summaries.filter((summary) => summary.agg !== undefined && summary.agg.parts.length === 2).length;
            timedDays += summaries.filter((summary) => summary.times !== undefined).length;
            expect(computeBlockStats(blocks, full, context, summaries), JSON.stringify(full)).toStrictEqual(referenceStats(events, full, context));
          }
        }
      }
      // The default 7 days, 24 hours and yesterday leave about three weeks of retention days unread, and the
      // long ranges count most of their days from aggregates.
      expect(summarizedInRetention).toBeGreaterThan(30);
      expect(aggregatedDays).toBeGreaterThan(200);
      // Outside UTC the days stand in as two parts, one on either side of the local midnight.
      if (data.timeZone === 'UTC') expect(cutDays).toBe(0);
      else expect(cutDays).toBeGreaterThan(200);
      // The days a retention week's edge cuts come with their visitors' times (edges at UTC midnights cut none).
      if (data.now % DAY === 0) expect(timedDays).toBe(0);
      else expect(timedDays).toBeGreaterThan(10);
      // Both kinds of session key are stored: UUIDs as bits, the rest as strings.
      const parts = [...aggregateOf.values()].flatMap((stored) => stored?.agg.parts ?? []);
      expect(parts.some((part) => part.uuids.length > 0) && parts.some((part) => part.others.length > 0)).toBe(true);
    }, 120_000);
  }

  it('refuses summaries of days a query needs as blocks rather than counting them wrong', () => {
    const data = DATASETS[0]!;
    const context: StatsContext = { timeZone: data.timeZone, now: data.now, retentionPeriod: '6months' };
    const today = Math.floor(data.now / DAY);
    const block = encodeBlock(data.events.filter((event) => Math.floor(eventTime(event.eventId) / DAY) === today - 10));
    const inRetention = { ...summarize(block), day: today - 10 };
    // Unfiltered, a day wholly inside one retention week may stand in as its summary…
    expect(neededDays({}, context).summarized.has(today - 10)).toBe(true);
    expect(() => computeBlockStats([], {}, context, [inRetention])).not.toThrow();
    // …not under a filter, nor inside the 30-day window.
    expect(() => computeBlockStats([], { filter: 'geo:DE' }, context, [inRetention])).toThrow(/not read/);
    expect(() => computeBlockStats([], { range: '30', resolution: 'days' }, context, [inRetention])).toThrow(/not read/);
  });

  it('exercises live users, retention and onboarding in the datasets', () => {
    const data = DATASETS[0]!;
    const base = referenceStats(data.events, {}, { timeZone: data.timeZone, now: data.now, retentionPeriod: '6months' });
    expect(base.liveUsers).toBeGreaterThan(0);
    expect(base.retentionMatrix[0]![1]!).toBeGreaterThan(0);
    expect(base.onboardingStats?.numVisits).toBeGreaterThan(0);
    expect(base.campaigns.length).toBeGreaterThan(0);
  });

  it('gives the same result for an empty list and for events that are all outside every window', () => {
    const context: StatsContext = { timeZone: 'Europe/Berlin', now: Date.parse('2024-10-11T10:00:00Z') };
    expect(computeStats([], {}, context)).toStrictEqual(referenceStats([], {}, context));
    const old = DATASETS[0]!.events.slice(0, 50).map((event) => ({ ...event, eventId: `00${event.eventId.slice(2)}` }));
    expect(computeStats(old, { filter: 'geo:DE' }, context)).toStrictEqual(referenceStats(old, { filter: 'geo:DE' }, context));
  });
});
