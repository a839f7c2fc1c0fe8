// The operator's paged, pipelined sync (issue 4 item 6; clients-and-crypto.md §5.5): GET /api/accounts/<id>
// with `since` and `limit` page by page, one request ahead of decryption, checkpoints that never run ahead of
// the stored events, and the same result as one unpaged response.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Reply } from '../../shared/protocol.ts';
import { webCryptoProvider } from '../../shared/webcrypto.ts';
import { api, ApiError } from '../api.ts';
import { openDatabase } from '../storage.ts';
import type { Table, TableName } from '../storage.ts';
import { secretFingerprint } from './cache-view.ts';
import { accountViews, clearDecryptionCache } from './decrypt-cache.ts';
import { manageHandlers } from './handlers.ts';
import { accountPages, FIRST_PAGE_LIMIT, firstPageLimit, PAGE_LIMIT, setPageLimitForTests } from './paging.ts';
import { FakeAccountServer, loadVectors, loginResult, MemoryDatabase, newUserSecret, pageview, seal, ulid } from './test-support.ts';
import type { AccountResponse, QueryResult } from './types.ts';

vi.mock('../api.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('../api.ts')>()), api: vi.fn() }));
vi.mock('../storage.ts', () => ({ openDatabase: vi.fn(), getUserSecret: vi.fn() }));

const apiMock = vi.mocked(api);
const vectors = loadVectors();
const kek = vectors.kekWrap.kekAsJwkSentAtLogin;
const ACCOUNT = 'acc-paging';
const T0 = Date.parse('2024-10-11T19:00:00.000Z');
const NOW = new Date(T0 + 3_600_000).toISOString();
const id = (n: number) => ulid(T0 + n * 1000, `p${n}`);
const seq = (n: number) => `S${String(n).padStart(2, '0')}`;
const href = (n: number) => `https://www.example.com/page-${n}/`;
const LIMIT = 4;

/** Checkpoints as they were written, each with the event ids stored at that moment and the log's length. */
interface CheckpointWrite {
  sequence: string;
  stored: string[];
  at: number;
}

/** MemoryDatabase that records what the `events` table held, and how far the log was, whenever the checkpoint moved. */
class WatchedDatabase extends MemoryDatabase {
  readonly checkpoints: CheckpointWrite[] = [];
  override table<T>(name: TableName): Table<T> {
    const table = super.table<T>(name);
    if (name !== 'checkpoints') return table;
    return {
      ...table,
      put: async (record) => {
        const stored = [...(this.tables.get('events')?.keys() ?? [])];
        this.checkpoints.push({ sequence: (record as { sequence: string }).sequence, stored, at: log.length });
        await table.put(record);
      },
    };
  }
}

let publicJwk: JsonWebKey;
let db: WatchedDatabase;
let log: string[];
/** payload -> eventId, so decryptions can be logged by event. */
const payloads = new Map<string, string>();

beforeAll(async () => {
  const privateJwk: JsonWebKey = JSON.parse(await webCryptoProvider.decryptSymmetric(kek, vectors.encryptedPrivateKey.value));
  publicJwk = { kty: 'RSA', n: privateJwk.n, e: privateJwk.e };
});

function reset() {
  clearDecryptionCache();
  db = new WatchedDatabase(ACCOUNT);
  log = [];
}

beforeEach(() => {
  apiMock.mockReset();
  setPageLimitForTests(LIMIT);
  reset();
  vi.mocked(openDatabase).mockImplementation(async () => db);
  // Every AES decryption of an event payload is logged with its event id.
  const original = webCryptoProvider.decryptSymmetric.bind(webCryptoProvider);
  vi.spyOn(webCryptoProvider, 'decryptSymmetric').mockImplementation(async (key, payload) => {
    const eventId = payloads.get(payload);
    if (eventId) log.push(`aes ${eventId}`);
    return original(key, payload);
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  setPageLimitForTests(undefined);
});

/**
 * Visitors A (odd events), B (even events up to 10) and C (events 12 and 13 only: its secret first comes with
 * the last page); event n has sequence S<n>. `count` events exist at first.
 */
async function account(count: number) {
  const users = { A: await newUserSecret(), B: await newUserSecret(), C: await newUserSecret() };
  const owner = (n: number): keyof typeof users => (n >= 12 ? 'C' : n % 2 === 1 ? 'A' : 'B');
  const all = await Promise.all(
    Array.from({ length: 13 }, async (_, i) => {
      const n = i + 1;
      const payload = await seal(users[owner(n)], pageview({ href: href(n) }));
      payloads.set(payload, id(n));
      return { sequence: seq(n), eventId: id(n), secretId: owner(n), payload };
    }),
  );
  const server = new FakeAccountServer(
    { accountId: ACCOUNT, name: 'Example', publicKey: publicJwk, encryptedPrivateKey: vectors.encryptedPrivateKey.value, created: '2024-10-01T00:00:00Z', retentionPeriod: '6months' },
    log,
  );
  for (const [secretId, secret] of Object.entries(users)) server.secrets.set(secretId, await webCryptoProvider.encryptAsymmetric(publicJwk, JSON.stringify(secret)));
  server.events = all.slice(0, count);
  apiMock.mockImplementation(async (method, path, body) => {
    if (path.includes('/rollups')) return server.rollupsApi(method, path, body);
    expect(method).toBe('GET');
    expect(path.startsWith(`/api/accounts/${ACCOUNT}?`)).toBe(true);
    return server.handle(path);
  });
  return { server, all };
}

async function send(progress = false): Promise<{ replies: Reply[]; result: QueryResult }> {
  const replies: Reply[] = [];
  await manageHandlers.QUERY!(
    { type: 'QUERY', payload: { query: { accountId: ACCOUNT, now: NOW }, authenticatedUser: loginResult(ACCOUNT, kek), progress } },
    (reply) => replies.push(reply as Reply),
  );
  const last = replies[replies.length - 1]!;
  expect(last.type).toBe('QUERY_SUCCESS');
  return { replies, result: (last.payload as { result: QueryResult }).result };
}

/** Query 1 syncs events 1–3; then 4–13 arrive, and events 2 and 5 are deleted (tombstone S07x) at `deleteAt`. */
async function scenario(honourLimit: boolean, deleteAt: number) {
  const { server, all } = await account(3);
  server.honourLimit = honourLimit;
  await send();
  server.events = [...all];
  server.beforeAnswer = (n) => {
    if (n === deleteAt) server.delete('S07x', id(2), id(5));
  };
  return server;
}

const EXPECTED = [1, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13];

/** The result of the same sync from one unpaged response (a server that ignores `limit`). */
async function unpagedResult(): Promise<QueryResult> {
  reset();
  const server = await scenario(false, 1);
  const { result } = await send();
  // One response with everything (more than `limit`), and one request more that finds nothing.
  expect(server.requests.map((r) => [r.since, r.limit])).toEqual([[null, LIMIT], [seq(3), LIMIT], [seq(13), LIMIT]]);
  expect(result.events.map((e) => e.eventId)).toEqual(EXPECTED.map(id));
  return result;
}

describe('paged operator sync', () => {
  it('three pages with a tombstone on page 2 and a secret first seen on page 3 give the unpaged result', async () => {
    const unpaged = await unpagedResult();

    reset();
    // The deletion happens after page 1 was answered: its tombstone comes with page 2.
    const server = await scenario(true, 2);
    const { result } = await send();
    expect(server.requests.map((r) => r.since)).toEqual([null, seq(3), seq(7), seq(11)]);
    expect(result).toEqual(unpaged);
    expect(result.events.map((e) => e.href)).toEqual(EXPECTED.map(href));
    // C's secret came with page 3 only; every secret opened, so none is kept encrypted.
    expect(await db.table('keys').toArray()).toEqual([]);
    // Everything opened, so nothing is kept encrypted in `<accountId>`.events.
    expect(await db.table('events').toArray()).toEqual([]);
    // result.account: the server's account fields without the pages' encrypted data.
    expect(result.account).toMatchObject({ accountId: ACCOUNT, name: 'Example', sequence: seq(13) });
    expect(result.account).not.toHaveProperty('events');
    expect(result.account).not.toHaveProperty('secrets');
  });

  it("each page's checkpoint is its sequence and is written only after its events are decrypted", async () => {
    await scenario(true, 2);
    const { result } = await send();
    expect(db.checkpoints.map((c) => c.sequence)).toEqual([seq(3), seq(7), seq(11), seq(13)]);
    const shown = new Set(result.events.map((e) => e.eventId));
    for (const checkpoint of db.checkpoints) {
      const upTo = Array.from({ length: 13 }, (_, i) => i + 1).filter((n) => seq(n) <= checkpoint.sequence).map(id);
      for (const eventId of upTo.filter((e) => shown.has(e))) {
        const opened = log.indexOf(`aes ${eventId}`);
        expect(opened).toBeGreaterThan(-1);
        expect(opened).toBeLessThan(checkpoint.at);
      }
      // Nothing failed to open, so nothing is kept encrypted.
      expect(checkpoint.stored).toEqual([]);
    }
  });

  it.each(['in the same session', 'after a page load'])('a failure on page 2 keeps page 1 checkpointed; the next query resumes from it (%s)', async (when) => {
    const unpaged = await unpagedResult();

    reset();
    const server = await scenario(true, 2);
    const deleteOnce = server.beforeAnswer!;
    server.beforeAnswer = (n) => {
      deleteOnce(n);
      if (n === 2) throw new ApiError('upstream timed out', 503);
    };
    await expect(send()).rejects.toThrow('upstream timed out');
    expect(await db.table('checkpoints').get('LAST_KNOWN_CHECKPOINT')).toEqual({ type: 'LAST_KNOWN_CHECKPOINT', sequence: seq(7) });
    expect(await db.table('events').toArray()).toEqual([]);

    if (when === 'after a page load') accountViews.clear();
    log.length = 0;
    const { result } = await send();
    expect(result).toEqual(unpaged);
    const opened = log.filter((entry) => entry.startsWith('aes ')).map((entry) => entry.slice(4)).sort();
    if (when === 'in the same session') {
      // Page 1's events stay decrypted: the sync goes on from its checkpoint.
      expect(server.requests.slice(3).map((r) => r.since)).toEqual([seq(7), seq(11)]);
      expect(opened).toEqual([8, 9, 10, 11, 12, 13].map(id).sort());
    } else {
      // After a page load with no local cache (none in this test) nothing decrypted matches the checkpoint: the
      // sync starts over from the server, which no longer sends the deleted events 2 and 5. (The request after
      // seq 7 had gone out before that was known; its answer is dropped.)
      expect(server.requests.slice(3).map((r) => r.since)).toEqual([seq(7), seq(11), null, seq(6), seq(10)]);
      expect(opened).toEqual(EXPECTED.map(id).sort());
    }
  });

  it('requests page k+1 before page k decrypts, page k+2 once page k decrypts, and starts page k+1 before finishing page k', async () => {
    const { server } = await account(13);
    const rsaOriginal = webCryptoProvider.decryptAsymmetric.bind(webCryptoProvider);
    const rsa = vi.spyOn(webCryptoProvider, 'decryptAsymmetric').mockImplementation(async (key, value) => {
      log.push('rsa');
      return rsaOriginal(key, value);
    });
    await send();
    expect(server.requests.map((r) => r.since)).toEqual([null, seq(4), seq(8), seq(12)]);
    const pages = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13]];
    const firstAes = (page: number[]) => Math.min(...page.map((n) => log.indexOf(`aes ${id(n)}`)));
    for (const page of pages) expect(firstAes(page)).toBeGreaterThan(-1);
    for (let k = 0; k < 3; k++) {
      // The request for page k+1 went out before page k's first decryption ...
      expect(server.requests[k + 1]!.at).toBeLessThan(firstAes(pages[k]!));
      // ... and the one for page k+2 only once page k was decrypting (page 1 starts with the RSA of A and B):
      // at most one request ahead of the pages taken, and at most two pages taken and not finished.
      const started = k === 0 ? log.indexOf('rsa') : firstAes(pages[k]!);
      if (k + 2 < server.requests.length) expect(server.requests[k + 2]!.at).toBeGreaterThan(started);
    }
    // Page k's checkpoint is written (page k finished) only after page k+1's decryption started: the pool
    // never waits for the end of a page before it gets the next one's work.
    const checkpointAt = (sequence: string) => db.checkpoints.find((write) => write.sequence === sequence)!.at;
    for (let k = 0; k < 3; k++) expect(checkpointAt(seq(4 * (k + 1)))).toBeGreaterThan(firstAes(pages[k + 1]!));
    // Each visitor's secret opened once, though pages overlapped: A and B in page 1, C in page 3.
    expect(rsa).toHaveBeenCalledTimes(3);
  });

  it("a page's tombstones wait for the page before it to finish: an event still decrypting is not brought back", async () => {
    const unpaged = await unpagedResult();
    reset();
    // Event 5 (page 1 of the second query) is still decrypting when page 2, with its tombstone, arrives.
    const original = webCryptoProvider.decryptSymmetric.bind(webCryptoProvider);
    vi.spyOn(webCryptoProvider, 'decryptSymmetric').mockImplementation(async (key, payload) => {
      const eventId = payloads.get(payload);
      if (eventId) log.push(`aes ${eventId}`);
      if (eventId === id(5)) await new Promise((resolve) => setTimeout(resolve, 40));
      return original(key, payload);
    });
    await scenario(true, 2);
    const { result } = await send();
    expect(log).toContain(`aes ${id(5)}`);
    expect(result).toEqual(unpaged);
  });

  it('a secret that arrives for an event that failed on the page before is tried once that page is stored', async () => {
    const { server, all } = await account(13);
    // Visitor D: one event on page 1 before D's secret exists, one on page 2 with it.
    const secretD = await newUserSecret();
    const extra = await Promise.all(
      [['S02a', 20], ['S06a', 21]].map(async ([sequence, n]) => {
        const eventId = id(n as number);
        const payload = await seal(secretD, pageview({ href: href(n as number) }));
        payloads.set(payload, eventId);
        return { sequence: sequence as string, eventId, secretId: 'D', payload };
      }),
    );
    server.events = [...all, ...extra];
    const valueD = await webCryptoProvider.encryptAsymmetric(publicJwk, JSON.stringify(secretD));
    server.beforeAnswer = (n) => {
      if (n === 1) server.secrets.set('D', valueD);
    };
    const { result } = await send();
    expect(result.events.map((event) => event.eventId).sort()).toEqual([...all, ...extra].map((event) => event.eventId).sort());
    // Both of D's events opened in the end: nothing is kept encrypted for a retry.
    expect(await db.table('events').toArray()).toEqual([]);
  });

  it("a secret re-exchanged on page 2 while page 1 still opens its old value waits for page 1: the new value is opened once and kept", async () => {
    const { server } = await account(13);
    const first = server.secrets.get('A')!;
    // A's secret encrypted again (a new RSA block for the same key, so every event still opens): the value
    // pages 2 and on send. Page 1's opening of the old value is slow, so without waiting it would end last.
    const privateJwk: JsonWebKey = JSON.parse(await webCryptoProvider.decryptSymmetric(kek, vectors.encryptedPrivateKey.value));
    const secretA = await webCryptoProvider.decryptAsymmetric(privateJwk, first);
    const second = await webCryptoProvider.encryptAsymmetric(publicJwk, secretA);
    server.beforeAnswer = (n) => {
      if (n === 1) server.secrets.set('A', second);
    };
    const original = webCryptoProvider.decryptAsymmetric.bind(webCryptoProvider);
    let openedSecond = 0;
    vi.spyOn(webCryptoProvider, 'decryptAsymmetric').mockImplementation(async (key, value) => {
      if (value === second) openedSecond++;
      if (value === first) await new Promise((resolve) => setTimeout(resolve, 40));
      return original(key, value);
    });
    const { result } = await send();
    expect(result.events).toHaveLength(13);
    expect(accountViews.get(ACCOUNT)!.secrets.get('A')!.fp).toBe(secretFingerprint(second));
    // Opened once: had page 1 ended last, the view would hold the old value and page 3 would open it again.
    expect(openedSecond).toBe(1);
  });

  it('progress grows with the pages, never goes back and ends with done = total', async () => {
    await account(13);
    const { replies, result } = await send(true);
    const progress = replies.slice(0, -1).map((reply) => {
      expect(reply.type).toBe('QUERY_PROGRESS');
      return reply.payload as { done: number; total: number };
    });
    expect(progress.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]!.done).toBeGreaterThanOrEqual(progress[i - 1]!.done);
      expect(progress[i]!.total).toBeGreaterThanOrEqual(progress[i - 1]!.total);
    }
    for (const p of progress) expect(p.done).toBeLessThanOrEqual(p.total);
    // Page 1 alone: secrets A and B and four events.
    expect(progress[0]).toEqual({ done: 0, total: 6 });
    // In all: three secrets and thirteen events.
    expect(progress[progress.length - 1]).toEqual({ done: 16, total: 16 });
    expect(result.events).toHaveLength(13);
  });

  it('a page cut after the limit to keep a sequence group together does not end the sync', async () => {
    const { server, all } = await account(13);
    // Events 4–6 share one sequence: page 1 carries six events (more than the limit of four).
    server.events = all.map((event, i) => (i >= 3 && i <= 5 ? { ...event, sequence: seq(4) } : event));
    const { result } = await send();
    expect(server.requests.map((r) => r.since)).toEqual([null, seq(4), seq(10)]);
    expect(result.events).toHaveLength(13);
  });
});

