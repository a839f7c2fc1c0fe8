// The operator dashboard's data (clients-and-crypto.md §5.5, §4.4 "An operator decrypting"): encrypted
// events and secrets are synced incrementally (the checkpoint and secrets in the `<accountId>` database, §4.7)
// and decrypted along the chain KEK -> private JWK -> user secret -> payload (§4.2). The sync runs in pages
// (paging.ts, issue 4 item 6), pipelined: the next page downloads while this one decrypts, and its writes run
// behind. What was decrypted is kept per account (cache-view.ts): in memory for the session and, encrypted
// under a key derived from the KEK, in the `offen-cache-<accountId>` database for the next page load
// (cache-store.ts). A query whose view matches the checkpoint only decrypts what the sync brings; any other
// view starts over from the server (keeping the user secrets it opened). Only events that did not open are
// kept encrypted in `<accountId>`.events, to be retried when their secret arrives or changes: storing every
// event twice cost a third of a big account's first load in IndexedDB work. The RSA and AES work runs on a
// pool of Web Workers (worker-pool.ts, decrypt-pipeline.ts).
import type { CryptoProvider } from '../../shared/crypto.ts';
import { mark } from '../../shared/marks.ts';
import type { LoginResult } from '../../shared/protocol.ts';
import { api } from '../api.ts';
import { getCryptoProvider } from '../crypto-provider.ts';
import { openDatabase } from '../storage.ts';
import type { CheckpointRecord, Database, EncryptedSecretRecord, KeyRecord } from '../storage.ts';
import { openCacheStore } from './cache-store.ts';
import type { CacheStore } from './cache-store.ts';
import { AccountView, dayKey, dayNumber, recordsToRead, secretBucketOf, secretFingerprint, secretKey } from './cache-view.ts';
import type { DayNeed } from './cache-view.ts';
import { accountViews } from './decrypt-cache.ts';
import { withLock } from './lock.ts';
import { SharedSecrets } from './shared-cache.ts';
import { SharedRollups } from './rollups.ts';
import { computeResult, statsContext } from './result.ts';
import { neededDays } from './stats/stats.ts';
import { isEventEnvelope } from './schema.ts';
import type { AccountResponse, EncryptedEventRecord, Query, QueryResult } from './types.ts';
import { CHECKPOINT } from './visitor.ts';
import { getDecryptor } from './worker-pool.ts';
import { Openings, ProgressTracker, startDecryption } from './decrypt-pipeline.ts';
import type { Progress } from './decrypt-pipeline.ts';
import { accountPages, firstPageLimit, handled, pageLimit } from './paging.ts';

export type { Progress };

export interface OperatorOptions {
  /** Decryption progress (contract 3: QUERY_PROGRESS), at most about four times a second, ending with done = total. */
  onProgress?: (progress: Progress) => void;
  /** false: the result's `events` is empty (the metrics are unchanged); default: the window's events. */
  events?: boolean;
}

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

/** A page's events as stored records (§4.7), without those its own tombstones delete. */
function pageRecords(response: AccountResponse, accountId: string, deleted: Set<string>): EncryptedEventRecord[] {
  const records: EncryptedEventRecord[] = [];
  for (const event of response.events?.[accountId] ?? []) {
    if (!isEventEnvelope(event) || typeof event.payload !== 'string' || deleted.has(event.eventId)) continue;
    records.push(event.secretId === undefined
      ? { eventId: event.eventId, payload: event.payload }
      : { eventId: event.eventId, secretId: event.secretId, payload: event.payload });
  }
  return records;
}

/**
 * §5.5 step 4: the page's secrets that are neither in the view nor stored yet (of these, operatorQuery stores
 * only the ones that do not open). A known secret is not stored twice; a secretId that comes back with a
 * different value was re-exchanged (§4.4 step 4) and is stored again: the new row wins because it is read
 * last. The view matches the database here, so a secret it holds unchanged is known.
 */
