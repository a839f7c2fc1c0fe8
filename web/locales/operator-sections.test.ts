// The operator dashboard's strings (sections operator, embed, widgets; contract 6 of issue 4): every locale has
// the keys of English, non-empty, with the same {placeholders}; and the awareness-widget SVGs of
// tools/widgets.mjs carry exactly the localised alt text of their locale (dashboard.md §1.3 item 12, §6).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { placeholders } from '../auditorium/locale.ts';
import { auditorium as de } from './de.ts';
import { auditorium as en } from './en.ts';
import { auditorium as es } from './es.ts';
import { auditorium as fr } from './fr.ts';
import { auditorium as pt } from './pt.ts';
import type { AuditoriumStrings } from './types.ts';
import { auditorium as vi } from './vi.ts';

const all: Record<string, AuditoriumStrings> = { en, de, fr, es, pt, vi };
const SECTIONS = ['operator', 'embed', 'widgets'] as const;
const STATIC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/Offen/static');

describe.each(SECTIONS)('section %s', (section) => {
  const english = en[section] as Record<string, string>;

  it.each(Object.entries(all))('%s has the same keys, non-empty, with the same placeholders', (code, strings) => {
    const own = strings[section] as Record<string, string>;
    expect(Object.keys(own).sort()).toEqual(Object.keys(english).sort());
    for (const [key, value] of Object.entries(english)) {
      expect(own[key].trim().length, `${code} ${section}.${key}`).toBeGreaterThan(0);
      expect(placeholders(own[key]), `${code} ${section}.${key}`).toEqual(placeholders(value));
    }
  });

  it.each(Object.entries(all).filter(([code]) => code !== 'en'))('%s is translated', (code, strings) => {
    const own = strings[section] as Record<string, string>;
    // Loan words may match English ("Box", "Widget"); whole sentences may not.
    const same = Object.keys(english).filter((key) => own[key] === english[key] && english[key].includes(' '));
    expect(same, code).toEqual([]);
  });
});

describe('awareness-widget images', () => {
  it.each(Object.entries(all))('%s: every kind exists and its title is the localised alt text', (code, strings) => {
    for (const kind of ['bar', 'box', 'circle']) {
      const file = path.join(STATIC, `user-access-widget-${kind}-${code}.svg`);
      expect(existsSync(file), file).toBe(true);
      const svg = readFileSync(file, 'utf8');
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), file).toBe(true);
      expect(/<title>([^<]*)<\/title>/.exec(svg)?.[1], file).toBe(strings.widgets.alt.replace(/&/g, '&amp;'));
      // The visible lines, joined, say the same as the title.
      const lines = [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
      expect(lines.join(' '), file).toBe(strings.widgets.alt);
    }
  });
});
