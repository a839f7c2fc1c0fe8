// Local storage with upstream's names (clients-and-crypto.md §4.7). OWNER: vault-core helper.
// IndexedDB databases opened at native version 30 (Dexie schema 3) with the stores
//   events (keyPath eventId), checkpoints (keyPath type), keys (auto-increment, index "type"),
//   aggregates (keyPath timestamp).
// If a database cannot be opened, events/checkpoints/aggregates fall back to memory; user secrets fall back
// to the USER_SECRET-<accountId> cookie (Path=/vault, 4464 h), and always use the cookie on Safari.
//
// Records are stored exactly as Dexie stored them (plain objects, `keys` with out-of-line auto-increment
// keys), so a visitor whose browser used upstream's vault keeps their secrets (§7 item 22).
import { deleteCookie, getCookie, hoursFromNow, setCookie } from './cookies.ts';

export type TableName = 'events' | 'checkpoints' | 'keys' | 'aggregates';

/**
 * One store. `keys` has no primary key a caller knows (auto-increment), so on `keys` the `key` arguments of
 * get/delete/bulkDelete are a record `type` (looked up through the "type" index): get returns the first
 * record of that type, delete removes every record of that type.
 */
export interface Table<T> {
  get(key: string): Promise<T | undefined>;
  /** Inserts or replaces by primary key (for `keys`, adds a new auto-increment row). */
  put(record: T): Promise<void>;
  bulkPut(records: T[]): Promise<void>;
  delete(key: string): Promise<void>;
  bulkDelete(keys: string[]): Promise<void>;
  clear(): Promise<void>;
  toArray(): Promise<T[]>;
}

export interface Database {
  readonly name: string;
  table<T>(name: TableName): Table<T>;
}

/** Native IndexedDB version of upstream's Dexie schema version 3 (Dexie multiplies by 10). */
export const DB_VERSION = 30;
const STORES: Record<TableName, IDBObjectStoreParameters> = {
  events: { keyPath: 'eventId' },
  checkpoints: { keyPath: 'type' },
  keys: { autoIncrement: true },
  aggregates: { keyPath: 'timestamp' },
};
const TABLES = Object.keys(STORES) as TableName[];
/** An open that neither succeeds nor fails (seen in WebKit) must not hang an EVENT: fall back instead. */
const OPEN_TIMEOUT_MS = 5000;

function open(name: string, version?: number): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown) => {
      settled = true;
      clearTimeout(timer);
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error('IndexedDB open timed out')), OPEN_TIMEOUT_MS);
    const request = version ? indexedDB.open(name, version) : indexedDB.open(name);
    request.onupgradeneeded = () => {
      // Create whatever is missing; never drop or recreate a store, so existing data survives.
      const db = request.result;
      for (const table of TABLES) {
        const store = db.objectStoreNames.contains(table)
          ? request.transaction!.objectStore(table)
          : db.createObjectStore(table, STORES[table]);
        if (table === 'keys' && !store.indexNames.contains('type')) store.createIndex('type', 'type');
      }
    };
    request.onsuccess = () => {
      if (settled) request.result.close();
      else {
        clearTimeout(timer);
        resolve(request.result);
      }
    };
    request.onerror = () => fail(request.error);
    // Another tab holds an older version open: treat as "cannot open" (§4.7 fallback) rather than wait.
    request.onblocked = () => fail(new Error('IndexedDB open blocked'));
  });
}

function complete(db: IDBDatabase): boolean {
  if (TABLES.some((table) => !db.objectStoreNames.contains(table))) return false;
  return db.transaction('keys').objectStore('keys').indexNames.contains('type');
}

async function connect(name: string): Promise<IDBDatabase> {
  let db: IDBDatabase;
  try {
    db = await open(name, DB_VERSION);
  } catch (error) {
    // A database already above version 30 (e.g. upgraded by us below) opens at its own version.
    if ((error as DOMException | null)?.name !== 'VersionError') throw error;
    db = await open(name);
  }
  if (!complete(db)) {
    // At >= 30 but missing a store or index: upgrade one version to add it, keeping the data.
    const version = db.version;
    db.close();
    db = await open(name, version + 1);
  }
  // Another tab upgrading must not be blocked by us; the next operation reconnects.
  db.onversionchange = () => {
    db.close();
    connections.delete(name);
  };
  return db;
}

const connections = new Map<string, Promise<IDBDatabase>>();

function connection(name: string): Promise<IDBDatabase> {
  let pending = connections.get(name);
  if (!pending) {
    pending = connect(name);
    // A failed open is retried on the next call instead of being cached.
    pending.catch(() => connections.delete(name));
    connections.set(name, pending);
  }
  return pending;
}

