// Friendly referrer names (dashboard.md §2.6 step 3). D9 of spec/README.md: rules match whole host names, so
// `t.co` names only t.co (and its subdomains), never microsoft.co; "contains duckduckgo.com" becomes
// "is duckduckgo.com or a subdomain of it".

/** The host itself or any subdomain of it, on label boundaries. */
const domain = (name: string) => (host: string) => host === name || host.endsWith(`.${name}`);
/** Only these exact host names. */
const exact = (...names: string[]) => (host: string) => names.includes(host);
/** Any subdomain (`*.wikipedia.org`). */
const subdomain = (name: string) => (host: string) => host.endsWith(`.${name}`);

// google.<tld>: one- to three-letter TLDs and the co.xx / com.xx second-level forms (google.co.uk, google.com.br).
const GOOGLE = /^(?:www\.)?google\.(?:[a-z]{2,3}|co\.[a-z]{2}|com\.[a-z]{2})$/;

/** First match wins, in the order of the §2.6 table. */
const RULES: ReadonlyArray<readonly [(host: string) => boolean, string]> = [
  [(host) => GOOGLE.test(host), 'Google'],
  [exact('web.telegram.org'), 'Telegram'],
  [exact('l.facebook.com', 'lm.facebook.com', 'm.facebook.com', 'www.facebook.com'), 'Facebook'],
  [domain('duckduckgo.com'), 'DuckDuckGo'],
  [domain('ecosia.org'), 'Ecosia'],
  [domain('qwant.com'), 'Qwant'],
  [domain('baidu.com'), 'Baidu'],
  [domain('linkedin.com'), 'LinkedIn'],
  [domain('t.co'), 'Twitter'],
  [exact('news.ycombinator.com'), 'Hacker News'],
  [exact('old.reddit.com', 'www.reddit.com'), 'Reddit'],
  [subdomain('wikipedia.org'), 'Wikipedia'],
  [subdomain('zoom.us'), 'Zoom'],
];

/**
 * The friendly name for a referrer host name (no port), or null when no rule matches. Upstream's
 * `android-app://` rules are not carried over: they never fired upstream (§8.4) and D9 does not add them, so
 * such referrers show their bare host (e.g. `org.telegram.messenger`).
 */
export function friendlyReferrerName(hostname: string): string | null {
  const host = hostname.toLowerCase();
  for (const [matches, name] of RULES) if (matches(host)) return name;
  return null;
}
