// The native CryptoProvider on crypto.subtle (clients-and-crypto.md §4.1, §4.3, §4.4).
// Keys are imported with exactly the vault's parameters (§4.3 "How the vault imports keys"), so a JWK that
// works here also works in upstream's vault, and the other way round.
import type { CryptoProvider } from './crypto.ts';
import {
  formatEnvelope,
  parseAsymmetricEnvelope,
  parseSymmetricEnvelope,
  utf8Decode,
  utf8Encode,
} from './envelope.ts';

const RSA_OAEP = { name: 'RSA-OAEP', hash: 'SHA-256' } as const;
/** Bounds the key cache: an operator decrypts one user secret per visitor (§4.4), which can be many. */
const CACHE_LIMIT = 1000;

type KeyKind = 'aes' | 'rsa-public' | 'rsa-private';

/** Looked up at call time: the module is imported by the vault core even where crypto.subtle is missing. */
function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (s === undefined) throw new Error('crypto.subtle is not available (insecure context?)');
  return s;
}

export function createWebCryptoProvider(): CryptoProvider {
  // Imported CryptoKeys per JWK: an operator opens many events with the same user secret and many secrets
  // with the same private key (§4.4), and importing a 4096-bit private key is not free. The key is the
  // whole JWK, so a JWK that WebCrypto would reject is never served from a valid twin's cache entry.
  const cache = new Map<string, Promise<CryptoKey>>();

  function importKey(kind: KeyKind, jwk: JsonWebKey): Promise<CryptoKey> {
    const id = `${kind}:${JSON.stringify(jwk)}`;
    const hit = cache.get(id);
    if (hit !== undefined) return hit;
    const imported =
      kind === 'aes'
        ? webCryptoKeys.importSecret(jwk)
        : subtle().importKey('jwk', jwk, RSA_OAEP, false, kind === 'rsa-private' ? ['decrypt'] : ['encrypt']);
    if (cache.size >= CACHE_LIMIT) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
    cache.set(id, imported);
    // A rejected import is not remembered; the caller sees the rejection.
    imported.catch(() => cache.delete(id));
    return imported;
  }

  return {
    forgetKeys: () => cache.clear(),
    async createUserSecret(): Promise<JsonWebKey> {
      // §4.1: generateKey({name:'AES-GCM',length:128}, extractable) exported as JWK, which yields
      // {alg:"A128GCM", ext:true, k, key_ops:["encrypt","decrypt"], kty:"oct"}.
      const key = await subtle().generateKey({ name: 'AES-GCM', length: 128 }, true, ['encrypt', 'decrypt']);
      return subtle().exportKey('jwk', key);
    },

    async encryptSymmetric(jwk: JsonWebKey, plaintext: string): Promise<string> {
      const key = await importKey('aes', jwk);
      // §4.4: a fresh 12-byte IV per message; WebCrypto appends the 128-bit tag to the ciphertext.
      const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
      const sealed = await subtle().encrypt({ name: 'AES-GCM', iv }, key, utf8Encode(plaintext));
      return formatEnvelope(1, new Uint8Array(sealed), iv);
    },

    async decryptSymmetric(jwk: JsonWebKey, envelope: string): Promise<string> {
      const { cipher, iv } = parseSymmetricEnvelope(envelope);
      const key = await importKey('aes', jwk);
      // WebCrypto takes 16-byte IVs as well (GHASH-derived counter), which forge-era payloads carry (D7).
      const plain = await subtle().decrypt({ name: 'AES-GCM', iv }, key, cipher);
      return utf8Decode(new Uint8Array(plain));
    },

    async encryptAsymmetric(publicJwk: JsonWebKey, plaintext: string): Promise<string> {
      const key = await importKey('rsa-public', publicJwk);
      const block = await subtle().encrypt(RSA_OAEP, key, utf8Encode(plaintext));
      // §4.3: RSA blobs have only two tokens.
      return formatEnvelope(1, new Uint8Array(block));
    },

    async decryptAsymmetric(privateJwk: JsonWebKey, envelope: string): Promise<string> {
      const block = parseAsymmetricEnvelope(envelope);
      const key = await importKey('rsa-private', privateJwk);
      const plain = await subtle().decrypt(RSA_OAEP, key, block);
      return utf8Decode(new Uint8Array(plain));
    },
  };
}

/**
 * AES-GCM with imported user secrets (the decryption workers, worker-handler.ts): the import has exactly the
 * parameters of the provider's, so a JWK either opens the same payloads on both paths or fails on both.
 */
export const webCryptoKeys = {
  importSecret(jwk: JsonWebKey): Promise<CryptoKey> {
    return subtle().importKey('jwk', jwk, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  },
  async decrypt(key: CryptoKey, envelope: string): Promise<string> {
    const { cipher, iv } = parseSymmetricEnvelope(envelope);
    return utf8Decode(new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv }, key, cipher)));
  },
  isKey(value: unknown): value is CryptoKey {
    return typeof CryptoKey !== 'undefined' && value instanceof CryptoKey;
  },
};

/** The vault's native provider (one key cache per vault). */
export const webCryptoProvider: CryptoProvider = createWebCryptoProvider();
