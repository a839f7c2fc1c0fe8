// The shared secret cache (docs/adr/0005-shared-caches.md): a visitor's user secret, once any operator's
// browser has opened it with the account's private key (RSA-OAEP-4096, about 6 ms each), is stored on the
// server sealed with AES-256-GCM under a key derived from the account's KEK, so every later load in any
// browser of any operator of the account opens it with one AES operation instead. The server holds only
// ciphertext it cannot open (it never sees a KEK after login), bound to the visitor and to the encrypted
// secret it was opened from: a value for another visitor, or for a visitor who has since sent a new secret
// (server.md §5.6), does not open, and that secret takes the RSA path again.
import { api } from '../api.ts';
import { formatEnvelope, parseSymmetricEnvelope, utf8Decode, utf8Encode } from '../../shared/envelope.ts';
import { deriveFromKek } from './cache-store.ts';
import { secretFingerprint } from './cache-view.ts';
import type { AccountView } from './cache-view.ts';
import { secretsToOpen } from './decrypt-pipeline.ts';

/** HKDF info: this key seals nothing but the shared secret cache. */
const INFO = 'offen shared secret cache v1';
/**
 * Entries per upload: the server takes at most 20,000 and 4 MiB per request (one entry is about 250 bytes of
 * JSON), and spaces an account's uploads a second apart.
 */
export const UPLOAD_BATCH = 12_000;
/**
 * A sync fetches the shared cache only when it has at least this many secrets to open: fewer cost less by
 * RSA than downloading every entry of a big account (about 13 MB for 100,000 visitors).
 */
export const SHARED_MIN = 200;

export function sharedSecretsKey(kek: JsonWebKey, accountId: string): Promise<CryptoKey> {
  return deriveFromKek(kek, accountId, INFO);
}

/** The visitor and the encrypted secret a value belongs to, authenticated with it. */
function binding(secretId: string, encryptedSecret: string): Uint8Array<ArrayBuffer> {
  return utf8Encode(`${secretId}\u0000${secretFingerprint(encryptedSecret)}`);
}

/** `{1,} <base64 ciphertext‖tag> <base64 IV>`, the envelope of upstream's symmetric values. */
export async function sealShared(key: CryptoKey, secretId: string, encryptedSecret: string, jwk: JsonWebKey): Promise<string> {
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const cipher = await globalThis.crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: binding(secretId, encryptedSecret) },
    key,
    utf8Encode(JSON.stringify(jwk)),
  );
  return formatEnvelope(1, new Uint8Array(cipher), iv);
}

/** The secret in a shared value, or null when it does not open for this visitor and encrypted secret. */
export async function openShared(key: CryptoKey, secretId: string, encryptedSecret: string, sealed: string): Promise<JsonWebKey | null> {
  try {
    const { cipher, iv } = parseSymmetricEnvelope(sealed);
    const plain = await globalThis.crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: binding(secretId, encryptedSecret) }, key, cipher);
    const jwk = JSON.parse(utf8Decode(new Uint8Array(plain))) as JsonWebKey;
    return jwk && typeof jwk === 'object' && typeof jwk.k === 'string' ? jwk : null;
  } catch {
    return null;
  }
}

/** Every shared value of the account; an empty map when the server has none or cannot answer. */
export async function fetchShared(accountId: string): Promise<Map<string, string>> {
  try {
    const response = await api<{ secrets?: Record<string, unknown> }>('GET', `/api/accounts/${encodeURIComponent(accountId)}/cached-secrets`);
    const values = new Map<string, string>();
    for (const [secretId, value] of Object.entries(response?.secrets ?? {})) if (typeof value === 'string') values.set(secretId, value);
    return values;
  } catch {
    return new Map();
  }
}

/** Uploads sealed values in batches; best effort (a failure only means another browser opens them by RSA). */
export async function uploadShared(accountId: string, values: ReadonlyMap<string, string>): Promise<number> {
  const entries = [...values];
  let stored = 0;
  for (let at = 0; at < entries.length; at += UPLOAD_BATCH) {
    try {
      const reply = await api<{ stored?: number }>('POST', `/api/accounts/${encodeURIComponent(accountId)}/cached-secrets`, {
        secrets: Object.fromEntries(entries.slice(at, at + UPLOAD_BATCH)),
      });
      stored += typeof reply?.stored === 'number' ? reply.stored : 0;
    } catch {
      return stored;
    }
  }
  return stored;
}

/** What a sync needs of the shared cache: its values (fetched once, when first worth it) and what to share. */
export class SharedSecrets {
  private values: Map<string, string> | null = null;
  private key: Promise<CryptoKey> | null = null;
  /** Secrets this sync had to open itself: secretId → the encrypted value they were opened from. */
  private readonly unshared = new Map<string, string>();

  constructor(
    private readonly accountId: string,
    private readonly kek: JsonWebKey,
  ) {}

  private keyOf(): Promise<CryptoKey> {
    return (this.key ??= sharedSecretsKey(this.kek, this.accountId));
  }

  /**
   * Opens from the shared cache the secrets these records need and the view lacks (or holds for another
   * encrypted value); the rest are left to RSA (startDecryption) and shared after the sync.
   */
  async openFor(
    view: AccountView,
    records: ReadonlyArray<{ secretId?: string | null; payload?: unknown }>,
    secretValue: (secretId: string) => string | undefined | Promise<string | undefined>,
  ): Promise<number> {
    const toOpen = await secretsToOpen(view, records, secretValue);
    if (toOpen.length === 0) return 0;
    if (this.values === null && toOpen.length >= SHARED_MIN) this.values = await fetchShared(this.accountId);
    let opened = 0;
    const values = this.values;
    const key = values !== null && values.size > 0 ? await this.keyOf().catch(() => null) : null;
    await Promise.all(
      toOpen.map(async ([secretId, value]) => {
        const sealed = values?.get(secretId);
        const jwk = key && sealed !== undefined ? await openShared(key, secretId, value, sealed) : null;
        if (jwk) {
          view.setSecret(secretId, { fp: secretFingerprint(value), jwk });
          opened++;
        } else {
          this.unshared.set(secretId, value);
        }
      }),
    );
    return opened;
  }

  /** Seals and uploads the secrets this sync opened by RSA (best effort). */
  async share(view: AccountView): Promise<number> {
    if (this.unshared.size === 0) return 0;
    let key: CryptoKey;
    try {
      key = await this.keyOf();
    } catch {
      return 0;
    }
    const sealed = new Map<string, string>();
    await Promise.all(
      [...this.unshared].map(async ([secretId, value]) => {
        const entry = view.secrets.get(secretId);
        if (entry?.jwk && entry.fp === secretFingerprint(value)) sealed.set(secretId, await sealShared(key, secretId, value, entry.jwk));
      }),
    );
    this.unshared.clear();
    return sealed.size > 0 ? uploadShared(this.accountId, sealed) : 0;
  }
}
