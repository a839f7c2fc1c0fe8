// The operator dashboard's data (clients-and-crypto.md §5.5, §4.4 "An operator decrypting"): encrypted
// events and secrets are synced incrementally into the `<accountId>` database (§4.7) and decrypted along the
// chain KEK -> private JWK -> user secret -> payload (§4.2). What was decrypted is kept per account
// (cache-view.ts): in memory for the session and, encrypted under a key derived from the KEK, in the
// `offen-cache-<accountId>` database for the next page load (cache-store.ts). A query whose view matches the
// checkpoint only decrypts what the sync brought; anything else reconciles the view with the whole `events`
// table. The RSA and AES work runs on a pool of Web Workers (worker-pool.ts).
import type { CryptoProvider } from '../../shared/crypto.ts';
import type { LoginResult } from '../../shared/protocol.ts';
import { api } from '../api.ts';
import { getCryptoProvider } from '../crypto-provider.ts';
import { openDatabase } from '../storage.ts';
import type { CheckpointRecord, Database, EncryptedSecretRecord, KeyRecord } from '../storage.ts';
import { openCacheStore } from './cache-store.ts';
import type { CacheStore } from './cache-store.ts';
import { AccountView, secretFingerprint } from './cache-view.ts';
import { accountViews } from './decrypt-cache.ts';
import { withLock } from './lock.ts';
import { computeResult } from './result.ts';
import { isEventEnvelope } from './schema.ts';
import type { AccountResponse, EncryptedEventRecord, Query, QueryResult } from './types.ts';
import { CHECKPOINT } from './visitor.ts';
import { getDecryptor } from './worker-pool.ts';

export interface Progress {
  done: number;
  total: number;
}

export interface OperatorOptions {
  /** Decryption progress (contract 3: QUERY_PROGRESS), at most about ten times a second, ending with done = total. */
  onProgress?: (progress: Progress) => void;
}

/** Minimum spacing of progress reports (the auditorium re-renders on each). */
const PROGRESS_INTERVAL_MS = 100;

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

/** The `keys` table's secrets, read at most once per query and only when needed (it can hold 100,000 rows). */
function dexieSecrets(db: Database): () => Promise<Map<string, string>> {
  let values: Promise<Map<string, string>> | undefined;
  return () => (values ??= db.table<KeyRecord>('keys').toArray().then(secretValues));
}

/** The response's secrets with a value (§5.5: falsy values are skipped). */
function responseSecrets(response: AccountResponse): Map<string, string> {
  const secrets = new Map<string, string>();
  for (const [secretId, value] of Object.entries(response.secrets ?? {})) if (value) secrets.set(secretId, value);
  return secrets;
}

/**
 * §5.5 step 4: store events and new secrets, apply tombstones, move the checkpoint. Returns the stored
 * incoming events. `trusted` says the view matches the database, so a secret it holds unchanged is known.
 */
async function store(
  db: Database,
  accountId: string,
  response: AccountResponse,
  secrets: Map<string, string>,
  view: AccountView,
  trusted: boolean,
  stored: () => Promise<Map<string, string>>,
): Promise<EncryptedEventRecord[]> {
  const events = db.table<EncryptedEventRecord>('events');
  const incoming: EncryptedEventRecord[] = [];
  for (const event of response.events?.[accountId] ?? []) {
    if (!isEventEnvelope(event) || typeof event.payload !== 'string') continue;
    incoming.push(event.secretId === undefined
      ? { eventId: event.eventId, payload: event.payload }
      : { eventId: event.eventId, secretId: event.secretId, payload: event.payload });
  }
  if (incoming.length > 0) await events.bulkPut(incoming);

  const fresh: EncryptedSecretRecord[] = [];
  for (const [secretId, value] of secrets) {
    if (trusted && view.secrets.get(secretId)?.fp === secretFingerprint(value)) continue;
    // §5.5: a known secret is not stored twice. A secretId that comes back with a different value was
    // re-exchanged (§4.4 step 4): the new row wins because it is read last.
    const known = await stored();
    if (known.get(secretId) === value) continue;
    known.set(secretId, value);
    fresh.push({ type: 'ENCRYPTED_SECRET', secretId, value });
  }
  if (fresh.length > 0) await db.table<KeyRecord>('keys').bulkPut(fresh);

  const deleted = new Set(response.deletedEvents ?? []);
  if (deleted.size > 0) await events.bulkDelete([...deleted]);
  if (response.sequence) await db.table<CheckpointRecord>('checkpoints').put({ type: CHECKPOINT, sequence: response.sequence });
  return incoming.filter((record) => !deleted.has(record.eventId));
}

