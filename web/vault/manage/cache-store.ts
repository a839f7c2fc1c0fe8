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
/**
 * Per-day records of these kinds are stored together, PACK_DAYS days to one IndexedDB record (`pack:<kind>:<g>`),
 * sealed as one value. A page load reads a few hundred of them, and Chromium pays per record read, most for
 * values over 64 KB, which it keeps as blobs outside its database: in one measured run 171 values of 70 KB took
 * 160–230 ms to read, the same 12 MB as 6 values 60–85 ms. The directory record lists the members of each pack,
 * so `keys()` answers without opening them. A record of these kinds stored on its own (an older cache) is still
 * read, and replaced by its packed copy when it is next written.
 */
const PACKED = /^(agg|sum|tim):(-?\d+)$/;
const PACK_DAYS = 32;
const PACK_PREFIX = 'pack:';
const DIRECTORY = 'pack:dir';

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

/** An AES-256-GCM key derived from the account's KEK with HKDF-SHA-256 (salt: the account id; `info` separates uses). */
export async function deriveFromKek(kek: JsonWebKey, accountId: string, info: string): Promise<CryptoKey> {
  if (typeof kek.k !== 'string') throw new Error('the KEK has no key material');
  const subtle = globalThis.crypto.subtle;
  const material = await subtle.importKey('raw', decodeBase64Url(kek.k, 'KEK k'), 'HKDF', false, ['deriveKey']);
  return subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: utf8Encode(accountId), info: utf8Encode(info) },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** The pack a record belongs in, or null for a record stored on its own. */
export function packOf(recordKey: string): string | null {
  const match = PACKED.exec(recordKey);
  return match ? `${PACK_PREFIX}${match[1]}:${Math.floor(Number(match[2]) / PACK_DAYS)}` : null;
}

/** A pack's plaintext: per member, key length (u16), key (UTF-8), 1 for bytes or 0 for JSON, length (u32), value. */
function encodePack(members: ReadonlyMap<string, unknown>): Uint8Array<ArrayBuffer> {
  const parts: Array<[Uint8Array, boolean, Uint8Array]> = [];
  let size = 0;
  for (const [recordKey, value] of members) {
    const bytes = value instanceof Uint8Array;
    const key = utf8Encode(recordKey);
    const data = bytes ? (value as Uint8Array) : utf8Encode(JSON.stringify(value));
    parts.push([key, bytes, data]);
    size += 7 + key.length + data.length;
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const [key, bytes, data] of parts) {
    view.setUint16(at, key.length);
    out.set(key, at + 2);
    at += 2 + key.length;
    out[at] = bytes ? 1 : 0;
    view.setUint32(at + 1, data.length);
    out.set(data, at + 5);
    at += 5 + data.length;
  }
  return out;
}

