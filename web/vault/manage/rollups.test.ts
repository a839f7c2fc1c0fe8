// @vitest-environment happy-dom
// Shared rollups (rollups.ts, docs/adr/0005-shared-caches.md) end to end on the client: operator browsers over
// real IndexedDB (fake-indexeddb) against an in-memory server that keeps and drops rollups as the real one does
// (test-support.ts FakeAccountServer). A first load uploads the closed days; a fresh browser downloads them and
// decrypts only the events they leave out; a deletion drops the rollups holding the deleted events, and every
// later load, fresh or not, shows the numbers without them.
import 'fake-indexeddb/auto';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api.ts';
import type { Reply } from '../../shared/protocol.ts';
import { vectorKeyPair } from '../../shared/test-vectors.ts';
import { webCryptoProvider } from '../../shared/webcrypto.ts';
import { accountViews, clearDecryptionCache } from './decrypt-cache.ts';
import { encodeBlock } from './event-block.ts';
import { manageHandlers } from './handlers.ts';
import { withLock } from './lock.ts';
import { adoptBlock, openRollup, rollupKey, sealRollup, standaloneBlock } from './rollups.ts';
import type { RollupMeta } from './rollups.ts';
import { FakeAccountServer, loadVectors, loginResult, newUserSecret, pageview, seal, ulid } from './test-support.ts';
import type { NormalizedEvent, QueryResult } from './types.ts';
import { UserNumbers } from './event-block.ts';
import { setWorkerFactoryForTests } from './worker-pool.ts';

vi.mock('../api.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('../api.ts')>()), api: vi.fn() }));
const apiMock = vi.mocked(api);

const vectors = loadVectors();
const kek = vectors.kekWrap.kekAsJwkSentAtLogin;
const DAY = 86_400_000;
let publicJwk: JsonWebKey;
let account: string;
let counter = 0;

beforeAll(async () => {
  ({ publicJwk } = await vectorKeyPair());
});
beforeEach(() => {
  apiMock.mockReset();
  clearDecryptionCache();
  sessionStorage.clear();
  account = `acc-rollups-${++counter}`;
  setWorkerFactoryForTests(null);
});
afterEach(() => {
  vi.restoreAllMocks();
  setWorkerFactoryForTests(undefined);
});

const databaseNames = async () => (await indexedDB.databases()).map((database) => database.name!);

/** A browser that has never loaded the account: no memory, no databases. */
async function freshBrowser(): Promise<void> {
  accountViews.clear();
  clearDecryptionCache();
  for (const name of await databaseNames()) {
    await new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(name);
      request.onsuccess = request.onerror = resolve;
    });
  }
}

async function load(): Promise<QueryResult> {
  const replies: Reply[] = [];
  const now = new Date().toISOString();
  await manageHandlers.QUERY!(
    { type: 'QUERY', payload: { query: { accountId: account, now, range: '6', resolution: 'months' }, authenticatedUser: loginResult(account, kek) } },
    (reply) => replies.push(reply as Reply),
  );
  // The uploads run after the answer, inside the account's lock.
  await withLock(`account:${account}`, async () => undefined);
  const last = replies[replies.length - 1]!;
  expect(last.type).toBe('QUERY_SUCCESS');
  return (last.payload as { result: QueryResult }).result;
}

/** The metrics of a result (what the dashboard shows), without the events and account fields. */
function numbers(result: QueryResult): Record<string, unknown> & { uniqueUsers: number } {
  const { account: _account, events: _events, ...rest } = result as QueryResult & { uniqueUsers: number };
  return rest;
}

const sorted = (events: NormalizedEvent[]) => events.map((event) => `${event.eventId} ${event.secretId} ${event.href}`).sort();

/**
 * An account with four visitors over three closed UTC days and today: visitor u's events are spread so that
 * every day holds several visitors. Sequences are canonical ULIDs a little after each event, as the server's.
 */
