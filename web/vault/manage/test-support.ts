// Test helpers for the manage bundle's tests (not bundled: only *.test.ts import this file).
import { vectors, type Vectors } from '../../shared/test-vectors.ts';
import type { Database, Table, TableName } from '../storage.ts';
import { webCryptoProvider } from '../../shared/webcrypto.ts';
import type { EventPayload, LoginResult } from '../../shared/protocol.ts';
import type { AccountResponse } from './types.ts';
import { ApiError } from '../api.ts';

/** crypto-vectors.json (clients-and-crypto.md §6): KEK -> private JWK -> user secret -> payload. */
export function loadVectors(): Vectors {
  return vectors;
}

const PRIMARY_KEYS: Record<Exclude<TableName, 'keys'>, string> = { events: 'eventId', checkpoints: 'type', aggregates: 'timestamp' };

/** An in-memory stand-in for storage.ts's Database with the same key semantics (§4.7). */
export class MemoryDatabase implements Database {
  readonly tables = new Map<TableName, Map<string, unknown>>();
  private nextKey = 1;
  constructor(readonly name: string) {}

  table<T>(name: TableName): Table<T> {
    let rows = this.tables.get(name);
    if (!rows) this.tables.set(name, (rows = new Map()));
    const store = rows as Map<string, T>;
    const keyOf = (record: T): string =>
      name === 'keys' ? String(this.nextKey++) : String((record as Record<string, unknown>)[PRIMARY_KEYS[name]]);
    return {
      get: async (key) => structuredClone(store.get(key)),
      put: async (record) => void store.set(keyOf(record), structuredClone(record)),
      bulkPut: async (records) => records.forEach((record) => store.set(keyOf(record), structuredClone(record))),
      delete: async (key) => void store.delete(key),
      bulkDelete: async (keys) => keys.forEach((key) => store.delete(key)),
      clear: async () => store.clear(),
      toArray: async () => [...store.entries()].sort(([a], [b]) => (name === 'keys' ? Number(a) - Number(b) : a < b ? -1 : 1)).map(([, v]) => structuredClone(v)),
    };
  }
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** A ULID with the given time and a readable tail (the tail is padded, so ids sort by time, then tail). */
export function ulid(time: number, tail = ''): string {
  let head = '';
  for (let t = time, i = 0; i < 10; i++, t = Math.floor(t / 32)) head = CROCKFORD[t % 32] + head;
  return head + tail.toUpperCase().padEnd(16, '0').slice(0, 16);
}

export function pageview(overrides: Partial<EventPayload> = {}): EventPayload {
  return {
    type: 'PAGEVIEW',
    href: 'https://www.example.com/',
    referrer: '',
    pageload: 100,
    isMobile: false,
    timestamp: '2024-10-11T19:44:17.123Z',
    sessionId: '0b6f2c3e-4a5d-4e6f-8a9b-0c1d2e3f4a5b',
    geo: 'DE',
    ...overrides,
  };
}

/** A fresh WebCrypto user secret and a payload envelope under it (§4.4 "Encrypting an event"). */
export const newUserSecret = () => webCryptoProvider.createUserSecret();
export const seal = (secret: JsonWebKey, payload: unknown) => webCryptoProvider.encryptSymmetric(secret, JSON.stringify(payload));

export function loginResult(accountId: string, kek: JsonWebKey | null, accountUserId = 'account-user-1'): LoginResult {
  return {
    accountUserId,
    adminLevel: 1,
    accounts: [{ accountName: 'Example', accountId, keyEncryptionKey: kek, created: '2024-10-01T00:00:00Z' }],
  };
}

/** One row of the fake server's `events` table: the envelope the API sends, with its sequence. */
export interface ServerEvent {
  sequence: string;
  eventId: string;
  secretId?: string;
  payload: string;
}

/**
 * GET /api/accounts/<id> over an in-memory account (clients-and-crypto.md §5.5 step 3, server.md §5.7) with
 * the optional `limit` (issue 4 item 6): events with sequence > since in (sequence, eventId) order, at most
 * `limit` of them but never cutting a group of one sequence; a cut page's `sequence` is its last event's and
 * it carries only the tombstones up to it. `honourLimit: false` plays a server that ignores `limit`.
 */
export class FakeAccountServer {
  events: ServerEvent[] = [];
  tombstones: Array<{ sequence: string; eventId: string }> = [];
  readonly secrets = new Map<string, string>();
  honourLimit = true;
  /** Every request, in order: its since, its limit, and the log position it was made at. */
  readonly requests: Array<{ since: string | null; limit: number | null; at: number }> = [];
  /** Runs before request n (0-based) is answered: change the data, or throw to fail the request. */
  beforeAnswer?: (n: number) => void;

