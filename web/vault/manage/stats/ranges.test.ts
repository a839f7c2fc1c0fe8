// Range presets (dashboard.md §3.1), the custom range (§3.2) and the retention limits, with a fixed now and
// fixed zones, including DST changes. Expected edges worked out by hand in the comments.
import { describe, expect, it } from 'vitest';
import { RANGE_PRESETS, inferResolution, presetAvailable, resolveWindow } from './ranges.ts';
import type { RangeQuery, Window } from './ranges.ts';
import { wallClock } from './zoned.ts';

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
// Fri 11 Oct 2024 12:00 CEST (UTC+2)
const NOW = Date.parse('2024-10-11T12:00:00+02:00');

const iso = (ms: number) => new Date(ms).toISOString();
const edges = (window: Window) => ({ from: iso(window.start), to: iso(window.end), buckets: window.buckets.length, resolution: window.resolution });
const berlin = (query: RangeQuery, retention: unknown = '6months', now = NOW) => resolveWindow(query, BERLIN, now, retention);
const hours = (window: Window, zone: string) => window.buckets.map((bucket) => wallClock(bucket.start, zone).hour);

describe('presets (§3.1), Berlin, now = Fri 11 Oct 2024 12:00 CEST', () => {
  it('defaults to 7 days: start of the day 6 days ago to the end of today', () => {
    // Sat 5 Oct 00:00 CEST = 4 Oct 22:00 UTC … Fri 11 Oct 23:59:59.999 CEST = 21:59:59.999 UTC
    const expected = { from: '2024-10-04T22:00:00.000Z', to: '2024-10-11T21:59:59.999Z', buckets: 7, resolution: 'days' };
    expect(edges(berlin({}))).toEqual(expected);
    expect(berlin({}).preset).toBe('7days');
    expect(edges(berlin({ range: '7', resolution: 'days' }))).toEqual(expected);
    expect(edges(berlin({ range: 7 }))).toEqual(expected);
  });

  it('yesterday: 00:00 to 23:59:59.999 yesterday by the hour', () => {
    // Thu 10 Oct 00:00 CEST = 9 Oct 22:00 UTC
    expect(edges(berlin({ range: 'yesterday', resolution: 'hours' }))).toEqual({ from: '2024-10-09T22:00:00.000Z', to: '2024-10-10T21:59:59.999Z', buckets: 24, resolution: 'hours' });
  });

  it('24 hours: start of the hour 23 h ago to the end of the current hour', () => {
    // current hour 12:00–12:59 CEST; 23 h earlier: Thu 10 Oct 13:00 CEST = 11:00 UTC
    const window = berlin({ range: '24', resolution: 'hours' });
    expect(edges(window)).toEqual({ from: '2024-10-10T11:00:00.000Z', to: '2024-10-11T10:59:59.999Z', buckets: 24, resolution: 'hours' });
    expect(window.preset).toBe('24hours');
  });

  it('30 days: start of the day 29 days ago', () => {
    // 11 Oct − 29 days = Thu 12 Sep 00:00 CEST = 11 Sep 22:00 UTC
    expect(edges(berlin({ range: '30', resolution: 'days' }))).toEqual({ from: '2024-09-11T22:00:00.000Z', to: '2024-10-11T21:59:59.999Z', buckets: 30, resolution: 'days' });
  });

  it('6 and 12 weeks: Monday weeks back to the end of this week', () => {
    // this week: Mon 7 Oct … Sun 13 Oct 23:59:59.999 CEST (21:59:59.999 UTC); 5 weeks before 7 Oct is Mon 2 Sep
    expect(edges(berlin({ range: '6', resolution: 'weeks' }))).toEqual({ from: '2024-09-01T22:00:00.000Z', to: '2024-10-13T21:59:59.999Z', buckets: 6, resolution: 'weeks' });
    // 11 weeks (77 days) before 7 Oct is Mon 22 Jul
    expect(edges(berlin({ range: '12', resolution: 'weeks' }))).toEqual({ from: '2024-07-21T22:00:00.000Z', to: '2024-10-13T21:59:59.999Z', buckets: 12, resolution: 'weeks' });
  });

  it('6 months: start of the month 5 months ago to the end of this month (across the DST end)', () => {
    // Wed 1 May 00:00 CEST = 30 Apr 22:00 UTC … Thu 31 Oct 23:59:59.999 CET (UTC+1 after 27 Oct) = 22:59:59.999 UTC
    const window = berlin({ range: '6', resolution: 'months' });
    expect(edges(window)).toEqual({ from: '2024-04-30T22:00:00.000Z', to: '2024-10-31T22:59:59.999Z', buckets: 6, resolution: 'months' });
    expect(window.preset).toBe('6months');
    // buckets start on the 1st of each month, local time
    expect(window.buckets.map((bucket) => wallClock(bucket.start, BERLIN)).map((c) => `${c.month}/${c.day} ${c.hour}h`)).toEqual(['5/1 0h', '6/1 0h', '7/1 0h', '8/1 0h', '9/1 0h', '10/1 0h']);
  });

  it('has back-to-back buckets', () => {
    for (const preset of RANGE_PRESETS) {
      const { buckets } = berlin(preset.query);
      for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.start).toBe(buckets[i - 1]!.end + 1);
    }
  });

  it('enables presets per retention setting as in the §3.1 table', () => {
    const enabled = (retention: string) => RANGE_PRESETS.filter((preset) => presetAvailable(preset.id, retention)).map((preset) => preset.id);
    expect(enabled('6months')).toEqual(['yesterday', '24hours', '7days', '30days', '6weeks', '12weeks', '6months']);
    expect(enabled('12weeks')).toEqual(['yesterday', '24hours', '7days', '30days', '6weeks', '12weeks']);
    expect(enabled('6weeks')).toEqual(['yesterday', '24hours', '7days', '30days', '6weeks']);
    expect(enabled('30days')).toEqual(['yesterday', '24hours', '7days', '30days']);
    expect(enabled('7days')).toEqual(['yesterday', '24hours', '7days']);
    // a preset ruled out is still computed (its old data is gone anyway) but reported unavailable
    expect(berlin({ range: '30', resolution: 'days' }, '7days').available).toBe(false);
    expect(berlin({ range: '30', resolution: 'days' }, '30days').available).toBe(true);
  });
});