async function setup() {
  const server = new FakeAccountServer({
    accountId: account,
    name: 'Example',
    publicKey: publicJwk,
    encryptedPrivateKey: vectors.encryptedPrivateKey.value,
    created: '2024-10-01T00:00:00Z',
    retentionPeriod: '6months',
  });
  server.uncoveredMode = true;
  const today = Math.floor(Date.now() / DAY) * DAY;
  const secrets = await Promise.all([0, 1, 2, 3].map(() => newUserSecret()));
  const secretIdOf = (u: number) => `${'ab'.repeat(31)}0${u}`;
  for (const [u, secret] of secrets.entries()) server.secrets.set(secretIdOf(u), await webCryptoProvider.encryptAsymmetric(publicJwk, JSON.stringify(secret)));
  // Days -3, -2, -1 (closed) and today (open); 24 events.
  const times: number[] = [];
  for (const day of [-3, -2, -1]) for (let k = 0; k < 6; k++) times.push(today + day * DAY + 3_600_000 + k * 60_000);
  for (let k = 0; k < 6; k++) times.push(Math.min(Date.now() - 60_000, today + k * 1000));
  let n = 0;
  for (const time of times) {
    const u = n % 4;
    const eventId = ulid(time, `E${n}`);
    server.events.push({ sequence: ulid(time + 5, `S${n}`), eventId, secretId: secretIdOf(u), payload: await seal(secrets[u]!, pageview({ href: `https://www.example.com/${u}/${n}` })) });
    n++;
  }
  const cached = new Map<string, string>();
  apiMock.mockImplementation(async (method: string, path: string, body?: unknown) => {
    if (path.includes('/rollups')) return server.rollupsApi(method, path, body);
    if (path.includes('/cached-secrets')) {
      if (method === 'POST') for (const [secretId, value] of Object.entries((body as { secrets: Record<string, string> }).secrets)) cached.set(secretId, value);
      return method === 'POST' ? { stored: 0 } : { secrets: Object.fromEntries(cached) };
    }
    return server.handle(path);
  });
  return { server, today, secretIdOf };
}