  constructor(
    readonly base: Omit<AccountResponse, 'events' | 'secrets' | 'deletedEvents' | 'sequence'>,
    /** A shared log (requests are appended as `request <since>`), e.g. interleaved with decryptions. */
    readonly log: string[] = [],
  ) {}

  /** Rollups by key (docs/adr/0005-shared-caches.md), kept and dropped as the real server does. */
  readonly rollups = new Map<string, { key: string; firstEventId: string; lastEventId: string; eventCount: number; asOf: string; payload: string }>();
  /** Whether GET account knows `uncovered=1` (a server without it ignores the parameter). */
  uncoveredMode = false;

  /** Deletes events now, with a tombstone of the given sequence each (server.md §5.8), and the rollups holding them. */
  delete(sequence: string, ...eventIds: string[]): void {
    this.events = this.events.filter((event) => !eventIds.includes(event.eventId));
    for (const eventId of eventIds) this.tombstones.push({ sequence, eventId });
    for (const [key, rollup] of this.rollups) if (eventIds.some((eventId) => eventId >= rollup.firstEventId && eventId <= rollup.lastEventId)) this.rollups.delete(key);
  }

  private inRollup(eventId: string): boolean {
    for (const rollup of this.rollups.values()) if (eventId >= rollup.firstEventId && eventId <= rollup.lastEventId) return true;
    return false;
  }