async function freshSecrets(secrets: Map<string, string>, view: AccountView, stored: () => Promise<Map<string, string>>): Promise<EncryptedSecretRecord[]> {
  const fresh: EncryptedSecretRecord[] = [];
  for (const [secretId, value] of secrets) {
    if (view.secrets.get(secretId)?.fp === secretFingerprint(value)) continue;
    const known = await stored();
    if (known.get(secretId) === value) continue;
    known.set(secretId, value);
    fresh.push({ type: 'ENCRYPTED_SECRET', secretId, value });
  }
  return fresh;
}

/**
 * §5.5 step 4 for one decrypted page: store its new secrets and the events that did not open, drop what its
 * tombstones delete and what opened on a retry, then move the checkpoint, last, so that a crash never leaves a
 * checkpoint ahead of what is stored.
 */
async function persistPage(
  db: Database,
  failed: EncryptedEventRecord[],
  fresh: EncryptedSecretRecord[],
  gone: string[],
  sequence: string | null,
): Promise<void> {
  const events = db.table<EncryptedEventRecord>('events');
  await Promise.all([
    failed.length > 0 ? events.bulkPut(failed) : undefined,
    fresh.length > 0 ? db.table<KeyRecord>('keys').bulkPut(fresh) : undefined,
  ]);
  if (gone.length > 0) await events.bulkDelete(gone);
  if (sequence) await db.table<CheckpointRecord>('checkpoints').put({ type: CHECKPOINT, sequence });
}

/**
 * The view to start from: the session's when it matches the checkpoint, else the local cache's, else the
 * session's or an empty one (both then start over from the server). `unreadable` says the cache as a whole
 * did not open (e.g. written under another KEK, or by an older format) and is to be cleared, once the KEK
 * proved right.
 */
async function loadView(
  accountId: string,
  checkpoint: string | null,
  cache: CacheStore | null,
  need: DayNeed,
): Promise<{ view: AccountView; unreadable: boolean }> {
  const memory = accountViews.get(accountId);
  if (memory && memory.sequence !== null && memory.sequence === checkpoint) return { view: memory, unreadable: false };
  let unreadable = false;
  if (cache) {
    try {
      // The blocks of days the query does not need stay unread (their summaries stand in) until something
      // does, and so do the secret buckets until a sync page brings events of their visitors.
      const keys = await cache.keys();
      mark('query:cache-keys');
      const { records, broken } = await cache.read(recordsToRead(keys, need));
      const users = keys.filter((key) => key.startsWith('users:'));
      if (!AccountView.countsUsers(records) && users.length > 0) {
        // A cache of an earlier version: its numbering is read at once.
        const more = await cache.read(users);
        for (const [key, value] of more.records) records.set(key, value);
        broken.push(...more.broken);
      }
      mark('query:cache-read');
      if (records.size > 0 || broken.length > 0) {
        const loaded = AccountView.fromRecords(accountId, records, broken, users);
        if (loaded?.waitsForUsers()) await readUsers(cache, loaded);
        mark('query:cache-view');
        loaded?.secrets.markUnread(keys.map(secretBucketOf).filter((bucket) => bucket !== null));
        loaded?.storedAggregates(keys);
        if (loaded && (!memory || loaded.sequence === checkpoint)) return { view: loaded, unreadable: false };
        unreadable = !loaded;
      }
    } catch {
      // The cache is only a shortcut: without it the view is rebuilt from the `events` table.
    }
  }
  const view = memory ?? new AccountView(accountId);
  view.sequence = null;
  return { view, unreadable };
}

/**
 * Delta: what a page brought, plus failed events whose secret arrived or changed (§4.4 step 4 re-exchange).
 * `written` settles once the earlier pages are stored, where a failed event of an earlier page is read back.
 */