describe('shared rollups', () => {
  it('a first load rolls up the closed days; a fresh browser decrypts only the rest and shows the same', async () => {
    const { server, today } = await setup();
    let rsa = vi.spyOn(webCryptoProvider, 'decryptAsymmetric');
    let aes = vi.spyOn(webCryptoProvider, 'decryptSymmetric');
    const first = await load();
    expect(first.events).toHaveLength(24);
    expect(rsa).toHaveBeenCalledTimes(4);
    // The three closed days are on the server, each exactly its own events; today is not.
    const stored = [...server.rollups.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
    expect(stored.map((rollup) => rollup.key)).toEqual([-3, -2, -1].map((day) => `day:${today / DAY + day}`));
    for (const rollup of stored) {
      const ids = server.events.map((event) => event.eventId).filter((eventId) => eventId >= rollup.firstEventId && eventId <= rollup.lastEventId);
      expect(rollup.eventCount).toBe(6);
      expect(ids).toHaveLength(6);
      expect(rollup.payload).toMatch(/^\{1,\} [A-Za-z0-9+/=]+ [A-Za-z0-9+/=]+$/);
    }
    rsa.mockRestore();
    aes.mockRestore();

    await freshBrowser();
    server.requests.length = 0;
    rsa = vi.spyOn(webCryptoProvider, 'decryptAsymmetric');
    aes = vi.spyOn(webCryptoProvider, 'decryptSymmetric');
    const fresh = await load();
    expect(sorted(fresh.events)).toEqual(sorted(first.events));
    expect(numbers(fresh)).toEqual(numbers(first));
    // Only today's six events were sent and decrypted (plus the private key), with their four visitors' secrets.
    expect(aes).toHaveBeenCalledTimes(1 + 6);
    expect(rsa).toHaveBeenCalledTimes(4);
    // Nothing new to roll up: the server's rollups are the ones the first load made.
    expect([...server.rollups.values()]).toEqual(stored);
  });

  it('a deletion drops the rollups holding it; every later load shows the numbers without it and rebuilds the day', async () => {
    const { server, today, secretIdOf } = await setup();
    const first = await load();
    expect(server.rollups.size).toBe(3);
    const dayTwo = `day:${today / DAY - 2}`;
    // Visitor 1 deletes their data (purge, server.md §5.8): the tombstones drop every rollup holding their events.
    const gone = server.events.filter((event) => event.secretId === secretIdOf(1)).map((event) => event.eventId);
    expect(gone.length).toBeGreaterThan(3);
    server.delete(ulid(Date.now(), 'PRG1'), ...gone);
    expect(server.rollups.size).toBe(0);
    const expected = sorted(first.events.filter((event) => event.secretId !== secretIdOf(1)));

    // The same browser, on its next page load: the tombstones come with the incremental sync.
    accountViews.clear();
    const again = await load();
    expect(sorted(again.events)).toEqual(expected);
    expect(numbers(again).uniqueUsers).toBe(numbers(first).uniqueUsers - 1);
    // It held those days, so it rolled them up again, without the deleted events.
    expect(server.rollups.size).toBe(3);
    expect(server.rollups.get(dayTwo)!.eventCount).toBe(6 - gone.filter((eventId) => eventId >= server.rollups.get(dayTwo)!.firstEventId && eventId <= server.rollups.get(dayTwo)!.lastEventId).length);

    // A fresh browser: the rebuilt rollups, and the same numbers.
    await freshBrowser();
    const fresh = await load();
    expect(sorted(fresh.events)).toEqual(expected);
    expect(numbers(fresh)).toEqual(numbers(again));

    // One more deletion, and this time a fresh browser is the first to load: the dropped day is fetched as events,
    // decrypted, and rolled up again.
    const more = server.events.filter((event) => event.secretId === secretIdOf(2) && event.eventId >= server.rollups.get(dayTwo)!.firstEventId && event.eventId <= server.rollups.get(dayTwo)!.lastEventId);
    expect(more.length).toBeGreaterThan(0);
    server.delete(ulid(Date.now(), 'PRG2'), ...more.map((event) => event.eventId));
    expect(server.rollups.has(dayTwo)).toBe(false);
    await freshBrowser();
    server.requests.length = 0;
    const aes = vi.spyOn(webCryptoProvider, 'decryptSymmetric');
    const last = await load();
    expect(sorted(last.events)).toEqual(expected.filter((line) => !more.some((event) => line.startsWith(event.eventId))));
    // The private key, today's events and what is left of day -2.
    const leftOnDayTwo = server.events.filter((event) => eventDay(event.eventId) === today / DAY - 2).length;
    expect(aes.mock.calls.length).toBe(1 + server.events.filter((event) => eventDay(event.eventId) === today / DAY).length + leftOnDayTwo);
    expect(server.rollups.get(dayTwo)!.eventCount).toBe(leftOnDayTwo);
  });

  it('a rollup that does not open, or is missing from the download, costs a full sync, never a wrong number', async () => {
    const { server } = await setup();
    const first = await load();
    const [a, b] = [...server.rollups.values()];
    // Payloads swapped between two days: both fail their binding.
    server.rollups.set(a!.key, { ...a!, payload: b!.payload });
    server.rollups.set(b!.key, { ...b!, payload: a!.payload });
    await freshBrowser();
    const swapped = await load();
    expect(sorted(swapped.events)).toEqual(sorted(first.events));
    expect(numbers(swapped)).toEqual(numbers(first));
    // The two were replaced by good ones.
    const key = await rollupKey(kek, account);
    for (const rollup of server.rollups.values()) expect(await openRollup(key, rollup)).not.toBeNull();

    // A rollup listed by the events answer but not in the download (uploaded in between): downloaded again.
    const real = server.rollupsApi.bind(server);
    let hide = true;
    vi.spyOn(server, 'rollupsApi').mockImplementation(async (method, path, body) => {
      const reply = (await real(method, path, body)) as { rollups?: RollupMeta[] } | null;
      if (method === 'GET' && hide && reply?.rollups) {
        hide = false;
        return { rollups: reply.rollups.slice(1) };
      }
      return reply;
    });
    await freshBrowser();
    const aes = vi.spyOn(webCryptoProvider, 'decryptSymmetric');
    const retried = await load();
    expect(sorted(retried.events)).toEqual(sorted(first.events));
    expect(aes).toHaveBeenCalledTimes(1 + 6);
  });

  it('seals a day with its visitors named, not numbered, and binds it to its range', async () => {
    const users = new UserNumbers();
    users.number('other-visitor');
    const time = Date.UTC(2024, 9, 1, 10);
    const events = [0, 1, 2].map((n) => ({ type: 'PAGEVIEW', href: `https://x.example/${n}`, secretId: `visitor-${n % 2}`, eventId: ulid(time + n, `R${n}`), accountId: account, timestamp: new Date(time + n).toISOString() }));
    const block = encodeBlock(events as unknown as NormalizedEvent[], users);
    expect(block.columns.secretId.d).toBe(users.names);
    const standalone = standaloneBlock(block);
    expect(standalone.columns.secretId.d).toEqual(['visitor-0', 'visitor-1']);
    const meta: RollupMeta = { key: `day:${Math.floor(time / DAY)}`, firstEventId: events[0]!.eventId, lastEventId: events[2]!.eventId, eventCount: 3, asOf: ulid(time + DAY, 'ASOF') };
    const key = await rollupKey(kek, account);
    const payload = (await sealRollup(key, meta, block))!;
    const opened = (await openRollup(key, { ...meta, payload }))!;
    const mine = new UserNumbers();
    const adopted = adoptBlock(opened, mine);
    expect(adopted.events()).toEqual(block.events());
    expect(mine.names).toEqual(['visitor-0', 'visitor-1']);
    // Any other metadata, or another account's key, does not open it.
    for (const changed of [{ eventCount: 2 }, { asOf: ulid(time + 2 * DAY, 'ASOF') }, { key: `day:${Math.floor(time / DAY) + 1}` }, { lastEventId: events[1]!.eventId }]) {
      expect(await openRollup(key, { ...meta, ...changed, payload })).toBeNull();
    }
    expect(await openRollup(await rollupKey(kek, `${account}-other`), { ...meta, payload })).toBeNull();
  });
});

function eventDay(eventId: string): number {
  let time = 0;
  for (let i = 0; i < 10; i++) time = time * 32 + '0123456789ABCDEFGHJKMNPQRSTVWXYZ'.indexOf(eventId[i]!);
  return Math.floor(time / DAY);
}
