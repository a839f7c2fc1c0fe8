// Shapes used by the manage bundle: request payloads of clients-and-crypto.md §1.4, the API responses it
// reads (§5.2, §5.5, server.md §1.4) and the local records it writes (§4.7).
import type { EventPayload, LoginResult } from '../../shared/protocol.ts';

/** The `query` of a QUERY request (§1.4). from/to may arrive as Date (structured clone), ISO string or ms. */
export interface Query {
  accountId?: string | null;
  range?: unknown;
  resolution?: unknown;
  from?: Date | string | number | null;
  to?: Date | string | number | null;
  now?: Date | string | number | null;
  filter?: unknown;
}

export interface QueryPayload {
  query?: Query | null;
  authenticatedUser?: LoginResult | null;
}

/** GET /api/events (§5.2, server.md §1.4). */
export interface UserEventsResponse {
  events?: Record<string, Array<{ accountId?: string | null; eventId: string; payload: unknown }>> | null;
  deletedEvents?: string[] | null;
  sequence?: string | null;
  retentionPeriod?: string | null;
}

/** GET /api/accounts/<id> (§5.5, server.md §1.4). */
export interface AccountResponse {
  accountId: string;
  name: string;
  publicKey: JsonWebKey;
  encryptedPrivateKey: string;
  events?: Record<string, Array<{ secretId?: string; eventId: string; payload: unknown }>> | null;
  deletedEvents?: string[] | null;
  sequence?: string | null;
  secrets?: Record<string, string | null> | null;
  accountStyles?: string;
  created: string;
  retentionPeriod: string;
  /** Only with `uncovered=1` (rollups.ts): the rollups whose events the answer leaves out. */
  rollups?: unknown[];
  /** Only with `uncovered=1`: where the next page starts (`after`), when more events follow. */
  next?: string;
}

/** `user`.events: visitor events are stored decrypted (§4.7). */
export interface PlainEventRecord {
  eventId: string;
  accountId: string;
  payload: EventPayload;
  secretId: 'local';
}

/** `<accountId>`.events: operator events exactly as the server sent them (§4.7). */
export interface EncryptedEventRecord {
  eventId: string;
  secretId?: string;
  payload: string;
}

/** A decrypted event with its payload fields lifted to the top level (§4.4 "Local aggregates"). */
export interface NormalizedEvent extends EventPayload {
  eventId: string;
  accountId: string;
  secretId: string;
}

/** The QUERY result until the metrics land (a later issue plugs them into result.ts). */
export interface QueryResult {
  account: object;
  events: NormalizedEvent[];
  range: { from: string | null; to: string | null };
}
