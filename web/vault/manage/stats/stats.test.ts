// Every metric of dashboard.md §2 on the fixed dataset of fixture.ts; each expectation is worked out by hand
// in the comment next to it. Window: the default 7 days, Sat 5 Oct 00:00 … Fri 11 Oct 23:59:59.999 CEST,
// which holds e05–e17 (13 events); e01–e04 are older (e04 by 30 minutes).
import { describe, expect, it } from 'vitest';
import { ACCOUNT, EVENTS, NOW, SITE, TIME_ZONE, event } from './fixture.ts';
import { computeStats } from './stats.ts';
import type { StatsQuery } from './stats.ts';
import { NONE_GEOLOCATION, NONE_REFERRER } from './urls.ts';

const stats = (query: StatsQuery = {}, events = EVENTS, retentionPeriod: unknown = '6months') =>
  computeStats(events, query, { timeZone: TIME_ZONE, now: NOW, retentionPeriod });
const page = (path: string) => SITE + path;

describe('key metrics (§2.1) on the default 7-day window', () => {
  const result = stats();

  it('counts users, accounts and sessions', () => {
    // users in the window: user-a (e05–e08, e15, e16), user-b (e09–e12), user-c (e13, e14, e17) = 3;
    // user-d's e04 (Fri 4 Oct 23:30 CEST) is 30 minutes before the window.
    expect(result.uniqueUsers).toBe(3);
    // one account
    expect(result.uniqueAccounts).toBe(1);
    // sessions s1, s2, s3, s4, s5 = 5 (e17 has no sessionId and belongs to none)
    expect(result.uniqueSessions).toBe(5);
  });

  it('computes page depth and bounce rate', () => {
    // events with a sessionId = 13 − 1 (e17) = 12; 12 ÷ 5 sessions = 2.4
    expect(result.avgPageDepth).toBeCloseTo(2.4, 10);
    // sessions with exactly one event: s3 only → 1 of 5 = 20 %
    expect(result.bounceRate).toBeCloseTo(0.2, 10);
  });

  it('computes returning users against every stored event before the window, unfiltered', () => {
    // seen before the window: user-d (e01, e04), user-c (e02), user-a (e03); so of {a, b, c} only user-b is
    // new → 1 − 1/3 = 66.7 %
    expect(result.returningUsers).toBeCloseTo(2 / 3, 10);
  });

  it('computes the mobile share of page views and the mean page load of positive values', () => {
    // isMobile: e09, e10, e11, e12 = 4 of 13 page views (a share of page views, not of users, §2.1)
    expect(result.mobileShare).toBeCloseTo(4 / 13, 10);
    // pageload > 0: e05 250 + e09 1200 + e12 800 + e13 400 + e15 600 + e17 500 = 3750 over 6 = 625 ms;
    // null (e06, e10, e11, e14, e16), 0 (e07) and −5 (e08) are left out
    expect(result.avgPageload).toBeCloseTo(625, 10);
  });

  it('has the empty values of §2.1 when the window has no events', () => {
    // a filter that matches nothing leaves no events in the window
    const none = stats({ filter: 'href:https://nowhere.example/' });
    expect(none).toMatchObject({ uniqueUsers: 0, uniqueSessions: 0, avgPageDepth: null, bounceRate: 0, returningUsers: 0, mobileShare: null, avgPageload: null });
  });
});

