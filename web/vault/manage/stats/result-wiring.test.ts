// computeResult (result.ts) carries the metrics next to account, events and range (clients-and-crypto.md
// §1.4 QUERY_SUCCESS result), with the zone, `now` and the retention setting wired through.
import { describe, expect, it } from 'vitest';
import { computeResult } from '../result.ts';
import { EVENTS, NOW, TIME_ZONE } from './fixture.ts';

describe('computeResult with metrics', () => {
  it('keeps account, events and range and adds the metrics of the requested window', () => {
    const account = { retentionPeriod: '6months' };
    const result = computeResult([...EVENTS], { now: new Date(NOW) }, account, { timeZone: TIME_ZONE });
    expect(result.account).toBe(account);
    // no from/to: every event, sorted, and no range
    expect(result.events).toHaveLength(17);
    expect(result.range).toEqual({ from: null, to: null });
    // query.now pins the window: the fixed dataset's hand-worked numbers (stats.test.ts)
    expect(result).toMatchObject({ uniqueUsers: 3, uniqueSessions: 5, liveUsers: 2, empty: false, resolution: 'days' });
    expect(result.window.from).toBe('2024-10-04T22:00:00.000Z');
  });

  it('takes now from the options when the query has none, and the retention setting from the account', () => {
    // 7days retention rules out the 6-months preset (reported, not refused); returning users is null there (D9)
    const result = computeResult([...EVENTS], { range: '6', resolution: 'months' }, { retentionPeriod: '7days' }, { timeZone: TIME_ZONE, now: NOW });
    expect(result.window.available).toBe(false);
    expect(result.returningUsers).toBeNull();
    // a custom range is clamped to the 7-day look-back: 1 Sep → 4 Oct 00:00 CEST
    const custom = computeResult([...EVENTS], { from: '2024-09-01', to: '2024-10-11' }, { retentionPeriod: '7days' }, { timeZone: TIME_ZONE, now: NOW });
    expect(custom.window.from).toBe('2024-10-03T22:00:00.000Z');
  });

  it('surfaces a bad query as an error the QUERY handler turns into ERROR', () => {
    expect(() => computeResult([...EVENTS], { resolution: 'fortnights' }, {}, { timeZone: TIME_ZONE, now: NOW })).toThrow(/Unknown resolution value/);
  });
});
