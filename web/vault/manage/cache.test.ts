// @vitest-environment happy-dom
// The operator QUERY over real IndexedDB (fake-indexeddb) with the encrypted local cache (cache-store.ts,
// cache-view.ts), QUERY_PROGRESS (issue 4 contract 3), the window-limited result (contract 5) and LOGOUT
// deleting the cache (README.md D8). "A page load" is simulated by forgetting the in-memory views.
import 'fake-indexeddb/auto';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Reply } from '../../shared/protocol.ts';
import { vectorKeyPair } from '../../shared/test-vectors.ts';
import { webCryptoProvider } from '../../shared/webcrypto.ts';
import { openDatabase } from '../storage.ts';
import { decodeEvents } from './cache-codec.ts';
import { encodeEvents } from './cache-codec.test-support.ts';
import { AccountView, dayKey, dayNumber } from './cache-view.ts';
import type { EventBlock } from './event-block.ts';
import { CACHE_PREFIX, openCacheStore, packOf } from './cache-store.ts';
import { rawRecords, writeRaw } from './cache-raw.test-support.ts';
import { dayCut, parseAggregate } from './stats/day-aggregate.ts';
import { accountViews, clearDecryptionCache } from './decrypt-cache.ts';
import { PROGRESS_INTERVAL_MS } from './decrypt-pipeline.ts';
import { manageHandlers } from './handlers.ts';
import { withLock } from './lock.ts';
import { loadVectors, loginResult, newUserSecret, pageview, seal, ulid } from './test-support.ts';
import type { DashboardStats } from './stats/types.ts';
import type { AccountResponse, NormalizedEvent, QueryResult } from './types.ts';
import { setWorkerFactoryForTests } from './worker-pool.ts';
import { SHARED_MIN } from './shared-cache.ts';
import { inProcessWorkers } from './worker-test-support.ts';

// The shared secret cache's calls (shared-cache.ts) go to sharedApi, so they take no answer queued for the sync.
const { accountApi, sharedApi, rollupApi } = vi.hoisted(() => ({ accountApi: vi.fn(), sharedApi: vi.fn(), rollupApi: vi.fn() }));
vi.mock('../api.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../api.ts')>()),
  api: (...args: [string, string, unknown?]) =>
    args[1].includes('/cached-secrets') ? sharedApi(...args) : args[1].includes('/rollups') ? rollupApi(...args) : accountApi(...args),
}));
const apiMock = accountApi;

const vectors = loadVectors();
const kek = vectors.kekWrap.kekAsJwkSentAtLogin;
const T0 = Date.parse('2024-10-11T19:00:00.000Z');
const NOW = new Date(T0 + 3_600_000).toISOString();
const id = (n: number) => ulid(T0 + n * 1000, `c${n}`);
let account: string;
let accountCounter = 0;
let publicJwk: JsonWebKey;

beforeAll(async () => {
  ({ publicJwk } = await vectorKeyPair());
});

beforeEach(() => {
  apiMock.mockReset();
  clearDecryptionCache();
  sessionStorage.clear();
  // A fresh account (and so fresh databases) per test.
  account = `acc-cache-${++accountCounter}`;
  setWorkerFactoryForTests(null);
});
afterEach(() => {
  vi.restoreAllMocks();
  setWorkerFactoryForTests(undefined);
});

function response(extra: Partial<AccountResponse>): AccountResponse {
  return {
    accountId: account,
    name: 'Example',
    publicKey: publicJwk,
    encryptedPrivateKey: vectors.encryptedPrivateKey.value,
    created: '2024-10-01T00:00:00Z',
    retentionPeriod: '6months',
    ...extra,
  };
}

/**
 * QUERY as the auditorium sends it. The answer comes before the cache write (operator.ts); unless `settle` is
 * false this waits for the account's lock too, so the cache is written when it returns.
 */
async function send(payload: Record<string, unknown> = {}, settle = true): Promise<{ replies: Reply[]; result: QueryResult }> {
  const replies: Reply[] = [];
  await manageHandlers.QUERY!(
    { type: 'QUERY', payload: { query: { accountId: account, now: NOW }, authenticatedUser: loginResult(account, kek), ...payload } },
    (reply) => replies.push(reply as Reply),
  );
  if (settle) await withLock(`account:${account}`, async () => undefined);
  const last = replies[replies.length - 1]!;
  expect(last.type).toBe('QUERY_SUCCESS');
  return { replies, result: (last.payload as { result: QueryResult }).result };
}

/** A new page load: nothing in memory, IndexedDB as it was. */
const reload = () => accountViews.clear();

const encryptSecret = (secret: JsonWebKey) => webCryptoProvider.encryptAsymmetric(publicJwk, JSON.stringify(secret));
const href = (n: number) => `https://www.example.com/page-${n}/`;

/** `count` events by `users` visitors, their secrets and the envelope list for the account response. */
// Long enough that random ciphertext cannot contain them by chance (the plaintext check below searches bytes).
const secretIdOf = (u: number) => `user-secret-id-${u}`;

async function dataset(count: number, users: number, first = 1) {
  const secrets = await Promise.all(Array.from({ length: users }, () => newUserSecret()));
  const encrypted = Object.fromEntries(await Promise.all(secrets.map(async (secret, u) => [secretIdOf(u), await encryptSecret(secret)] as const)));
  const events = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const n = first + i;
      return { secretId: secretIdOf(n % users), eventId: id(n), payload: await seal(secrets[n % users]!, pageview({ href: href(n) })) };
    }),
  );
  return { secrets, encrypted, events };
}

/**
 * Twelve events of four visitors served as the account's first page (then nothing new): four 60 days back, of
 * two visitors who came back within the last hour, two 12 days back (a day wholly inside the third retention
 * week), the rest today. `old` and `mid` give those days' eventIds.
 */
async function serveSpread() {
  const DAY = 86_400_000;
  const { encrypted, events } = await dataset(12, 4);
  const old = (n: number) => ulid(T0 - 60 * DAY + n * 1000, `o${n}`);
  [2, 3, 6, 7].forEach((index, n) => (events[index]!.eventId = old(n)));
  const mid = (n: number) => ulid(T0 - 12 * DAY + n * 1000, `m${n}`);
  [4, 9].forEach((index, n) => (events[index]!.eventId = mid(n)));
  apiMock.mockResolvedValue(response({ sequence: 'Q1' }));
  apiMock.mockResolvedValueOnce(response({ events: { [account]: events }, secrets: encrypted, sequence: 'Q1' }));
  return { old, mid };
}

