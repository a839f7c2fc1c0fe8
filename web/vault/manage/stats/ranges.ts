// The selected window and its chart buckets (dashboard.md §3.1 presets, §3.2 custom range), limited by the
// retention setting (§0 "Retention"). All edges are local-time edges in the viewer's zone.
import {
  HOUR,
  addDays,
  addMonths,
  civilDateOf,
  compareDates,
  daysBetween,
  mondayOf,
  monthsBetween,
  parseCivilDate,
  startOfDay,
  startOfHour,
} from './zoned.ts';
import type { CivilDate } from './zoned.ts';

export type Resolution = 'hours' | 'days' | 'weeks' | 'months';
export const RESOLUTIONS: readonly Resolution[] = ['hours', 'days', 'weeks', 'months'];

export type RetentionPeriod = '6months' | '12weeks' | '6weeks' | '30days' | '7days';

/** Look-back of the custom range picker per retention setting (§3.2); 6months (186 days) is the default (§0). */
export const RETENTION_DAYS: Readonly<Record<RetentionPeriod, number>> = {
  '6months': 186,
  '12weeks': 84,
  '6weeks': 42,
  '30days': 30,
  '7days': 7,
};

export function retentionDays(period: unknown): number {
  return typeof period === 'string' && period in RETENTION_DAYS ? RETENTION_DAYS[period as RetentionPeriod] : RETENTION_DAYS['6months'];
}

export type PresetId = 'yesterday' | '24hours' | '7days' | '30days' | '6weeks' | '12weeks' | '6months';

export interface RangePreset {
  id: PresetId;
  /** The URL query of the preset link (§3.1); the default preset has none. */
  query: { range?: string; resolution?: Resolution };
  resolution: Resolution;
  /** The smallest look-back (days) a retention setting must allow for the preset to be enabled (§3.1 table). */
  needsDays: number;
}

export const RANGE_PRESETS: readonly RangePreset[] = [
  { id: 'yesterday', query: { range: 'yesterday', resolution: 'hours' }, resolution: 'hours', needsDays: 0 },
  { id: '24hours', query: { range: '24', resolution: 'hours' }, resolution: 'hours', needsDays: 0 },
  { id: '7days', query: {}, resolution: 'days', needsDays: 0 },
  { id: '30days', query: { range: '30', resolution: 'days' }, resolution: 'days', needsDays: 30 },
  { id: '6weeks', query: { range: '6', resolution: 'weeks' }, resolution: 'weeks', needsDays: 42 },
  { id: '12weeks', query: { range: '12', resolution: 'weeks' }, resolution: 'weeks', needsDays: 84 },
  { id: '6months', query: { range: '6', resolution: 'months' }, resolution: 'months', needsDays: 186 },
];

/** §3.1 last column: whether the range selector shows the preset enabled for this retention setting. */
export function presetAvailable(id: PresetId, retentionPeriod: unknown): boolean {
  const preset = RANGE_PRESETS.find((candidate) => candidate.id === id);
  return preset !== undefined && retentionDays(retentionPeriod) >= preset.needsDays;
}

/** The query fields that pick the window. from/to arrive as YYYY-MM-DD, Date, ISO string or ms. */
export interface RangeQuery {
  range?: unknown;
  resolution?: unknown;
  from?: unknown;
  to?: unknown;
}

export interface Bucket {
  /** First ms of the bucket. */
  start: number;
  /** Last ms of the bucket (inclusive). */
  end: number;
}

export interface Window {
  /** First ms of the oldest bucket and last ms (inclusive) of the newest. */
  start: number;
  end: number;
  resolution: Resolution;
  /** Ascending, back to back. */
  buckets: Bucket[];
  /** The preset this query is, or null for a custom range or a range no preset has. */
  preset: PresetId | null;
  custom: boolean;
  /** False when the retention setting rules the preset out (the selector shows it greyed, §3.1). */
  available: boolean;
}

