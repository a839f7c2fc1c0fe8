// Per-session facts for the session tables (dashboard.md §2.4–2.8) and the session filters (§3.3). "First"
// and "last" order by eventId, i.e. server receipt time (§2), found in one pass without sorting.
import type { NormalizedEvent } from '../types.ts';
import type { UrlFacts } from './urls.ts';

/**
 * A subset of the events as ascending indices into the full array. Windows and filters pass these around
 * instead of copying events or wrapping them in objects: at a million events that is most of the garbage.
 */
export type Selection = readonly number[];

export interface SessionFacts {
  /** Events of the session in the selection (so a session crossing the window edge is cut, §0). */
  events: number;
  first: NormalizedEvent;
  last: NormalizedEvent;
  /** Geo of the first event that has one, else null (§2.8). */
  geo: string | null;
  /** Value of the first event with a non-empty utm_campaign / utm_source (§2.7). */
  campaign: string | null;
  source: string | null;
}

interface Working extends SessionFacts {
  geoId: string;
  campaignId: string;
  sourceId: string;
}

/** Sessions are distinct non-empty sessionIds (§2); events without one belong to no session. */
export function summarizeSessions(events: readonly NormalizedEvent[], selection: Selection, urls: UrlFacts): Map<string, SessionFacts> {
  const sessions = new Map<string, Working>();
  for (const index of selection) {
    const event = events[index]!;
    const id = event.sessionId;
    if (!id) continue;
    const { campaign, source } = urls.utm(event.href, event.rawHref);
    const geo = event.geo || null;
    const session = sessions.get(id);
    if (!session) {
      sessions.set(id, {
        events: 1,
        first: event,
        last: event,
        geo,
        geoId: geo ? event.eventId : '',
        campaign,
        campaignId: campaign ? event.eventId : '',
        source,
        sourceId: source ? event.eventId : '',
      });
      continue;
    }
    session.events++;
    if (event.eventId < session.first.eventId) session.first = event;
    if (event.eventId > session.last.eventId) session.last = event;
    if (geo && (!session.geoId || event.eventId < session.geoId)) {
      session.geo = geo;
      session.geoId = event.eventId;
    }
    if (campaign && (!session.campaignId || event.eventId < session.campaignId)) {
      session.campaign = campaign;
      session.campaignId = event.eventId;
    }
    if (source && (!session.sourceId || event.eventId < session.sourceId)) {
      session.source = source;
      session.sourceId = event.eventId;
    }
  }
  return sessions;
}
