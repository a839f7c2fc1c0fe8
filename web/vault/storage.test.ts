// @vitest-environment happy-dom
// clients-and-crypto.md §4.7 and §3.2: IndexedDB layout kept from upstream (Dexie schema 3 = native version 30),
// the memory / cookie fallbacks and the Safari cookie.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getCookie } from './cookies.ts';
import { deleteUserSecret, getUserSecret, openDatabase, putUserSecret, type CheckpointRecord, type KeyRecord } from './storage.ts';

const JWK: JsonWebKey = { alg: 'A128GCM', ext: true, k: 'AQIDBAUGBwgJCgsMDQ4PEA', key_ops: ['encrypt', 'decrypt'], kty: 'oct' };
let counter = 0;
const unique = (prefix: string) => `${prefix}-${Date.now()}-${counter++}`;

const request = <T>(r: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });

/** Raw IndexedDB access, to look at what the vault wrote or to pre-write what upstream's Dexie wrote. */
function rawOpen(name: string, version?: number, upgrade?: (db: IDBDatabase) => void): Promise<IDBDatabase> {
  const r = version ? indexedDB.open(name, version) : indexedDB.open(name);
  if (upgrade) r.onupgradeneeded = () => upgrade(r.result);
  return request(r);
}
async function rawAll(db: IDBDatabase, store: string): Promise<unknown[]> {
  return request(db.transaction(store).objectStore(store).getAll());
}
/** Upstream's Dexie v3 schema: events 'eventId', checkpoints 'type', keys '++,type', aggregates 'timestamp'. */
function dexieSchema(db: IDBDatabase, stores = ['events', 'checkpoints', 'keys', 'aggregates']) {
  if (stores.includes('events')) db.createObjectStore('events', { keyPath: 'eventId' });
  if (stores.includes('checkpoints')) db.createObjectStore('checkpoints', { keyPath: 'type' });
  if (stores.includes('keys')) db.createObjectStore('keys', { autoIncrement: true }).createIndex('type', 'type');
  if (stores.includes('aggregates')) db.createObjectStore('aggregates', { keyPath: 'timestamp' });
}

