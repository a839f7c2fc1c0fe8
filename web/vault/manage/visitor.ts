// The visitor's own data (clients-and-crypto.md §5.2, §5.3, §4.4 "A visitor decrypting their own data"):
// events are fetched incrementally, decrypted with the local user secret of each account and kept in
// plaintext in the `user` database (§4.7).
import type { CryptoProvider } from '../../shared/crypto.ts';
import { api } from '../api.ts';
import { getCryptoProvider } from '../crypto-provider.ts';
import { getUserSecret, openDatabase } from '../storage.ts';
import type { CheckpointRecord, Database } from '../storage.ts';
import { withLock } from './lock.ts';
import { hasStatus } from './reply.ts';
import { computeResult } from './result.ts';
import { isEventEnvelope, isEventPayload } from './schema.ts';
import type { NormalizedEvent, PlainEventRecord, Query, QueryResult, UserEventsResponse } from './types.ts';

const USER_DB = 'user';
export const CHECKPOINT = 'LAST_KNOWN_CHECKPOINT';

async function clearTables(db: Database): Promise<void> {
  await db.table('events').clear();
  await db.table('checkpoints').clear();
}

/** §3.3: the local part of opting out and of "delete my data". User secrets stay. */
export function clearUserData(): Promise<void> {
  return withLock(USER_DB, async () => clearTables(await openDatabase(USER_DB)));
}

async function fetchEvents(since: string | undefined): Promise<UserEventsResponse> {
  try {
    // §7.8: 204 means no data.
    return (await api<UserEventsResponse>('GET', since ? `/api/events?since=${encodeURIComponent(since)}` : '/api/events')) ?? {};
  } catch (err) {
    // §5.2: 400 (no `user` cookie) means no events, too.
    if (hasStatus(err, 400)) return {};
    throw err;
  }
}

async function openEvent(provider: CryptoProvider, secret: JsonWebKey, accountId: string, event: unknown): Promise<PlainEventRecord | null> {
  if (!isEventEnvelope(event) || typeof event.payload !== 'string') return null;
  try {
    const payload: unknown = JSON.parse(await provider.decryptSymmetric(secret, event.payload));
    return isEventPayload(payload) ? { eventId: event.eventId, accountId, payload, secretId: 'local' } : null;
  } catch {
    // §4.4: an event that does not decrypt is dropped.
    return null;
  }
}

/** Pulls what is new since the checkpoint into `user`.events; returns the server's retention period. */
async function sync(db: Database): Promise<string | null> {
  const checkpoints = db.table<CheckpointRecord>('checkpoints');
  const checkpoint = await checkpoints.get(CHECKPOINT);
  const response = await fetchEvents(checkpoint?.sequence);
  const records: PlainEventRecord[] = [];
  const byAccount = response.events ?? {};
  if (Object.keys(byAccount).length > 0) {
    const provider = await getCryptoProvider();
    for (const [accountId, events] of Object.entries(byAccount)) {
      if (!Array.isArray(events) || events.length === 0) continue;
      // §4.4: events of an account without a local secret are dropped.
      const secret = await getUserSecret(accountId);
      if (!secret) continue;
      for (const record of await Promise.all(events.map((event) => openEvent(provider, secret, accountId, event)))) {
        if (record) records.push(record);
      }
    }
  }
  const table = db.table<PlainEventRecord>('events');
  if (records.length > 0) await table.bulkPut(records);
  // Tombstones after inserts: a tombstone always wins (§5.2).
  if (response.deletedEvents && response.deletedEvents.length > 0) await table.bulkDelete(response.deletedEvents);
  // server.md §1.4: `sequence` is omitted when nothing changed; the old checkpoint stays.
  if (response.sequence) await checkpoints.put({ type: CHECKPOINT, sequence: response.sequence });
  return response.retentionPeriod ?? null;
}

function normalize(record: PlainEventRecord): NormalizedEvent[] {
  // Records are re-validated on read: the table may hold data written by an older vault (§2.3, §7.18).
  if (!isEventEnvelope(record) || !isEventPayload(record.payload)) return [];
  return [{ ...record.payload, eventId: record.eventId, accountId: record.accountId, secretId: record.secretId }];
}

async function syncAndRead(db: Database, query: Query): Promise<QueryResult> {
  const retentionPeriod = await sync(db);
  const events = (await db.table<PlainEventRecord>('events').toArray()).flatMap(normalize);
  // §5.2: a visitor's result.account is {retentionPeriod}.
  return computeResult(events, query, { retentionPeriod });
}

/** QUERY with query.accountId null (§1.4, §5.2). */
export function visitorQuery(query: Query): Promise<QueryResult> {
  return withLock(USER_DB, async () => syncAndRead(await openDatabase(USER_DB), query));
}

/** PURGE (§3.3, §5.3): delete on the server (keeping the `user` cookie), clear locally, query again. */
export async function purgeAndQuery(query: Query): Promise<QueryResult> {
  try {
    await api('POST', '/api/purge');
  } catch (err) {
    // §5.3: a 400 (no `user` cookie) is tolerated.
    if (!hasStatus(err, 400)) throw err;
  }
  return withLock(USER_DB, async () => {
    const db = await openDatabase(USER_DB);
    await clearTables(db);
    return syncAndRead(db, query);
  });
}