  /** GET, PUT and DELETE /api/accounts/<id>/rollups[/<key>] with the 409 rules of ADR 0005. */
  async rollupsApi(method: string, path: string, body?: unknown): Promise<unknown> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    const url = new URL(path, 'https://offen.example.org');
    const key = decodeURIComponent(url.pathname.split('/rollups')[1]!.replace(/^\//, ''));
    const ordered = () => [...this.rollups.values()].sort((a, b) => (a.firstEventId < b.firstEventId ? -1 : 1));
    if (method === 'GET') {
      const meta = url.searchParams.get('meta') === '1';
      return JSON.parse(JSON.stringify({ rollups: ordered().map(({ payload, ...rest }) => (meta ? rest : { ...rest, payload })) }));
    }
    if (method === 'DELETE') {
      this.rollups.delete(key);
      return null;
    }
    const put = body as { firstEventId: string; lastEventId: string; eventCount: number; asOf: string; payload: string };
    const inRange = (event: { eventId: string }) => event.eventId >= put.firstEventId && event.eventId <= put.lastEventId;
    if (this.events.filter(inRange).length !== put.eventCount) throw new ApiError('rollup: event count does not match the events in range', 409);
    if (this.events.some((event) => inRange(event) && event.sequence > put.asOf) || this.tombstones.some((t) => inRange(t) && t.sequence > put.asOf)) {
      throw new ApiError('rollup: stale, events in range changed after asOf', 409);
    }
    for (const other of this.rollups.values()) {
      if (other.key !== key && put.firstEventId <= other.lastEventId && put.lastEventId >= other.firstEventId) throw new ApiError(`rollup: range overlaps rollup ${other.key}`, 409);
    }
    this.rollups.set(key, { key, ...put });
    return null;
  }

  /** GET /api/accounts/<id>?uncovered=1: the events no rollup covers, by eventId after `after`. */
  private uncovered(url: URL): AccountResponse {
    const after = url.searchParams.get('after');
    const limit = Number(url.searchParams.get('limit') ?? Infinity);
    const rows = this.events.filter((event) => !this.inRollup(event.eventId) && (after === null || event.eventId > after)).sort((a, b) => (a.eventId < b.eventId ? -1 : 1));
    const page = rows.slice(0, limit);
    let sequence: string | null = null;
    for (const s of [...this.events.map((e) => e.sequence), ...this.tombstones.map((t) => t.sequence)]) if (sequence === null || s > sequence) sequence = s;
    const response: AccountResponse = { ...this.base };
    if (page.length > 0) response.events = { [this.base.accountId]: page.map(({ eventId, secretId, payload }) => (secretId === undefined ? { eventId, payload } : { eventId, secretId, payload })) };
    const secrets: Record<string, string> = {};
    for (const event of page) if (event.secretId && this.secrets.has(event.secretId)) secrets[event.secretId] = this.secrets.get(event.secretId)!;
    if (Object.keys(secrets).length > 0) response.secrets = secrets;
    if (sequence !== null) response.sequence = sequence;
    response.rollups = [...this.rollups.values()].sort((a, b) => (a.firstEventId < b.firstEventId ? -1 : 1)).map(({ payload: _payload, ...rest }) => rest);
    if (rows.length > page.length) response.next = page[page.length - 1]!.eventId;
    return JSON.parse(JSON.stringify(response)) as AccountResponse;
  }

  /** The api() stand-in: answers asynchronously, like the network. */
  async handle(path: string): Promise<AccountResponse> {
    const url = new URL(path, 'https://offen.example.org');
    const since = url.searchParams.get('since');
    const limitParam = url.searchParams.get('limit');
    const limit = limitParam === null ? null : Number(limitParam);
    const n = this.requests.length;
    this.requests.push({ since, limit, at: this.log.length });
    this.log.push(`request ${since ?? url.searchParams.get('after') ?? '-'}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.beforeAnswer?.(n);
    if (this.uncoveredMode && url.searchParams.get('uncovered') === '1') return this.uncovered(url);
    const rows = this.events
      .filter((event) => since === null || event.sequence > since)
      .sort((a, b) => (a.sequence < b.sequence ? -1 : a.sequence > b.sequence ? 1 : a.eventId < b.eventId ? -1 : 1));
    let take = rows.length;
    if (this.honourLimit && limit !== null && rows.length > limit) {
      take = limit;
      while (take < rows.length && rows[take]!.sequence === rows[take - 1]!.sequence) take++;
    }
    const page = rows.slice(0, take);
    const cut = take < rows.length;
    const until = cut ? page[page.length - 1]!.sequence : null;
    const tombstones = since === null ? [] : this.tombstones.filter((t) => t.sequence > since && (until === null || t.sequence <= until));
    let sequence: string | null = until;
    if (!cut) for (const s of [...page.map((e) => e.sequence), ...tombstones.map((t) => t.sequence)]) if (sequence === null || s > sequence) sequence = s;
    const secrets: Record<string, string> = {};
    for (const event of page) if (event.secretId && this.secrets.has(event.secretId)) secrets[event.secretId] = this.secrets.get(event.secretId)!;
    const response: AccountResponse = { ...this.base };
    if (page.length > 0) {
      response.events = { [this.base.accountId]: page.map(({ eventId, secretId, payload }) => (secretId === undefined ? { eventId, payload } : { eventId, secretId, payload })) };
    }
    if (Object.keys(secrets).length > 0) response.secrets = secrets;
    if (tombstones.length > 0) response.deletedEvents = tombstones.map((t) => t.eventId);
    if (sequence !== null) response.sequence = sequence;
    // Through JSON, as over the wire.
    return JSON.parse(JSON.stringify(response)) as AccountResponse;
  }
}
