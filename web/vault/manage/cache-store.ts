// The operator's encrypted local cache: decrypted user secrets and events survive a page load in a database of
// their own, `offen-cache-<accountId>`, next to (never inside) upstream's Dexie `<accountId>` database, whose
// v30 layout stays as clients-and-crypto.md §4.7 describes it. Every value is AES-256-GCM encrypted under a key
// derived with HKDF-SHA-256 from the account's KEK (§4.2; it is in the login result and the tab's session
// only), with the record's own key as additional data, so IndexedDB never holds anything decrypted in the
// clear and records cannot be swapped. LOGOUT deletes these databases (README.md D8, deleteCaches below).
import { decodeBase64Url, utf8Decode, utf8Encode } from '../../shared/envelope.ts';
import { mark } from '../../shared/marks.ts';

export const CACHE_PREFIX = 'offen-cache-';
const STORE = 'records';
const VERSION = 1;
/** HKDF info (domain separation: this key encrypts nothing but the local cache). */
const INFO = 'offen local cache v1';
/** An open that neither succeeds nor fails must not hang a QUERY (storage.ts does the same for EVENT). */
const OPEN_TIMEOUT_MS = 5000;

/** One stored value: ciphertext‖tag and its 12-byte IV; `b` marks bytes (event blocks), else JSON. */
interface Sealed {
  iv: Uint8Array;
  data: ArrayBuffer;
  b?: 1;
}

const connections = new Map<string, Promise<IDBDatabase>>();
/**
 * Moves on every LOGOUT (deleteCaches). A store opened before that writes nothing afterwards, so a write that
 * was still running when its query had answered (operator.ts writes after replying) cannot bring a deleted
 * database back (README.md D8).
 */
let epoch = 0;

function openDb(name: string): Promise<IDBDatabase> {
  let pending = connections.get(name);
  if (!pending) {
    pending = new Promise<IDBDatabase>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('IndexedDB open timed out')), OPEN_TIMEOUT_MS);
      const request = indexedDB.open(name, VERSION);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE);
      };
      request.onsuccess = () => {
        clearTimeout(timer);
        const db = request.result;
        // LOGOUT in another tab deletes this database: let it, and reconnect next time.
        db.onversionchange = () => {
          db.close();
          connections.delete(name);
        };
        resolve(db);
      };
      request.onerror = () => {
        clearTimeout(timer);
        reject(request.error);
      };
      request.onblocked = () => {
        clearTimeout(timer);
        reject(new Error('IndexedDB open blocked'));
      };
    });
    pending.catch(() => connections.delete(name));
    connections.set(name, pending);
  }
  return pending;
}