describe('custom range (§3.2)', () => {
  it('covers startOf(from) to endOf(to) in local days, YYYY-MM-DD taken as a local date', () => {
    // 1 Oct 00:00 CEST = 30 Sep 22:00 UTC … 3 Oct 23:59:59.999 CEST; 3 days
    const window = berlin({ from: '2024-10-01', to: '2024-10-03' });
    expect(edges(window)).toEqual({ from: '2024-09-30T22:00:00.000Z', to: '2024-10-03T21:59:59.999Z', buckets: 3, resolution: 'days' });
    expect(window).toMatchObject({ custom: true, preset: null, available: true });
  });

  it('takes Date and ISO bounds as the local day they fall on', () => {
    // 30 Sep 23:30 UTC is 1 Oct 01:30 in Berlin
    expect(edges(berlin({ from: new Date('2024-09-30T23:30:00Z'), to: '2024-10-03T12:00:00Z' })).from).toBe('2024-09-30T22:00:00.000Z');
  });

  it('infers weeks or months and snaps the edges outward', () => {
    // 1 Aug → 11 Oct: 71 days = 10 whole weeks (≥ 6), 2 whole months (< 3) → weeks; Thu 1 Aug snaps back to
    // Mon 29 Jul, Fri 11 Oct forward to Sun 13 Oct; (7 Oct − 29 Jul) / 7 + 1 = 11 buckets
    expect(edges(berlin({ from: '2024-08-01', to: '2024-10-11' }))).toEqual({ from: '2024-07-28T22:00:00.000Z', to: '2024-10-13T21:59:59.999Z', buckets: 11, resolution: 'weeks' });
    // 1 May → 11 Oct: 5 whole months → months, 1 May … 31 Oct = 6 buckets
    expect(edges(berlin({ from: '2024-05-01', to: '2024-10-11' }))).toEqual({ from: '2024-04-30T22:00:00.000Z', to: '2024-10-31T22:59:59.999Z', buckets: 6, resolution: 'months' });
    // a resolution sent along is used as is
    expect(berlin({ from: '2024-10-01', to: '2024-10-02', resolution: 'hours' }).buckets).toHaveLength(48);
  });

  it('infers the resolution like the picker, for wide and small screens', () => {
    const d = (day: string) => ({ year: Number(day.slice(0, 4)), month: Number(day.slice(5, 7)), day: Number(day.slice(8)) });
    // 41 days = 5 whole weeks → days; 42 = 6 → weeks
    expect(inferResolution(d('2024-01-01'), d('2024-02-11'))).toBe('days');
    expect(inferResolution(d('2024-01-01'), d('2024-02-12'))).toBe('weeks');
    // 28 days = 4 weeks: days on wide screens, weeks on small ones
    expect(inferResolution(d('2024-01-01'), d('2024-01-29'), false)).toBe('weeks');
    expect(inferResolution(d('2024-01-01'), d('2024-01-29'), true)).toBe('days');
    // 15 Jan → 14 Apr is 2 whole months (weeks); → 15 Apr is 3 (months)
    expect(inferResolution(d('2024-01-15'), d('2024-04-14'))).toBe('weeks');
    expect(inferResolution(d('2024-01-15'), d('2024-04-15'))).toBe('months');
  });

  it('is limited to today − look-back … today by the retention setting', () => {
    // 7days: earliest = 11 Oct − 7 = 4 Oct; 1 Sep → 4 Oct; a future end → today. 4–11 Oct = 8 days
    expect(edges(berlin({ from: '2024-09-01', to: '2024-12-01' }, '7days'))).toEqual({ from: '2024-10-03T22:00:00.000Z', to: '2024-10-11T21:59:59.999Z', buckets: 8, resolution: 'days' });
    // 6months (186 days): 11 Oct − 186 days = 8 Apr
    expect(edges(berlin({ from: '2023-01-01', to: '2024-04-10' })).from).toBe('2024-04-07T22:00:00.000Z');
  });

  it('completes a one-sided range with the picker\'s limit', () => {
    // only from: up to today; only to: from the earliest day (30days → 11 Sep 00:00 CEST)
    expect(edges(berlin({ from: '2024-10-09' }))).toMatchObject({ from: '2024-10-08T22:00:00.000Z', to: '2024-10-11T21:59:59.999Z', buckets: 3 });
    expect(edges(berlin({ to: '2024-10-01' }, '30days'))).toMatchObject({ from: '2024-09-10T22:00:00.000Z', to: '2024-10-01T21:59:59.999Z' });
  });
});

