// The operator dashboard's data (clients-and-crypto.md §5.5, §4.4 "An operator decrypting"): encrypted
// events and secrets are synced incrementally into the `<accountId>` database (§4.7) and decrypted in memory
// along the chain KEK -> private JWK -> user secret -> payload (§4.2).
import type { CryptoProvider } from '../../shared/crypto.ts';
import type { LoginResult } from '../../shared/protocol.ts';
import { api } from '../api.ts';
import { getCryptoProvider } from '../crypto-provider.ts';
import { openDatabase } from '../storage.ts';
import type { CheckpointRecord, Database, EncryptedSecretRecord, KeyRecord } from '../storage.ts';
import { eventCache, secretCache } from './decrypt-cache.ts';
import { withLock } from './lock.ts';
import { computeResult } from './result.ts';
import { isEventEnvelope, isEventPayload } from './schema.ts';
import type { AccountResponse, EncryptedEventRecord, NormalizedEvent, Query, QueryResult } from './types.ts';
import { CHECKPOINT } from './visitor.ts';

function keyEncryptionKey(user: LoginResult | null | undefined, accountId: string): JsonWebKey {
  const account = user?.accounts?.find((candidate) => candidate.accountId === accountId);
  if (!account?.keyEncryptionKey) {
    throw new Error(`No key encryption key for account "${accountId}" in the login result: log in again.`);
  }
  return account.keyEncryptionKey;
}

async function openPrivateKey(provider: CryptoProvider, kek: JsonWebKey, encryptedPrivateKey: string): Promise<JsonWebKey> {
  try {
    return JSON.parse(await provider.decryptSymmetric(kek, encryptedPrivateKey)) as JsonWebKey;
  } catch {
    // Without the private key nothing can be shown; say so rather than returning an empty dashboard.
    throw new Error('The account\'s private key could not be decrypted with the key from the login result.');
  }
}

/** The newest ENCRYPTED_SECRET value per secretId (rows are returned in insertion order). */
function secretValues(keys: KeyRecord[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const key of keys) if (key.type === 'ENCRYPTED_SECRET' && key.value) values.set(key.secretId, key.value);
  return values;
}

/** §5.5 step 4: store events and new secrets, apply tombstones, move the checkpoint. */
async function store(db: Database, accountId: string, response: AccountResponse): Promise<void> {
  const events = db.table<EncryptedEventRecord>('events');
  const incoming: EncryptedEventRecord[] = [];
  for (const event of response.events?.[accountId] ?? []) {
    if (!isEventEnvelope(event) || typeof event.payload !== 'string') continue;
    incoming.push(event.secretId === undefined
      ? { eventId: event.eventId, payload: event.payload }
      : { eventId: event.eventId, secretId: event.secretId, payload: event.payload });
  }
  if (incoming.length > 0) await events.bulkPut(incoming);

  const keys = db.table<KeyRecord>('keys');
  const known = secretValues(await keys.toArray());
  const fresh: EncryptedSecretRecord[] = [];
  for (const [secretId, value] of Object.entries(response.secrets ?? {})) {
    // §5.5: falsy values are skipped and a known secret is not stored twice. A secretId that comes back
    // with a different value was re-exchanged (§4.4 step 4): the new row wins because it is read last.
    if (!value || known.get(secretId) === value) continue;
    fresh.push({ type: 'ENCRYPTED_SECRET', secretId, value });
  }
  if (fresh.length > 0) await keys.bulkPut(fresh);

  const deleted = response.deletedEvents ?? [];
  if (deleted.length > 0) {
    await events.bulkDelete(deleted);
    for (const eventId of deleted) eventCache.delete(eventId);
  }
  if (response.sequence) await db.table<CheckpointRecord>('checkpoints').put({ type: CHECKPOINT, sequence: response.sequence });
}

function openSecret(provider: CryptoProvider, privateKey: JsonWebKey, secretId: string, value: string): Promise<JsonWebKey | null> {
  const cached = secretCache.get(secretId);
  if (cached && cached.value === value) return cached.secret;
  const secret = provider
    .decryptAsymmetric(privateKey, value)
    .then((json) => JSON.parse(json) as JsonWebKey)
    .catch(() => null);
  secretCache.set(secretId, { value, secret });
  return secret;
}

async function openEvent(
  provider: CryptoProvider,
  privateKey: JsonWebKey,
  accountId: string,
  secrets: Map<string, string>,
  record: EncryptedEventRecord,
): Promise<NormalizedEvent | null> {
  const cached = eventCache.get(record.eventId);
  if (cached) return cached;
  // §4.4 step 4: anything that does not open (no secret, anonymous event, bad ciphertext, schema) is dropped.
  if (!record.secretId || typeof record.payload !== 'string') return null;
  const value = secrets.get(record.secretId);
  if (!value) return null;
  const secret = await openSecret(provider, privateKey, record.secretId, value);
  if (!secret) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(await provider.decryptSymmetric(secret, record.payload));
  } catch {
    return null;
  }
  if (!isEventPayload(payload)) return null;
  const event: NormalizedEvent = { ...payload, eventId: record.eventId, accountId, secretId: record.secretId };
  eventCache.set(record.eventId, event);
  return event;
}

/** QUERY with query.accountId set (§1.4, §5.5). */
export async function operatorQuery(query: Query & { accountId: string }, user: LoginResult | null | undefined): Promise<QueryResult> {
  const { accountId } = query;
  const kek = keyEncryptionKey(user, accountId);
  return withLock(`account:${accountId}`, async () => {
    const db = await openDatabase(accountId);
    const checkpoint = await db.table<CheckpointRecord>('checkpoints').get(CHECKPOINT);
    const since = checkpoint ? `?since=${encodeURIComponent(checkpoint.sequence)}` : '';
    const response = await api<AccountResponse>('GET', `/api/accounts/${encodeURIComponent(accountId)}${since}`);
    if (!response || typeof response !== 'object') throw new Error('The account response carried no data.');
    const provider = await getCryptoProvider();
    const privateKey = await openPrivateKey(provider, kek, response.encryptedPrivateKey);
    await store(db, accountId, response);

    const secrets = secretValues(await db.table<KeyRecord>('keys').toArray());
    const stored = await db.table<EncryptedEventRecord>('events').toArray();
    const opened = await Promise.all(stored.map((record) => openEvent(provider, privateKey, accountId, secrets, record)));
    const events = opened.filter((event): event is NormalizedEvent => event !== null);
    // §5.5: result.account is the whole server response plus the decrypted private JWK.
    return computeResult(events, query, { ...response, privateKey });
  });
}
