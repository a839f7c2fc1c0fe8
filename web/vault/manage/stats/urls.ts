// URL normalisation of dashboard.md §0 and the per-event URL facts the metrics need. Parsing a URL costs far
// more than a Map lookup and a site has few distinct URLs, so every result is memoised per input string: a
// million events cost a million lookups and a few thousand parses.
import { friendlyReferrerName } from './referrers.ts';

/** The referrer key of sessions without a computed referrer (§2.6), shown as *None*. */
export const NONE_REFERRER = '__NONE_REFERRER__';
/** The location key of sessions without geo (§2.8), shown as *None*. */
export const NONE_GEOLOCATION = '__NONE_GEOLOCATION__';

function parse(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/**
 * `origin + pathname` with a trailing `/` (§0): query and hash are dropped, `/foo` and `/foo/` are one page.
 * A value that is not a URL is returned as it is.
 */
export function stripHref(href: string): string {
  const url = parse(href);
  if (!url) return href;
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  // Opaque origins ("null", e.g. file:) would merge unrelated pages; keep scheme and host instead.
  return url.origin !== 'null' ? url.origin + path : `${url.protocol}//${url.host}${path}`;
}

/**
 * §2.6 steps 2–4: the computed referrer exists only when a referrer is present and its host (with port)
 * differs from the page's host; it is the friendly name, else the bare host (`www.` kept).
 */
export function computeReferrer(referrer: string, href: string): string | null {
  if (!referrer) return null;
  const from = parse(referrer);
  if (!from || from.host === '') return null;
  const page = parse(href);
  if (page && page.host === from.host) return null;
  return friendlyReferrerName(from.hostname) ?? from.host;
}

export interface UtmTags {
  campaign: string | null;
  source: string | null;
}

/** §2.7: `utm_campaign` / `utm_source`, case-sensitive and not normalised; empty counts as absent. */
export function utmTags(url: string): UtmTags {
  const parsed = parse(url);
  const campaign = parsed?.searchParams.get('utm_campaign') || null;
  const source = parsed?.searchParams.get('utm_source') || null;
  return { campaign, source };
}

const NO_TAGS: UtmTags = Object.freeze({ campaign: null, source: null });

/** Memoised URL facts for one computation (not shared across calls, so memory is freed with the result). */
export class UrlFacts {
  private readonly pages = new Map<string, { stripped: string; host: string }>();
  private readonly referrers = new Map<string, Map<string, string | null>>();
  private readonly tags = new Map<string, UtmTags>();

  private pageFacts(href: string): { stripped: string; host: string } {
    let facts = this.pages.get(href);
    if (facts === undefined) this.pages.set(href, (facts = { stripped: stripHref(href), host: parse(href)?.host ?? '' }));
    return facts;
  }

  page(href: string): string {
    return this.pageFacts(href).stripped;
  }

  referrer(referrer: string, href: string): string | null {
    if (!referrer) return null;
    // The result depends on the page only through its host; nested maps avoid building a key per call.
    const host = this.pageFacts(href).host;
    let byHost = this.referrers.get(referrer);
    if (byHost === undefined) this.referrers.set(referrer, (byHost = new Map()));
    let value = byHost.get(host);
    if (value === undefined) byHost.set(host, (value = computeReferrer(referrer, href)));
    return value;
  }

  /** Tags of `rawHref` when present (the real location), else of `href`, so tags survive canonical links. */
  utm(href: string, rawHref: string | undefined): UtmTags {
    const url = rawHref || href;
    // Most URLs carry no tags; skip the lookup for them. (`%` because URLSearchParams decodes names.)
    if (!url.includes('utm') && !url.includes('%')) return NO_TAGS;
    let value = this.tags.get(url);
    if (value === undefined) this.tags.set(url, (value = utmTags(url)));
    return value;
  }
}
