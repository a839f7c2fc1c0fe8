// The `geo` field of an event (clients-and-crypto.md §2.3): the browser's IANA time zone, upper-cased and
// mapped to an ISO 3166 alpha-2 code through the zone.tab table in zones.ts; null when unknown (e.g. UTC).
import { ZONES } from './zones.ts';

let table: Map<string, string> | undefined;

export function countryForZone(zone: string): string | null {
  if (!table) {
    table = new Map();
    for (const group of ZONES.split(';')) {
      const [area, entries] = group.split(':');
      for (const entry of entries.split(',')) table.set(`${area}/${entry.slice(0, -2)}`, entry.slice(-2));
    }
  }
  return table.get(zone.toUpperCase()) ?? null;
}

export function geo(): string | null {
  try {
    return countryForZone(Intl.DateTimeFormat().resolvedOptions().timeZone || '');
  } catch {
    return null;
  }
}