/**
 * The view to start from: the session's when it matches the checkpoint, else the local cache's, else the
 * session's or an empty one (both then get reconciled with the whole table).
 */
async function loadView(accountId: string, checkpoint: string | null, cache: CacheStore | null): Promise<AccountView> {
  const memory = accountViews.get(accountId);
  if (memory && memory.sequence !== null && memory.sequence === checkpoint) return memory;
  if (cache) {
    try {
      const { records, broken } = await cache.readAll();
      if (records.size > 0 || broken.length > 0) {
        const loaded = AccountView.fromRecords(accountId, records, broken);
        if (loaded && (!memory || loaded.sequence === checkpoint)) return loaded;
        // Unreadable as a whole (e.g. written under another KEK): start over.
        if (!loaded) await cache.clear();
      }
    } catch {
      // The cache is only a shortcut: without it the view is rebuilt from the `events` table.
    }
  }
  const view = memory ?? new AccountView(accountId);
  view.sequence = null;
  // Whatever is stored is replaced by the reconciled view.
  view.markAllDirty();
  return view;
}

/** Delta: what the sync brought, plus failed events whose secret arrived or changed (§4.4 step 4 re-exchange). */
async function planDelta(
  db: Database,
  view: AccountView,
  incoming: EncryptedEventRecord[],
  deleted: string[],
  secrets: Map<string, string>,
): Promise<EncryptedEventRecord[]> {
  for (const eventId of deleted) view.remove(eventId);
  const changed = new Set<string>();
  for (const [secretId, value] of secrets) {
    const entry = view.secrets.get(secretId);
    if (entry?.fp === secretFingerprint(value)) continue;
    changed.add(secretId);
    view.deleteSecret(secretId);
  }
  // Events already opened stay: an eventId's payload never changes, and it opened under the secret of its
  // time (the server parks a re-exchanged visitor's old events under new ids anyway, §4.4 step 4).
  const reopen = new Set<string>();
  if (changed.size > 0) {
    for (const [eventId, secretId] of view.failed) if (secretId !== null && changed.has(secretId)) reopen.add(eventId);
  }
  const records = [...incoming];
  for (const record of incoming) reopen.delete(record.eventId);
  const events = db.table<EncryptedEventRecord>('events');
  for (const eventId of reopen) {
    const record = await events.get(eventId);
    if (record) records.push(record);
    else view.remove(eventId);
  }
  return records;
}

/** Full: reconcile the view with every stored event; only what it lacks opens (stale secrets open again). */
async function planFull(db: Database, view: AccountView, stored: () => Promise<Map<string, string>>): Promise<EncryptedEventRecord[]> {
  const [records, values] = await Promise.all([db.table<EncryptedEventRecord>('events').toArray(), stored()]);
  for (const [secretId, entry] of [...view.secrets]) {
    const value = values.get(secretId);
    if (value === undefined || secretFingerprint(value) !== entry.fp) view.deleteSecret(secretId);
  }
  const ids = new Set<string>();
  const open: EncryptedEventRecord[] = [];
  for (const record of records) {
    ids.add(record.eventId);
    const have = view.get(record.eventId);
    if (have && have.secretId === record.secretId) continue;
    // A failure under a secret that has not changed since would fail again.
    const failedUnder = view.failed.get(record.eventId);
    if (!have && failedUnder !== undefined && failedUnder === (record.secretId ?? null) && (record.secretId === undefined || view.secrets.has(record.secretId))) continue;
    open.push(record);
  }
  for (const event of [...view.events()]) if (!ids.has(event.eventId)) view.remove(event.eventId);
  for (const eventId of [...view.failed.keys()]) if (!ids.has(eventId)) view.remove(eventId);
  return open;
}

function progressReporter(onProgress: OperatorOptions['onProgress'], total: number) {
  let done = 0;
  let last = 0;
  const report = () => onProgress!({ done, total });
  if (onProgress && total > 0) {
    report();
    last = Date.now();
  }
  return {
    add(count: number) {
      done += count;
      if (!onProgress || total === 0) return;
      const now = Date.now();
      if (now - last >= PROGRESS_INTERVAL_MS && done < total) {
        last = now;
        report();
      }
    },
    finish() {
      if (!onProgress || total === 0) return;
      done = total;
      report();
    },
  };
}