async function planDelta(
  db: Database,
  view: AccountView,
  incoming: EncryptedEventRecord[],
  deleted: string[],
  secrets: Map<string, string>,
  written: () => Promise<void>,
): Promise<{ records: EncryptedEventRecord[]; reopened: string[] }> {
  for (const eventId of deleted) view.remove(eventId);
  const changed = new Set<string>();
  for (const [secretId, value] of secrets) {
    const entry = view.secrets.get(secretId);
    if (entry?.fp === secretFingerprint(value)) continue;
    changed.add(secretId);
    view.deleteSecret(secretId);
  }
  // Events already opened stay: an eventId's payload never changes, and it opened under the secret of its
  // time (the server parks a re-exchanged visitor's old events under new ids anyway, §4.4 step 4). For the
  // same reason an event the server sends again (a sync that restarted) is not opened twice.
  const reopen = new Set<string>();
  if (changed.size > 0) {
    for (const [eventId, secretId] of view.failed) if (secretId !== null && changed.has(secretId)) reopen.add(eventId);
  }
  const records: EncryptedEventRecord[] = [];
  for (const record of incoming) {
    reopen.delete(record.eventId);
    if (view.get(record.eventId)?.secretId !== record.secretId || record.secretId === undefined) records.push(record);
  }
  const reopened: string[] = [];
  if (reopen.size > 0) {
    await written();
    const events = db.table<EncryptedEventRecord>('events');
    for (const eventId of reopen) {
      const record = await events.get(eventId);
      if (record) {
        records.push(record);
        reopened.push(eventId);
      } else {
        view.remove(eventId);
      }
    }
  }
  return { records, reopened };
}

/**
 * Whether a page can be planned while the previous one still decrypts. Not when it carries tombstones (they
 * may delete events still on their way into the view), nor when it changes a secret the view holds or one
 * being opened, nor when a secret it brings has failed events to open again (those are read back from the
 * `events` table, where the previous page's failures are not stored yet). A secret being opened from the
 * value this page sends is waited for (Openings).
 */
function overlapSafe(view: AccountView, openings: Openings, secrets: Map<string, string>, deleted: readonly string[]): boolean {
  if (deleted.length > 0) return false;
  if (secrets.size === 0) return true;
  const failedSecrets = new Set(view.failed.values());
  for (const [secretId, value] of secrets) {
    const fp = secretFingerprint(value);
    const held = view.secrets.get(secretId);
    const opening = openings.fingerprint(secretId);
    if (held?.fp === fp || (held === undefined && opening === fp)) continue;
    if (held !== undefined || opening !== undefined || failedSecrets.has(secretId)) return false;
  }
  return true;
}

/** GET /api/accounts/<id> for one page (§5.5 step 3, with `limit`, paging.ts). */
async function fetchPage(accountId: string, since: string | null, limit: number): Promise<AccountResponse> {
  const params = since ? `?since=${encodeURIComponent(since)}&limit=${limit}` : `?limit=${limit}`;
  const response = await api<AccountResponse>('GET', `/api/accounts/${encodeURIComponent(accountId)}${params}`);
  if (!response || typeof response !== 'object') throw new Error('The account response carried no data.');
  return response;
}

/**
 * The local side of a query, read while the first page downloads: the view to start from, and whether it
 * matches the stored checkpoint. A cached view at another sequence (the tab closed before its cache was
 * written, another tab moved the checkpoint) syncs on from its own; one without a sequence (no usable cache,
 * a damaged chunk) starts over from the server.
 */
async function openLocal(
  accountId: string,
  kek: JsonWebKey,
  checkpoint: string | null,
  need: DayNeed,
): Promise<{ cache: CacheStore | null; view: AccountView; unreadable: boolean; trusted: boolean }> {
  const cache = await openCacheStore(accountId, kek);
  mark('query:cache-open');
  const { view, unreadable } = await loadView(accountId, checkpoint, cache, need);
  return { cache, view, unreadable, trusted: view.sequence !== null && view.sequence === checkpoint };
}

