// Test support for the panel tests: a hand-built DashboardStats and a render into an AppContext provider
// (the same services the App provides, with navigation recorded instead of performed).
import { render, type ComponentChildren } from 'preact';
import { act } from 'preact/test-utils';
import { auditorium as en } from '../../locales/en.ts';
import { strings as english } from '../../locales/en.ts';
import type { AuditoriumStrings } from '../../locales/types.ts';
import type { Resolution } from '../../vault/manage/stats/ranges.ts';
import type { ChartBucket, DashboardStats } from '../../vault/manage/stats/types.ts';
import { isoWeek, weekday } from '../../vault/manage/stats/zoned.ts';
import { AppContext, type AppServices } from '../context.ts';
import { FlashStore } from '../flash.ts';
import { withLocale } from '../locale.ts';
import { Session } from '../session.ts';
import { createVaultClient } from '../vault-client.ts';

/** A bucket starting at `iso` (UTC, the fixtures' zone). */
export function bucket(iso: string, pageviews: number, visitors: number, accounts = 1): ChartBucket {
  const date = new Date(iso);
  const civil = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
  return {
    date: date.toISOString(),
    pageviews,
    visitors,
    accounts,
    local: { ...civil, hour: date.getUTCHours(), weekday: weekday(civil), isoWeek: isoWeek(civil) },
  };
}

/** 7 days, Tue 27 Feb … Mon 4 Mar 2024 in UTC: a month change and a weekend inside. */
export function sampleStats(overrides: Partial<DashboardStats> = {}): DashboardStats {
  const days = ['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01', '2024-03-02', '2024-03-03', '2024-03-04'];
  return {
    resolution: 'days' as Resolution,
    window: {
      from: '2024-02-27T00:00:00.000Z',
      to: '2024-03-04T23:59:59.999Z',
      resolution: 'days',
      preset: '7days',
      custom: false,
      available: true,
      timeZone: 'UTC',
    },
    filter: null,
    uniqueUsers: 1234,
    uniqueAccounts: 2,
    uniqueSessions: 5,
    avgPageDepth: 2.345,
    bounceRate: 0.4,
    returningUsers: null,
    mobileShare: 0.125,
    avgPageload: 123.4,
    pageviews: days.map((day, i) => bucket(`${day}T00:00:00Z`, i === 0 ? 10 : i, i === 0 ? 4 : Math.min(i, 1), i === 0 ? 2 : 1)),
    pages: Array.from({ length: 12 }, (_, i) => ({ key: `https://x.org/p${i}/`, count: 100 - i, accountId: 'acc' })),
    landingPages: [{ key: 'https://x.org/a/', count: 3 }],
    exitPages: [],
    referrers: [
      { key: 'Google', count: 4, pageDepth: 2.5 },
      { key: '__NONE_REFERRER__', count: 1, pageDepth: 1 },
    ],
    campaigns: [],
    sources: [{ key: 'Newsletter', count: 2, pageDepth: 3 }],
    geo: [
      { key: 'DE', count: 3, pageDepth: 2 },
      { key: 'FR', count: 2, pageDepth: 1.5 },
      { key: '__NONE_GEOLOCATION__', count: 1, pageDepth: 1 },
    ],
    liveUsers: 3,
    livePages: [],
    retentionMatrix: [[1, 0.5, 0.25, 0], [1, 0.5, 0], [0, 0], [1]],
    empty: false,
    onboardingStats: null,
    ...overrides,
  };
}

export interface Mounted {
  host: HTMLElement;
  navigations: string[];
  flash: FlashStore;
  rerender(children: ComponentChildren): Promise<void>;
}

/** Renders `children` as the App would, at `href` (path + query), with the bundle's `uiLocale`. */
export async function mount(children: ComponentChildren, options: { href?: string; uiLocale?: string; s?: AuditoriumStrings } = {}): Promise<Mounted> {
  const url = new URL(options.href ?? '/auditorium/acc/', 'https://offen.example.test');
  const locale = url.searchParams.get('locale');
  const vault = createVaultClient(async () => ({ type: 'ERROR', payload: { error: 'no vault in this test' } }));
  const navigations: string[] = [];
  const services: AppServices = {
    s: options.s ?? en,
    banner: english.banner,
    uiLocale: options.uiLocale ?? 'en',
    locale,
    origin: 'https://offen.example.test',
    place: { pathname: url.pathname, search: url.search },
    vault,
    flash: new FlashStore(),
    session: new Session(vault),
    href: (path) => withLocale(path, locale),
    navigate: (path) => void navigations.push(withLocale(path, locale)),
    fail: (error) => {
      throw error;
    },
  };
  const host = document.createElement('div');
  document.body.replaceChildren(host);
  const draw = (tree: ComponentChildren) => render(<AppContext.Provider value={services}>{tree}</AppContext.Provider>, host);
  await act(() => draw(children));
  return { host, navigations, flash: services.flash, rerender: async (tree) => act(() => draw(tree)) };
}

export const click = (element: Element | null) => act(() => void (element as HTMLElement).click());
