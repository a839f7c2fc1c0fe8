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

  it('keeps only events whose ULID time lies within from..to (inclusive), given as ISO strings', () => {
    const result = computeResult(events, { from: '2024-10-01T12:00:00.000Z', to: '2024-10-03T00:00:00.000Z' }, {});
    expect(result.events.map((e) => ulidTime(e.eventId))).toEqual([Date.parse('2024-10-02T00:00:00Z'), Date.parse('2024-10-03T00:00:00Z')]);
    expect(result.range).toEqual({ from: '2024-10-01T12:00:00.000Z', to: '2024-10-03T00:00:00.000Z' });
  });

  it('accepts Date bounds (structured clone) and one-sided ranges, and drops ids without a time', () => {
    const withJunk = [...events, event('not-a-ulid')];
    expect(computeResult(withJunk, { to: new Date('2024-10-01T00:00:00.000Z') }, {}).events).toHaveLength(1);
    expect(computeResult(withJunk, { from: new Date('2024-10-02T00:00:00.000Z') }, {}).events).toHaveLength(2);
    expect(computeResult(withJunk, { from: 'garbage' }, {}).events).toHaveLength(4);
  });
});
