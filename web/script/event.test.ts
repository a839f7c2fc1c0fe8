// @vitest-environment happy-dom
// The pageview fields script.js sets (clients-and-crypto.md §2.3), built by main.ts's pageviewEvent.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pageviewEvent } from './main';

const happy = (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM;

// Only performance.timing is replaced: happy-dom's events need the rest of performance.
const timing = (value: object) => Object.defineProperty(performance, 'timing', { value, configurable: true });

const canonical = (href: string) => {
  const link = document.createElement('link');
  link.rel = 'canonical';
  link.setAttribute('href', href);
  document.head.appendChild(link);
};

beforeEach(() => {
  happy.setURL('https://www.example.org/blog/post?utm_source=news#top');
  timing({ navigationStart: 1000, domContentLoadedEventEnd: 1234.6 });
  Object.defineProperty(document, 'referrer', { value: 'https://search.example/?q=x', configurable: true });
});
afterEach(() => {
  document.head.innerHTML = '';
  vi.unstubAllGlobals();
  delete (window as { onorientationchange?: unknown }).onorientationchange;
});

describe('pageviewEvent', () => {
  it('uses location.href and has no rawHref without a canonical link', () => {
    expect(pageviewEvent()).toEqual({
      type: 'PAGEVIEW',
      href: 'https://www.example.org/blog/post?utm_source=news#top',
      referrer: 'https://search.example/?q=x',
      pageload: 235,
      isMobile: false,
    });
    expect('rawHref' in pageviewEvent()).toBe(false);
  });

  it('resolves a relative canonical against location.href and keeps the raw URL in rawHref', () => {
    canonical('/blog/post');
    const e = pageviewEvent();
    expect(e.href).toBe('https://www.example.org/blog/post');
    expect(e.rawHref).toBe('https://www.example.org/blog/post?utm_source=news#top');
  });

  it('resolves against location.href, not the document base URL', () => {
    const base = document.createElement('base');
    base.href = 'https://cdn.example.net/assets/';
    document.head.appendChild(base);
    canonical('post');
    expect(pageviewEvent().href).toBe('https://www.example.org/blog/post');
  });

  it('has no rawHref when the canonical equals location.href', () => {
    canonical('https://www.example.org/blog/post?utm_source=news#top');
    const e = pageviewEvent();
    expect(e.href).toBe('https://www.example.org/blog/post?utm_source=news#top');
    expect('rawHref' in e).toBe(false);
  });

  it('ignores other link relations', () => {
    const link = document.createElement('link');
    link.rel = 'alternate';
    link.href = 'https://www.example.org/de/blog/post';
    document.head.appendChild(link);
    expect(pageviewEvent().href).toBe('https://www.example.org/blog/post?utm_source=news#top');
  });

  it('reports the rounded DOMContentLoaded time on a first view and null on a subsequent one', () => {
    expect(pageviewEvent(false).pageload).toBe(235);
    expect(pageviewEvent(true).pageload).toBeNull();
    timing({ navigationStart: 5000, domContentLoadedEventEnd: 0 });
    // Read before DCL ended: negative, passed on as is (the stats ignore it, §2.3).
    expect(pageviewEvent().pageload).toBe(-5000);
  });

  it('is mobile exactly when window.onorientationchange is defined (null counts)', () => {
    expect(pageviewEvent().isMobile).toBe(false);
    (window as { onorientationchange?: unknown }).onorientationchange = null;
    expect(pageviewEvent().isMobile).toBe(true);
  });

  it('counts the property being present at all, even when it holds undefined', () => {
    // 'onorientationchange' in window (main.ts): differs from the typeof check only for this value.
    (window as { onorientationchange?: unknown }).onorientationchange = undefined;
    expect(pageviewEvent().isMobile).toBe(true);
  });

  it('uses the first rel=canonical link when there are several', () => {
    canonical('/first');
    canonical('/second');
    expect(pageviewEvent().href).toBe('https://www.example.org/first');
  });

  it('passes an empty referrer through', () => {
    Object.defineProperty(document, 'referrer', { value: '', configurable: true });
    expect(pageviewEvent().referrer).toBe('');
  });
});
