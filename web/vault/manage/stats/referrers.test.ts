// Referrer names (dashboard.md §2.6 with D9: whole host names) and URL normalisation (§0).
import { describe, expect, it } from 'vitest';
import { friendlyReferrerName } from './referrers.ts';
import { UrlFacts, computeReferrer, stripHref, utmTags } from './urls.ts';

describe('friendlyReferrerName', () => {
  it.each([
    ['google.com', 'Google'],
    ['www.google.de', 'Google'],
    ['www.google.co.uk', 'Google'],
    ['google.com.br', 'Google'],
    ['web.telegram.org', 'Telegram'],
    ['l.facebook.com', 'Facebook'],
    ['m.facebook.com', 'Facebook'],
    ['duckduckgo.com', 'DuckDuckGo'],
    ['html.duckduckgo.com', 'DuckDuckGo'],
    ['www.ecosia.org', 'Ecosia'],
    ['www.qwant.com', 'Qwant'],
    ['www.baidu.com', 'Baidu'],
    ['www.linkedin.com', 'LinkedIn'],
    ['t.co', 'Twitter'],
    ['news.ycombinator.com', 'Hacker News'],
    ['old.reddit.com', 'Reddit'],
    ['de.wikipedia.org', 'Wikipedia'],
    ['us02web.zoom.us', 'Zoom'],
    ['T.CO', 'Twitter'],
  ])('%s is %s', (host, name) => {
    expect(friendlyReferrerName(host)).toBe(name);
  });

  it.each([
    // D9: t.co is a whole host name, not a suffix of microsoft.co or a substring
    'microsoft.co',
    'at.co',
    't.co.evil.org',
    // "contains duckduckgo.com" on label boundaries only
    'notduckduckgo.com',
    'duckduckgo.com.evil.org',
    'google.evil.com',
    'notgoogle.com',
    // hosts the table does not list
    'facebook.com',
    'reddit.com',
    'news.ycombinator.com.evil.org',
    'wikipedia.org.evil.org',
  ])('%s has no friendly name', (host) => {
    expect(friendlyReferrerName(host)).toBeNull();
  });
});

describe('computeReferrer', () => {
  const page = 'https://www.example.com/blog/';

  it('exists only for a referrer on another host (port included)', () => {
    expect(computeReferrer('', page)).toBeNull();
    expect(computeReferrer('https://www.example.com/other', page)).toBeNull();
    expect(computeReferrer('not a url', page)).toBeNull();
    // another port is another host, shown with its port
    expect(computeReferrer('https://www.example.com:8443/', page)).toBe('www.example.com:8443');
  });

  it('shows the friendly name, else the bare host with www. kept', () => {
    expect(computeReferrer('https://t.co/xyz', page)).toBe('Twitter');
    expect(computeReferrer('https://www.heise.de/news/', page)).toBe('www.heise.de');
    // upstream's android-app:// rules never fired (host-only matching) and are not added: the bare host shows
    expect(computeReferrer('android-app://org.telegram.messenger/', page)).toBe('org.telegram.messenger');
  });
});

describe('URL normalisation', () => {
  it('keeps origin + pathname with a trailing slash', () => {
    expect(stripHref('https://www.example.com')).toBe('https://www.example.com/');
    expect(stripHref('https://www.example.com/foo')).toBe('https://www.example.com/foo/');
    expect(stripHref('https://www.example.com/foo/?a=1#b')).toBe('https://www.example.com/foo/');
    // hash-routed SPAs collapse into one page (§0)
    expect(stripHref('https://www.example.com/#/settings')).toBe('https://www.example.com/');
    expect(stripHref('HTTPS://WWW.Example.com:443/A')).toBe('https://www.example.com/A/');
  });

  it('reads utm tags from rawHref when present, else href, case-sensitively', () => {
    expect(utmTags('https://x.org/?utm_campaign=Newsletter-October&utm_source=')).toEqual({ campaign: 'Newsletter-October', source: null });
    const urls = new UrlFacts();
    // the canonical href lost the tags; the raw location kept them
    expect(urls.utm('https://x.org/a/', 'https://x.org/a/?utm_source=Messenger')).toEqual({ campaign: null, source: 'Messenger' });
    // rawHref wins even when href carries a tag
    expect(urls.utm('https://x.org/?utm_source=Canonical', 'https://x.org/?utm_campaign=Raw')).toEqual({ campaign: 'Raw', source: null });
    expect(urls.utm('https://x.org/?utm_source=Only', undefined)).toEqual({ campaign: null, source: 'Only' });
  });
});