function transaction<T>(db: IDBDatabase, mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T> | void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = work(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(request ? request.result : (undefined as T));
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
}

async function deriveKey(kek: JsonWebKey, accountId: string): Promise<CryptoKey> {
  if (typeof kek.k !== 'string') throw new Error('the KEK has no key material');
  const subtle = globalThis.crypto.subtle;
  const material = await subtle.importKey('raw', decodeBase64Url(kek.k, 'KEK k'), 'HKDF', false, ['deriveKey']);
  return subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: utf8Encode(accountId), info: utf8Encode(INFO) },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** The record's key, and whether it holds bytes, authenticated with its value (a flipped `b` does not open). */
function aad(recordKey: string, bytes: boolean): Uint8Array<ArrayBuffer> {
  return utf8Encode(bytes ? `${recordKey}\u0000bytes` : recordKey);
}

/** Encrypted records under string keys; values are JSON, or bytes (a Uint8Array comes back as one). */
export interface CacheStore {
  readonly name: string;
  /** Every record, decrypted. A record that does not open (another KEK, tampering) is reported in `broken`. */
  readAll(): Promise<{ records: Map<string, unknown>; broken: string[] }>;
  /** The keys of every record. */
  keys(): Promise<string[]>;
  /** These records (the ones that exist), decrypted, like readAll. */
  read(keys: readonly string[]): Promise<{ records: Map<string, unknown>; broken: string[] }>;
  /** One transaction: puts (value) and deletes (undefined). */
  write(changes: Map<string, unknown>): Promise<void>;
  clear(): Promise<void>;
}

/** The cache for an account, or null where it cannot exist (no IndexedDB or no crypto.subtle: memory only). */
export async function openCacheStore(accountId: string, kek: JsonWebKey): Promise<CacheStore | null> {
  if (typeof indexedDB === 'undefined' || globalThis.crypto?.subtle === undefined) return null;
  const name = CACHE_PREFIX + accountId;
  const opened = epoch;
  let key: CryptoKey;
  try {
    key = await deriveKey(kek, accountId);
    await openDb(name);
  } catch {
    return null;
  }
  const subtle = globalThis.crypto.subtle;

  const seal = async (recordKey: string, value: unknown): Promise<Sealed> => {
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const bytes = value instanceof Uint8Array;
    const plain: BufferSource = bytes ? (value as Uint8Array<ArrayBuffer>) : utf8Encode(JSON.stringify(value));
    const data = await subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad(recordKey, bytes) }, key, plain);
    return bytes ? { iv, data, b: 1 } : { iv, data };
  };
  const open = async (recordKey: string, sealed: Sealed): Promise<unknown> => {
    const plain = await subtle.decrypt(
      { name: 'AES-GCM', iv: new Uint8Array(sealed.iv), additionalData: aad(recordKey, sealed.b === 1) },
      key,
      sealed.data,
    );
    return sealed.b === 1 ? new Uint8Array(plain) : JSON.parse(utf8Decode(new Uint8Array(plain)));
  };

  const openAll = async (keys: readonly IDBValidKey[], values: ReadonlyArray<Sealed | undefined>) => {
    mark('cache:records-read');
    const records = new Map<string, unknown>();
    const broken: string[] = [];
    await Promise.all(
      keys.map(async (recordKey, n) => {
        const value = values[n];
        if (value === undefined) return;
        try {
          records.set(String(recordKey), await open(String(recordKey), value));
        } catch {
          broken.push(String(recordKey));
        }
      }),
    );
    return { records, broken };
  };

  return {
    name,
    async readAll() {
      const db = await openDb(name);
      // Keys and values of one read transaction, so they line up.
      const [keys, values] = await new Promise<[IDBValidKey[], Sealed[]]>((resolve, reject) => {
        const tx = db.transaction(STORE, 'readonly');
        const store = tx.objectStore(STORE);
        const keyRequest = store.getAllKeys();
        const valueRequest = store.getAll();
        tx.oncomplete = () => resolve([keyRequest.result, valueRequest.result as Sealed[]]);
        tx.onerror = tx.onabort = () => reject(tx.error);
      });
      return openAll(keys, values);
    },
    async keys() {
      const db = await openDb(name);
      return (await transaction<IDBValidKey[]>(db, 'readonly', (store) => store.getAllKeys())).map(String);
    },
    async read(keys) {
      const db = await openDb(name);
      const values = await new Promise<Array<Sealed | undefined>>((resolve, reject) => {
        const tx = db.transaction(STORE, 'readonly');
        const store = tx.objectStore(STORE);
        const requests = keys.map((recordKey) => store.get(recordKey));
        tx.oncomplete = () => resolve(requests.map((request) => request.result as Sealed | undefined));
        tx.onerror = tx.onabort = () => reject(tx.error);
      });
      return openAll(keys, values);
    },
    async write(changes) {
      if (epoch !== opened) return;
      // Encrypt first: an IndexedDB transaction commits as soon as it has nothing to do across an await.
      const sealed = await Promise.all(
        [...changes].map(async ([recordKey, value]) => [recordKey, value === undefined ? undefined : await seal(recordKey, value)] as const),
      );
      if (epoch !== opened) return;
      const db = await openDb(name);
      await transaction<void>(db, 'readwrite', (store) => {
        for (const [recordKey, value] of sealed) {
          if (value === undefined) store.delete(recordKey);
          else store.put(value, recordKey);
        }
      });
    },
    async clear() {
      if (epoch !== opened) return;
      const db = await openDb(name);
      await transaction<void>(db, 'readwrite', (store) => void store.clear());
    },
  };
}

function deleteDb(name: string): Promise<void> {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    // "blocked" means another tab still has it open; its onversionchange closes it and the delete proceeds.
    // Logout must not hang on that, so give up waiting after a while (the delete stays queued).
    const timer = setTimeout(resolve, OPEN_TIMEOUT_MS);
    request.onsuccess = request.onerror = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}

/**
 * LOGOUT (README.md D8): deletes the cache databases of these accounts and, where the browser can list
 * databases, every other `offen-cache-*` database of this origin too.
 */
export async function deleteCaches(accountIds: Iterable<string>): Promise<void> {
  epoch++;
  if (typeof indexedDB === 'undefined') return;
  const names = new Set<string>([...accountIds].map((id) => CACHE_PREFIX + id));
  for (const name of connections.keys()) names.add(name);
  try {
    for (const info of (await indexedDB.databases?.()) ?? []) {
      if (info.name?.startsWith(CACHE_PREFIX)) names.add(info.name);
    }
  } catch {
    // databases() is missing or failed: the named ones are still deleted.
  }
  await Promise.all(
    [...names].map(async (name) => {
      const pending = connections.get(name);
      connections.delete(name);
      if (pending) {
        try {
          (await pending).close();
        } catch {
          // never opened
        }
      }
      await deleteDb(name);
    }),
  );
}
