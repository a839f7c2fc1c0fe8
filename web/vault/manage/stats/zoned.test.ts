// Local-time arithmetic with Intl and Date only (dashboard.md architecture note): DST gaps and overlaps,
// odd offsets and ISO weeks.
import { describe, expect, it } from 'vitest';
import { addMonths, isoWeek, localToUtc, monthsBetween, offsetAt, parseCivilDate, startOfDay, startOfHour, wallClock, weekday } from './zoned.ts';

const iso = (ms: number) => new Date(ms).toISOString();

describe('zoned time', () => {
  it('reads the wall clock and the offset', () => {
    expect(wallClock(Date.parse('2024-10-11T10:00:00Z'), 'Europe/Berlin')).toEqual({ year: 2024, month: 10, day: 11, hour: 12, minute: 0, second: 0 });
    // midnight is hour 0, not 24
    expect(wallClock(Date.parse('2024-10-11T22:00:00Z'), 'Europe/Berlin').hour).toBe(0);
    expect(offsetAt(Date.parse('2024-07-01T00:00:00Z'), 'America/New_York')).toBe(-4 * 3_600_000);
    expect(offsetAt(Date.parse('2024-12-01T00:00:00Z'), 'America/New_York')).toBe(-5 * 3_600_000);
  });

  it('resolves skipped wall times forward and repeated ones to their first occurrence', () => {
    // Berlin, 31 Mar 2024: 02:00 CET jumps to 03:00 CEST; 02:00 does not exist and becomes 03:00 CEST = 01:00 UTC
    expect(iso(localToUtc({ year: 2024, month: 3, day: 31 }, 2, 'Europe/Berlin'))).toBe('2024-03-31T01:00:00.000Z');
    // Berlin, 27 Oct 2024: 02:00 happens twice; the first is 02:00 CEST = 00:00 UTC
    expect(iso(localToUtc({ year: 2024, month: 10, day: 27 }, 2, 'Europe/Berlin'))).toBe('2024-10-27T00:00:00.000Z');
    // São Paulo, 4 Nov 2018: midnight did not exist (00:00 → 01:00 −02), so the day starts at 01:00 = 03:00 UTC
    expect(iso(startOfDay({ year: 2018, month: 11, day: 4 }, 'America/Sao_Paulo'))).toBe('2018-11-04T03:00:00.000Z');
  });

  it('finds the local hour start in zones with half-hour and quarter-hour offsets', () => {
    // Kolkata (UTC+5:30): 10:00 UTC is 15:30 local; the hour began at 15:00 local = 09:30 UTC
    expect(iso(startOfHour(Date.parse('2024-10-11T10:00:00Z'), 'Asia/Kolkata'))).toBe('2024-10-11T09:30:00.000Z');
    // Kathmandu (UTC+5:45): 10:00 UTC is 15:45 local → 15:00 local = 09:15 UTC
    expect(iso(startOfHour(Date.parse('2024-10-11T10:00:00Z'), 'Asia/Kathmandu'))).toBe('2024-10-11T09:15:00.000Z');
  });

  it('does calendar arithmetic', () => {
    // Fri 11 Oct 2024 → weekday 4 (Monday = 0), ISO week 41
    expect(weekday({ year: 2024, month: 10, day: 11 })).toBe(4);
    expect(isoWeek({ year: 2024, month: 10, day: 11 })).toBe(41);
    // Mon 30 Dec 2024 is in week 1 of 2025; Sun 3 Jan 2021 in week 53 of 2020
    expect(isoWeek({ year: 2024, month: 12, day: 30 })).toBe(1);
    expect(isoWeek({ year: 2021, month: 1, day: 3 })).toBe(53);
    expect(addMonths({ year: 2024, month: 10, day: 31 }, -5)).toEqual({ year: 2024, month: 5, day: 1 });
    // 31 Jan → 29 Feb is not a whole month
    expect(monthsBetween({ year: 2024, month: 1, day: 31 }, { year: 2024, month: 2, day: 29 })).toBe(0);
    expect(parseCivilDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseCivilDate('2023-02-29')).toBeNull();
  });

  it('rejects an unknown zone clearly', () => {
    expect(() => wallClock(0, 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});

describe('eventTime', () => {
  it('decodes like ulidTime and gives NaN where ulidTime gives null', async () => {
    const { eventTime } = await import('./stats.ts');
    const { ulidTime } = await import('../ulid.ts');
    for (const id of ['01ARYZ6S41TSV4RRFFQ69G5FAV', '01aryz6s41tsv4rrffq69g5fav', '7ZZZZZZZZZZZZZZZZZZZZZZZZZ']) expect(eventTime(id)).toBe(ulidTime(id));
    for (const id of ['short', '01ARYZ6S4UTSV4RRFFQ69G5FAV', '8ZZZZZZZZZZZZZZZZZZZZZZZZZ', '01ARYZ6S4ÄTSV4RRFFQ69G5FAV']) {
      expect(ulidTime(id)).toBeNull();
      expect(eventTime(id)).toBeNaN();
    }
  });
});
