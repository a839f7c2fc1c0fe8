// Locale handling of the auditorium (dashboard.md §6): the strings come from vendor.js of the locale the server
// picked (`?locale=` beats OFFEN_APP_LOCALE, server.md §1.6), and `?locale=` is carried along on every internal
// link and redirect so the next page is served in the same language.
import { auditorium as englishAuditorium, strings as english } from '../locales/en.ts';
import type { AuditoriumStrings, Strings } from '../locales/types.ts';

/** dashboard.md §6: the only locales the server accepts. */
export const LOCALES = ['en', 'de', 'fr', 'es', 'pt', 'vi'] as const;
export type Locale = (typeof LOCALES)[number];

/** What vendor.js of each locale puts on self (build.mjs, auditorium step). */
export interface AuditoriumBundleStrings {
  locale: string;
  banner: Strings['banner'];
  auditorium: AuditoriumStrings;
}

declare global {
  // eslint-disable-next-line no-var
  var __OFFEN_AUDITORIUM__: AuditoriumBundleStrings | undefined;
}

/** The strings vendor.js loaded; English when it is missing (e.g. in unit tests) or incomplete. */
export function loadStrings(loaded: AuditoriumBundleStrings | undefined = globalThis.__OFFEN_AUDITORIUM__): AuditoriumBundleStrings {
  if (!loaded) return { locale: english.locale, banner: english.banner, auditorium: englishAuditorium };
  const auditorium = {} as Record<string, unknown>;
  // Section by section, so a locale that lacks a newer string shows English rather than "undefined".
  for (const key of Object.keys(englishAuditorium) as Array<keyof AuditoriumStrings>) {
    auditorium[key] = { ...englishAuditorium[key], ...loaded.auditorium?.[key] };
  }
  return {
    locale: loaded.locale || english.locale,
    banner: { ...english.banner, ...loaded.banner },
    auditorium: auditorium as unknown as AuditoriumStrings,
  };
}

/** The `?locale=` of a query string, when it is one the server accepts (anything else is ignored, §6). */
export function localeParam(search: string): Locale | null {
  const value = new URLSearchParams(search).get('locale');
  return value !== null && (LOCALES as readonly string[]).includes(value) ? (value as Locale) : null;
}

/**
 * An internal href with the page's `?locale=` added (unless the target sets its own). Paths stay relative to
 * the origin; the hash is kept.
 */
export function withLocale(href: string, locale: string | null): string {
  if (!locale) return href;
  const url = new URL(href, 'http://auditorium.invalid');
  if (!url.searchParams.has('locale')) url.searchParams.set('locale', locale);
  return url.pathname + url.search + url.hash;
}

/** Fills `{name}` placeholders; unknown names stay as they are, so a missing value is visible, not "undefined". */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match,
  );
}

/** The placeholder names of a template, for the locale consistency test. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}