describe('bad input', () => {
  it('rejects unknown resolutions and ranges, reversed ranges and absurd bucket counts', () => {
    expect(() => berlin({ resolution: 'decades' })).toThrow(/Unknown resolution value: decades/);
    expect(() => berlin({ range: 'forever' })).toThrow(/Unknown range value/);
    expect(() => berlin({ range: '-3' })).toThrow(/Unknown range value/);
    expect(() => berlin({ from: '2024-10-05', to: '2024-10-01' })).toThrow(/starts after it ends/);
    expect(() => berlin({ range: '100000', resolution: 'hours' })).toThrow(/buckets/);
  });

  it('ignores a custom bound that is not a date', () => {
    expect(edges(berlin({ from: 'garbage' }))).toEqual(edges(berlin({})));
    // 2024-02-30 does not exist
    expect(edges(berlin({ from: '2024-02-30', to: 'nope' }))).toEqual(edges(berlin({})));
  });
});

describe('DST changes', () => {
  it('Berlin, autumn: yesterday (Sun 27 Oct) has 25 hours, 02:00 twice', () => {
    // now Mon 28 Oct 12:00 CET; 27 Oct 00:00 CEST = 26 Oct 22:00 UTC … 23:59:59.999 CET = 22:59:59.999 UTC
    const window = berlin({ range: 'yesterday', resolution: 'hours' }, '6months', Date.parse('2024-10-28T12:00:00+01:00'));
    expect(edges(window)).toEqual({ from: '2024-10-26T22:00:00.000Z', to: '2024-10-27T22:59:59.999Z', buckets: 25, resolution: 'hours' });
    expect(hours(window, BERLIN).slice(0, 5)).toEqual([0, 1, 2, 2, 3]);
  });

  it('Berlin, spring: yesterday (Sun 31 Mar) has 23 hours, no 02:00', () => {
    // 31 Mar 00:00 CET = 30 Mar 23:00 UTC … 23:59:59.999 CEST = 21:59:59.999 UTC
    const window = berlin({ range: 'yesterday', resolution: 'hours' }, '6months', Date.parse('2024-04-01T12:00:00+02:00'));
    expect(edges(window)).toEqual({ from: '2024-03-30T23:00:00.000Z', to: '2024-03-31T21:59:59.999Z', buckets: 23, resolution: 'hours' });
    expect(hours(window, BERLIN).slice(0, 4)).toEqual([0, 1, 3, 4]);
  });

  it('Berlin: the week holding the DST end is 7 days and 1 hour', () => {
    // now Wed 30 Oct; 6 weeks = Mon 23 Sep … Sun 3 Nov; the 5th bucket is Mon 21 Oct 00:00 CEST … Sun 27 Oct
    // 23:59:59.999 CET = 20 Oct 22:00 UTC … 27 Oct 22:59:59.999 UTC
    const window = berlin({ range: '6', resolution: 'weeks' }, '6months', Date.parse('2024-10-30T12:00:00+01:00'));
    expect(iso(window.buckets[4]!.start)).toBe('2024-10-20T22:00:00.000Z');
    expect(iso(window.buckets[4]!.end)).toBe('2024-10-27T22:59:59.999Z');
    expect(window.buckets[4]!.end + 1 - window.buckets[4]!.start).toBe((7 * 24 + 1) * 3_600_000);
  });

  it('New York, autumn: 7 days over Sun 3 Nov, whose bucket is 25 hours long', () => {
    // now Tue 5 Nov 12:00 EST (UTC−5); Wed 30 Oct 00:00 EDT = 04:00 UTC … Tue 5 Nov 23:59:59.999 EST = 6 Nov 04:59:59.999 UTC
    const window = resolveWindow({}, NEW_YORK, Date.parse('2024-11-05T12:00:00-05:00'), '6months');
    expect(edges(window)).toEqual({ from: '2024-10-30T04:00:00.000Z', to: '2024-11-06T04:59:59.999Z', buckets: 7, resolution: 'days' });
    // Sun 3 Nov: 00:00 EDT = 04:00 UTC … 23:59:59.999 EST = 4 Nov 04:59:59.999 UTC
    expect(window.buckets[4]).toEqual({ start: Date.parse('2024-11-03T04:00:00Z'), end: Date.parse('2024-11-04T04:59:59.999Z') });
  });

  it('New York, spring: the last 24 hours skip 02:00 on Sun 10 Mar', () => {
    // now Sun 10 Mar 12:30 EDT = 16:30 UTC; current hour 12:00 EDT = 16:00 UTC; 23 absolute hours earlier:
    // 9 Mar 17:00 UTC = Sat 12:00 EST
    const window = resolveWindow({ range: '24', resolution: 'hours' }, NEW_YORK, Date.parse('2024-03-10T12:30:00-04:00'), '6months');
    expect(edges(window)).toMatchObject({ from: '2024-03-09T17:00:00.000Z', to: '2024-03-10T16:59:59.999Z', buckets: 24 });
    // local hours: Sat 12 … 23, Sun 0, 1, 3, 4, … 12 (no 2)
    expect(hours(window, NEW_YORK)).toEqual([12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });
});
