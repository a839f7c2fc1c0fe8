// clients-and-crypto.md §2.3 geo: IANA zone (upper-cased) -> ISO 3166 alpha-2 through zone.tab, null when unknown.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countryForZone, geo } from './geo.ts';
import { ZONES } from './zones.ts';

describe('countryForZone', () => {
  it('maps zone.tab zones, whatever their case', () => {
    expect(countryForZone('EUROPE/BERLIN')).toBe('DE');
    expect(countryForZone('Europe/Berlin')).toBe('DE');
    expect(countryForZone('America/Argentina/Buenos_Aires')).toBe('AR');
    expect(countryForZone('America/Port-au-Prince')).toBe('HT');
    expect(countryForZone('Antarctica/McMurdo')).toBe('AQ');
  });

  it('maps the legacy ids that ICU reports from Intl', () => {
    expect(countryForZone('Asia/Calcutta')).toBe('IN');
    expect(countryForZone('Europe/Kiev')).toBe('UA');
    expect(countryForZone('Asia/Saigon')).toBe('VN');
  });

  it('gives null for zones without a country', () => {
    expect(countryForZone('UTC')).toBeNull();
    expect(countryForZone('Etc/GMT+2')).toBeNull();
    expect(countryForZone('')).toBeNull();
    expect(countryForZone('Europe')).toBeNull();
  });

  it('holds every zone.tab row (418 in tzdata 2025b) plus the aliases', () => {
    const entries = ZONES.split(';').flatMap((group) => group.split(':')[1].split(','));
    expect(entries.length).toBeGreaterThanOrEqual(418);
    for (const entry of entries) expect(entry).toMatch(/^[A-Z0-9_/+-]+[A-Z]{2}$/);
  });
});

describe('geo', () => {
  afterEach(() => vi.restoreAllMocks());
  const zone = (timeZone: string) =>
    vi.spyOn(Intl.DateTimeFormat.prototype, 'resolvedOptions').mockReturnValue({ timeZone } as Intl.ResolvedDateTimeFormatOptions);

  it('reads the browser time zone', () => {
    zone('Europe/Berlin');
    expect(geo()).toBe('DE');
    zone('UTC');
    expect(geo()).toBeNull();
  });

  it('gives null instead of throwing when Intl fails', () => {
    vi.spyOn(Intl.DateTimeFormat.prototype, 'resolvedOptions').mockImplementation(() => {
      throw new Error('no Intl');
    });
    expect(geo()).toBeNull();
  });
});