beforeEach(() => {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL('https://offen.example.org/vault');
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('IndexedDB layout', () => {
  it('creates a database at native version 30 with upstream store names, key paths and the type index', async () => {
    const name = unique('fresh');
    await openDatabase(name);
    const db = await rawOpen(name);
    expect(db.version).toBe(30);
    expect([...db.objectStoreNames].sort()).toEqual(['aggregates', 'checkpoints', 'events', 'keys']);
    const tx = db.transaction(['events', 'checkpoints', 'keys', 'aggregates']);
    expect(tx.objectStore('events').keyPath).toBe('eventId');
    expect(tx.objectStore('checkpoints').keyPath).toBe('type');
    expect(tx.objectStore('aggregates').keyPath).toBe('timestamp');
    expect(tx.objectStore('keys').keyPath).toBeNull();
    expect(tx.objectStore('keys').autoIncrement).toBe(true);
    expect(tx.objectStore('keys').index('type').keyPath).toBe('type');
    db.close();
  });

  it('reads a USER_SECRET that upstream wrote, without writing a second record', async () => {
    const accountId = unique('upstream');
    const db = await rawOpen(accountId, 30, dexieSchema);
    await request(db.transaction('keys', 'readwrite').objectStore('keys').add({ type: 'USER_SECRET', value: JWK }));
    db.close();
    expect(await getUserSecret(accountId)).toEqual(JWK);
    const check = await rawOpen(accountId);
    expect(await rawAll(check, 'keys')).toEqual([{ type: 'USER_SECRET', value: JWK }]);
    check.close();
  });

  it('adds a missing store to a database already at version 30 without losing data', async () => {
    const name = unique('partial');
    const db = await rawOpen(name, 30, (d) => dexieSchema(d, ['events', 'keys']));
    await request(db.transaction('events', 'readwrite').objectStore('events').put({ eventId: 'E1', payload: 'x' }));
    db.close();
    const opened = await openDatabase(name);
    expect(await opened.table('events').toArray()).toEqual([{ eventId: 'E1', payload: 'x' }]);
    await opened.table('aggregates').put({ timestamp: '2024-10-11T19:00:00.000Z', value: '{1,} a b', compressed: false });
    const check = await rawOpen(name);
    expect(check.version).toBe(31);
    expect([...check.objectStoreNames].sort()).toEqual(['aggregates', 'checkpoints', 'events', 'keys']);
    check.close();
  });

  it('supports the Table operations, with `keys` addressed by record type', async () => {
    const db = await openDatabase(unique('tables'));
    const events = db.table<{ eventId: string; n: number }>('events');
    await events.bulkPut([{ eventId: 'A', n: 1 }, { eventId: 'B', n: 2 }, { eventId: 'C', n: 3 }]);
    await events.put({ eventId: 'A', n: 9 });
    expect(await events.get('A')).toEqual({ eventId: 'A', n: 9 });
    await events.delete('B');
    expect((await events.toArray()).map((e) => e.eventId)).toEqual(['A', 'C']);
    await events.bulkDelete(['A', 'C']);
    expect(await events.toArray()).toEqual([]);
    expect(await events.get('nope')).toBeUndefined();

    const checkpoints = db.table<CheckpointRecord>('checkpoints');
    await checkpoints.put({ type: 'LAST_KNOWN_CHECKPOINT', sequence: '01J' });
    await checkpoints.put({ type: 'LAST_KNOWN_CHECKPOINT', sequence: '02K' });
    expect(await checkpoints.toArray()).toEqual([{ type: 'LAST_KNOWN_CHECKPOINT', sequence: '02K' }]);
    await checkpoints.clear();
    expect(await checkpoints.toArray()).toEqual([]);

    const keys = db.table<KeyRecord>('keys');
    await keys.bulkPut([
      { type: 'ENCRYPTED_SECRET', secretId: 's1', value: '{1,} a' },
      { type: 'ENCRYPTED_SECRET', secretId: 's2', value: '{1,} b' },
      { type: 'ENCRYPTED_AGGREGATION_SECRET', value: '{1,} c' },
    ]);
    expect(await keys.toArray()).toHaveLength(3);
    expect(await keys.get('ENCRYPTED_AGGREGATION_SECRET')).toEqual({ type: 'ENCRYPTED_AGGREGATION_SECRET', value: '{1,} c' });
    await keys.delete('ENCRYPTED_SECRET');
    expect(await keys.toArray()).toEqual([{ type: 'ENCRYPTED_AGGREGATION_SECRET', value: '{1,} c' }]);
  });
});

describe('user secrets in IndexedDB', () => {
  it('keeps exactly one USER_SECRET record in upstream shape and deletes it with the cookie', async () => {
    const accountId = unique('secret');
    await putUserSecret(accountId, { k: 'old', kty: 'oct' });
    await putUserSecret(accountId, JWK);
    const db = await rawOpen(accountId);
    expect(await rawAll(db, 'keys')).toEqual([{ type: 'USER_SECRET', value: JWK }]);
    db.close();
    expect(getCookie(`USER_SECRET-${accountId}`)).toBeNull();
    expect(await getUserSecret(accountId)).toEqual(JWK);
    await deleteUserSecret(accountId);
    expect(await getUserSecret(accountId)).toBeNull();
  });
});

describe('fallbacks when IndexedDB cannot be opened', () => {
  const cookieWrites = () => {
    const writes: string[] = [];
    let proto: object | null = document;
    let descriptor: PropertyDescriptor | undefined;
    while (proto && !(descriptor = Object.getOwnPropertyDescriptor(proto, 'cookie'))) proto = Object.getPrototypeOf(proto);
    vi.spyOn(document, 'cookie', 'set').mockImplementation(function (this: Document, value: string) {
      writes.push(value);
      descriptor!.set!.call(this, value);
    });
    return writes;
  };

  it('keeps events, checkpoints and aggregates in memory and user secrets in the USER_SECRET cookie', async () => {
    vi.spyOn(indexedDB, 'open').mockImplementation(() => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    });
    const accountId = unique('private');
    const db = await openDatabase(accountId);
    await db.table('events').put({ eventId: 'E', payload: {} });
    expect(await (await openDatabase(accountId)).table('events').get('E')).toEqual({ eventId: 'E', payload: {} });
    await db.table('keys').put({ type: 'ENCRYPTED_AGGREGATION_SECRET', value: 'v' });
    expect(await db.table('keys').get('ENCRYPTED_AGGREGATION_SECRET')).toEqual({ type: 'ENCRYPTED_AGGREGATION_SECRET', value: 'v' });

    const writes = cookieWrites();
    await putUserSecret(accountId, JWK);
    expect(writes[0]).toMatch(new RegExp(`^USER_SECRET-${accountId}=\\{.*\\}; expires=.* GMT; Path=/vault; SameSite=None; Secure$`));
    const expires = Date.parse(/expires=([^;]+)/.exec(writes[0])![1]);
    expect(Math.abs(expires - (Date.now() + 4464 * 3600e3))).toBeLessThan(5000);
    expect(JSON.parse(getCookie(`USER_SECRET-${accountId}`)!)).toEqual(JWK);

    // Reading writes the cookie back (renews the expiry).
    expect(await getUserSecret(accountId)).toEqual(JWK);
    expect(writes).toHaveLength(2);
    expect(writes[1]).toContain(`USER_SECRET-${accountId}=`);

    await deleteUserSecret(accountId);
    expect(writes[2]).toMatch(/=; expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=\/vault;/);
    expect(getCookie(`USER_SECRET-${accountId}`)).toBeNull();
    expect(await getUserSecret(accountId)).toBeNull();
  });

  it('falls back when an open is blocked by another connection', async () => {
    const name = unique('blocked');
    // Another tab holds the database at version 30 but without `aggregates` and does not yield to upgrades.
    const other = await rawOpen(name, 30, (d) => dexieSchema(d, ['events', 'checkpoints', 'keys']));
    const db = await openDatabase(name);
    await db.table('aggregates').put({ timestamp: 'T', value: 'v', compressed: false });
    expect(await db.table('aggregates').toArray()).toEqual([{ timestamp: 'T', value: 'v', compressed: false }]);
    expect([...other.objectStoreNames]).not.toContain('aggregates');
    other.close();
  });

  it('falls back when indexedDB does not exist at all', async () => {
    vi.stubGlobal('indexedDB', undefined);
    try {
      const accountId = unique('none');
      const db = await openDatabase(accountId);
      await db.table('checkpoints').put({ type: 'LAST_KNOWN_CHECKPOINT', sequence: 'S' });
      expect(await db.table('checkpoints').get('LAST_KNOWN_CHECKPOINT')).toEqual({ type: 'LAST_KNOWN_CHECKPOINT', sequence: 'S' });
      await putUserSecret(accountId, JWK);
      expect(await getUserSecret(accountId)).toEqual(JWK);
      await deleteUserSecret(accountId);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('reads a URI-encoded cookie and treats garbage as missing', async () => {
    vi.stubGlobal('indexedDB', undefined);
    try {
      document.cookie = `USER_SECRET-enc=${encodeURIComponent(JSON.stringify(JWK))}; Path=/vault`;
      expect(await getUserSecret('enc')).toEqual(JWK);
      document.cookie = 'USER_SECRET-bad=%%%not-json; Path=/vault';
      expect(await getUserSecret('bad')).toBeNull();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('Safari', () => {
  it('always keeps user secrets in the cookie, even with a working IndexedDB', async () => {
    vi.spyOn(navigator, 'vendor', 'get').mockReturnValue('Apple Computer, Inc.');
    const accountId = unique('safari');
    await putUserSecret(accountId, JWK);
    expect(JSON.parse(getCookie(`USER_SECRET-${accountId}`)!)).toEqual(JWK);
    expect(await getUserSecret(accountId)).toEqual(JWK);
    const names = await new Promise<string[]>((resolve) => {
      const r = indexedDB.databases();
      void r.then((list) => resolve(list.map((d) => d.name!)));
    });
    expect(names).not.toContain(accountId);
    await deleteUserSecret(accountId);
    expect(getCookie(`USER_SECRET-${accountId}`)).toBeNull();
  });
});
