import { describe, expect, it } from 'vitest';
import { EventBlock, UserNumbers, encodeBlock, eventTime, exactStamp, parseBlock, serializeBlock } from './event-block.ts';
import { pageview, ulid } from './test-support.ts';
import type { NormalizedEvent } from './types.ts';
import { ulidTime } from './ulid.ts';

const id = (n: number) => ulid(Date.parse('2024-10-01T00:00:00Z') + n * 1000, `b${n}`);

const event = (n: number, fields: Record<string, unknown> = {}): NormalizedEvent =>
  ({ ...pageview(), eventId: id(n), accountId: 'a', secretId: `S${n % 3}`, ...fields }) as NormalizedEvent;

const roundTrip = (block: EventBlock) => parseBlock(serializeBlock(block));

describe('event blocks', () => {
  it('give back every event as it was: absent members, nulls, odd timestamps, extra members and odd ids', () => {
    const events: NormalizedEvent[] = [
      event(1),
      event(2, { rawHref: 'https://www.example.com/?utm_source=x', geo: null, pageload: null, sessionId: '' }),
      event(3, { extra: { nested: [1] }, timestamp: '2024-10-01T10:00:00+02:00' }),
      event(4, { timestamp: 17, isMobile: true, referrer: 'https://www.google.com/' }),
    ];
    delete (events[0] as Partial<NormalizedEvent>).sessionId;
    delete (events[3] as Partial<NormalizedEvent>).geo;
    const block = encodeBlock(events);
    expect(block.count).toBe(4);
    // Repeated values are stored once.
    expect(block.columns.href.d).toEqual(['https://www.example.com/']);
    expect(new TextDecoder().decode(block.idBytes()!.bytes)).toBe(events.map((e) => e.eventId).join(''));
    for (const copy of [block, roundTrip(block)]) {
      expect(copy.events()).toEqual(events);
      expect(copy.events()[0]).not.toHaveProperty('sessionId');
      expect(copy.events()[1]).not.toHaveProperty('extra');
      expect(copy.events()[3]).not.toHaveProperty('geo');
      expect(copy.event(2).timestamp).toBe('2024-10-01T10:00:00+02:00');
      expect(copy.event(3).timestamp).toBe(17);
      expect(Array.from(copy.time)).toEqual(events.map((e) => ulidTime(e.eventId)));
      expect(copy.indexOf(id(3))).toBe(2);
      expect(copy.indexOf(id(9))).toBe(-1);
    }
    // The ISO timestamps are stored as numbers, the others as they were.
    expect(Number.isNaN(block.stamp[0]!)).toBe(false);
    expect(Number.isNaN(block.stamp[2]!)).toBe(true);
  });

  it('keeps ids that are not 26 ASCII characters one by one, with NaN times', () => {
    const events = [event(1), { ...event(2), eventId: 'not-a-ulid' }, { ...event(3), eventId: id(3).toLowerCase() }];
    const block = encodeBlock(events);
    expect(block.idBytes()).toBeNull();
    const copy = roundTrip(block);
    expect(copy.events()).toEqual(events);
    expect(Number.isNaN(copy.time[1]!)).toBe(true);
    expect(copy.time[2]).toBe(ulidTime(id(3)));
    // Lower-case time digits: string order need not be time order.
    expect(copy.canonical).toBe(false);
    expect(roundTrip(encodeBlock([event(1), event(2)])).canonical).toBe(true);
    expect(copy.compareIds(0, 2)).toBeLessThan(0);
  });

  it('stores indexes in 1, 2 or 4 bytes by dictionary size, and reads each width back', () => {
    for (const distinct of [10, 300, 70_000]) {
      const events = Array.from({ length: 70_000 }, (_, n) => event(n, { secretId: `user-${n % distinct}` }));
      const bytes = serializeBlock(encodeBlock(events));
      const copy = parseBlock(bytes);
      expect(copy.count).toBe(events.length);
      for (const n of [0, 1, 299, 9_999, 69_999]) expect(copy.event(n)).toEqual(events[n]);
      // ULID random parts (10 bytes), timestamps and times (4 each), stamp exceptions and 9 columns (1 each),
      // the user column.
      const width = distinct < 255 ? 1 : distinct < 65_535 ? 2 : 4;
      expect(bytes.length).toBeGreaterThan(events.length * (10 + 8 + 10 + width));
      expect(bytes.length).toBeLessThan(events.length * (10 + 8 + 10 + width) + 2_000_000);
    }
  }, 60_000);

  it('reads an unaligned copy, an empty block, and refuses what is not a block', () => {
    const bytes = serializeBlock(encodeBlock([event(1), event(2)]));
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(parseBlock(shifted.subarray(3)).events()).toEqual([event(1), event(2)]);
    expect(parseBlock(serializeBlock(encodeBlock([]))).count).toBe(0);
    expect(() => parseBlock(new TextEncoder().encode('{"v":1}'))).toThrow();
    expect(() => parseBlock(bytes.subarray(0, bytes.length - 40))).toThrow();
  });

  it('stores a timestamp as ms exactly when toISOString writes that ms back as the same string', () => {
    const slow = (value: string) => {
      const ms = Date.parse(value);
      return !Number.isNaN(ms) && new Date(ms).toISOString() === value ? ms : NaN;
    };
    const samples = [
      '2024-10-01T10:00:00.000Z', '2024-02-29T23:59:59.999Z', '2023-02-29T10:00:00.000Z', '2024-13-01T10:00:00.000Z',
      '2024-10-01T24:00:00.000Z', '2024-10-01T10:60:00.000Z', '2024-10-01T10:00:60.000Z', '2024-10-01 10:00:00.000Z',
      '2024-10-01T10:00:00.000+', '2024-10-01T10:00:00,000Z', '2024-10-01T1a:00:00.000Z', '0000-01-01T00:00:00.000Z',
      '0099-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z', '2024-04-31T00:00:00.000Z', '2024-10-01T10:00:00.00AZ',
      '2024-10-01T10:00:00Z', '2024-10-01T10:00:00.000+02:00', '+02024-10-01T10:00:00.000Z',
    ];
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 2000; i++) {
      const iso = new Date(Math.floor(random() * 4e12)).toISOString();
      samples.push(iso);
      // …and with one character changed
      const at = Math.floor(random() * iso.length);
      samples.push(iso.slice(0, at) + '0123456789:-TZ.x'[Math.floor(random() * 16)] + iso.slice(at + 1));
    }
    for (const value of samples) expect(exactStamp(value), value).toBe(slow(value));
    expect(exactStamp(17)).toBeNaN();
  });

  it('codes visitors with a shared numbering, which the bytes leave out and the parse needs', () => {
    const users = new UserNumbers();
    const first = encodeBlock([event(1), event(2), event(4)], users);
    const second = encodeBlock([event(3), event(7)], users);
    expect(users.names).toEqual(['S1', 'S2', 'S0']);
    expect(first.columns.secretId.d).toBe(users.names);
    const bytes = serializeBlock(second, users);
    expect(new TextDecoder('latin1').decode(bytes)).not.toContain('"S0"');
    // A new page load: the numbering comes back from its records, in order.
    const restored = new UserNumbers();
    restored.restore([...users.names]);
    expect(parseBlock(bytes, restored).events()).toEqual([event(3), event(7)]);
    expect(() => parseBlock(bytes)).toThrow(/numbering/);
    const short = new UserNumbers();
    short.restore(['S1']);
    expect(() => parseBlock(bytes, short)).toThrow(/number/);
    // Restored names are indexed only when a number is asked for; each keeps its stored number (the first
    // of a repeated name wins), and a new name comes after all of them.
    const later = new UserNumbers();
    later.restore(['S1', 'S2', 'S1', 'S0']);
    expect(later.number('S0')).toBe(3);
    expect(later.number('S1')).toBe(0);
    expect(later.number('S9')).toBe(4);
    later.restore(['S7']);
    expect(later.number('S7')).toBe(5);
    expect(later.names).toEqual(['S1', 'S2', 'S1', 'S0', 'S9', 'S7']);
    // Events without a string secretId keep a dictionary of their own.
    const odd = encodeBlock([{ ...event(5), secretId: 5 as unknown as string }], users);
    expect(odd.columns.secretId.d).toEqual([5]);
    expect(parseBlock(serializeBlock(odd, users), users).event(0).secretId).toBe(5);
  });

  it('keeps canonical ULIDs as time plus 10 random bytes, exactly, and every other id as it was', () => {
    let seed = 11;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const digits = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    const ulids = Array.from({ length: 500 }, (_, n) => {
      // Some share a millisecond, so the random part decides their order.
      const time = Date.parse('2024-10-01T00:00:00Z') + Math.floor(n / 3) * 1000;
      const tail = Array.from({ length: 16 }, () => digits[Math.floor(random() * 32)]).join('');
      return ulid(time).slice(0, 10) + tail;
    });
    const events = ulids.map((eventId, n) => ({ ...event(n), eventId }));
    const copy = roundTrip(encodeBlock(events));
    expect(copy.idBytes()!.width).toBe(10);
    expect(copy.events()).toEqual(events);
    for (let k = 0; k < 400; k++) {
      const a = Math.floor(random() * 500);
      const b = Math.floor(random() * 500);
      expect(Math.sign(copy.compareIds(a, b))).toBe(ulids[a]! < ulids[b]! ? -1 : ulids[a]! > ulids[b]! ? 1 : 0);
    }
    // A lower-case digit, or a first digit above 7 (no ULID time): 26 bytes each, unchanged.
    for (const odd of [ulids[0]!.slice(0, 20) + 'abcdef', '8' + ulids[0]!.slice(1)]) {
      const mixed = roundTrip(encodeBlock([events[1]!, { ...events[2]!, eventId: odd }]));
      expect(mixed.idBytes()!.width).toBe(26);
      expect(mixed.eventId(1)).toBe(odd);
    }
    // Timestamps far from the event time, and times that are no ULID time: stored as float64, unchanged.
    const far = [{ ...events[0]!, timestamp: '1999-01-01T00:00:00.000Z' }, events[1]!];
    expect(roundTrip(encodeBlock(far)).events()).toEqual(far);
    const noTime = [events[0]!, { ...events[1]!, eventId: 'no-ulid' }];
    const back = roundTrip(encodeBlock(noTime));
    expect(back.events()).toEqual(noTime);
    expect(Number.isNaN(back.time[1]!)).toBe(true);
  });

  it('decodes event times like ulid.ts', () => {
    for (const value of ['01ARYZ6S41TSV4RRFFQ69G5FAV', '01aryz6s41tsv4rrffq69g5fav', '7ZZZZZZZZZZZZZZZZZZZZZZZZZ']) expect(eventTime(value)).toBe(ulidTime(value));
    for (const value of ['', 'short', '8ZZZZZZZZZZZZZZZZZZZZZZZZZ', '01ARYZ6S4UTSV4RRFFQ69G5FAV']) expect(eventTime(value)).toBeNaN();
  });
});