describe('page views over time (§2.2)', () => {
  it('buckets by local Berlin day, oldest first, with users and accounts per bucket', () => {
    const chart = stats().pageviews;
    expect(chart).toHaveLength(7);
    // Sat 5 Oct 00:00 CEST = 4 Oct 22:00 UTC
    expect(chart[0]!.date).toBe('2024-10-04T22:00:00.000Z');
    expect(chart[0]!.local).toEqual({ year: 2024, month: 10, day: 5, hour: 0, weekday: 5, isoWeek: 40 });
    expect(chart.map((bucket) => bucket.pageviews)).toEqual([
      0, 0, 0, 0, // 5–8 Oct: nothing (e04 is on 4 Oct)
      4, // Wed 9 Oct: e05–e08
      4, // Thu 10 Oct: e09–e12
      5, // Fri 11 Oct: e13–e17
    ]);
    // 9 Oct: user-a; 10 Oct: user-b; 11 Oct: user-c (e13, e14, e17) and user-a (e15, e16) = 2
    expect(chart.map((bucket) => bucket.visitors)).toEqual([0, 0, 0, 0, 1, 1, 2]);
    expect(chart.map((bucket) => bucket.accounts)).toEqual([0, 0, 0, 0, 1, 1, 1]);
  });
});

describe('top, landing and exit pages (§2.3–2.5)', () => {
  const result = stats();

  it('counts page views per stripped URL, by count then URL', () => {
    // / : e05, e11, e13 = 3 · /about/ : e06, e08 (slash variant), e16 = 3 · /blog/post-1/ : e07, e09 (query and
    // hash dropped) = 2 · /blog/post-2/ : e10, e15 = 2 · /contact/ : e14, e17 = 2 · /pricing/ : e12 = 1; sum 13
    expect(result.pages).toEqual([
      { key: page('/'), count: 3, accountId: ACCOUNT },
      { key: page('/about/'), count: 3, accountId: ACCOUNT },
      { key: page('/blog/post-1/'), count: 2, accountId: ACCOUNT },
      { key: page('/blog/post-2/'), count: 2, accountId: ACCOUNT },
      { key: page('/contact/'), count: 2, accountId: ACCOUNT },
      { key: page('/pricing/'), count: 1, accountId: ACCOUNT },
    ]);
  });

  it('takes each session\'s first event as its landing page, single-page sessions included', () => {
    // s1 e05 /, s2 e09 /blog/post-1/, s3 e12 /pricing/ (one event), s4 e13 /, s5 e15 /blog/post-2/
    expect(result.landingPages).toEqual([
      { key: page('/'), count: 2 },
      { key: page('/blog/post-1/'), count: 1 },
      { key: page('/blog/post-2/'), count: 1 },
      { key: page('/pricing/'), count: 1 },
    ]);
  });

  it('takes the last event of sessions with two or more events as the exit page', () => {
    // s1 e08 /about/, s2 e11 /, s4 e14 /contact/, s5 e16 /about/; s3 has one event and no exit
    expect(result.exitPages).toEqual([
      { key: page('/about/'), count: 2 },
      { key: page('/'), count: 1 },
      { key: page('/contact/'), count: 1 },
    ]);
  });

  it('keeps pages of different accounts apart (the visitor\'s multi-site view)', () => {
    const other = { ...event({ tail: 'x1', user: 'local', session: 'v2', at: '2024-10-11T10:00', path: '/', pageload: 1, geo: 'DE' }), accountId: 'acc-2' };
    const mine = event({ tail: 'x2', user: 'local', session: 'v1', at: '2024-10-11T10:01', path: '/', pageload: 1, geo: 'DE' });
    const result = stats({}, [other, mine]);
    // same URL, two accounts: two rows of 1, ordered by account id
    expect(result.pages).toEqual([
      { key: page('/'), count: 1, accountId: ACCOUNT },
      { key: page('/'), count: 1, accountId: 'acc-2' },
    ]);
    expect(result.uniqueAccounts).toBe(2);
    expect(result.pageviews[6]!.accounts).toBe(2);
  });
});

describe('referrers (§2.6, D9)', () => {
  it('groups sessions by the friendly name of their first event\'s external referrer', () => {
    // first events: s1 e05 none (e06's referrer is internal and not first anyway) → None, 4 events;
    // s2 e09 t.co → Twitter, 3 events; s3 e12 microsoft.co → no rule (D9: t.co is a whole host), 1 event;
    // s4 e13 www.google.de → Google, 2 events; s5 e15 news.ycombinator.com → Hacker News, 2 events.
    // One session each, so page depth decides (descending), then the key.
    expect(stats().referrers).toEqual([
      { key: NONE_REFERRER, count: 1, pageDepth: 4 },
      { key: 'Twitter', count: 1, pageDepth: 3 },
      { key: 'Google', count: 1, pageDepth: 2 },
      { key: 'Hacker News', count: 1, pageDepth: 2 },
      { key: 'microsoft.co', count: 1, pageDepth: 1 },
    ]);
  });
});

