import { describe, expect, it } from 'vitest';
import { placeholders } from '../../auditorium/locale.ts';
import { dashboard as de } from './de.ts';
import { dashboard as en } from './en.ts';
import { dashboard as es } from './es.ts';
import { dashboard as fr } from './fr.ts';
import { dashboard as pt } from './pt.ts';
import { dashboard as vi } from './vi.ts';
import type { DashboardSections } from './types.ts';

const others = { de, fr, es, pt, vi };

describe('dashboard panel strings (dashboard.md §6)', () => {
  it('has sections in English', () => {
    expect(Object.keys(en).sort()).toEqual(['chart', 'exportCsv', 'live', 'metrics', 'range', 'retention', 'tables']);
  });

  it.each(Object.entries(others))('%s has the same keys as en, non-empty, with the same placeholders', (_code, strings) => {
    expect(Object.keys(strings).sort()).toEqual(Object.keys(en).sort());
    for (const section of Object.keys(en) as Array<keyof DashboardSections>) {
      const reference = en[section] as Record<string, string>;
      const translated = strings[section] as Record<string, string>;
      expect(Object.keys(translated).sort(), section).toEqual(Object.keys(reference).sort());
      for (const [key, value] of Object.entries(translated)) {
        expect(value.trim().length, `${section}.${key}`).toBeGreaterThan(0);
        expect(placeholders(value), `${section}.${key}`).toEqual(placeholders(reference[key]!));
      }
    }
  });

  it('English strings are non-empty too', () => {
    for (const section of Object.values(en) as Array<Record<string, string>>) for (const value of Object.values(section)) expect(value.trim()).not.toBe('');
  });
});
