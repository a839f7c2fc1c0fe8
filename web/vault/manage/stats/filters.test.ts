// The seven filters of dashboard.md §3.3 (with D9 for `exit`) on the fixed dataset of fixture.ts; expected
// values worked out by hand. Unfiltered window (7 days): e05–e17, sessions s1–s5, e17 without a session.
import { describe, expect, it } from 'vitest';
import { EVENTS, NOW, SITE, TIME_ZONE } from './fixture.ts';
import { parseFilter } from './filters.ts';
import { computeStats } from './stats.ts';
import { NONE_GEOLOCATION, NONE_REFERRER } from './urls.ts';

const filtered = (filter: unknown) => computeStats(EVENTS, { filter }, { timeZone: TIME_ZONE, now: NOW, retentionPeriod: '6months' });
const total = (result: ReturnType<typeof filtered>) => result.pageviews.reduce((sum, bucket) => sum + bucket.pageviews, 0);

describe('parseFilter', () => {
  it('reads prop:value with colons in the value, and {prop, value}', () => {
    expect(parseFilter(`href:${SITE}/about/`)).toEqual({ prop: 'href', value: `${SITE}/about/` });
    expect(parseFilter({ prop: 'geo', value: 'DE' })).toEqual({ prop: 'geo', value: 'DE' });
  });

  it('drops what is not one of the seven filters', () => {
    for (const raw of [null, undefined, '', 'geo', 'geo:', 'country:DE', 42, { prop: 'href' }]) expect(parseFilter(raw)).toBeNull();
  });
});

describe('href (event level)', () => {
  it('keeps only the page views of that page', () => {
    const result = filtered(`href:${SITE}/about/`);
    // /about/: e06, e08 (s1, Wed 9 Oct) and e16 (s5, Fri 11 Oct) = 3 page views of user-a
    expect(total(result)).toBe(3);
    expect(result.pageviews.map((bucket) => bucket.pageviews)).toEqual([0, 0, 0, 0, 2, 0, 1]);
    expect(result.uniqueUsers).toBe(1);
    // sessions are cut to the kept events: s1 (e06, e08) and s5 (e16) → depth 3/2 = 1.5, bounce 1 of 2 = 50 %
    expect(result.uniqueSessions).toBe(2);
    expect(result.avgPageDepth).toBeCloseTo(1.5, 10);
    expect(result.bounceRate).toBeCloseTo(0.5, 10);
    // s1's first kept event is e06 → it lands on /about/ too
    expect(result.landingPages).toEqual([{ key: `${SITE}/about/`, count: 2 }]);
    expect(result.pages).toEqual([{ key: `${SITE}/about/`, count: 3, accountId: 'acc-1' }]);
  });

  it('compares stripped URLs, so the value without the trailing slash selects the same page', () => {
    expect(total(filtered(`href:${SITE}/about`))).toBe(3);
    // /blog/post-1/: e07 and e09 (whose href has a query and a hash) = 2
    expect(total(filtered(`href:${SITE}/blog/post-1/`))).toBe(2);
  });
});

describe('session filters', () => {
  it('referrer keeps every event of sessions whose first event has that computed referrer', () => {
    // Twitter: s2 (e09–e11) = 3 events of user-b; D9: s3 (microsoft.co) is not Twitter
    const twitter = filtered('referrer:Twitter');
    expect(total(twitter)).toBe(3);
    expect(twitter.uniqueSessions).toBe(1);
    expect(twitter.referrers).toEqual([{ key: 'Twitter', count: 1, pageDepth: 3 }]);
    // microsoft.co: s3 (e12) = 1
    expect(total(filtered('referrer:microsoft.co'))).toBe(1);
    // None: s1 (e05–e08) = 4; e17 has no session and so matches no session filter
    const none = filtered(`referrer:${NONE_REFERRER}`);
    expect(total(none)).toBe(4);
    expect(none.uniqueSessions).toBe(1);
  });

  it('campaign and source match the first tag of the session, case-sensitively', () => {
    // Spring: s4 (e13, e14) = 2 events, although the tag is on e14 only
    expect(total(filtered('campaign:Spring'))).toBe(2);
    expect(total(filtered('campaign:spring'))).toBe(0);
    // Mail (from e05's rawHref): s1 = 4 events
    expect(total(filtered('source:Mail'))).toBe(4);
  });

  it('landing keeps sessions that start on that page', () => {
    // /: s1 (4 events, user-a) and s4 (2 events, user-c) = 6 events, 2 users, 2 sessions
    const result = filtered(`landing:${SITE}/`);
    expect(total(result)).toBe(6);
    expect(result.uniqueUsers).toBe(2);
    expect(result.uniqueSessions).toBe(2);
  });

  it('exit keeps sessions of two or more events that end on that page (D9)', () => {
    // /about/: s1 (4) and s5 (2) = 6 events
    expect(total(filtered(`exit:${SITE}/about/`))).toBe(6);
    // /pricing/ ends only s3, a single-event session: it is in no exit table row, so it matches nothing
    // (upstream's filter would have kept its 1 event)
    expect(total(filtered(`exit:${SITE}/pricing/`))).toBe(0);
  });

  it('geo keeps sessions by the country of their first geo-bearing event', () => {
    // FR: s4 (e13 has no geo, e14 FR) = 2 events; e17 (FR) has no session
    expect(total(filtered('geo:FR'))).toBe(2);
    // None: s3 = 1
    expect(total(filtered(`geo:${NONE_GEOLOCATION}`))).toBe(1);
  });
});

describe('where a filter applies', () => {
  it('applies to real time, to each retention window and to the in-window side of returning users', () => {
    const de = filtered('geo:DE');
    // window: s1 (4) + s5 (2) = 6 events of user-a
    expect(total(de)).toBe(6);
    // real time 11:45–12:00: s5 (e15, e16) is DE; e17 has no session → 1 user, 1 page
    expect(de.liveUsers).toBe(1);
    expect(de.livePages).toEqual([{ key: `${SITE}/blog/post-2/`, count: 1 }]);
    // retention: W0 e01 NL → {}; W1 e02 FR → {}; W2 e03 DE → {a}; W3 DE sessions s1, s5 → {a} (e04 is NL)
    expect(de.retentionMatrix).toEqual([[0, 0, 0, 0], [0, 0, 0], [1, 1], [1]]);
    // returning: in-window {a}, and a has e03 before the window (the "before" side is not filtered) → 100 %
    expect(de.returningUsers).toBe(1);
  });

  it('treats an unreadable filter as none', () => {
    const result = filtered('colour:red');
    expect(result.filter).toBeNull();
    // the unfiltered window: 13 events
    expect(total(result)).toBe(13);
  });
});