/** A guard against a hand-edited URL asking for millions of buckets (186 days of hours is 4,464). */
const MAX_BUCKETS = 5000;

/** §3.2: the picker infers the resolution; on wide screens ≥ 6 whole weeks → weeks, ≥ 3 whole months → months. */
export function inferResolution(from: CivilDate, to: CivilDate, wideScreen = true): Resolution {
  let resolution: Resolution = 'days';
  // The rules are applied in order, so the longer unit wins when both hold (3 months are always ≥ 6 weeks).
  if (Math.floor(daysBetween(from, to) / 7) >= (wideScreen ? 6 : 4)) resolution = 'weeks';
  if (monthsBetween(from, to) >= 3) resolution = 'months';
  return resolution;
}

function readResolution(value: unknown): Resolution | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string' && (RESOLUTIONS as readonly string[]).includes(value)) return value as Resolution;
  // §3.2: unknown resolution values are rejected.
  throw new RangeError(`Unknown resolution value: ${String(value)}`);
}

/** A custom-range bound as a local calendar day: YYYY-MM-DD is taken as written (not as UTC midnight). */
function readDay(value: unknown, timeZone: string): CivilDate | null {
  if (value === undefined || value === null || value === '') return null;
  // A day as written; an impossible one (2024-02-30) is no date, although Date would roll it over.
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return parseCivilDate(value);
  const time = value instanceof Date ? value.getTime() : typeof value === 'number' || typeof value === 'string' ? new Date(value).getTime() : NaN;
  return Number.isNaN(time) ? null : civilDateOf(time, timeZone);
}

/** The local unit containing `date` and the one `k` units later, as civil dates (days, weeks, months). */
function unitStart(resolution: Exclude<Resolution, 'hours'>, date: CivilDate): CivilDate {
  return resolution === 'days' ? date : resolution === 'weeks' ? mondayOf(date) : addMonths(date, 0);
}

function shiftUnit(resolution: Exclude<Resolution, 'hours'>, date: CivilDate, k: number): CivilDate {
  return resolution === 'days' ? addDays(date, k) : resolution === 'weeks' ? addDays(date, 7 * k) : addMonths(date, k);
}

/** `count` civil units ending with the unit of `anchor` (bucket k covers startOf(anchor − k units) to endOf). */
function calendarBuckets(resolution: Exclude<Resolution, 'hours'>, anchor: CivilDate, count: number, timeZone: string): Bucket[] {
  const newest = unitStart(resolution, anchor);
  const starts: number[] = [];
  for (let k = count - 1; k >= -1; k--) starts.push(startOfDay(shiftUnit(resolution, newest, -k), timeZone));
  return starts.slice(0, -1).map((start, i) => ({ start, end: starts[i + 1]! - 1 }));
}

/** Local hours from `start` (an hour start) up to `end`; DST days have 23 or 25 of them. */
function hourBuckets(start: number, end: number): Bucket[] {
  const buckets: Bucket[] = [];
  for (let t = start; t <= end; t += HOUR) buckets.push({ start: t, end: Math.min(t + HOUR - 1, end) });
  return buckets;
}

function checkCount(count: number): void {
  if (count > MAX_BUCKETS) throw new RangeError(`The range asks for ${count} buckets; at most ${MAX_BUCKETS} are allowed.`);
}

function presetOf(range: string, resolution: Resolution): PresetId | null {
  const key = `${range}/${resolution}`;
  const ids: Record<string, PresetId> = {
    'yesterday/hours': 'yesterday',
    '24/hours': '24hours',
    '7/days': '7days',
    '30/days': '30days',
    '6/weeks': '6weeks',
    '12/weeks': '12weeks',
    '6/months': '6months',
  };
  return ids[key] ?? null;
}

function finish(buckets: Bucket[], resolution: Resolution, preset: PresetId | null, custom: boolean, retentionPeriod: unknown): Window {
  return {
    start: buckets[0]!.start,
    end: buckets[buckets.length - 1]!.end,
    resolution,
    buckets,
    preset,
    custom,
    available: preset === null || presetAvailable(preset, retentionPeriod),
  };
}

