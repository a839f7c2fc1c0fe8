// The read-side schemas of clients-and-crypto.md §2.3: events are validated when they are read, not when
// they are written, and failures are dropped silently (§7.18).
import type { EventPayload } from '../../shared/protocol.ts';

const MAX_URI = 2000;
const MAX_TIMESTAMP = 36;
const MAX_EVENT_ID = 26;

// An absolute URI (RFC 3986): a scheme, a colon, and no whitespace or control characters.
const URI = /^[a-z][a-z0-9+.-]*:[^\s\u0000-\u001f\u007f]*$/i;
// RFC 3339 date-time, as JSON schema's `date-time` format.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function isUri(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_URI && URI.test(value);
}

function isDateTime(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_TIMESTAMP && DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

const isNullableString = (value: unknown) => value === null || typeof value === 'string';

/**
 * payload.schema: type PAGEVIEW; href a URI; timestamp a date-time; referrer a URI or ''; rawHref a URI or null;
 * pageload a number or null; isMobile a boolean; sessionId and geo strings or null. Optional members are
 * type-checked only when present.
 */
export function isEventPayload(value: unknown): value is EventPayload {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const p = value as Record<string, unknown>;
  if (p.type !== 'PAGEVIEW' || !isUri(p.href) || !isDateTime(p.timestamp)) return false;
  if ('referrer' in p && p.referrer !== '' && !isUri(p.referrer)) return false;
  if ('rawHref' in p && p.rawHref !== null && !isUri(p.rawHref)) return false;
  if ('pageload' in p && p.pageload !== null && (typeof p.pageload !== 'number' || !Number.isFinite(p.pageload))) return false;
  if ('isMobile' in p && typeof p.isMobile !== 'boolean') return false;
  if ('sessionId' in p && !isNullableString(p.sessionId)) return false;
  if ('geo' in p && !isNullableString(p.geo)) return false;
  return true;
}

/** event.schema: eventId a string of at most 26 characters, accountId string or null, secretId a string,
 * payload a string or an object. */
export function isEventEnvelope(value: unknown): value is { eventId: string; accountId?: string | null; secretId?: string; payload: unknown } {
  if (value === null || typeof value !== 'object') return false;
  const e = value as Record<string, unknown>;
  if (typeof e.eventId !== 'string' || e.eventId === '' || e.eventId.length > MAX_EVENT_ID) return false;
  if ('accountId' in e && e.accountId !== undefined && !isNullableString(e.accountId)) return false;
  if ('secretId' in e && e.secretId !== undefined && typeof e.secretId !== 'string') return false;
  return typeof e.payload === 'string' || (e.payload !== null && typeof e.payload === 'object');
}
