// @vitest-environment happy-dom
// clients-and-crypto.md §2.3: the fields the vault adds and the referrer cleaning.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getCookie } from './cookies.ts';
import { cleanReferrer, completeEvent, sessionId } from './event.ts';

describe('cleanReferrer', () => {
  it('drops the query and keeps the hash', () => {
    expect(cleanReferrer('https://www.example.com/a/b?utm_source=x&q=secret#part')).toBe('https://www.example.com/a/b#part');
    expect(cleanReferrer('https://www.example.com/?q=1')).toBe('https://www.example.com/');
    expect(cleanReferrer('https://www.example.com')).toBe('https://www.example.com/');
  });

  it('keeps empty empty and turns unparsable or non-string values into ""', () => {
    expect(cleanReferrer('')).toBe('');
    expect(cleanReferrer('not a url')).toBe('');
    expect(cleanReferrer(undefined)).toBe('');
    expect(cleanReferrer(42)).toBe('');
  });
});

describe('completeEvent', () => {
  afterEach(() => vi.restoreAllMocks());

  it('adds timestamp, sessionId and geo and keeps only the script fields', () => {
    (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL('https://offen.example.org/vault');
    vi.spyOn(Intl.DateTimeFormat.prototype, 'resolvedOptions').mockReturnValue({ timeZone: 'Europe/Berlin' } as Intl.ResolvedDateTimeFormatOptions);
    const event = completeEvent('acc-1', {
      type: 'PAGEVIEW',
      href: 'https://www.example.com/x',
      referrer: 'https://search.example/?q=me',
      pageload: 120,
      isMobile: false,
      title: 'never sent',
    } as never);
    expect(Object.keys(event)).toEqual(['type', 'href', 'referrer', 'pageload', 'isMobile', 'timestamp', 'sessionId', 'geo']);
    expect(event).toMatchObject({ referrer: 'https://search.example/', geo: 'DE', pageload: 120 });
    expect(event.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(event.sessionId).toBe(getCookie('session-acc-1'));
    expect(completeEvent('acc-1', { type: 'PAGEVIEW', rawHref: 'https://www.example.com/x?a' }).rawHref).toBe('https://www.example.com/x?a');
  });

  it('keeps one session id per account for the browser session', () => {
    const first = sessionId('acc-2');
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(sessionId('acc-2')).toBe(first);
    expect(sessionId('acc-3')).not.toBe(first);
  });
});
