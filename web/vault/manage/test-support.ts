// Test helpers for the manage bundle's tests (not bundled: only *.test.ts import this file).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database, Table, TableName } from '../storage.ts';
import { webCryptoProvider } from '../../shared/webcrypto.ts';
import type { EventPayload, LoginResult } from '../../shared/protocol.ts';

/** crypto-vectors.json (clients-and-crypto.md §6): KEK -> private JWK -> user secret -> payload. */
// Resolved with node:path: under happy-dom the global URL is the DOM's, which resolves against the page URL.
export function loadVectors(): {
  kekWrap: { kekAsJwkSentAtLogin: JsonWebKey };
  encryptedPrivateKey: { value: string };
  encryptedUserSecret: { encryptedSecret: string; plaintext: string };
  eventPayload: { userSecretJwk: JsonWebKey; plaintextUtf8: string; cipher12ByteNonce: string };
} {
  const here = dirname(fileURLToPath(import.meta.url));
  return JSON.parse(readFileSync(resolve(here, '../../../tests/Offen.Crypto.Tests/Vectors/crypto-vectors.json'), 'utf8'));
}

const PRIMARY_KEYS: Record<Exclude<TableName, 'keys'>, string> = { events: 'eventId', checkpoints: 'type', aggregates: 'timestamp' };

/** An in-memory stand-in for storage.ts's Database with the same key semantics (§4.7). */
export class MemoryDatabase implements Database {
  readonly tables = new Map<TableName, Map<string, unknown>>();
  private nextKey = 1;
  constructor(readonly name: string) {}

  table<T>(name: TableName): Table<T> {
    let rows = this.tables.get(name);
    if (!rows) this.tables.set(name, (rows = new Map()));
    const store = rows as Map<string, T>;
    const keyOf = (record: T): string =>
      name === 'keys' ? String(this.nextKey++) : String((record as Record<string, unknown>)[PRIMARY_KEYS[name]]);
    return {
      get: async (key) => structuredClone(store.get(key)),
      put: async (record) => void store.set(keyOf(record), structuredClone(record)),
      bulkPut: async (records) => records.forEach((record) => store.set(keyOf(record), structuredClone(record))),
      delete: async (key) => void store.delete(key),
      bulkDelete: async (keys) => keys.forEach((key) => store.delete(key)),
      clear: async () => store.clear(),
      toArray: async () => [...store.entries()].sort(([a], [b]) => (name === 'keys' ? Number(a) - Number(b) : a < b ? -1 : 1)).map(([, v]) => structuredClone(v)),
    };
  }
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** A ULID with the given time and a readable tail (the tail is padded, so ids sort by time, then tail). */
export function ulid(time: number, tail = ''): string {
  let head = '';
  for (let t = time, i = 0; i < 10; i++, t = Math.floor(t / 32)) head = CROCKFORD[t % 32] + head;
  return head + tail.toUpperCase().padEnd(16, '0').slice(0, 16);
}

export function pageview(overrides: Partial<EventPayload> = {}): EventPayload {
  return {
    type: 'PAGEVIEW',
    href: 'https://www.example.com/',
    referrer: '',
    pageload: 100,
    isMobile: false,
    timestamp: '2024-10-11T19:44:17.123Z',
    sessionId: '0b6f2c3e-4a5d-4e6f-8a9b-0c1d2e3f4a5b',
    geo: 'DE',
    ...overrides,
  };
}

/** A fresh WebCrypto user secret and a payload envelope under it (§4.4 "Encrypting an event"). */
export const newUserSecret = () => webCryptoProvider.createUserSecret();
export const seal = (secret: JsonWebKey, payload: unknown) => webCryptoProvider.encryptSymmetric(secret, JSON.stringify(payload));

export function loginResult(accountId: string, kek: JsonWebKey | null, accountUserId = 'account-user-1'): LoginResult {
  return {
    accountUserId,
    adminLevel: 1,
    accounts: [{ accountName: 'Example', accountId, keyEncryptionKey: kek, created: '2024-10-01T00:00:00Z' }],
  };
}