describe('accountPages', () => {
  const response = (count: number, sequence?: string): AccountResponse => ({
    accountId: 'a',
    name: 'n',
    publicKey: {},
    encryptedPrivateKey: '',
    created: '',
    retentionPeriod: '',
    events: { a: Array.from({ length: count }, (_, i) => ({ eventId: `e${i}`, payload: 'p' })) },
    ...(sequence ? { sequence } : {}),
  });

  it('stops at a short page, a page without a sequence, or one whose sequence did not move', async () => {
    const collect = async (answers: AccountResponse[]) => {
      const asked: Array<string | null> = [];
      const fetchPage = async (since: string | null) => {
        asked.push(since);
        return answers.shift()!;
      };
      const lasts: boolean[] = [];
      for await (const page of accountPages(fetchPage, 'a', null, 2)) lasts.push(page.last);
      return { asked, lasts };
    };
    expect(await collect([response(2, 'A'), response(1, 'B')])).toEqual({ asked: [null, 'A'], lasts: [false, true] });
    expect(await collect([response(2)])).toEqual({ asked: [null], lasts: [true] });
    expect(await collect([response(2, 'A'), response(2, 'A')])).toEqual({ asked: [null, 'A'], lasts: [false, true] });
    expect(await collect([response(3, 'A'), response(0)])).toEqual({ asked: [null, 'A'], lasts: [false, true] });
  });

  it('a failed prefetch surfaces when its page is asked for, not before', async () => {
    const fetchPage = vi.fn(async (since: string | null) => {
      if (since === 'A') throw new Error('offline');
      return response(2, 'A');
    });
    const pages = accountPages(fetchPage, 'a', null, 2);
    const first = await pages.next();
    expect(first.value).toMatchObject({ since: null, last: false });
    expect(fetchPage).toHaveBeenCalledTimes(2);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await expect(pages.next()).rejects.toThrow('offline');
  });

  it('pages hold 50,000 events unless a test says otherwise; a sync from the start asks 10,000 first', () => {
    expect(PAGE_LIMIT).toBe(50_000);
    expect(FIRST_PAGE_LIMIT).toBe(10_000);
    setPageLimitForTests(undefined);
    expect(firstPageLimit(null)).toBe(10_000);
    expect(firstPageLimit('Q1')).toBe(50_000);
  });

  it('the first page has its own limit, and only a page shorter than what it asked for is the last', async () => {
    const asked: Array<[string | null, number]> = [];
    const answers = [response(2, 'A'), response(3, 'B'), response(1, 'C')];
    const fetchPage = async (since: string | null, limit: number) => {
      asked.push([since, limit]);
      return answers.shift()!;
    };
    const lasts: boolean[] = [];
    for await (const page of accountPages(fetchPage, 'a', null, 3, 2)) lasts.push(page.last);
    expect(asked).toEqual([[null, 2], ['A', 3], ['B', 3]]);
    expect(lasts).toEqual([false, false, true]);
  });
});