function decodePack(plain: Uint8Array): Map<string, unknown> {
  const members = new Map<string, unknown>();
  const view = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
  let at = 0;
  while (at < plain.length) {
    if (at + 2 > plain.length) throw new Error('a truncated pack');
    const keyLength = view.getUint16(at);
    const keyEnd = at + 2 + keyLength;
    if (keyEnd + 5 > plain.length) throw new Error('a truncated pack');
    const recordKey = utf8Decode(plain.subarray(at + 2, keyEnd));
    const bytes = plain[keyEnd] === 1;
    const end = keyEnd + 5 + view.getUint32(keyEnd + 1);
    if (end > plain.length) throw new Error('a truncated pack');
    // A copy, so a member does not hold the whole pack's buffer.
    const data = plain.slice(keyEnd + 5, end);
    members.set(recordKey, bytes ? data : JSON.parse(utf8Decode(data)));
    at = end;
  }
  return members;
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
    key = await deriveFromKek(kek, accountId, INFO);
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

  /** Gets these keys' values in one read transaction (undefined where absent). */
  const getMany = async (keys: readonly string[]): Promise<Array<Sealed | undefined>> => {
    if (keys.length === 0) return [];
    const db = await openDb(name);
    return new Promise<Array<Sealed | undefined>>((resolve, reject) => {
      const tx = db.transaction(STORE, 'readonly');
      const store = tx.objectStore(STORE);
      const requests = keys.map((recordKey) => store.get(recordKey));
      tx.oncomplete = () => resolve(requests.map((request) => request.result as Sealed | undefined));
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  };

  // The directory (pack → member keys) as last read or written, and the packs opened so far, so a write
  // changes a pack from what this store read instead of reading it again. null: a pack that did not open.
  let directory: Map<string, Set<string>> | null = null;
  const openPacks = new Map<string, Map<string, unknown> | null>();
  /** False when the directory is there but does not open. */
  const openDirectory = async (sealed: Sealed | undefined): Promise<boolean> => {
    directory = new Map();
    if (sealed === undefined) return true;
    try {
      for (const [pack, members] of Object.entries((await open(DIRECTORY, sealed)) as Record<string, string[]>)) {
        directory.set(pack, new Set(members));
      }
      return true;
    } catch {
      // The packs cannot be found without it: their records count as absent and are written again.
      directory = new Map();
      return false;
    }
  };
  const loadDirectory = async (): Promise<Map<string, Set<string>>> => {
    if (!directory) await openDirectory((await getMany([DIRECTORY]))[0]);
    return directory!;
  };
  const openPack = async (pack: string, sealed: Sealed | undefined): Promise<Map<string, unknown> | null> => {
    let members: Map<string, unknown> | null = null;
    try {
      if (sealed !== undefined) members = decodePack((await open(pack, sealed)) as Uint8Array);
    } catch {
      members = null;
    }
    openPacks.set(pack, members);
    return members;
  };
  /** Whether this key is a member of its pack (else it is stored on its own, if at all). */
  const packed = (dir: Map<string, Set<string>>, recordKey: string): string | null => {
    const pack = packOf(recordKey);
    return pack !== null && dir.get(pack)?.has(recordKey) === true ? pack : null;
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

  /** Logical records from the packs' members: those wanted (all when undefined), or broken with their pack. */
  const fromPacks = (wanted: ReadonlyMap<string, readonly string[]>, into: { records: Map<string, unknown>; broken: string[] }) => {
    for (const [pack, keys] of wanted) {
      const members = openPacks.get(pack);
      for (const recordKey of keys) {
        if (members === null || members === undefined) into.broken.push(recordKey);
        else if (members.has(recordKey)) into.records.set(recordKey, members.get(recordKey));
      }
    }
    return into;
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
      const at = keys.map(String).indexOf(DIRECTORY);
      const readable = await openDirectory(at >= 0 ? values[at] : undefined);
      const wanted = new Map<string, string[]>();
      const own: number[] = [];
      await Promise.all(
        keys.map(async (recordKey, n) => {
          const key = String(recordKey);
          if (key === DIRECTORY) return;
          if (key.startsWith(PACK_PREFIX)) {
            // A pack whose members are unknown (the directory did not open) is reported by its own key.
            wanted.set(key, directory!.has(key) ? [...directory!.get(key)!] : [key]);
            await openPack(key, values[n]);
          } else if (!packed(directory!, key)) own.push(n);
        }),
      );
      const all = fromPacks(wanted, await openAll(own.map((n) => keys[n]), own.map((n) => values[n])));
      if (!readable) all.broken.push(DIRECTORY);
      return all;
    },
    async keys() {
      const db = await openDb(name);
      const [keys, sealed] = await new Promise<[IDBValidKey[], Sealed | undefined]>((resolve, reject) => {
        const tx = db.transaction(STORE, 'readonly');
        const store = tx.objectStore(STORE);
        const keyRequest = store.getAllKeys();
        const directoryRequest = store.get(DIRECTORY);
        tx.oncomplete = () => resolve([keyRequest.result, directoryRequest.result as Sealed | undefined]);
        tx.onerror = tx.onabort = () => reject(tx.error);
      });
      await openDirectory(sealed);
      const all = new Set<string>();
      for (const recordKey of keys) if (!String(recordKey).startsWith(PACK_PREFIX)) all.add(String(recordKey));
      const stored = new Set(keys.map(String));
      for (const [pack, members] of directory!) if (stored.has(pack)) for (const member of members) all.add(member);
      return [...all];
    },
    async read(keys) {
      const dir = await loadDirectory();
      const wanted = new Map<string, string[]>();
      const own: string[] = [];
      for (const recordKey of keys) {
        const pack = packed(dir, recordKey);
        if (pack === null) own.push(recordKey);
        else if (wanted.has(pack)) wanted.get(pack)!.push(recordKey);
        else wanted.set(pack, [recordKey]);
      }
      const unopened = [...wanted.keys()].filter((pack) => !openPacks.has(pack));
      const values = await getMany([...own, ...unopened]);
      await Promise.all(unopened.map((pack, n) => openPack(pack, values[own.length + n])));
      return fromPacks(wanted, await openAll(own, values.slice(0, own.length)));
    },
    async write(changes) {
      if (epoch !== opened) return;
      const dir = new Map([...(await loadDirectory())].map(([pack, members]) => [pack, new Set(members)]));
      // Packs to change: from what this store opened, else read first (one that does not open starts empty).
      const byPack = new Map<string, Array<[string, unknown]>>();
      const own = new Map<string, unknown>();
      for (const [recordKey, value] of changes) {
        const pack = packOf(recordKey);
        if (pack === null) own.set(recordKey, value);
        else if (byPack.has(pack)) byPack.get(pack)!.push([recordKey, value]);
        else byPack.set(pack, [[recordKey, value]]);
        // A copy stored on its own by an older cache gives way to the packed one.
        if (pack !== null) own.set(recordKey, undefined);
      }
      const unread = [...byPack.keys()].filter((pack) => !openPacks.has(pack) && dir.has(pack));
      const values = await getMany(unread);
      await Promise.all(unread.map((pack, n) => openPack(pack, values[n])));
      const packs = new Map<string, Map<string, unknown> | undefined>();
      for (const [pack, entries] of byPack) {
        const members = new Map(openPacks.get(pack) ?? []);
        for (const [recordKey, value] of entries) {
          if (value === undefined) members.delete(recordKey);
          else members.set(recordKey, value);
        }
        packs.set(pack, members.size > 0 ? members : undefined);
        if (members.size > 0) dir.set(pack, new Set(members.keys()));
        else dir.delete(pack);
      }
      // Encrypt first: an IndexedDB transaction commits as soon as it has nothing to do across an await.
      const sealed = await Promise.all([
        ...[...own].map(async ([recordKey, value]) => [recordKey, value === undefined ? undefined : await seal(recordKey, value)] as const),
        ...[...packs].map(async ([pack, members]) => [pack, members === undefined ? undefined : await seal(pack, encodePack(members))] as const),
        ...(byPack.size > 0 ? [(async () => [DIRECTORY, await seal(DIRECTORY, Object.fromEntries([...dir].map(([pack, m]) => [pack, [...m]])))] as const)()] : []),
      ]);
      if (epoch !== opened) return;
      const db = await openDb(name);
      await transaction<void>(db, 'readwrite', (store) => {
        for (const [recordKey, value] of sealed) {
          if (value === undefined) store.delete(recordKey);
          else store.put(value, recordKey);
        }
      });
      directory = dir;
      for (const [pack, members] of packs) openPacks.set(pack, members ?? new Map());
    },
    async clear() {
      if (epoch !== opened) return;
      const db = await openDb(name);
      await transaction<void>(db, 'readwrite', (store) => void store.clear());
      directory = new Map();
      openPacks.clear();
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
