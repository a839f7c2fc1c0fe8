import { describe, expect, it } from 'vitest';
import { strings as en } from './en.ts';
import { strings as de } from './de.ts';
import { strings as fr } from './fr.ts';
import { strings as es } from './es.ts';
import { strings as pt } from './pt.ts';
import { strings as vi } from './vi.ts';

const all = { en, de, fr, es, pt, vi };

describe('locales', () => {
  it.each(Object.entries(all))('%s has every banner string, non-empty and translated', (code, s) => {
    expect(s.locale).toBe(code);
    expect(Object.keys(s.banner).sort()).toEqual(Object.keys(en.banner).sort());
    for (const [key, value] of Object.entries(s.banner)) {
      if (key === 'manageAfter') continue;
      expect(value.trim().length, key).toBeGreaterThan(0);
      if (code !== 'en' && key !== 'manageLink') expect(value, key).not.toBe(en.banner[key as keyof typeof en.banner]);
    }
  });
});
