// Per-session facts for the session tables (dashboard.md §2.4–2.8) and the session filters (§3.3), over the
// columns of columns.ts. "First" and "last" order by eventId, i.e. server receipt time (§2), found in one
// pass without sorting; facts live in typed arrays indexed by the interned session id.
import { HAS_GEO } from './columns.ts';
import type { EventColumns, Selection } from './columns.ts';

export interface Sessions {
  /** The sessions of the selection (interned ids), `count` of them, in order of first appearance. */
  ids: Int32Array;
  count: number;
  /** By session id: its events in the selection (so a session crossing the window edge is cut, §0). */
  events: Int32Array;
  /** By session id: position of its first and last event. */
  first: Int32Array;
  last: Int32Array;
  /** By session id: position of the first event that has a geo (§2.8), or -1. */
  geo: Int32Array;
  /** By session id: position of the first event with a non-empty utm_campaign / utm_source (§2.7), or -1. */
  campaign: Int32Array;
  source: Int32Array;
}

/** Sessions are distinct non-empty sessionIds (§2); events without one belong to no session. */
export function summarizeSessions(columns: EventColumns, selection: Selection): Sessions {
  const size = columns.sessionIds.size;
  const ids = new Int32Array(Math.min(size, selection.length));
  const events = new Int32Array(size);
  const first = new Int32Array(size);
  const last = new Int32Array(size);
  const geo = new Int32Array(size);
  const campaign = new Int32Array(size);
  const source = new Int32Array(size);
  const { session: sessionOf, flags } = columns;
  let count = 0;
  for (let k = 0; k < selection.length; k++) {
    const position = selection[k]!;
    const id = sessionOf[position]!;
    if (id < 0) continue;
    const seen = events[id]!;
    const { campaign: hasCampaign, source: hasSource } = columns.tags(position);
    const hasGeo = (flags[position]! & HAS_GEO) !== 0;
    if (seen === 0) {
      ids[count++] = id;
      events[id] = 1;
      first[id] = position;
      last[id] = position;
      geo[id] = hasGeo ? position : -1;
      campaign[id] = hasCampaign ? position : -1;
      source[id] = hasSource ? position : -1;
      continue;
    }
    events[id] = seen + 1;
    // Strict comparisons: among equal eventIds the one met first stays, as in input order.
    if (columns.before(position, first[id]!)) first[id] = position;
    if (columns.before(last[id]!, position)) last[id] = position;
    if (hasGeo && (geo[id]! < 0 || columns.before(position, geo[id]!))) geo[id] = position;
    if (hasCampaign && (campaign[id]! < 0 || columns.before(position, campaign[id]!))) campaign[id] = position;
    if (hasSource && (source[id]! < 0 || columns.before(position, source[id]!))) source[id] = position;
  }
  return { ids, count, events, first, last, geo, campaign, source };
}

/** §2.8: the session's geo, or null. */
export function sessionGeo(columns: EventColumns, sessions: Sessions, id: number): string | null {
  const position = sessions.geo[id]!;
  return position < 0 ? null : columns.geoIds.keys[columns.geo[position]!]!;
}

/** §2.7: the session's campaign / source, or null. */
export function sessionTag(columns: EventColumns, sessions: Sessions, id: number, tag: 'campaign' | 'source'): string | null {
  const position = sessions[tag][id]!;
  return position < 0 ? null : columns.tags(position)[tag];
}

/** §2.6: the computed referrer of the session's first event, or null. */
export function sessionReferrer(columns: EventColumns, sessions: Sessions, id: number): string | null {
  return columns.computedReferrer(sessions.first[id]!);
}