function counters() {
  return { rsa: vi.spyOn(webCryptoProvider, 'decryptAsymmetric'), aes: vi.spyOn(webCryptoProvider, 'decryptSymmetric') };
}

/** Every raw value stored in the account's cache database. */
const rawCache = () => rawRecords(account);
const writeAccountRaw = (change: (store: IDBObjectStore) => void) => writeRaw(account, change);

const putRaw = (key: string, value: unknown) => writeAccountRaw((store) => store.put(value, key));
/** The record keys the store lists (members of packs included, the packs themselves not). */
const storedKeys = async () => (await openCacheStore(account, kek))!.keys();
/** Deletes records through the store (a packed one leaves its pack). */
const deleteRecords = async (keys: string[]) => (await openCacheStore(account, kek))!.write(new Map(keys.map((key) => [key, undefined])));

const databaseNames = async () => (await indexedDB.databases()).map((info) => info.name);

describe('the encrypted local cache', () => {
  it('a later page load decrypts nothing but the private key, and returns the same result', async () => {
    const { encrypted, events } = await dataset(12, 3);
    apiMock.mockResolvedValueOnce(response({ events: { [account]: events }, secrets: encrypted, sequence: 'Q1' }));
    const first = (await send()).result;
    expect(first.events.map((e) => e.href)).toEqual(events.map((_, i) => href(i + 1)));

    reload();
    const { rsa, aes } = counters();
    apiMock.mockResolvedValueOnce(response({}));
    const second = (await send()).result;
    expect(apiMock).toHaveBeenLastCalledWith('GET', `/api/accounts/${account}?since=Q1&limit=50000`);
    expect(rsa).not.toHaveBeenCalled();
    // Only the private key (§4.4 step 2); no user secret, no payload.
    expect(aes).toHaveBeenCalledTimes(1);
    expect(second.events).toEqual(first.events);
    expect(second).toMatchObject({ uniqueUsers: (first as unknown as DashboardStats).uniqueUsers, pageviews: (first as unknown as DashboardStats).pageviews });
  });

  it('holds nothing decrypted in the clear, and another KEK cannot read it', async () => {
    const { encrypted, events } = await dataset(4, 2);
    apiMock.mockResolvedValueOnce(response({ events: { [account]: events }, secrets: encrypted, sequence: 'Q1' }));
    await send();
    const raw = await rawCache();
    expect(raw.map((r) => String(r.key)).sort()).toEqual(expect.arrayContaining(['meta', 'users:0', 'pack:dir', expect.stringMatching(/^day:\d+$/), expect.stringMatching(/^pack:agg:\d+$/), expect.stringMatching(/^pack:sum:\d+$/), expect.stringMatching(/^pack:tim:\d+$/), expect.stringMatching(/^secrets:\d+$/)]));
    expect(await storedKeys()).toEqual(expect.arrayContaining([expect.stringMatching(/^agg:\d+$/), expect.stringMatching(/^sum:\d+$/), expect.stringMatching(/^tim:\d+$/)]));
    for (const { value } of raw) {
      const { iv, data } = value as { iv: Uint8Array; data: ArrayBuffer };
      expect(iv).toHaveLength(12);
      const bytes = new TextDecoder('latin1').decode(new Uint8Array(data));
      // Needles of 8+ bytes: a 2-byte needle turns up in a few kilobytes of random ciphertext by chance.
      for (const needle of ['example.com', 'PAGEVIEW', secretIdOf(0), id(1), '"kty":"oct"', '"sequence"']) expect(bytes).not.toContain(needle);
      // Day blocks, packs, secret buckets and the visitor numbering are bytes (b: 1), the rest JSON.
      const key = String(raw.find((r) => r.value === value)!.key);
      expect(JSON.stringify(Object.keys(value as object))).toBe(/^(day|pack:(agg|sum|tim)|secrets|users):/.test(key) ? '["iv","data","b"]' : '["iv","data"]');
    }
    // Derived from the KEK: a different KEK opens no record; the right one opens all of them.
    const other = await openCacheStore(account, { kty: 'oct', k: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8' });
    expect((await other!.readAll()).broken).toHaveLength(raw.length);
    const right = await (await openCacheStore(account, kek))!.readAll();
    expect(right.broken).toEqual([]);
    expect(right.records.get('meta')).toEqual({ v: 1, sequence: 'Q1', users: 2 });
  });

  it('reads day records of the first (JSON) format and rewrites them as blocks, opening nothing again', async () => {
    const { encrypted, events } = await dataset(8, 3);
    apiMock.mockResolvedValueOnce(response({ events: { [account]: events }, secrets: encrypted, sequence: 'Q1' }));
    const first = (await send()).result;
    // Store the days as the first cache format did: JSON columns without accountId.
    const store = (await openCacheStore(account, kek))!;
    const { records } = await store.readAll();
    const legacy = new Map<string, unknown>();
    for (const [key, day] of AccountView.fromRecords(account, records, [])!.days) legacy.set(key, encodeEvents((day as EventBlock).events()));
    expect(legacy.size).toBeGreaterThan(0);
    await store.write(legacy);
    expect((await rawCache()).filter((r) => String(r.key).startsWith('day:')).every((r) => (r.value as { b?: number }).b === undefined)).toBe(true);
    reload();
    const { rsa, aes } = counters();
    apiMock.mockResolvedValueOnce(response({ sequence: 'Q1' }));
    const second = (await send()).result;
    expect(rsa).not.toHaveBeenCalled();
    expect(aes).toHaveBeenCalledTimes(1);
    expect(second.events).toEqual(first.events);
    expect(second.events[0]!.accountId).toBe(account);
    // Written back as blocks after that query.
    const days = (await rawCache()).filter((r) => String(r.key).startsWith('day:'));
    expect(days.length).toBe(legacy.size);
    expect(days.every((r) => (r.value as { b?: number }).b === 1)).toBe(true);
  });

  it('a page load reads only the secret buckets its new events need', async () => {
    const { secrets, encrypted, events } = await dataset(12, 6);
    apiMock.mockResolvedValueOnce(response({ events: { [account]: events }, secrets: encrypted, sequence: 'Q1' }));
    await send();
    const stored = accountViews.get(account)!.secrets.filled().length;
    expect(stored).toBeGreaterThan(1);
    reload();
    apiMock.mockResolvedValueOnce(response({ sequence: 'Q1' }));
    await send();
    const view = accountViews.get(account)!;
    // Nothing new: no bucket was read (they stay as stored).
    expect(view.secrets.unreadBuckets()).toHaveLength(stored);
    expect(view.secrets.filled()).toEqual([]);
    // One new event of user 0: its bucket only, and no RSA (the opened secret is in it).
    const { rsa } = counters();
    const fresh = { secretId: secretIdOf(0), eventId: id(40), payload: await seal(secrets[0]!, pageview({ href: href(40) })) };
    apiMock.mockResolvedValueOnce(response({ events: { [account]: [fresh] }, secrets: { [secretIdOf(0)]: encrypted[secretIdOf(0)]! }, sequence: 'Q2' }));
    const { result } = await send();
    expect(result.events.map((e) => e.eventId)).toContain(id(40));
    expect(rsa).not.toHaveBeenCalled();
    expect(accountViews.get(account)!.secrets.unreadBuckets()).toHaveLength(stored - 1);
    // A bucket not read cannot be used by mistake; and the buckets left unread are still in the cache.
    const unread = accountViews.get(account)!.secrets.unreadBuckets()[0]!;
    expect(() => accountViews.get(account)!.secrets.bucket(unread)).toThrow(/has not been read/);
    reload();
    apiMock.mockResolvedValueOnce(response({ events: { [account]: events }, secrets: encrypted, sequence: 'Q3' }));
    await send();
    expect(rsa).not.toHaveBeenCalled();
    expect(accountViews.get(account)!.secrets.filled()).toHaveLength(stored);
  });

  it('a page load reads the visitor numbering only when events, tombstones or an export need it', async () => {
    const { secrets, encrypted, events } = await dataset(12, 4);
    apiMock.mockResolvedValueOnce(response({ events: { [account]: events }, secrets: encrypted, sequence: 'Q1' }));
    const dashboard = { query: { accountId: account, now: NOW }, events: false };
    const full = (await send(dashboard)).result;
    apiMock.mockResolvedValueOnce(response({ sequence: 'Q1' }));
    const all = (await send()).result;
    const readUsers = vi.spyOn(AccountView.prototype, 'restoreUsers');

    // Nothing new and no events asked for: the numbering stays unread, the answer is the same.
    reload();
    apiMock.mockResolvedValueOnce(response({ sequence: 'Q1' }));
    expect((await send(dashboard)).result).toEqual(full);
    expect(accountViews.get(account)!.pendingUsers()).toEqual(['users:0']);
    expect(accountViews.get(account)!.users.names).toHaveLength(4);
    expect(() => accountViews.get(account)!.users.number(secretIdOf(9))).toThrow(/has not been read/);
    expect(readUsers).not.toHaveBeenCalled();
    // An export asks for the events: it is read then, and they carry their visitors.
    apiMock.mockResolvedValueOnce(response({ sequence: 'Q1' }));
    expect((await send()).result.events).toEqual(all.events);
    expect(readUsers).toHaveBeenCalledTimes(1);
    expect(accountViews.get(account)!.pendingUsers()).toEqual([]);

    // A new visitor's event: read first, and numbered after the stored ones.
    reload();
    readUsers.mockClear();
    const newcomer = await newUserSecret();
    const fresh = { secretId: secretIdOf(7), eventId: id(40), payload: await seal(newcomer, pageview({ href: href(40) })) };
    apiMock.mockResolvedValueOnce(response({ events: { [account]: [fresh] }, secrets: { [secretIdOf(7)]: await encryptSecret(newcomer) }, sequence: 'Q2' }));
    const grown = (await send(dashboard)).result as unknown as DashboardStats;
    expect(readUsers).toHaveBeenCalledTimes(1);
    expect(accountViews.get(account)!.users.names.slice(4)).toEqual([secretIdOf(7)]);
    expect(grown.uniqueUsers).toBe((full as unknown as DashboardStats).uniqueUsers + 1);
    // Stored with it: the next load counts five without reading it, and an export names every visitor.
    reload();
    readUsers.mockClear();
    apiMock.mockResolvedValueOnce(response({ sequence: 'Q2' }));
    expect((await send(dashboard)).result).toEqual(grown);
    expect(readUsers).not.toHaveBeenCalled();
    expect(accountViews.get(account)!.users.names).toHaveLength(5);
    apiMock.mockResolvedValueOnce(response({ sequence: 'Q2' }));
    expect(new Set((await send()).result.events.map((e) => e.secretId))).toEqual(new Set([0, 1, 2, 3, 7].map(secretIdOf)));

    // A page with only a tombstone reads it too.
    reload();
    readUsers.mockClear();
    apiMock.mockResolvedValueOnce(response({ deletedEvents: [id(1)], sequence: 'Q3' }));
    const after = (await send(dashboard)).result as unknown as DashboardStats;
    expect(readUsers).toHaveBeenCalledTimes(1);
    expect(after.pageviews.reduce((n, b) => n + b.pageviews, 0)).toBe(grown.pageviews.reduce((n, b) => n + b.pageviews, 0) - 1);

    // A meta record of an earlier version (no count): the numbering is read with the other records.
    const store = (await openCacheStore(account, kek))!;
    const meta = (await store.read(['meta'])).records.get('meta') as { v: number; sequence: string; users?: number };
    expect(meta.users).toBe(5);
    await store.write(new Map([['meta', { v: 1, sequence: meta.sequence }]]));
    reload();
    readUsers.mockClear();
    apiMock.mockResolvedValueOnce(response({ sequence: 'Q3' }));
    expect((await send(dashboard)).result).toEqual(after);
    expect(readUsers).toHaveBeenCalledTimes(1);
    expect(accountViews.get(account)!.pendingUsers()).toEqual([]);
    readUsers.mockRestore();
    void secrets;
  });

  it('a page load reads only the days its query looks at; the rest stand in as summaries until needed', async () => {
    const { old, mid } = await serveSpread();
    const sixMonths = { query: { accountId: account, now: NOW, range: '6', resolution: 'months' } };
    const weekFull = (await send()).result;
    const halfFull = (await send(sixMonths)).result;
    expect((halfFull as unknown as DashboardStats).pageviews.reduce((n, b) => n + b.pageviews, 0)).toBe(12);

    reload();
    const week = (await send()).result;
    const view = accountViews.get(account)!;
    expect([...view.unread.keys()].sort()).toEqual([dayKey(old(0)), dayKey(mid(0))].sort());
    expect(view.size).toBe(12);
    // Same answer as from the whole view: the unread days still count their visitors as seen before (0 and 3
    // sixty days back, 1 and 2 twelve days back, so every visitor of the week returns; without the old day's
    // summary it would be 0.5), and the day 12 days back its visitors in the retention matrix.
    expect(week).toEqual(weekFull);
    expect((week as unknown as DashboardStats).returningUsers).toBe(1);
    expect((week as unknown as DashboardStats).retentionMatrix[2]![1]).toBeGreaterThan(0);
    // A filter applies to the retention weeks too: that day is read then.
    const filtered = { query: { accountId: account, now: NOW, filter: 'geo:DE' } };
    const filteredFull = (await send(filtered)).result;
    expect([...accountViews.get(account)!.unread.keys()]).toEqual([dayKey(old(0))]);
    reload();
    expect((await send(filtered)).result).toEqual(filteredFull);

    reload();
    expect((await send(sixMonths)).result).toEqual(halfFull);
    expect(accountViews.get(account)!.unread.size).toBe(0);

    // A tombstone for an old event reads its day first, then the next page load summarises it without it.
    reload();
    apiMock.mockResolvedValueOnce(response({ deletedEvents: [old(2)], sequence: 'Q2' }));
    await send();
    expect([...accountViews.get(account)!.unread.keys()]).toEqual([dayKey(mid(0))]);
    reload();
    await send();
    expect(accountViews.get(account)!.size).toBe(11);
    const after = (await send(sixMonths)).result as unknown as DashboardStats;
    expect(after.pageviews.reduce((n, b) => n + b.pageviews, 0)).toBe(11);
    expect(after.uniqueUsers).toBe((halfFull as unknown as DashboardStats).uniqueUsers);
  });

  it('a long range without events reads the aggregates of the days wholly inside it, not their blocks', async () => {
    const { old, mid } = await serveSpread();
    const sixMonths = { query: { accountId: account, now: NOW, range: '6', resolution: 'months' }, events: false };
    const full = (await send(sixMonths)).result;
    expect((full as unknown as DashboardStats).pageviews.reduce((n, b) => n + b.pageviews, 0)).toBe(12);
    const aggregates = (await storedKeys()).filter((key) => key.startsWith('agg:'));
    expect(aggregates.sort()).toEqual([dayKey(old(0)), dayKey(mid(0)), dayKey(id(1))].map((key) => `agg:${key.slice(4)}`).sort());

    const unreadAfterReload = async () => {
      reload();
      const { rsa, aes } = counters();
      const result = (await send(sixMonths)).result;
      // Nothing but the private key is decrypted (no start-over), and the answer is the whole view's.
      expect(rsa).not.toHaveBeenCalled();
      expect(aes).toHaveBeenCalledTimes(1);
      expect(result).toEqual(full);
      rsa.mockRestore();
      aes.mockRestore();
      return accountViews.get(account)!.unread;
    };
    // The two earlier days stand in as their summaries with their aggregates; today (the newest) is read.
    let unread = await unreadAfterReload();
    expect([...unread.keys()].sort()).toEqual([dayKey(old(0)), dayKey(mid(0))].sort());
    expect([...unread.values()].every((summary) => summary.agg !== undefined)).toBe(true);
    // The same query with its events (an export) reads the blocks.
    const withEvents = (await send({ ...sixMonths, events: true })).result;
    expect(withEvents.events).toHaveLength(12);
    expect(accountViews.get(account)!.unread.size).toBe(0);

    // A cache of the version before aggregates: their days are read as blocks, and aggregated on the save.
    await deleteRecords([`agg:${dayKey(old(0)).slice(4)}`]);
    unread = await unreadAfterReload();
    expect([...unread.keys()]).toEqual([dayKey(mid(0))]);
    expect(await storedKeys()).toContain(`agg:${dayKey(old(0)).slice(4)}`);
    unread = await unreadAfterReload();
    expect(unread.size).toBe(2);

    // An aggregate that does not parse: its day is read instead, and nothing starts over.
    await (await openCacheStore(account, kek))!.write(new Map([[`agg:${dayKey(mid(0)).slice(4)}`, new Uint8Array([9, 9, 9])]]));
    unread = await unreadAfterReload();
    expect([...unread.keys()]).toEqual([dayKey(old(0))]);
    unread = await unreadAfterReload();
    expect(unread.size).toBe(2);

    // A pack that does not open: the days of its aggregates are read instead, and nothing starts over.
    const pack = packOf(`agg:${dayKey(mid(0)).slice(4)}`)!;
    const record = (await rawCache()).find((r) => String(r.key) === pack)!;
    const { b: _flag, ...unflagged } = record.value as { b?: number };
    await putRaw(pack, unflagged);
    unread = await unreadAfterReload();
    const inPack = [old(0), mid(0)].map(dayKey).filter((key) => packOf(`agg:${key.slice(4)}`) === pack);
    expect(inPack).toContain(dayKey(mid(0)));
    expect([...unread.keys()].sort()).toEqual([old(0), mid(0)].map(dayKey).filter((key) => !inPack.includes(key)).sort());
    unread = await unreadAfterReload();
    expect(unread.size).toBe(2);
  });

  it("a day a retention week's edge cuts stands in with its visitors' times, written again when missing", async () => {
    const DAY = 86_400_000;
    const { encrypted, events } = await dataset(8, 3);
    // The edge between the second and third retention weeks is NOW − 14 days, 20:00 UTC: events on both sides.
    const cut = (n: number, hours: number) => ulid(T0 - 14 * DAY + hours * 3_600_000 + n, `c${n}`);
    [-3, 2, -1, 3, -2].forEach((hours, n) => (events[n]!.eventId = cut(n, hours)));
    apiMock.mockResolvedValue(response({ sequence: 'Q1' }));
    apiMock.mockResolvedValueOnce(response({ events: { [account]: events }, secrets: encrypted, sequence: 'Q1' }));
    const sixMonths = { query: { accountId: account, now: NOW, range: '6', resolution: 'months' }, events: false };
    const full = (await send(sixMonths)).result as unknown as DashboardStats;
    const day = dayKey(cut(0, 0));
    const times = `tim:${day.slice(4)}`;
    expect(await storedKeys()).toContain(times);
    // Visitors seen on both sides of the edge make the retention matrix differ from the one of the whole day.
    expect(full.retentionMatrix[1]![1]).toBeGreaterThan(0);

    reload();
    expect((await send(sixMonths)).result).toEqual(full);
    let summary = accountViews.get(account)!.unread.get(day);
    expect(summary?.agg).toBeDefined();
    expect(summary?.times).toHaveLength(2 * summary!.users.i.length);

    // Without its times record the day is read as a block, and the record written again.
    await deleteRecords([times]);
    expect(await storedKeys()).not.toContain(times);
    reload();
    expect((await send(sixMonths)).result).toEqual(full);
    expect(accountViews.get(account)!.unread.has(day)).toBe(false);
    expect(await storedKeys()).toContain(times);
    reload();
    expect((await send(sixMonths)).result).toEqual(full);
    summary = accountViews.get(account)!.unread.get(day);
    expect(summary?.times).toBeDefined();
  });

  it("aggregates are cut at the viewer's midnight, and written again for another zone", async () => {
    const { old, mid } = await serveSpread();
    const zone = process.env.TZ;
    const aggregateOf = async (key: string) =>
      parseAggregate((await (await openCacheStore(account, kek))!.read([`agg:${key.slice(4)}`])).records.get(`agg:${key.slice(4)}`) as Uint8Array);
    try {
      // Day buckets in Berlin start at 22:00 or 23:00 UTC: the day 12 days back stands in as two parts.
      process.env.TZ = 'Europe/Berlin';
      const thirtyDays = { query: { accountId: account, now: NOW, range: '30', resolution: 'days' }, events: false };
      const full = (await send(thirtyDays)).result;
      expect((full as unknown as DashboardStats).pageviews.reduce((n, b) => n + b.pageviews, 0)).toBe(8);
      const berlin = await aggregateOf(dayKey(mid(0)));
      expect(berlin.cut).toBe(dayCut(dayNumber(dayKey(mid(0))), 'Europe/Berlin'));
      expect([22, 23]).toContain(berlin.cut / 3_600_000);
      expect(berlin.parts.map((part) => part.events).reduce((a, b) => a + b)).toBe(2);
      reload();
      expect((await send(thirtyDays)).result).toEqual(full);
      expect([...accountViews.get(account)!.unread.keys()].sort()).toEqual([dayKey(old(0)), dayKey(mid(0))].sort());

      // In Santiago the same days are cut elsewhere: read as blocks, and their aggregates written again.
      process.env.TZ = 'America/Santiago';
      reload();
      const santiago = (await send(thirtyDays)).result;
      expect(accountViews.get(account)!.unread.has(dayKey(mid(0)))).toBe(false);
      expect((await aggregateOf(dayKey(mid(0)))).cut).toBe(dayCut(dayNumber(dayKey(mid(0))), 'America/Santiago'));
      reload();
      expect((await send(thirtyDays)).result).toEqual(santiago);
      expect(accountViews.get(account)!.unread.has(dayKey(mid(0)))).toBe(true);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('a day record whose bytes flag is flipped does not open', async () => {
    const { encrypted, events } = await dataset(3, 1);
    apiMock.mockResolvedValueOnce(response({ events: { [account]: events }, secrets: encrypted, sequence: 'Q1' }));
    await send();
    const day = (await rawCache()).find((r) => String(r.key).startsWith('day:'))!;
    const { b: _flag, ...unflagged } = day.value as { b?: number };
    await putRaw(String(day.key), unflagged);
    expect((await (await openCacheStore(account, kek))!.readAll()).broken).toEqual([String(day.key)]);
  });

  it('tombstones remove the right events from the cache, across page loads', async () => {
    const { encrypted, events } = await dataset(6, 2);
    apiMock.mockResolvedValueOnce(response({ events: { [account]: events }, secrets: encrypted, sequence: 'Q1' }));
    await send();
    reload();
    apiMock.mockResolvedValueOnce(response({ deletedEvents: [id(2), id(5)], sequence: 'Q2' }));
    expect((await send()).result.events.map((e) => e.eventId)).toEqual([1, 3, 4, 6].map(id));
    reload();
    const { rsa, aes } = counters();
    apiMock.mockResolvedValueOnce(response({}));
    expect((await send()).result.events.map((e) => e.eventId)).toEqual([1, 3, 4, 6].map(id));
    expect(rsa).not.toHaveBeenCalled();
    expect(aes).toHaveBeenCalledTimes(1);
  });

  it('a re-exchanged secret is decrypted again; an event whose secret arrives later opens then', async () => {
    const before = await newUserSecret();
    const after = await newUserSecret();
    apiMock.mockResolvedValueOnce(response({
      events: { [account]: [
        { secretId: 'S', eventId: id(1), payload: await seal(before, pageview({ href: 'https://x.org/before/' })) },
        // Its secret is not known yet.
        { secretId: 'LATE', eventId: id(2), payload: await seal(after, pageview({ href: 'https://x.org/late/' })) },
      ] },
      secrets: { S: await encryptSecret(before) },
      sequence: 'Q1',
    }));
    expect((await send()).result.events.map((e) => e.href)).toEqual(['https://x.org/before/']);

    reload();
    const { rsa } = counters();
    const afterValue = await encryptSecret(after);
    apiMock.mockResolvedValueOnce(response({
      events: { [account]: [{ secretId: 'S', eventId: id(3), payload: await seal(after, pageview({ href: 'https://x.org/after/' })) }] },
      secrets: { S: afterValue, LATE: await encryptSecret(after) },
      sequence: 'Q2',
    }));
    expect((await send()).result.events.map((e) => e.href)).toEqual(['https://x.org/before/', 'https://x.org/late/', 'https://x.org/after/']);
    // S (new value) and LATE were opened; the cached event under S's old value stays.
    expect(rsa).toHaveBeenCalledTimes(2);

    reload();
    rsa.mockClear();
    // The server sends S again with its current value: known, nothing to open.
    apiMock.mockResolvedValueOnce(response({ secrets: { S: afterValue } }));
    expect((await send()).result.events).toHaveLength(3);
    expect(rsa).not.toHaveBeenCalled();
  });

  it('a cache behind the stored checkpoint (the tab closed before it was written) syncs on from its own sequence', async () => {
    const { encrypted, events, secrets } = await dataset(5, 2);
    apiMock.mockResolvedValueOnce(response({ events: { [account]: events }, secrets: encrypted, sequence: 'Q1' }));
    await send();
    // A later load moved the checkpoint to Q9 (event 3 deleted, event 10 new) but its cache was never written.
    const db = await openDatabase(account);
    await db.table('checkpoints').put({ type: 'LAST_KNOWN_CHECKPOINT', sequence: 'Q9' });
    reload();
    const { rsa, aes } = counters();
    const ten = { secretId: secretIdOf(0), eventId: id(10), payload: await seal(secrets[0]!, pageview({ href: href(10) })) };
    apiMock.mockResolvedValueOnce(response({}));
    apiMock.mockResolvedValueOnce(response({ events: { [account]: [ten] }, secrets: { [secretIdOf(0)]: encrypted[secretIdOf(0)]! }, deletedEvents: [id(3)], sequence: 'Q9' }));
    expect((await send()).result.events.map((e) => e.eventId)).toEqual([1, 2, 4, 5, 10].map(id));
    expect(apiMock.mock.calls.slice(-2).map((call) => call[1])).toEqual([`/api/accounts/${account}?since=Q9&limit=50000`, `/api/accounts/${account}?since=Q1&limit=50000`]);
    // Nothing opens again: no RSA; the private key and the one new payload.
    expect(rsa).not.toHaveBeenCalled();
    expect(aes).toHaveBeenCalledTimes(2);
    expect(await db.table('checkpoints').get('LAST_KNOWN_CHECKPOINT')).toMatchObject({ sequence: 'Q9' });

    // The cache now matches Q9: the next page load opens nothing but the private key.
    reload();
    aes.mockClear();
    apiMock.mockResolvedValueOnce(response({}));
    expect((await send()).result.events.map((e) => e.eventId)).toEqual([1, 2, 4, 5, 10].map(id));
    expect(apiMock).toHaveBeenLastCalledWith('GET', `/api/accounts/${account}?since=Q9&limit=50000`);
    expect(aes).toHaveBeenCalledTimes(1);
  });

  it('a damaged cache chunk makes the sync start over from the server, opening no secret again', async () => {
    const { encrypted, events } = await dataset(5, 2);
    apiMock.mockResolvedValueOnce(response({ events: { [account]: events }, secrets: encrypted, sequence: 'Q1' }));
    await send();
    // Flip a byte of one day chunk: it no longer opens, so the view cannot say what it holds.
    const day = (await rawCache()).find((r) => String(r.key).startsWith('day:'))!;
    const sealed = day.value as { iv: Uint8Array; data: ArrayBuffer };
    const bytes = new Uint8Array(sealed.data.slice(0));
    bytes[0] = bytes[0]! ^ 0xff;
    await putRaw(String(day.key), { ...sealed, data: bytes.buffer });
    reload();
    const { rsa, aes } = counters();
    apiMock.mockResolvedValueOnce(response({}));
    apiMock.mockResolvedValueOnce(response({ events: { [account]: events }, secrets: encrypted, sequence: 'Q1' }));
    expect((await send()).result.events.map((e) => e.eventId)).toEqual([1, 2, 3, 4, 5].map(id));
    expect(apiMock.mock.calls.slice(-2).map((call) => call[1])).toEqual([`/api/accounts/${account}?since=Q1&limit=50000`, `/api/accounts/${account}?uncovered=1&limit=10000`]);
    // The cached secrets still match the server's values: no RSA. The private key and the five payloads.
    expect(rsa).not.toHaveBeenCalled();
    expect(aes).toHaveBeenCalledTimes(6);
    // The damaged chunk was replaced: everything opens again.
    expect((await (await openCacheStore(account, kek))!.readAll()).broken).toEqual([]);
  });

  it('answers before the cache is encoded or written; the next query waits for the write; LOGOUT meanwhile leaves no cache', async () => {
    const { encrypted, events } = await dataset(3, 1);
    const encoded = vi.spyOn(AccountView.prototype, 'takeChanges');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const subtle = globalThis.crypto.subtle;
    const encrypt = subtle.encrypt.bind(subtle);
    // Only the cache encrypts (AES-256-GCM records); hold its first write.
    const held = vi.spyOn(subtle, 'encrypt').mockImplementation(async (...args: Parameters<SubtleCrypto['encrypt']>) => {
      await gate;
      return encrypt(...args);
    });
    apiMock.mockResolvedValueOnce(response({ events: { [account]: events }, secrets: encrypted, sequence: 'Q1' }));
    expect((await send({}, false)).result.events).toHaveLength(3);
    // The reply went out before the days were encoded for the cache (that work waits for an idle thread, so
    // the dashboard sharing the thread takes the reply first); the write follows.
    expect(encoded).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(held).toHaveBeenCalled());
    expect(encoded).toHaveBeenCalledTimes(1);
    // The query answered while its cache write waits; the next one queues behind it.
    let second = false;
    apiMock.mockResolvedValueOnce(response({}));
    const next = send({}, false).then(() => (second = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(second).toBe(false);
    release();
    await next;
    held.mockRestore();
    const store = await openCacheStore(account, kek);
    expect((await store!.readAll()).records.get('meta')).toEqual({ v: 1, sequence: 'Q1', users: 1 });

    // Again, with LOGOUT while the write is held: the deleted database does not come back.
    reload();
    await store!.clear();
    let releaseAgain!: () => void;
    const gateAgain = new Promise<void>((resolve) => (releaseAgain = resolve));
    const heldAgain = vi.spyOn(subtle, 'encrypt').mockImplementation(async (...args: Parameters<SubtleCrypto['encrypt']>) => {
      await gateAgain;
      return encrypt(...args);
    });
    apiMock.mockResolvedValueOnce(response({}));
    apiMock.mockResolvedValueOnce(response({ events: { [account]: events }, secrets: encrypted, sequence: 'Q1' }));
    await send({}, false);
    sessionStorage.setItem('session', JSON.stringify(loginResult(account, kek)));
    apiMock.mockResolvedValueOnce(null);
    const logout = manageHandlers.LOGOUT!({ type: 'LOGOUT', payload: null }, () => {});
    releaseAgain();
    await logout;
    heldAgain.mockRestore();
    // The query's lock settles once its (skipped) write is done.
    await withLock(`account:${account}`, async () => undefined);
    expect((await databaseNames()).filter((name) => name?.startsWith(CACHE_PREFIX))).toEqual([]);
  });

  it("shares the secrets it opened by RSA; another operator's fresh browser opens them from the server's copy", async () => {
    // A server's copy of the shared cache, as the API keeps it (opaque strings by secretId).
    const server = new Map<string, string>();
    sharedApi.mockImplementation(async (method: string, _path: string, body?: { secrets: Record<string, string> }) => {
      if (method === 'POST') {
        for (const [secretId, value] of Object.entries(body!.secrets)) server.set(secretId, value);
        return { stored: Object.keys(body!.secrets).length };
      }
      return { secrets: Object.fromEntries(server) };
    });
    const visitors = SHARED_MIN + 5;
    const { secrets, encrypted, events } = await dataset(visitors + 20, visitors);
    const page = () => response({ events: { [account]: events }, secrets: encrypted, sequence: 'Q1' });
    apiMock.mockResolvedValueOnce(page());
    let { rsa } = counters();
    const first = (await send()).result;
    expect(rsa).toHaveBeenCalledTimes(visitors);
    // Every secret it opened is on the server, sealed: no key material, one envelope each.
    expect(server.size).toBe(visitors);
    for (const [u, secret] of secrets.entries()) {
      const value = server.get(secretIdOf(u))!;
      expect(value).toMatch(/^\{1,\} [A-Za-z0-9+/=]+ [A-Za-z0-9+/=]+$/);
      expect(value).not.toContain(secret.k);
    }
    rsa.mockRestore();

    // A fresh browser: no local cache, no memory, no `<accountId>` database.
    const freshBrowser = async () => {
      reload();
      clearDecryptionCache();
      for (const name of await databaseNames()) await new Promise((resolve) => { const request = indexedDB.deleteDatabase(name!); request.onsuccess = request.onerror = resolve; });
    };
    await freshBrowser();
    sharedApi.mockClear();
    ({ rsa } = counters());
    apiMock.mockResolvedValueOnce(page());
    expect((await send()).result).toEqual(first);
    expect(rsa).not.toHaveBeenCalled();
    expect(sharedApi).toHaveBeenCalledWith('GET', `/api/accounts/${account}/cached-secrets`);
    // Nothing was opened by RSA, so nothing is uploaded again.
    expect(sharedApi.mock.calls.filter(([method]) => method === 'POST')).toEqual([]);
    rsa.mockRestore();

    // A value stored under another visitor's id, and one for an encrypted secret the visitor has since
    // replaced, do not open: those two take the RSA path, the rest still come from the server.
    server.set(secretIdOf(1), server.get(secretIdOf(0))!);
    const replaced = await newUserSecret();
    encrypted[secretIdOf(2)] = await encryptSecret(replaced);
    for (const event of events) if (event.secretId === secretIdOf(2)) event.payload = await seal(replaced, pageview({ href: 'https://www.example.com/replaced/' }));
    await freshBrowser();
    ({ rsa } = counters());
    apiMock.mockResolvedValueOnce(page());
    const third = (await send()).result;
    expect(rsa).toHaveBeenCalledTimes(2);
    expect(third.events).toHaveLength(first.events.length);
    expect(third.events.filter((e) => e.href === 'https://www.example.com/replaced/').length).toBeGreaterThan(0);
    // What it opened by RSA is shared again, bound to the current encrypted secrets.
    expect(sharedApi.mock.calls.filter(([method]) => method === 'POST').flatMap(([, , body]) => Object.keys((body as { secrets: object }).secrets)).sort()).toEqual([secretIdOf(1), secretIdOf(2)].sort());
    rsa.mockRestore();
    sharedApi.mockReset();
  });

  it('LOGOUT deletes the cache database (D8)', async () => {
    const { encrypted, events } = await dataset(2, 1);
    apiMock.mockResolvedValueOnce(response({ events: { [account]: events }, secrets: encrypted, sequence: 'Q1' }));
    await send();
    expect(await databaseNames()).toContain(CACHE_PREFIX + account);
    sessionStorage.setItem('session', JSON.stringify(loginResult(account, kek)));
    apiMock.mockResolvedValueOnce(null);
    const replies: Reply[] = [];
    await manageHandlers.LOGOUT!({ type: 'LOGOUT', payload: null }, (reply) => replies.push(reply as Reply));
    expect(replies).toEqual([{ type: 'LOGOUT_SUCCESS', payload: null }]);
    const names = await databaseNames();
    expect(names.filter((name) => name?.startsWith(CACHE_PREFIX))).toEqual([]);
    // upstream's `<accountId>` database (encrypted events) stays.
    expect(names).toContain(account);
    expect(accountViews.size).toBe(0);
  });
});

describe('QUERY_PROGRESS (contract 3) on the worker pool', () => {
  it('reports monotonic progress ending with done = total, then QUERY_SUCCESS; never without progress: true', async () => {
    const workers = inProcessWorkers({ rsa: webCryptoProvider, aes: webCryptoProvider });
    setWorkerFactoryForTests(workers.factory, 3);
    const { encrypted, events } = await dataset(4100, 5);
    apiMock.mockResolvedValueOnce(response({ events: { [account]: events }, secrets: encrypted, sequence: 'Q1' }));
    const started = Date.now();
    const { replies, result } = await send({ progress: true });
    const elapsed = Date.now() - started;
    const progress = replies.slice(0, -1);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    for (const reply of progress) expect(reply.type).toBe('QUERY_PROGRESS');
    const values = progress.map((reply) => reply.payload as { done: number; total: number });
    // 5 secrets and 4,100 events.
    for (const value of values) expect(value.total).toBe(4105);
    for (let i = 1; i < values.length; i++) expect(values[i]!.done).toBeGreaterThanOrEqual(values[i - 1]!.done);
    expect(values[0]!.done).toBe(0);
    // At most ~4 a second: the first, one per PROGRESS_INTERVAL_MS, and the final one.
    expect(progress.length).toBeLessThanOrEqual(2 + Math.ceil(elapsed / PROGRESS_INTERVAL_MS));
    expect(values[values.length - 1]).toEqual({ done: 4105, total: 4105 });
    expect(result.events).toHaveLength(4100);
    expect(workers.inboxes.length).toBeGreaterThan(1);
    expect(workers.inboxes.flat().filter((m) => m.type === 'events').map((m) => m.items.length).sort((a, b) => b - a)).toEqual([2000, 2000, 100]);

    // Without progress: true exactly one reply, even with work to do.
    clearDecryptionCache();
    setWorkerFactoryForTests(workers.factory, 3);
    const db = await openDatabase(account);
    await db.table('checkpoints').clear();
    apiMock.mockResolvedValueOnce(response({ events: { [account]: events }, secrets: encrypted, sequence: 'Q1' }));
    reload();
    await (await openCacheStore(account, kek))!.clear();
    expect((await send()).replies.map((r) => r.type)).toEqual(['QUERY_SUCCESS']);
  }, 60_000);
});

describe('operator result (contract 5)', () => {
  it('carries only the events inside stats.window, sorted by eventId, while the cache keeps them all', async () => {
    const secret = await newUserSecret();
    const old = ulid(T0 - 30 * 86_400_000, 'old');
    apiMock.mockResolvedValueOnce(response({
      events: { [account]: [
        { secretId: 'S', eventId: id(2), payload: await seal(secret, pageview()) },
        { secretId: 'S', eventId: old, payload: await seal(secret, pageview()) },
        { secretId: 'S', eventId: id(1), payload: await seal(secret, pageview()) },
      ] },
      secrets: { S: await encryptSecret(secret) },
      sequence: 'Q1',
    }));
    const { result } = await send();
    expect(result.events.map((e) => e.eventId)).toEqual([id(1), id(2)]);
    expect((result as unknown as { window: { from: string } }).window.from <= new Date(T0).toISOString()).toBe(true);
    expect(accountViews.get(account)!.get(old)).toBeDefined();

    // events: false (the dashboard's loads): the same metrics, no events.
    apiMock.mockResolvedValueOnce(response({ events: { [account]: [] }, sequence: 'Q1' }));
    const lean = await send({ events: false });
    expect(lean.result.events).toEqual([]);
    const { events: _dropped, ...metrics } = result as unknown as Record<string, unknown>;
    const { events: _none, ...leanMetrics } = lean.result as unknown as Record<string, unknown>;
    expect(leanMetrics).toEqual(metrics);
    expect((metrics as { uniqueUsers: number }).uniqueUsers).toBe(1);
  });
});

describe('cache-codec', () => {
  it('round-trips events column-wise, absent members, nulls and extra members included', () => {
    const events: NormalizedEvent[] = [
      { ...pageview(), eventId: id(1), accountId: 'a', secretId: 'S1' },
      { ...pageview({ rawHref: 'https://www.example.com/?utm_source=x', geo: null, pageload: null }), eventId: id(2), accountId: 'a', secretId: 'S2' },
      { ...pageview(), eventId: id(3), accountId: 'a', secretId: 'S1', extra: { nested: [1] } } as NormalizedEvent,
    ];
    delete (events[0] as Partial<NormalizedEvent>).sessionId;
    const columns = encodeEvents(events);
    // Repeated values are stored once.
    expect(columns.fields.href!.d).toEqual(['https://www.example.com/']);
    const decoded = decodeEvents(JSON.parse(JSON.stringify(columns)), 'a');
    expect(decoded).toEqual(events);
    expect(decoded[0]).not.toHaveProperty('sessionId');
    expect(decoded[1]).not.toHaveProperty('extra');
  });
});

describe('AccountView visitor numbering', () => {
  const viewEvent = (n: number, user: number): NormalizedEvent => ({ ...pageview(), eventId: id(n), accountId: 'a', secretId: `visitor-${user}` });

  it('is stored 8,192 names per record, only its growing end is written again, and a reload keeps every number', () => {
    const view = new AccountView('a');
    for (let n = 0; n < 9000; n++) view.add(viewEvent(n, n));
    view.sequence = 'Q1';
    const first = view.takeChanges();
    expect([...first.keys()].filter((key) => key.startsWith('users:')).sort()).toEqual(['users:0', 'users:1']);
    // Nothing new: the numbering is not written again.
    expect([...view.takeChanges().keys()].some((key) => key.startsWith('users:'))).toBe(false);
    view.add(viewEvent(9000, 9000));
    const second = view.takeChanges();
    expect([...second.keys()].filter((key) => key.startsWith('users:'))).toEqual(['users:1']);
    // A page load: the records as the cache gives them back.
    const records = new Map<string, unknown>([...first, ...second].filter(([, value]) => value !== undefined));
    const loaded = AccountView.fromRecords('a', records, [])!;
    expect(loaded.users.names).toEqual(view.users.names);
    expect(loaded.size).toBe(9001);
    expect(loaded.get(id(8999))!.secretId).toBe('visitor-8999');
    expect(loaded.get(id(9000))!.secretId).toBe('visitor-9000');
    // A block of a format this code does not know: the events start over (sequence null), the rest is kept.
    const day = [...records.keys()].find((key) => key.startsWith('day:'))!;
    const later = new Map(records).set(day, new TextEncoder().encode('\u0010\u0000\u0000\u0000{"v":99}      '));
    const restarted = AccountView.fromRecords('a', later, [])!;
    expect(restarted.sequence).toBeNull();
    expect(restarted.days.has(day)).toBe(false);
    expect(restarted.users.names).toHaveLength(9001);
    // A gap in the numbering cannot be read: the whole cache is discarded, not misread.
    records.delete('users:0');
    expect(AccountView.fromRecords('a', records, [])).toBeNull();
  });

  it('settleDays turns the changed days before a day into blocks; a later change opens one up again', () => {
    const DAY = 86_400_000;
    const start = Date.UTC(2025, 0, 10);
    const at = (day: number, n: number): NormalizedEvent => ({ ...pageview({ href: `https://x.org/${day}/${n}` }), eventId: ulid(start + day * DAY + n * 1000, `e${n}`), accountId: 'a', secretId: `visitor-${n % 3}` });
    const view = new AccountView('a');
    for (let day = 0; day < 3; day++) for (let n = 0; n < 4; n++) view.add(at(day, n));
    const keys = [0, 1, 2].map((day) => dayKey(at(day, 0).eventId));
    view.settleDays(dayNumber(keys[2]!));
    expect(keys.map((key) => view.days.get(key) instanceof Map)).toEqual([false, false, true]);
    // A late event of day 0: that day is a Map again, and nothing is lost.
    view.add(at(0, 9));
    expect(view.days.get(keys[0]!) instanceof Map).toBe(true);
    expect(view.size).toBe(13);
    expect(view.get(at(1, 2).eventId)).toEqual(at(1, 2));
    // Every changed day is still written, settled or not.
    view.sequence = 'Q1';
    const changes = view.takeChanges();
    expect(keys.every((key) => changes.get(key) instanceof Uint8Array)).toBe(true);
    const loaded = AccountView.fromRecords('a', new Map([...changes].filter(([, value]) => value !== undefined)), [])!;
    expect(loaded.size).toBe(13);
    expect(loaded.get(at(0, 9).eventId)).toEqual(at(0, 9));
  });
});
