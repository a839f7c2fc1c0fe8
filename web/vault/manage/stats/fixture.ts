// The fixed dataset of the metric tests (not bundled: only *.test.ts import this file). Every expected value
// in stats.test.ts and filters.test.ts is worked out by hand from this table, so change both together.
//
// Viewer zone Europe/Berlin (CEST = UTC+2 until 27 Oct 2024); now = Fri 2024-10-11 12:00 CEST.
// Default window (7 days): Sat 5 Oct 00:00 CEST … Fri 11 Oct 23:59:59.999 CEST.
//
//  id   user sess  local time (CEST)  page (href; rawHref)                     referrer                        load mob geo
//  e01  D    sd1   Sun 15 Sep 10:00   /                                        –                               300  no  NL   (W0)
//  e02  C    sc0   Wed 25 Sep 10:00   /                                        –                               300  no  FR   (W1)
//  e03  A    sa0   Tue  1 Oct 10:00   /                                        –                               300  no  DE   (W2)
//  e04  D    sd2   Fri  4 Oct 23:30   /pricing                                 –                               300  no  NL   (30 min before the window)
//  e05  A    s1    Wed  9 Oct 10:00   / ; /?utm_campaign=Newsletter-October&utm_source=Mail  –              250  no  DE
//  e06  A    s1    Wed  9 Oct 10:01   /about                                   https://www.example.com/ (internal) null no DE
//  e07  A    s1    Wed  9 Oct 10:05   /blog/post-1                             –                                 0  no  DE
//  e08  A    s1    Wed  9 Oct 10:07   /about/                                  –                                -5  no  DE
//  e09  B    s2    Thu 10 Oct 08:00   /blog/post-1?utm_source=Twitter#top      https://t.co/AbC               1200 yes  US
//  e10  B    s2    Thu 10 Oct 08:02   /blog/post-2                             –                              null yes  US
//  e11  B    s2    Thu 10 Oct 08:03   /                                        –                              null yes  US
//  e12  B    s3    Thu 10 Oct 20:00   /pricing                                 https://microsoft.co/page       800 yes  –
//  e13  C    s4    Fri 11 Oct 09:00   /                                        https://www.google.de/          400  no  –
//  e14  C    s4    Fri 11 Oct 09:10   /contact?utm_campaign=Spring             –                              null  no  FR
//  e15  A    s5    Fri 11 Oct 11:50   /blog/post-2 (client clock says 11:56)   https://news.ycombinator.com/item 600 no  DE
//  e16  A    s5    Fri 11 Oct 11:55   /about       (client clock says 11:55)   –                              null  no  DE
//  e17  C    –     Fri 11 Oct 11:58   /contact     (no session)                –                               500  no  FR
import { ulid } from '../test-support.ts';
import type { NormalizedEvent } from '../types.ts';

export const TIME_ZONE = 'Europe/Berlin';
export const NOW = Date.parse('2024-10-11T12:00:00+02:00');
export const ACCOUNT = 'acc-1';
export const SITE = 'https://www.example.com';

interface Row {
  tail: string;
  user: string;
  session: string | null;
  at: string;
  path: string;
  raw?: string;
  referrer?: string;
  pageload: number | null;
  mobile?: boolean;
  geo: string | null;
  clock?: string;
}

/** One event; `at` is local Berlin time (CEST) and becomes the ULID time, i.e. server receipt time. */
export function event(row: Row): NormalizedEvent {
  const time = Date.parse(`${row.at}+02:00`);
  return {
    eventId: ulid(time, row.tail),
    accountId: ACCOUNT,
    secretId: row.user,
    type: 'PAGEVIEW',
    href: SITE + row.path,
    ...(row.raw ? { rawHref: SITE + row.raw } : {}),
    referrer: row.referrer ?? '',
    pageload: row.pageload,
    isMobile: row.mobile ?? false,
    timestamp: new Date(row.clock ? Date.parse(`${row.clock}+02:00`) : time).toISOString(),
    sessionId: row.session,
    geo: row.geo,
  };
}

export const EVENTS: readonly NormalizedEvent[] = [
  event({ tail: 'e01', user: 'user-d', session: 'sd1', at: '2024-09-15T10:00', path: '/', pageload: 300, geo: 'NL' }),
  event({ tail: 'e02', user: 'user-c', session: 'sc0', at: '2024-09-25T10:00', path: '/', pageload: 300, geo: 'FR' }),
  event({ tail: 'e03', user: 'user-a', session: 'sa0', at: '2024-10-01T10:00', path: '/', pageload: 300, geo: 'DE' }),
  event({ tail: 'e04', user: 'user-d', session: 'sd2', at: '2024-10-04T23:30', path: '/pricing', pageload: 300, geo: 'NL' }),
  event({ tail: 'e05', user: 'user-a', session: 's1', at: '2024-10-09T10:00', path: '/', raw: '/?utm_campaign=Newsletter-October&utm_source=Mail', pageload: 250, geo: 'DE' }),
  event({ tail: 'e06', user: 'user-a', session: 's1', at: '2024-10-09T10:01', path: '/about', referrer: `${SITE}/`, pageload: null, geo: 'DE' }),
  event({ tail: 'e07', user: 'user-a', session: 's1', at: '2024-10-09T10:05', path: '/blog/post-1', pageload: 0, geo: 'DE' }),
  event({ tail: 'e08', user: 'user-a', session: 's1', at: '2024-10-09T10:07', path: '/about/', pageload: -5, geo: 'DE' }),
  event({ tail: 'e09', user: 'user-b', session: 's2', at: '2024-10-10T08:00', path: '/blog/post-1?utm_source=Twitter#top', referrer: 'https://t.co/AbC', pageload: 1200, mobile: true, geo: 'US' }),
  event({ tail: 'e10', user: 'user-b', session: 's2', at: '2024-10-10T08:02', path: '/blog/post-2', pageload: null, mobile: true, geo: 'US' }),
  event({ tail: 'e11', user: 'user-b', session: 's2', at: '2024-10-10T08:03', path: '/', pageload: null, mobile: true, geo: 'US' }),
  event({ tail: 'e12', user: 'user-b', session: 's3', at: '2024-10-10T20:00', path: '/pricing', referrer: 'https://microsoft.co/page', pageload: 800, mobile: true, geo: null }),
  event({ tail: 'e13', user: 'user-c', session: 's4', at: '2024-10-11T09:00', path: '/', referrer: 'https://www.google.de/', pageload: 400, geo: null }),
  event({ tail: 'e14', user: 'user-c', session: 's4', at: '2024-10-11T09:10', path: '/contact?utm_campaign=Spring', pageload: null, geo: 'FR' }),
  event({ tail: 'e15', user: 'user-a', session: 's5', at: '2024-10-11T11:50', clock: '2024-10-11T11:56', path: '/blog/post-2', referrer: 'https://news.ycombinator.com/item', pageload: 600, geo: 'DE' }),
  event({ tail: 'e16', user: 'user-a', session: 's5', at: '2024-10-11T11:55', path: '/about', pageload: null, geo: 'DE' }),
  event({ tail: 'e17', user: 'user-c', session: null, at: '2024-10-11T11:58', path: '/contact', pageload: 500, geo: 'FR' }),
];