/** result.account: the server's account fields, without the bulk of encrypted data nothing reads (see below). */
function accountFields(response: AccountResponse, sequence: string | null, privateKey: JsonWebKey): object {
  const account: Partial<AccountResponse> & { privateKey: JsonWebKey } = { ...response, privateKey };
  delete account.events;
  delete account.secrets;
  delete account.deletedEvents;
  delete account.rollups;
  delete account.next;
  if (sequence) account.sequence = sequence;
  return account;
}

/**
 * Reads the blocks of these unread days into the view. A day that cannot be read leaves no way to trust the
 * cache: it is cleared and the view marked for a fresh start (the error fails this query).
 */
async function readDays(cache: CacheStore | null, view: AccountView, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  try {
    if (!cache) throw new Error('no cache');
    const { records, broken } = await cache.read(keys);
    if (broken.length > 0 || keys.some((key) => !records.has(key))) throw new Error('missing');
    view.readBlocks(records);
  } catch {
    view.sequence = null;
    await cache?.clear().catch(() => undefined);
    throw new Error('The cached events of this account could not be read; the next load starts over.');
  }
}

/**
 * Reads the visitor numbering if it is not read yet (AccountView.pendingUsers). A record that cannot be read
 * leaves no way to trust the cache, as for a day (readDays).
 */
async function readUsers(cache: CacheStore | null, view: AccountView): Promise<void> {
  const keys = view.pendingUsers();
  if (keys.length === 0) return;
  try {
    if (!cache) throw new Error('no cache');
    const { records, broken } = await cache.read(keys);
    if (broken.length > 0 || keys.some((key) => !records.has(key))) throw new Error('missing');
    view.restoreUsers(records);
  } catch {
    view.sequence = null;
    await cache?.clear().catch(() => undefined);
    throw new Error('The cached events of this account could not be read; the next load starts over.');
  }
}

/** Reads aggregate records of unread days; what does not read leaves its day to be read as a block. */
async function readAggregates(cache: CacheStore | null, view: AccountView, keys: string[]): Promise<void> {
  if (keys.length === 0 || !cache) return;
  try {
    view.readAggregates((await cache.read(keys)).records);
  } catch {
    // The days are read as blocks instead.
  }
}

/**
 * Reads secret buckets a sync page needs. One that cannot be read counts as empty: its secrets are opened
 * again where needed, and the bucket is written anew.
 */
async function readSecrets(cache: CacheStore | null, view: AccountView, buckets: number[]): Promise<void> {
  if (buckets.length === 0) return;
  let records = new Map<string, unknown>();
  try {
    if (cache) ({ records } = await cache.read(buckets.map(secretKey)));
  } catch {
    // As if empty (above).
  }
  for (const bucket of buckets) view.secrets.load(bucket, records.get(secretKey(bucket)) ?? []);
}

async function writeCache(cache: CacheStore | null, view: AccountView): Promise<void> {
  if (!cache) return;
  try {
    await cache.write(view.takeChanges());
  } catch {
    // Failing to cache (quota, private mode) costs the next page load time, not this result.
    view.markAllDirty();
  }
}

/** Settles when the thread has nothing else to do (at most IDLE_WAIT_MS later), or after a task without rIC. */
function idle(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: IDLE_WAIT_MS });
    else setTimeout(resolve, 0);
  });
}
const IDLE_WAIT_MS = 500;

/**
 * QUERY with query.accountId set (§1.4, §5.5). The sync runs in pages (paging.ts) as a pipeline: the next
 * page downloads while this one decrypts, and a decrypted page's writes to `<accountId>` run while the next
 * one decrypts; its checkpoint follows once they are stored. A cached view at another sequence than the
 * checkpoint syncs on from its own; a view without one drops its events and starts over from the server.
 * Every page is then a delta.
 */