describe('campaigns and sources (§2.7)', () => {
  const result = stats();

  it('uses the first tagged event of each session, from rawHref when present', () => {
    // s1: e05's rawHref carries utm_campaign=Newsletter-October (its href has no tags), 4 events;
    // s4: e13 has no tag, e14's href carries utm_campaign=Spring, 2 events. No "None" row.
    expect(result.campaigns).toEqual([
      { key: 'Newsletter-October', count: 1, pageDepth: 4 },
      { key: 'Spring', count: 1, pageDepth: 2 },
    ]);
    // s1: utm_source=Mail (rawHref), 4 events; s2: e09 href utm_source=Twitter, 3 events
    expect(result.sources).toEqual([
      { key: 'Mail', count: 1, pageDepth: 4 },
      { key: 'Twitter', count: 1, pageDepth: 3 },
    ]);
  });
});

describe('location (§2.8)', () => {
  it('groups sessions by the geo of their first geo-bearing event', () => {
    // DE: s1 (4 events) + s5 (2) = 2 sessions, depth 6/2 = 3; US: s2, 3 events; FR: s4, whose e13 has no geo
    // but e14 has FR, 2 events; None: s3 (e12 without geo), 1 event
    expect(stats().geo).toEqual([
      { key: 'DE', count: 2, pageDepth: 3 },
      { key: 'US', count: 1, pageDepth: 3 },
      { key: 'FR', count: 1, pageDepth: 2 },
      { key: NONE_GEOLOCATION, count: 1, pageDepth: 1 },
    ]);
  });
});

describe('real time (§2.10)', () => {
  it('counts users of the last 15 minutes and each user\'s latest page by client clock', () => {
    const result = stats();
    // 11:45–12:00 CEST: e15 (a), e16 (a), e17 (c) → 2 users
    expect(result.liveUsers).toBe(2);
    // user-a: e15's client clock (11:56) is later than e16's (11:55) although e16 arrived later → /blog/post-2/;
    // user-c: e17 /contact/
    expect(result.livePages).toEqual([
      { key: page('/blog/post-2/'), count: 1 },
      { key: page('/contact/'), count: 1 },
    ]);
  });

  it('keeps at most five pages', () => {
    const many = Array.from({ length: 7 }, (_, i) =>
      event({ tail: `l${i}`, user: `u${i}`, session: `ls${i}`, at: `2024-10-11T11:5${i}`, path: `/p${i}`, pageload: null, geo: null }),
    );
    // 7 users on 7 pages, one each; ties sort by URL, so /p0/ … /p4/
    expect(stats({}, many).livePages.map((row) => row.key)).toEqual([0, 1, 2, 3, 4].map((i) => page(`/p${i}/`)));
  });
});

describe('weekly retention (§2.11)', () => {
  it('builds the triangle from four 7-day windows back from now, ignoring the range', () => {
    // now = 11 Oct 12:00 CEST. W0 [13 Sep 12:00, 20 Sep 12:00) = {d} (e01); W1 [20 Sep, 27 Sep) = {c} (e02);
    // W2 [27 Sep, 4 Oct 12:00) = {a} (e03); W3 [4 Oct 12:00, now] = {d (e04), a, b, c}
    // row 0, cohort {d}: W0 1/1, W1 0/1, W2 0/1, W3 1/1
    // row 1, cohort {c}: 1, W2 0, W3 1;  row 2, {a}: 1, W3 1;  row 3, {a, b, c, d}: 1
    const expected = [[1, 0, 0, 1], [1, 0, 1], [1, 1], [1]];
    expect(stats().retentionMatrix).toEqual(expected);
    // the same for another range: the windows do not depend on it
    expect(stats({ range: 'yesterday', resolution: 'hours' }).retentionMatrix).toEqual(expected);
  });

  it('shows 0 for an empty cohort, the diagonal included', () => {
    expect(stats({}, []).retentionMatrix).toEqual([[0, 0, 0, 0], [0, 0, 0], [0, 0], [0]]);
  });
});