function idbTable<T>(dbName: string, name: TableName): Table<T> {
  const byType = name === 'keys';
  const run = async <R>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<R> | void): Promise<R> => {
    const db = await connection(dbName);
    return new Promise<R>((resolve, reject) => {
      const tx = db.transaction(name, mode);
      const request = work(tx.objectStore(name));
      tx.oncomplete = () => resolve(request ? request.result : (undefined as R));
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  };
  const remove = (store: IDBObjectStore, keys: string[]) => {
    for (const key of keys) {
      if (!byType) store.delete(key);
      else {
        const found = store.index('type').getAllKeys(key);
        found.onsuccess = () => found.result.forEach((primary) => store.delete(primary));
      }
    }
  };
  const putAll = (records: T[]) =>
    run<void>('readwrite', (store) => {
      for (const record of records) store.put(record);
    });
  return {
    get: (key) => run<T | undefined>('readonly', (store) => (byType ? store.index('type') : store).get(key)),
    put: (record) => putAll([record]),
    bulkPut: putAll,
    delete: (key) => run<void>('readwrite', (store) => remove(store, [key])),
    bulkDelete: (keys) => run<void>('readwrite', (store) => remove(store, keys)),
    clear: () => run<void>('readwrite', (store) => void store.clear()),
    toArray: () => run<T[]>('readonly', (store) => store.getAll()),
  };
}

/** In-memory stand-in with the same semantics, kept for the lifetime of the vault page (§4.7). */
const memory = new Map<string, Map<unknown, unknown>>();
let nextMemoryKey = 1;

function memoryTable<T>(dbName: string, name: TableName): Table<T> {
  const id = `${dbName}\u0000${name}`;
  let rows = memory.get(id) as Map<unknown, T> | undefined;
  if (!rows) memory.set(id, (rows = new Map()));
  const map = rows;
  const keyPath = STORES[name].keyPath as string | undefined;
  const matches = (key: string) => [...map].filter(([k, v]) => (keyPath ? k === key : (v as { type?: unknown }).type === key));
  const put = (record: T) => void map.set(keyPath ? (record as Record<string, unknown>)[keyPath] : nextMemoryKey++, record);
  return {
    get: async (key) => matches(key)[0]?.[1],
    put: async (record) => put(record),
    bulkPut: async (records) => records.forEach(put),
    delete: async (key) => matches(key).forEach(([k]) => map.delete(k)),
    bulkDelete: async (keys) => keys.forEach((key) => matches(key).forEach(([k]) => map.delete(k))),
    clear: async () => map.clear(),
    toArray: async () => [...map.values()],
  };
}

/** Opens (or creates) the database `name`: "user" for the visitor view, the account id for an account. */
export async function openDatabase(name: string): Promise<Database> {
  let table: <T>(dbName: string, table: TableName) => Table<T> = idbTable;
  try {
    await connection(name);
  } catch {
    table = memoryTable;
  }
  return { name, table: (tableName) => table(name, tableName) };
}

/** Record shapes (§4.7). */
export interface UserSecretRecord { type: 'USER_SECRET'; value: JsonWebKey }
export interface EncryptedSecretRecord { type: 'ENCRYPTED_SECRET'; secretId: string; value: string }
export interface AggregationSecretRecord { type: 'ENCRYPTED_AGGREGATION_SECRET'; value: string }
export type KeyRecord = UserSecretRecord | EncryptedSecretRecord | AggregationSecretRecord;
export interface CheckpointRecord { type: 'LAST_KNOWN_CHECKPOINT'; sequence: string }

// §3.2: the cookie fallback for user secrets, Path=/vault, 4464 h (186 days).
const SECRET_COOKIE_PATH = '/vault';
const SECRET_COOKIE_HOURS = 4464;
const secretCookie = (accountId: string) => `USER_SECRET-${accountId}`;

/** §3.2: Safari (and so every iOS browser) always keeps user secrets in the cookie. */
const isSafari = () => /apple/i.test(navigator.vendor || '');

/** The account's `keys` table in IndexedDB, or null when the cookie must be used. */
async function secretTable(accountId: string): Promise<Table<UserSecretRecord> | null> {
  if (isSafari()) return null;
  try {
    await connection(accountId);
    return idbTable<UserSecretRecord>(accountId, 'keys');
  } catch {
    return null;
  }
}

const writeSecretCookie = (accountId: string, secret: JsonWebKey) =>
  setCookie(secretCookie(accountId), JSON.stringify(secret), { expires: hoursFromNow(SECRET_COOKIE_HOURS), path: SECRET_COOKIE_PATH });

const isJwk = (value: unknown): value is JsonWebKey => !!value && typeof value === 'object' && !Array.isArray(value);

/** The visitor's user secret for an account (IndexedDB `<accountId>`.keys, else the Safari cookie). */
export async function getUserSecret(accountId: string): Promise<JsonWebKey | null> {
  const table = await secretTable(accountId);
  if (table) {
    // §4.4 step 5: the write-back is a no-op for an existing IndexedDB record.
    const value = (await table.get('USER_SECRET'))?.value;
    return isJwk(value) ? value : null;
  }
  const raw = getCookie(secretCookie(accountId));
  if (!raw) return null;
  let value: unknown = null;
  try {
    value = JSON.parse(raw);
  } catch {
    try {
      value = JSON.parse(decodeURIComponent(raw));
    } catch {
      // neither raw nor URI-encoded JSON: treat as missing, a fresh exchange replaces it
    }
  }
  if (!isJwk(value)) return null;
  // Reading writes the cookie back, which renews its 186-day expiry (§4.4 step 5).
  writeSecretCookie(accountId, value);
  return value;
}

export async function putUserSecret(accountId: string, secret: JsonWebKey): Promise<void> {
  const table = await secretTable(accountId);
  if (!table) return writeSecretCookie(accountId, secret);
  // One USER_SECRET per account database.
  await table.delete('USER_SECRET');
  await table.put({ type: 'USER_SECRET', value: secret });
}

export async function deleteUserSecret(accountId: string): Promise<void> {
  // Path=/vault, the path it was written with: upstream deleted with Path=/ and never removed it (§7 item 20).
  deleteCookie(secretCookie(accountId), SECRET_COOKIE_PATH);
  const table = await secretTable(accountId);
  if (table) await table.delete('USER_SECRET');
}
