// QUERY result shaping (result.ts) and ULID times (clients-and-crypto.md §7.12).
import { describe, expect, it } from 'vitest';
import { computeResult } from './result.ts';
import { pageview, ulid } from './test-support.ts';
import type { NormalizedEvent } from './types.ts';
import { ulidTime } from './ulid.ts';

const at = (iso: string, tail = '') => ulid(Date.parse(iso), tail);
const event = (eventId: string): NormalizedEvent => ({ ...pageview(), eventId, accountId: 'a', secretId: 's' });

describe('ulidTime', () => {
  it('decodes the 48-bit time of a ULID', () => {
    // The example of the ULID specification's README.
    expect(ulidTime('01ARYZ6S41TSV4RRFFQ69G5FAV')).toBe(1469918176385);
    expect(ulidTime(at('2024-10-11T19:44:17.123Z'))).toBe(Date.parse('2024-10-11T19:44:17.123Z'));
    expect(ulidTime('01aryz6s41tsv4rrffq69g5fav')).toBe(1469918176385);
  });

  it('returns null for what is not a ULID', () => {
    expect(ulidTime('short')).toBeNull();
    // U is not in the Crockford alphabet.
    expect(ulidTime('01ARYZ6S4UTSV4RRFFQ69G5FAV')).toBeNull();
    expect(ulidTime('8ZZZZZZZZZZZZZZZZZZZZZZZZZ')).toBeNull();
  });
});

describe('computeResult', () => {
  const events = [
    event(at('2024-10-03T00:00:00.000Z', 'c')),
    event(at('2024-10-01T00:00:00.000Z', 'a')),
    event(at('2024-10-02T00:00:00.000Z', 'b')),
  ];

  it('sorts by eventId and passes the account through without a range', () => {
    const result = computeResult(events, {}, { retentionPeriod: '6months' });
    expect(result.events.map((e) => e.eventId)).toEqual([...events.map((e) => e.eventId)].sort());
    expect(result.account).toEqual({ retentionPeriod: '6months' });
    expect(result.range).toEqual({ from: null, to: null });
  });

  it('reports from..to as ISO strings and, by default (visitor), keeps every event', () => {
    const result = computeResult(events, { from: '2024-10-01T12:00:00.000Z', to: '2024-10-03T00:00:00.000Z' }, {});
    expect(result.events).toHaveLength(3);
    expect(result.range).toEqual({ from: '2024-10-01T12:00:00.000Z', to: '2024-10-03T00:00:00.000Z' });
    expect(computeResult(events, { to: new Date('2024-10-01T00:00:00.000Z') }, {}).range).toEqual({ from: null, to: '2024-10-01T00:00:00.000Z' });
    expect(computeResult(events, { from: 'garbage' }, {}).range).toEqual({ from: null, to: null });
  });

  it('operator (events: window): only the events inside stats.window, inclusive, sorted by eventId', () => {
    const now = Date.parse('2024-10-03T12:00:00.000Z');
    // The last millisecond of the window and the first one after it, upper-case ULIDs, a lower-case ULID and junk.
    const inside = [
      event(at('2024-10-03T11:00:00.000Z', 'z')),
      event(at('2024-10-02T00:00:00.000Z', 'y')),
      { ...event(at('2024-10-02T08:00:00.000Z', 'l')), eventId: at('2024-10-02T08:00:00.000Z', 'l').toLowerCase() },
    ];
    const result = computeResult([...events, ...inside, event('not-a-ulid')], { range: '1', resolution: 'days', from: '2024-10-02', to: '2024-10-03' }, {}, { timeZone: 'UTC', now });
    expect(result.window.from).toBe('2024-10-02T00:00:00.000Z');
    expect(result.window.to).toBe('2024-10-03T23:59:59.999Z');
    const edge = event(at('2024-10-03T23:59:59.999Z', 'e'));
    const after = event(at('2024-10-04T00:00:00.000Z', 'f'));
    const before = event(at('2024-10-01T23:59:59.999Z', 'g'));
    const windowed = computeResult([...events, ...inside, edge, after, before, event('not-a-ulid')], { from: '2024-10-02', to: '2024-10-03' }, {}, { timeZone: 'UTC', now, events: 'window' });
    const expected = [events[2]!, events[0]!, ...inside, edge].map((e) => e.eventId).sort();
    expect(windowed.events.map((e) => e.eventId)).toEqual(expected);
    expect(result.events).toHaveLength(7);
  });
});
