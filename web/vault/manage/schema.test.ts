// The read-side schemas of clients-and-crypto.md §2.3 (failures are dropped, §7.18).
import { describe, expect, it } from 'vitest';
import { isEventEnvelope, isEventPayload } from './schema.ts';
import { loadVectors, pageview } from './test-support.ts';

describe('isEventPayload', () => {
  it('accepts the vector plaintext and a pageview with rawHref, null pageload, null geo and empty referrer', () => {
    expect(isEventPayload(JSON.parse(loadVectors().eventPayload.plaintextUtf8))).toBe(true);
    expect(isEventPayload(pageview({ rawHref: 'https://www.example.com/?x=1', pageload: null, geo: null, sessionId: null, referrer: '' }))).toBe(true);
    expect(isEventPayload(pageview({ pageload: -3 }))).toBe(true);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a type other than PAGEVIEW', { type: 'CLICK' }],
    ['a missing href', { href: undefined }],
    ['a relative href', { href: '/blog/' }],
    ['an href over 2000 characters', { href: 'https://x.org/' + 'a'.repeat(1987) }],
    ['an href with a space', { href: 'https://x.org/a b' }],
    ['a timestamp that is not a date-time', { timestamp: 'yesterday' }],
    ['a timestamp over 36 characters', { timestamp: '2024-10-11T19:44:17.1234567890123456789Z' }],
    ['a missing timestamp', { timestamp: undefined }],
    ['a referrer that is not a URI', { referrer: 'news' }],
    ['a rawHref that is not a URI', { rawHref: 'nope' }],
    ['a string pageload', { pageload: '12' }],
    ['a string isMobile', { isMobile: 'false' }],
    ['a numeric sessionId', { sessionId: 5 }],
    ['a numeric geo', { geo: 49 }],
  ])('rejects %s', (_name, change) => {
    const payload: Record<string, unknown> = { ...pageview(), ...change };
    for (const key of Object.keys(change)) if (change[key] === undefined) delete payload[key];
    expect(isEventPayload(payload)).toBe(false);
  });

  it('accepts an href of exactly 2000 characters', () => {
    expect(isEventPayload(pageview({ href: 'https://x.org/' + 'a'.repeat(1986) }))).toBe(true);
  });

  it('rejects non-objects', () => {
    for (const value of [null, 'PAGEVIEW', 1, [pageview()]]) expect(isEventPayload(value)).toBe(false);
  });
});

describe('isEventEnvelope', () => {
  it('accepts string and object payloads with ids of at most 26 characters', () => {
    expect(isEventEnvelope({ eventId: '01J9ZQ3R5K6V7W8X9Y0Z1A2B3C', accountId: 'a', secretId: 's', payload: '{1,} x y' })).toBe(true);
    expect(isEventEnvelope({ eventId: 'E', accountId: null, payload: {} })).toBe(true);
  });

  it.each([
    [{ eventId: 'X'.repeat(27), payload: 'p' }],
    [{ eventId: '', payload: 'p' }],
    [{ payload: 'p' }],
    [{ eventId: 'E', payload: null }],
    [{ eventId: 'E', payload: 5 }],
    [{ eventId: 'E', accountId: 5, payload: 'p' }],
    [{ eventId: 'E', secretId: 5, payload: 'p' }],
  ])('rejects %j', (value) => {
    expect(isEventEnvelope(value)).toBe(false);
  });
});
