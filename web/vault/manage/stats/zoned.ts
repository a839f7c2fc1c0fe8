// Calendar arithmetic in an IANA time zone with nothing but Intl and Date. Every bucket edge of the dashboard
// is a local-time edge of the viewer (dashboard.md architecture note and §8.12), so the zone is a parameter
// and tests can pin it (a Web Worker gets it passed in; the default is the runtime's own zone).

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** A date on the proleptic Gregorian calendar with no time zone; month is 1–12. */
export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export interface WallClock extends CivilDate {
  hour: number;
  minute: number;
  second: number;
}

/** The runtime's zone, e.g. 'Europe/Berlin' (what upstream's date-fns used implicitly). */
export function defaultTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws a RangeError for an unknown zone, which is the clear error we want.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local wall clock (to the second) at instant `ms` in `timeZone`. */
export function wallClock(ms: number, timeZone: string): WallClock {
  const clock: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(ms)) {
    if (part.type in clock) clock[part.type as keyof WallClock] = Number(part.value);
  }
  // Some engines still print midnight as 24 despite h23.
  if (clock.hour === 24) clock.hour = 0;
  return clock;
}

/**
 * Offsets already asked for, by zone and second: a long range asks for the day edges around each day, and
 * neighbouring days share them (one formatToParts costs about 15 µs in Chromium).
 */
const offsets = new Map<string, Map<number, number>>();

/** Local time minus UTC, in ms, at instant `ms` (e.g. +7,200,000 for CEST). */
export function offsetAt(ms: number, timeZone: string): number {
  const second = Math.floor(ms / 1000) * 1000;
  let known = offsets.get(timeZone);
  if (!known) offsets.set(timeZone, (known = new Map()));
  let offset = known.get(second);
  if (offset === undefined) {
    const w = wallClock(second, timeZone);
    offset = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - second;
    if (known.size >= 16_384) known.clear();
    known.set(second, offset);
  }
  return offset;
}

/** The civil date of instant `ms` in `timeZone`. */
export function civilDateOf(ms: number, timeZone: string): CivilDate {
  const { year, month, day } = wallClock(ms, timeZone);
  return { year, month, day };
}

/**
 * The instant at which the local wall clock reads date + hour:00. Like `Date#setHours`, an hour that a DST
 * change skips resolves forward (to the end of the gap) and an hour that happens twice resolves to its first
 * occurrence; so startOfDay is always the first instant of the local day.
 */
export function localToUtc(date: CivilDate, hour: number, timeZone: string): number {
  const naive = Date.UTC(date.year, date.month - 1, date.day, hour);
  // At most one offset change lies within a day of any wall time, so the offsets a day before and after
  // are the only candidates.
  const before = naive - offsetAt(naive - DAY, timeZone);
  const after = naive - offsetAt(naive + DAY, timeZone);
  const candidates = before === after ? [before] : [before, after];
  const exact = candidates.filter((t) => offsetAt(t, timeZone) === naive - t);
  return exact.length > 0 ? Math.min(...exact) : Math.max(...candidates);
}

export function startOfDay(date: CivilDate, timeZone: string): number {
  return localToUtc(date, 0, timeZone);
}

/** The first instant of the local hour that contains `ms` (also right for zones with :30 or :45 offsets). */
export function startOfHour(ms: number, timeZone: string): number {
  const local = ms + offsetAt(ms, timeZone);
  return ms - (((local % HOUR) + HOUR) % HOUR);
}

function fromUtcDate(date: Date): CivilDate {
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** Calendar arithmetic: `date` plus `days` days (negative goes back). */
export function addDays(date: CivilDate, days: number): CivilDate {
  return fromUtcDate(new Date(Date.UTC(date.year, date.month - 1, date.day + days)));
}

/** The first of the month `months` months after the month of `date`. */
export function addMonths(date: CivilDate, months: number): CivilDate {
  return fromUtcDate(new Date(Date.UTC(date.year, date.month - 1 + months, 1)));
}

/** 0 = Monday … 6 = Sunday (weeks start on Monday, dashboard.md §3.1). */
export function weekday(date: CivilDate): number {
  return (new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7;
}

export function mondayOf(date: CivilDate): CivilDate {
  return addDays(date, -weekday(date));
}

/** Whole calendar days from `a` to `b` (negative when b is earlier). */
export function daysBetween(a: CivilDate, b: CivilDate): number {
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY);
}

/** Whole months from `a` to `b`: Jan 31 → Feb 28 is 0 months, Jan 15 → Apr 15 is 3. */
export function monthsBetween(a: CivilDate, b: CivilDate): number {
  const months = (b.year - a.year) * 12 + (b.month - a.month);
  if (months > 0 && b.day < a.day) return months - 1;
  if (months < 0 && b.day > a.day) return months + 1;
  return months;
}

export function compareDates(a: CivilDate, b: CivilDate): number {
  return daysBetween(b, a);
}

/** ISO-8601 week number (the "W41" chart label of dashboard.md §2.12). */
export function isoWeek(date: CivilDate): number {
  const thursday = addDays(date, 3 - weekday(date));
  return Math.floor(daysBetween({ year: thursday.year, month: 1, day: 1 }, thursday) / 7) + 1;
}

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses YYYY-MM-DD strictly (2024-02-30 is rejected); null otherwise. */
export function parseCivilDate(value: string): CivilDate | null {
  const match = DAY_PATTERN.exec(value);
  if (!match) return null;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  const check = addDays(date, 0);
  return check.year === date.year && check.month === date.month && check.day === date.day ? date : null;
}

export function formatCivilDate(date: CivilDate): string {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}