export async function operatorQuery(
  query: Query & { accountId: string },
  user: LoginResult | null | undefined,
  options: OperatorOptions = {},
): Promise<QueryResult> {
  const { accountId } = query;
  const kek = keyEncryptionKey(user, accountId);
  // The answer goes out before the local cache is written (a million events take seconds to encode and store),
  // but the lock is held until that write is done, so the next sync of the account starts from it.
  let answer!: (result: QueryResult) => void;
  const answered = new Promise<QueryResult>((resolve) => (answer = resolve));
  const locked = withLock(`account:${accountId}`, async () => {
    mark('query:start');
    const db = await openDatabase(accountId);
    const checkpoint = (await db.table<CheckpointRecord>('checkpoints').get(CHECKPOINT))?.sequence ?? null;
    mark('query:checkpoint');
    // The first request goes out before anything local is read.
    const syncFrom = (since: string | null) =>
      accountPages((from, limit) => fetchPage(accountId, from, limit), accountId, since, pageLimit(), firstPageLimit(since));
    /** The first page of a sync; a sync without one is an error. */
    const firstOf = async (sync: ReturnType<typeof syncFrom>) => {
      const next = await sync.next();
      if (next.done) throw new Error('The account response carried no data.');
      return next.value;
    };
    // A sync from nothing starts from the account's shared rollups and asks only for the events they leave out.
    const rollups = new SharedRollups(accountId, kek);
    const bootstrap = () => rollups.pages((from, limit) => fetchPage(accountId, from, limit), pageLimit(), firstPageLimit(null));
    let pages = checkpoint === null ? bootstrap() : syncFrom(checkpoint);
    const stored = dexieSecrets(db);
    const progress = new ProgressTracker(options.onProgress);
    let view: AccountView | undefined;
    let cache: CacheStore | null = null;
    // The writes of the pages so far, one after the other (page k+1's tombstones may delete page k's events).
    let written: Promise<void> = Promise.resolve();
    // True between pages: every page handed over is decrypted into the view (or is in flight, see drain), which
    // then matches the checkpoint the writes end with.
    let settled = false;
    // The page whose decryption runs while the next one is planned, and how to finish it: settle its days,
    // store what it leaves encrypted and move the checkpoint.
    let inFlight: { done: Promise<void>; finish: () => Promise<void> } | null = null;
    const drain = async () => {
      const page = inFlight;
      inFlight = null;
      if (!page) return;
      await page.done;
      await page.finish();
    };
    const openings = new Openings();
    try {
      // Both settle before anything is decided, so nothing of this query runs on after the lock is released.
      // The days the query needs as blocks, for the widest retention setting (neededDays); the others are read
      // as summaries, and those inside the window as aggregates when the answer carries no events.
      const aggregate = options.events === false;
      const firstContext = statsContext(query, {});
      const firstNeed = neededDays(query, firstContext, aggregate);
      const [firstSettled, localSettled] = await Promise.allSettled([pages.next(), openLocal(accountId, kek, checkpoint, firstNeed)]);
      mark('query:first-page-and-cache');
      if (localSettled.status === 'fulfilled') ({ view, cache } = localSettled.value);
      if (firstSettled.status === 'rejected') throw firstSettled.reason;
      if (localSettled.status === 'rejected') throw localSettled.reason;
      if (firstSettled.value.done) throw new Error('The account response carried no data.');
      let page = firstSettled.value.value;
      const local = localSettled.value;
      const provider = await getCryptoProvider();
      const privateKey = await openPrivateKey(provider, kek, page.response.encryptedPrivateKey);
      if (local.unreadable && cache) {
        try {
          // The KEK opened the private key, so the cache is another KEK's (or damaged): start it over.
          await cache.clear();
        } catch {
          // Still only a shortcut: the writes at the end replace what they can.
        }
      }
      const decryptor = await getDecryptor();
      const shared = new SharedSecrets(accountId, kek);
      const current = local.view;
      // Aggregates written by this query cut their days at the viewer's midnights.
      current.timeZone = firstContext.timeZone;
      let from = checkpoint;
      if (!local.trusted && current.sequence !== null) {
        // The cached view is whole at its own sequence, which the stored checkpoint has moved past (the tab
        // closed before the cache was written) or not reached: the sync goes on from the view's sequence.
        from = current.sequence;
        pages = syncFrom(from);
        page = await firstOf(pages);
      } else if (!local.trusted) {
        // Start over: the view's events and the encrypted leftovers go; the user secrets it opened stay
        // (each is checked against the value the server sends), so no RSA work is repeated. The cache is
        // cleared below, so the secret buckets not read yet are read first.
        if (!local.unreadable) await readSecrets(cache, current, current.secrets.unreadBuckets());
        // No event is left to refer to the numbering: one that is not read yet starts afresh.
        current.dropUsers();
        current.clearEvents();
        current.markAllDirty();
        if (cache && !local.unreadable) {
          try {
            await cache.clear();
          } catch {
            // The writes at the end replace what they can.
          }
        }
        await db.table<EncryptedEventRecord>('events').clear();
        from = null;
        if (checkpoint !== null) {
          await db.table<CheckpointRecord>('checkpoints').delete(CHECKPOINT);
          pages = bootstrap();
          page = await firstOf(pages);
        }
        // The days the rollups hold come decrypted; if one of them cannot be had, everything is synced instead.
        if (!(await rollups.adopt(current, page.response))) {
          pages = syncFrom(null);
          page = await firstOf(pages);
        }
        mark('query:rollups');
      }
      current.sequence = from;
      settled = true;

      // The account fields of the answer: those of the sync's first page.
      const head = page.response;
      for (;;) {
        settled = false;
        const { response } = page;
        const secrets = responseSecrets(response);
        const deleted = response.deletedEvents ?? [];
        const incoming = pageRecords(response, accountId, new Set(deleted));
        const incomingDays = new Set<string>();
        for (const record of incoming) incomingDays.add(dayKey(record.eventId));
        // Events, tombstones and secrets (which may reopen failed events) change days: they need the numbering.
        if (incoming.length > 0 || deleted.length > 0 || secrets.size > 0) await readUsers(cache, current);
        // The days this page touches (its events, its tombstones, failed events it may open) must be read.
        if (current.unread.size > 0) {
          const touched = new Set<string>(incomingDays);
          for (const eventId of deleted) touched.add(dayKey(eventId));
          for (const eventId of current.failed.keys()) touched.add(dayKey(eventId));
          await readDays(cache, current, current.unreadDays(Infinity, touched));
        }
        await readSecrets(cache, current, current.secrets.unreadFor([...secrets.keys(), ...incoming.map((record) => record.secretId)]));
        // This page is planned while the previous one still decrypts unless it depends on how that one ends.
        if (!overlapSafe(current, openings, secrets, deleted)) await drain();
        const fresh = await freshSecrets(secrets, current, stored);
        const sequence = response.sequence || null;
        // Failed events to open again are read back from the `events` table once every earlier page is stored
        // (never while a page is in flight: overlapSafe).
        const { records, reopened } = await planDelta(db, current, incoming, deleted, secrets, () => written);
        // A delta takes a secret's value from the page, else keeps the view's, else asks the `keys` table.
        const secretValue = (secretId: string): string | undefined | Promise<string | undefined> => {
          const sent = secrets.get(secretId);
          if (sent !== undefined || current.secrets.has(secretId)) return sent;
          return stored().then((values) => values.get(secretId));
        };
        // Secrets another operator's browser has opened before come from the shared cache, not by RSA.
        await shared.openFor(current, records, secretValue);
        // The pool gets this page's work now; the previous page is finished while it runs, so no core idles
        // between pages.
        const { done } = await startDecryption(current, records, privateKey, secretValue, progress, decryptor, openings);
        handled(done);
        await drain();
        inFlight = {
          done,
          finish: async () => {
            let newestDay = -Infinity;
            for (const key of incomingDays) newestDay = Math.max(newestDay, dayNumber(key));
            current.settleDays(newestDay);
            // Kept encrypted: what did not open (retried when its secret arrives or changes). Dropped: what the
            // tombstones delete and what opened on this retry.
            const failed = records.filter((record) => current.failed.has(record.eventId));
            const gone = [...deleted, ...reopened.filter((eventId) => !current.failed.has(eventId))];
            // Likewise for secrets: the opened ones are in the view (and its cache); kept encrypted are the ones
            // that did not open, or that no event of the page needed.
            const unopened = fresh.filter((record) => !current.secrets.get(record.secretId)?.jwk);
            const before = written;
            written = before.then(() => persistPage(db, failed, unopened, gone, sequence));
            // Awaited below or at the end; a failure meanwhile is not "unhandled".
            written.catch(() => undefined);
            // At most one page's writes run behind the decryption.
            await before;
            if (sequence) current.sequence = sequence;
          },
        };
        // Every page handed over is planned: once the one in flight is finished, the view matches the checkpoint.
        settled = true;
        if (page.last) break;
        const next = await pages.next();
        if (next.done) break;
        page = next.value;
      }
      await drain();
      await written;
      mark('query:synced');
      accountViews.set(accountId, current);
      progress.finish();
      // §5.5: result.account is the server's account plus the decrypted private JWK; contract 5: only the
      // window's events travel back. The encrypted events, secrets and tombstones of the pages are left out:
      // nothing reads them, and a big account's would be cloned into the reply by postMessage.
      const account = accountFields(head, current.sequence, privateKey);
      // With the account's own retention setting the windows may reach further back than first read.
      // One clock for both: which days are read and what the metrics compute.
      const context = statsContext(query, account);
      const need = neededDays(query, context, aggregate);
      await readAggregates(cache, current, current.unreadAggregates(need));
      await readDays(cache, current, current.unreadDays(need));
      // Events in the answer carry their visitors' secretIds.
      if (options.events !== false) await readUsers(cache, current);
      answer(
        computeResult({ blocks: current.blocks(), summaries: current.summaries() }, query, account, {
          events: options.events === false ? 'none' : 'window',
          now: context.now,
        }),
      );
      mark('query:answered');
      // The reply is posted in the microtasks after `answer`, but the dashboard takes it in a task of the
      // thread it shares with this frame: encoding a big account's days for the cache (seconds) would hold it
      // back, so the write waits for the thread to idle.
      await idle();
      // Never fails (a failed write only costs the next page load time).
      await writeCache(cache, current);
      mark('query:cached');
      // What this sync opened by RSA is shared with the account's other browsers (never fails).
      await shared.share(current);
      mark('query:shared');
      // So are the closed days the server has no rollup of (never fails).
      await rollups.share(current);
      mark('query:rolled-up');
    } catch (err) {
      // Nothing of this query may run on after the lock is released: a page still decrypting ends first, and is
      // finished when every page before the failure was planned whole (a page that failed to arrive).
      if (inFlight) {
        if (settled) await drain().catch(() => (settled = false));
        else await (inFlight as { done: Promise<void> }).done.catch(() => undefined);
        inFlight = null;
      }
      // Whatever was written must be done before the lock is released.
      const writesDone = await written.then(() => true, () => false);
      if (view && settled && writesDone && view.sequence !== null) {
        // A page failed to arrive (network, 429): the view matches the checkpoint of the pages stored, so the
        // next query goes on from there instead of decrypting them again.
        accountViews.set(accountId, view);
        await writeCache(cache, view);
      } else {
        // A half-applied view must not be trusted by the next query: it starts from the cache again.
        accountViews.delete(accountId);
      }
      throw err;
    }
  });
  // Whichever comes first: the answer, or a failure before it (nothing can fail after the answer).
  return Promise.race([answered, locked.then(() => answered)]);
}