/** §4.4 steps 3–4 for `records`: open the secrets they need (unless the view has them), then the payloads. */
async function decrypt(
  view: AccountView,
  records: EncryptedEventRecord[],
  privateKey: JsonWebKey,
  secretValue: (secretId: string) => Promise<string | undefined>,
  onProgress: OperatorOptions['onProgress'],
): Promise<void> {
  const needed = new Set<string>();
  for (const record of records) if (record.secretId && typeof record.payload === 'string') needed.add(record.secretId);
  const toOpen: Array<[string, string]> = [];
  for (const secretId of needed) {
    const entry = view.secrets.get(secretId);
    const value = await secretValue(secretId);
    if (value === undefined) {
      // No value now (none stored): nothing opens; a delta keeps what the view already has.
      continue;
    }
    if (entry?.fp !== secretFingerprint(value)) toOpen.push([secretId, value]);
  }
  const progress = progressReporter(onProgress, toOpen.length + records.length);
  const decryptor = await getDecryptor();
  if (toOpen.length > 0) {
    const opened = await decryptor.openSecrets(privateKey, toOpen, progress.add);
    toOpen.forEach(([secretId, value], n) => view.setSecret(secretId, { fp: secretFingerprint(value), jwk: opened[n] ?? null }));
  }
  const secrets = new Map<string, JsonWebKey>();
  for (const secretId of needed) {
    const jwk = view.secrets.get(secretId)?.jwk;
    if (jwk) secrets.set(secretId, jwk);
  }
  const items: Array<[string, string, string]> = [];
  let skipped = 0;
  for (const record of records) {
    if (record.secretId && typeof record.payload === 'string' && secrets.has(record.secretId)) {
      items.push([record.eventId, record.secretId, record.payload]);
    } else {
      // §4.4 step 4: no secret, an anonymous event or a secret that does not open: dropped (and remembered).
      view.setFailed(record.eventId, record.secretId ?? null);
      skipped++;
    }
  }
  progress.add(skipped);
  const opened = items.length > 0 ? await decryptor.openEvents(view.accountId, secrets, items, progress.add) : [];
  opened.forEach((event, n) => {
    if (event) view.add(event);
    else view.setFailed(items[n]![0], items[n]![1]);
  });
  progress.finish();
}

/** QUERY with query.accountId set (§1.4, §5.5). */
export async function operatorQuery(
  query: Query & { accountId: string },
  user: LoginResult | null | undefined,
  options: OperatorOptions = {},
): Promise<QueryResult> {
  const { accountId } = query;
  const kek = keyEncryptionKey(user, accountId);
  return withLock(`account:${accountId}`, async () => {
    const db = await openDatabase(accountId);
    const checkpoint = (await db.table<CheckpointRecord>('checkpoints').get(CHECKPOINT))?.sequence ?? null;
    const since = checkpoint ? `?since=${encodeURIComponent(checkpoint)}` : '';
    const response = await api<AccountResponse>('GET', `/api/accounts/${encodeURIComponent(accountId)}${since}`);
    if (!response || typeof response !== 'object') throw new Error('The account response carried no data.');
    const provider = await getCryptoProvider();
    const privateKey = await openPrivateKey(provider, kek, response.encryptedPrivateKey);
    const cache = await openCacheStore(accountId, kek);

    let view: AccountView;
    try {
      view = await loadView(accountId, checkpoint, cache);
      const delta = view.sequence !== null && view.sequence === checkpoint;
      const secrets = responseSecrets(response);
      const stored = dexieSecrets(db);
      const incoming = await store(db, accountId, response, secrets, view, delta, stored);
      const records = delta
        ? await planDelta(db, view, incoming, response.deletedEvents ?? [], secrets)
        : await planFull(db, view, stored);
      // A delta takes a secret's value from the response, else keeps the view's, else asks the `keys` table.
      const secretValue = async (secretId: string): Promise<string | undefined> => {
        const sent = secrets.get(secretId);
        if (sent !== undefined) return sent;
        if (delta && view.secrets.has(secretId)) return undefined;
        return (await stored()).get(secretId);
      };
      await decrypt(view, records, privateKey, secretValue, options.onProgress);
      view.sequence = response.sequence || checkpoint;
      accountViews.set(accountId, view);
    } catch (err) {
      // A half-applied view must not be trusted by the next query: it starts from the cache again.
      accountViews.delete(accountId);
      throw err;
    }
    if (cache) {
      try {
        await cache.write(view.takeChanges());
      } catch {
        // Failing to cache (quota, private mode) costs the next page load time, not this result.
        view.markAllDirty();
      }
    }
    // §5.5: result.account is the whole server response plus the decrypted private JWK; contract 5: only the
    // window's events travel back.
    return computeResult(view.events(), query, { ...response, privateKey }, { events: 'window' });
  });
}
