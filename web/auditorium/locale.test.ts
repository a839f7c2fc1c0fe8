import { describe, expect, it } from 'vitest';
import { auditorium as de, strings as deBanner } from '../locales/de.ts';
import { auditorium as en } from '../locales/en.ts';
import { auditorium as es } from '../locales/es.ts';
import { auditorium as fr } from '../locales/fr.ts';
import { auditorium as pt } from '../locales/pt.ts';
import { auditorium as vi } from '../locales/vi.ts';
import type { AuditoriumStrings } from '../locales/types.ts';
import { format, loadStrings, localeParam, placeholders, withLocale } from './locale.ts';

const all: Record<string, AuditoriumStrings> = { en, de, fr, es, pt, vi };

/** Every leaf as [section.key, value]. */
function leaves(strings: AuditoriumStrings): Array<[string, string]> {
  return Object.entries(strings).flatMap(([section, values]) =>
    Object.entries(values as Record<string, string>).map(([key, value]) => [`${section}.${key}`, value] as [string, string]),
  );
}

/** Strings that are the same in every language: the product name, the brand, punctuation. */
const SAME_EVERYWHERE = new Set(['layout.appName', 'titles.landing', 'landing.heading', 'login.notOperatorAfter', 'layout.footerIssueAfter']);

describe('auditorium strings', () => {
  const english = leaves(en);

  it.each(Object.entries(all))('%s has every string of en, non-empty, with the same placeholders', (code, strings) => {
    const own = new Map(leaves(strings));
    expect([...own.keys()].sort()).toEqual(english.map(([key]) => key).sort());
    for (const [key, value] of english) {
      const translated = own.get(key)!;
      expect(translated.trim().length, key).toBeGreaterThan(0);
      expect(placeholders(translated), `${code} ${key}`).toEqual(placeholders(value));
    }
  });

  it.each(Object.entries(all).filter(([code]) => code !== 'en'))('%s is translated (only names and punctuation equal English)', (code, strings) => {
    const own = new Map(leaves(strings));
    const untranslated = english.filter(([key, value]) => own.get(key) === value && !SAME_EVERYWHERE.has(key)).map(([key]) => key);
    // A few words are the same in some languages (e.g. "Notifications" in French, "Auditorium" in German).
    expect(untranslated.length, `${code}: ${untranslated.join(', ')}`).toBeLessThanOrEqual(6);
  });
});

describe('format', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(format('An invite email has been sent to {email}.', { email: 'a@b.test' })).toBe('An invite email has been sent to a@b.test.');
    expect(format('{a} and {a}, not {b}', { a: 1 })).toBe('1 and 1, not {b}');
    expect(format('{toString}', {})).toBe('{toString}');
  });
});

describe('localeParam', () => {
  it('accepts only the six locales', () => {
    expect(localeParam('?locale=de')).toBe('de');
    expect(localeParam('?next=%2F&locale=vi')).toBe('vi');
    expect(localeParam('?locale=xx')).toBeNull();
    expect(localeParam('?locale=DE')).toBeNull();
    expect(localeParam('')).toBeNull();
  });
});

describe('withLocale', () => {
  it('adds ?locale= to internal hrefs, keeping query and hash', () => {
    expect(withLocale('/login/', 'de')).toBe('/login/?locale=de');
    expect(withLocale('/login/?next=%2Fconsole%2F', 'fr')).toBe('/login/?next=%2Fconsole%2F&locale=fr');
    expect(withLocale('/auditorium/x/?range=30#top', 'es')).toBe('/auditorium/x/?range=30&locale=es#top');
  });

  it('keeps a locale the target sets itself, and changes nothing without a locale', () => {
    expect(withLocale('/login/?locale=pt', 'de')).toBe('/login/?locale=pt');
    expect(withLocale('/console/?a=1', null)).toBe('/console/?a=1');
  });
});

describe('loadStrings', () => {
  it('falls back to English when vendor.js did not run', () => {
    const loaded = loadStrings(undefined);
    expect(loaded.locale).toBe('en');
    expect(loaded.auditorium.login.submit).toBe('Log in');
  });

  it('uses the bundle strings and fills a missing string from English', () => {
    const partial = { ...de, login: { ...de.login, submit: undefined as unknown as string } };
    delete (partial.login as Partial<AuditoriumStrings['login']>).submit;
    const loaded = loadStrings({ locale: 'de', banner: deBanner.banner, auditorium: partial });
    expect(loaded.locale).toBe('de');
    expect(loaded.auditorium.login.heading).toBe('Als Betreiber anmelden');
    expect(loaded.auditorium.login.submit).toBe('Log in');
    expect(loaded.banner.allow).toBe('Ich stimme zu');
  });
});