describe('other result fields (§2.13)', () => {
  it('describes the most recent event for the visitor onboarding', () => {
    // the latest event overall is e17: www.example.com/contact, no referrer, 17 events of acc-1
    expect(stats().onboardingStats).toEqual({ domain: 'www.example.com', url: 'www.example.com/contact', referrer: null, numVisits: 17, isMobile: false, geo: 'FR' });
    // url is null for "/"; referrer is the computed one: e13 is the latest of this subset, referred by Google
    const subset = EVENTS.filter((e) => e.eventId.endsWith('E120000000000000') || e.eventId.endsWith('E130000000000000'));
    expect(stats({}, subset).onboardingStats).toEqual({ domain: 'www.example.com', url: null, referrer: 'Google', numVisits: 2, isMobile: false, geo: null });
  });

  it('flags an account without any stored event', () => {
    expect(stats().empty).toBe(false);
    // 1–2 Sep holds no event, but the account has stored events, so it is not empty
    expect(stats({ from: '2024-09-01', to: '2024-09-02' }).empty).toBe(false);
    expect(stats({}, []).empty).toBe(true);
    expect(stats({}, []).onboardingStats).toBeNull();
  });

  it('reports the window, the resolution and the filter it used', () => {
    const result = stats({ filter: 'geo:DE' });
    expect(result.window).toEqual({
      from: '2024-10-04T22:00:00.000Z',
      to: '2024-10-11T21:59:59.999Z',
      resolution: 'days',
      preset: '7days',
      custom: false,
      available: true,
      timeZone: TIME_ZONE,
    });
    expect(result.resolution).toBe('days');
    expect(result.filter).toEqual({ prop: 'geo', value: 'DE' });
  });
});

describe('returning users on the 6-months preset (D9)', () => {
  it('is null ("–"), not 0, while the other metrics are computed', () => {
    const result = stats({ range: '6', resolution: 'months' });
    expect(result.returningUsers).toBeNull();
    // 1 May … 31 Oct holds every event: 4 users (a, b, c, d)
    expect(result.uniqueUsers).toBe(4);
    // a custom range in months is not the preset, so returning users is computed: 1–31 Oct holds e03–e17,
    // users a, b, c, d; before 1 Oct: d (e01), c (e02) → new = {a, b} → 1 − 2/4 = 50 %
    expect(stats({ from: '2024-10-01', to: '2024-10-31', resolution: 'months' }).returningUsers).toBeCloseTo(0.5, 10);
  });
});

describe('time zones in the metrics', () => {
  it('moves an event between days with the viewer\'s zone', () => {
    // e04 (Fri 4 Oct 23:30 CEST = 21:30 UTC) is 30 minutes before Berlin's window (Sat 5 Oct 00:00 CEST), but
    // Tokyo (UTC+9) sees it on Sat 5 Oct 06:30 JST, inside its window (Sat 5 Oct 00:00 … Fri 11 Oct 23:59 JST).
    const tokyo = computeStats(EVENTS, {}, { timeZone: 'Asia/Tokyo', now: NOW, retentionPeriod: '6months' });
    // Tokyo: users a, b, c + d = 4; Berlin: 3
    expect(tokyo.uniqueUsers).toBe(4);
    expect(stats().uniqueUsers).toBe(3);
    // Tokyo's first bucket is Sat 5 Oct 00:00 JST = 4 Oct 15:00 UTC and holds e04
    expect(tokyo.pageviews[0]).toMatchObject({ date: '2024-10-04T15:00:00.000Z', pageviews: 1 });
  });
});
