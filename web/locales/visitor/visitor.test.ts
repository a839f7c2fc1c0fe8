// dashboard.md §6 and contract 6: every locale has every visitor string, non-empty, with the same placeholders,
// and is really translated (no string equals its English one).
import { describe, expect, it } from 'vitest';
import { placeholders } from '../../auditorium/locale.ts';
import { visitor as de } from './de.ts';
import { visitor as en } from './en.ts';
import { visitor as es } from './es.ts';
import { visitor as fr } from './fr.ts';
import { visitor as pt } from './pt.ts';
import { visitor as vi } from './vi.ts';
import type { VisitorSections } from './types.ts';

const all: Record<string, VisitorSections> = { en, de, fr, es, pt, vi };

function leaves(sections: VisitorSections): Map<string, string> {
  return new Map(
    Object.entries(sections).flatMap(([section, values]) => Object.entries(values as Record<string, string>).map(([key, value]) => [`${section}.${key}`, value] as const)),
  );
}

const english = leaves(en);

describe('visitor strings', () => {
  it('English has the sections of the visitor screens', () => {
    expect(Object.keys(en).sort()).toEqual(['download', 'explainers', 'faq', 'glossary', 'landingPage', 'onboarding', 'privacy', 'userAuditorium']);
    expect(english.get('onboarding.slide1Title')).toContain('{domain}');
  });

  it.each(Object.entries(all))('%s has every key of en, non-empty, with the same placeholders', (code, sections) => {
    const own = leaves(sections);
    expect([...own.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, value] of english) {
      const translated = own.get(key)!;
      expect(typeof translated, `${code} ${key}`).toBe('string');
      expect(translated.trim().length, `${code} ${key}`).toBeGreaterThan(0);
      expect(placeholders(translated), `${code} ${key}`).toEqual(placeholders(value));
    }
  });

  it.each(Object.entries(all).filter(([code]) => code !== 'en'))('%s is translated', (code, sections) => {
    const own = leaves(sections);
    const same = [...english].filter(([key, value]) => own.get(key) === value).map(([key]) => key);
    expect(same, code).toEqual([]);
  });
});
