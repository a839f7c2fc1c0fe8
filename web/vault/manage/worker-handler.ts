// The decryption work an operator query hands to its Web Workers (clients-and-crypto.md §4.4 "An operator
// decrypting", steps 3 and 4): RSA-OAEP for user secrets and AES-GCM for event payloads, batched. The same
// handler runs inside each worker (worker.ts) and, where workers or crypto.subtle are missing, in-process on
// the main thread with the vault's provider (§4.6), so both paths decrypt and validate identically.
import type { CryptoProvider } from '../../shared/crypto.ts';
import { isEventPayload } from './schema.ts';
import type { NormalizedEvent } from './types.ts';

/** Open user secrets: `items` are [secretId, encryptedSecret]; the private JWK travels once per worker. */
export interface SecretsRequest {
  id: number;
  type: 'secrets';
  keyId: number;
  privateKey?: JsonWebKey;
  items: Array<[secretId: string, value: string]>;
}

/**
 * Open event payloads with already opened user secrets (only those this batch needs ride along): as the
 * CryptoKey a worker imported when it opened the secret where there is one (structured-cloning a CryptoKey
 * costs about a tenth of importing its JWK again), else as the JWK.
 */
export interface EventsRequest {
  id: number;
  type: 'events';
  accountId: string;
  secrets: Record<string, JsonWebKey | CryptoKey>;
  items: Array<[eventId: string, secretId: string, payload: string]>;
}

export type WorkerRequest = SecretsRequest | EventsRequest;

/** Replies are aligned with the request's items; null marks what did not open (§4.4 step 4: dropped). */
export type WorkerReply =
  | { id: number; type: 'secrets'; secrets: Array<JsonWebKey | null>; keys?: Array<CryptoKey | null> }
  | { id: number; type: 'events'; events: Array<NormalizedEvent | null> }
  | { id: number; type: 'error'; message: string };

/** Crypto for the two kinds of work. Separate providers keep the private key out of the AES key cache's LRU. */
export interface WorkerCrypto {
  rsa: CryptoProvider;
  aes: CryptoProvider;
  /** Native AES-GCM keys (workers only): each opened secret is imported once and its CryptoKey sent back. */
  keys?: KeyCrypto;
}

export interface KeyCrypto {
  /** Imports a user secret exactly as the providers do (§4.3), so a JWK that fails there fails here. */
  importSecret(jwk: JsonWebKey): Promise<CryptoKey>;
  decrypt(key: CryptoKey, envelope: string): Promise<string>;
  isKey(value: unknown): value is CryptoKey;
}

/** One handler per worker: it remembers the private JWKs it was sent, by keyId, for later batches. */
export function createWorkerHandler(crypto: WorkerCrypto): (request: WorkerRequest) => Promise<WorkerReply> {
  const privateKeys = new Map<number, JsonWebKey>();

  async function openSecret(privateKey: JsonWebKey, value: string): Promise<JsonWebKey | null> {
    try {
      const secret: unknown = JSON.parse(await crypto.rsa.decryptAsymmetric(privateKey, value));
      return secret !== null && typeof secret === 'object' && !Array.isArray(secret) ? (secret as JsonWebKey) : null;
    } catch {
      return null;
    }
  }

  async function importSecret(secret: JsonWebKey | null): Promise<CryptoKey | null> {
    if (!secret || !crypto.keys) return null;
    try {
      return await crypto.keys.importSecret(secret);
    } catch {
      return null;
    }
  }

  async function openEvent(accountId: string, secret: JsonWebKey | CryptoKey | undefined, eventId: string, secretId: string, payload: string): Promise<NormalizedEvent | null> {
    if (!secret) return null;
    let plain: unknown;
    try {
      const keys = crypto.keys;
      plain = JSON.parse(keys?.isKey(secret) ? await keys.decrypt(secret, payload) : await crypto.aes.decryptSymmetric(secret as JsonWebKey, payload));
    } catch {
      return null;
    }
    // §2.3 read-side schema: events that fail it are dropped silently (§7.18).
    if (!isEventPayload(plain)) return null;
    return { ...plain, eventId, accountId, secretId };
  }

  return async (request) => {
    try {
      if (request.type === 'secrets') {
        if (request.privateKey) privateKeys.set(request.keyId, request.privateKey);
        const privateKey = privateKeys.get(request.keyId);
        if (!privateKey) throw new Error(`worker has no private key ${request.keyId}`);
        const secrets = await Promise.all(request.items.map(([, value]) => openSecret(privateKey, value)));
        if (!crypto.keys) return { id: request.id, type: 'secrets', secrets };
        const keys = await Promise.all(secrets.map(importSecret));
        return { id: request.id, type: 'secrets', secrets, keys };
      }
      const events = await Promise.all(
        request.items.map(([eventId, secretId, payload]) => openEvent(request.accountId, request.secrets[secretId], eventId, secretId, payload)),
      );
      return { id: request.id, type: 'events', events };
    } catch (err) {
      return { id: request.id, type: 'error', message: err instanceof Error ? err.message : String(err) };
    }
  };
}