/**
 * The window of a query. Presets (§3.1) walk back from `now`; a custom range (§3.2) covers startOf(from) to
 * endOf(to), both clamped to what the retention setting lets the picker choose (today − look-back … today).
 */
export function resolveWindow(query: RangeQuery, timeZone: string, now: number, retentionPeriod: unknown): Window {
  const requested = readResolution(query.resolution);
  const from = readDay(query.from, timeZone);
  const to = readDay(query.to, timeZone);
  const today = civilDateOf(now, timeZone);

  if (from || to) {
    // Upstream rejects a range with only one side (§3.2). We complete it instead (the missing side is the
    // picker's limit), because the vault's existing QUERY contract accepts one-sided ranges.
    const earliest = addDays(today, -retentionDays(retentionPeriod));
    const clamp = (day: CivilDate) => (compareDates(day, earliest) < 0 ? earliest : compareDates(day, today) > 0 ? today : day);
    const first = clamp(from ?? earliest);
    const last = clamp(to ?? today);
    if (compareDates(first, last) > 0) throw new RangeError('The custom range starts after it ends.');
    const resolution = requested ?? inferResolution(first, last);
    let buckets: Bucket[];
    if (resolution === 'hours') {
      const start = startOfDay(first, timeZone);
      const end = startOfDay(addDays(last, 1), timeZone) - 1;
      checkCount(Math.ceil((end - start) / HOUR));
      buckets = hourBuckets(start, end);
    } else {
      // §3.2: weeks and months snap outward to whole Monday weeks / whole months.
      const a = unitStart(resolution, first);
      const b = unitStart(resolution, last);
      const count =
        (resolution === 'months' ? (b.year - a.year) * 12 + (b.month - a.month) : daysBetween(a, b) / (resolution === 'weeks' ? 7 : 1)) + 1;
      checkCount(count);
      buckets = calendarBuckets(resolution, last, count, timeZone);
    }
    return finish(buckets, resolution, null, true, retentionPeriod);
  }

  const rawRange = query.range === undefined || query.range === null || query.range === '' ? '7' : String(query.range);
  if (rawRange === 'yesterday') {
    // §3.1: 00:00:00 to 23:59:59.999 yesterday, by the hour (23 or 25 hours on a DST day).
    const yesterday = addDays(today, -1);
    const buckets = hourBuckets(startOfDay(yesterday, timeZone), startOfDay(today, timeZone) - 1);
    return finish(buckets, 'hours', 'yesterday', false, retentionPeriod);
  }
  if (!/^[1-9]\d{0,5}$/.test(rawRange)) throw new RangeError(`Unknown range value: ${rawRange}`);
  const count = Number(rawRange);
  checkCount(count);
  const resolution = requested ?? 'days';
  let buckets: Bucket[];
  if (resolution === 'hours') {
    // "start of the hour 23 h ago to the end of the current hour": absolute hours, so a DST change neither
    // drops nor doubles a bucket.
    const newest = startOfHour(now, timeZone);
    buckets = [];
    for (let k = count - 1; k >= 0; k--) {
      const start = startOfHour(newest - k * HOUR, timeZone);
      buckets.push({ start, end: start + HOUR - 1 });
    }
  } else {
    buckets = calendarBuckets(resolution, today, count, timeZone);
  }
  return finish(buckets, resolution, presetOf(rawRange, resolution), false, retentionPeriod);
}

/** The index of the bucket holding `time`, or -1 (binary search over ascending, back-to-back buckets). */
export function bucketIndex(buckets: readonly Bucket[], time: number): number {
  let low = 0;
  let high = buckets.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const bucket = buckets[mid]!;
    if (time < bucket.start) high = mid - 1;
    else if (time > bucket.end) low = mid + 1;
    else return mid;
  }
  return -1;
}
