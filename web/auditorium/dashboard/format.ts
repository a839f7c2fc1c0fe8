// Number, date and country formatting of the panels (dashboard.md §2.1 "Number formatting", §6): Intl with the
// page's locale, so separators and country names follow the language of the page.
import { NONE_GEOLOCATION, NONE_REFERRER } from '../../vault/manage/stats/urls.ts';

/** dashboard.md §6: dates and numbers use a regional locale (en → en-GB, de → de-DE). */
const REGIONS: Record<string, string> = { en: 'en-GB', de: 'de-DE', fr: 'fr-FR', es: 'es-ES', pt: 'pt-PT', vi: 'vi-VN' };

export function intlLocale(uiLocale: string): string {
  return REGIONS[uiLocale] ?? uiLocale;
}

/** The empty value of D9 and of every metric without data. */
export const EMPTY = '–';

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = locale + JSON.stringify(options);
  let formatter = numberFormats.get(key);
  if (!formatter) numberFormats.set(key, (formatter = new Intl.NumberFormat(locale, options)));
  return formatter;
}

/** §2.1: counts up to 1000 as integers, above as "1.2k" / "1.2M"; `exact` is for the tooltip when shortened. */
export function formatCount(value: number, locale: string): { text: string; exact: string | null } {
  const exact = numberFormat(locale, { maximumFractionDigits: 0 }).format(value);
  if (value <= 1000) return { text: exact, exact: null };
  const [divisor, suffix] = value > 1_000_000 ? [1_000_000, 'M'] : [1000, 'k'];
  return { text: numberFormat(locale, { maximumFractionDigits: 1 }).format(value / divisor) + suffix, exact };
}

/** §2.1: a fraction as a percentage with one decimal; null is the empty value. */
export function formatPercent(value: number | null, locale: string): string {
  return value === null ? EMPTY : numberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);
}

/** §2.1, §2.9: page depth with one decimal. */
export function formatDecimal(value: number | null, locale: string): string {
  return value === null ? EMPTY : numberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);
}

/**
 * §2.1: under 1000 ms as "123ms", from 1000 ms as seconds with two decimals ("1.23s"). The SI symbols stay as
 * they are in every language (Intl's narrow units would write "Sek." in German); the number is localised.
 */
export function formatPageload(ms: number | null, locale: string): string {
  if (ms === null) return EMPTY;
  if (ms < 1000) return `${numberFormat(locale, { maximumFractionDigits: 0 }).format(ms)}ms`;
  return `${numberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(ms / 1000)}s`;
}

const regionNames = new Map<string, Intl.DisplayNames | null>();

/** §2.8: the localised country name of an ISO 3166 alpha-2 code; the code itself when Intl does not know it. */
export function countryName(code: string, locale: string): string {
  if (!regionNames.has(locale)) {
    let names: Intl.DisplayNames | null = null;
    try {
      names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' });
    } catch {
      names = null;
    }
    regionNames.set(locale, names);
  }
  try {
    return regionNames.get(locale)?.of(code.toUpperCase()) ?? code;
  } catch {
    // Not a well-formed region code: show it as stored.
    return code;
  }
}

/** §2.6, §2.8: the text a table row shows for its key; the "None" keys are shown in italics. */
export function displayKey(table: string, key: string, locale: string, none: string): { text: string; none: boolean } {
  if (key === NONE_REFERRER || key === NONE_GEOLOCATION) return { text: none, none: true };
  return { text: table === 'geo' ? countryName(key, locale) : key, none: false };
}

/** A civil date (month 1–12) in the locale's long format ("5 March 2024"); computed in UTC so no zone shifts it. */
export function longDate(date: { year: number; month: number; day: number }, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(Date.UTC(date.year, date.month - 1, date.day));
}
