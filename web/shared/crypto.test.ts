// Both CryptoProviders against every browser-side vector of crypto-vectors.json (clients-and-crypto.md §6)
// and against each other. The vectors are the repository copy of ../shared/spec/crypto-vectors.json (the one
// Offen.Crypto.Tests reads too).
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { userlandProvider } from '../vault/userland.ts';
import type { CryptoProvider } from './crypto.ts';
import { decodeBase64, encodeBase64Url, formatEnvelope, parseEnvelope } from './envelope.ts';
import { vectorKeyPair, vectors } from './test-vectors.ts';
import { webCryptoProvider } from './webcrypto.ts';


const providers: Array<[string, CryptoProvider]> = [
  ['webcrypto', webCryptoProvider],
  ['userland', userlandProvider],
];

/** §4.3 "How the vault imports keys". */
const importAes = (jwk: JsonWebKey) =>
  crypto.subtle.importKey('jwk', jwk, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
const importRsa = (jwk: JsonWebKey, usage: 'encrypt' | 'decrypt') =>
  crypto.subtle.importKey('jwk', jwk, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, [usage]);

/** Flips one bit of the token at `index` (0 = cipher, 1 = nonce) and re-encodes the envelope. */
function tamper(envelope: string, token: 0 | 1, byte: number): string {
  const { algo, cipher, nonce } = parseEnvelope(envelope);
  const target = token === 0 ? cipher : nonce;
  if (target === undefined) throw new Error('no such token');
  target[(byte + target.length) % target.length] ^= 0x01;
  return formatEnvelope(algo, cipher, nonce);
}

// The upstream RSA-4096 test key pair, recovered from the chain; the public half is its {kty,n,e}.
let privateJwk: JsonWebKey;
let publicJwk: JsonWebKey;

beforeAll(async () => {
  ({ privateJwk, publicJwk } = await vectorKeyPair());
});

describe('vectors file', () => {
  it('the KEK JWK form is the base64url (unpadded) of the raw KEK and imports with the vault parameters', async () => {
    const { kekRawBase64, kekAsJwkSentAtLogin } = vectors.kekWrap;
    expect(kekAsJwkSentAtLogin).toEqual({ k: encodeBase64Url(decodeBase64(kekRawBase64)), kty: 'oct' });
    expect(vectors.encryptedPrivateKey.kekRawBase64).toBe(kekRawBase64);
    const key = await importAes(kekAsJwkSentAtLogin);
    expect((key.algorithm as AesKeyAlgorithm).length).toBe(256);
  });

  it('the recovered private JWK is the RSA-4096 pair with CRT members and no alg (§4.1, §6)', async () => {
    expect(Object.keys(privateJwk).sort()).toEqual(['d', 'dp', 'dq', 'e', 'kty', 'n', 'p', 'q', 'qi']);
    expect(decodeBase64(privateJwk.n!.replace(/-/g, '+').replace(/_/g, '/')).length).toBe(512);
    await expect(importRsa(privateJwk, 'decrypt')).resolves.toBeDefined();
    await expect(importRsa(publicJwk, 'encrypt')).resolves.toBeDefined();
  });
});

/** Makes the next getRandomValues call yield `start, start+1, …` (the vectors' fixed IV byte ranges). */
function fixNextRandom(start: number): void {
  vi.spyOn(crypto, 'getRandomValues').mockImplementationOnce(<T extends ArrayBufferView | null>(array: T): T => {
    const view = array as unknown as Uint8Array;
    for (let i = 0; i < view.length; i++) view[i] = start + i;
    return array;
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(providers)('%s provider', (_name, provider) => {
  const { eventPayload, kekWrap, encryptedUserSecret, encryptedPrivateKey } = vectors;

  it('encrypts the vector event to exactly the vector envelope when the IV is bytes 50..61', async () => {
    fixNextRandom(50);
    await expect(provider.encryptSymmetric(eventPayload.userSecretJwk, eventPayload.plaintextUtf8)).resolves.toBe(
      eventPayload.cipher12ByteNonce,
    );
  });

  it('decrypts the event payload with a 12-byte IV', async () => {
    expect(parseEnvelope(eventPayload.cipher12ByteNonce).nonce?.length).toBe(12);
    await expect(provider.decryptSymmetric(eventPayload.userSecretJwk, eventPayload.cipher12ByteNonce)).resolves.toBe(
      eventPayload.plaintextUtf8,
    );
  });

  it('decrypts the forge-style event payload with a 16-byte IV (D7)', async () => {
    expect(parseEnvelope(eventPayload.cipher16ByteNonce_forgeStyle).nonce?.length).toBe(16);
    await expect(
      provider.decryptSymmetric(eventPayload.userSecretJwk, eventPayload.cipher16ByteNonce_forgeStyle),
    ).resolves.toBe(eventPayload.plaintextUtf8);
  });

  it('the user-secret JWK of the vectors opens the event also as forge\'s bare {kty,k} (§4.6 quirk 2)', async () => {
    const bare = { kty: 'oct', k: eventPayload.userSecretJwk.k };
    await expect(provider.decryptSymmetric(bare, eventPayload.cipher12ByteNonce)).resolves.toBe(eventPayload.plaintextUtf8);
  });

  it('opens the password-wrapped KEK (an AES-256-GCM envelope) to the raw KEK', async () => {
    // The server writes it; the format is the same envelope, so it pins AES-256 keys and Go's nonce slot.
    const derived = { k: encodeBase64Url(decodeBase64(kekWrap.wrappingKeyBase64)), kty: 'oct' };
    const { nonce } = parseEnvelope(kekWrap.passwordEncryptedKeyEncryptionKey);
    expect(nonce).toEqual(decodeBase64(kekWrap.nonceBase64));
    // The plaintext is 32 binary bytes and the providers return UTF-8 text (lossy for binary), so the bytes
    // are checked with raw WebCrypto and the provider must produce the same (lossy) text.
    const key = await crypto.subtle.importKey('raw', decodeBase64(kekWrap.wrappingKeyBase64), 'AES-GCM', false, ['decrypt']);
    const { cipher } = parseEnvelope(kekWrap.passwordEncryptedKeyEncryptionKey);
    const raw = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce! }, key, cipher));
    expect(raw).toEqual(decodeBase64(kekWrap.kekRawBase64));
    await expect(provider.decryptSymmetric(derived, kekWrap.passwordEncryptedKeyEncryptionKey)).resolves.toBe(
      new TextDecoder().decode(raw),
    );
  });

  it('walks the full chain: KEK JWK -> private key -> user secret -> event (§4.4, §6)', async () => {
    const privateJson = await provider.decryptSymmetric(kekWrap.kekAsJwkSentAtLogin, encryptedPrivateKey.value);
    expect(parseEnvelope(encryptedPrivateKey.value).nonce).toEqual(decodeBase64(encryptedPrivateKey.nonceBase64));
    const chainPrivate = JSON.parse(privateJson) as JsonWebKey;
    expect(chainPrivate).toEqual(privateJwk);
    const secretJson = await provider.decryptAsymmetric(chainPrivate, encryptedUserSecret.encryptedSecret);
    expect(secretJson).toBe(encryptedUserSecret.plaintext);
    const userSecret = JSON.parse(secretJson) as JsonWebKey;
    expect(userSecret).toEqual(eventPayload.userSecretJwk);
    await expect(provider.decryptSymmetric(userSecret, eventPayload.cipher12ByteNonce)).resolves.toBe(
      eventPayload.plaintextUtf8,
    );
    await expect(provider.decryptSymmetric(userSecret, eventPayload.cipher16ByteNonce_forgeStyle)).resolves.toBe(
      eventPayload.plaintextUtf8,
    );
  });

  it('creates user secrets of the WebCrypto JWK shape that import with the vault parameters', async () => {
    const secret = await provider.createUserSecret();
    expect(Object.keys(secret).sort()).toEqual(['alg', 'ext', 'k', 'key_ops', 'kty']);
    expect(secret).toMatchObject({ alg: 'A128GCM', ext: true, key_ops: ['encrypt', 'decrypt'], kty: 'oct' });
    expect(secret.k).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const key = await importAes(secret);
    expect((key.algorithm as AesKeyAlgorithm).length).toBe(128);
    expect(key.usages.sort()).toEqual(['decrypt', 'encrypt']);
    expect((await provider.createUserSecret()).k).not.toBe(secret.k);
  });

  it('round-trips symmetric encryption with padded standard base64 and a 12-byte IV', async () => {
    const secret = await provider.createUserSecret();
    for (const plaintext of ['', 'a', '{"type":"PAGEVIEW","href":"https://example.com/ü?x=1"}', 'x'.repeat(5000)]) {
      const envelope = await provider.encryptSymmetric(secret, plaintext);
      expect(envelope).toMatch(/^\{1,\} [A-Za-z0-9+/]+={0,2} [A-Za-z0-9+/]{16}$/);
      const { cipher, nonce } = parseEnvelope(envelope);
      expect(envelope.split(' ')[1].length % 4).toBe(0);
      expect(nonce?.length).toBe(12);
      expect(cipher.length).toBe(new TextEncoder().encode(plaintext).length + 16);
      await expect(provider.decryptSymmetric(secret, envelope)).resolves.toBe(plaintext);
    }
  });

  it('round-trips RSA-OAEP-256 with the RSA-4096 vector key: two tokens, 684 base64 characters (§4.3)', async () => {
    const secret = JSON.stringify(await provider.createUserSecret());
    const envelope = await provider.encryptAsymmetric(publicJwk, secret);
    expect(envelope).toMatch(/^\{1,\} [A-Za-z0-9+/]{683}=$/);
    expect(parseEnvelope(envelope).cipher.length).toBe(512);
    await expect(provider.decryptAsymmetric(privateJwk, envelope)).resolves.toBe(secret);
  });

  it('rejects tampered ciphertext, tag and IV', async () => {
    const secret = eventPayload.userSecretJwk;
    for (const envelope of [eventPayload.cipher12ByteNonce, eventPayload.cipher16ByteNonce_forgeStyle]) {
      await expect(provider.decryptSymmetric(secret, tamper(envelope, 0, 0))).rejects.toThrow();
      await expect(provider.decryptSymmetric(secret, tamper(envelope, 0, -1))).rejects.toThrow(); // the tag
      await expect(provider.decryptSymmetric(secret, tamper(envelope, 1, 3))).rejects.toThrow();
    }
    await expect(
      provider.decryptAsymmetric(privateJwk, tamper(encryptedUserSecret.encryptedSecret, 0, 100)),
    ).rejects.toThrow();
  });

  it('rejects the wrong key', async () => {
    const other = await provider.createUserSecret();
    await expect(provider.decryptSymmetric(other, eventPayload.cipher12ByteNonce)).rejects.toThrow();
  });

  it('rejects malformed envelopes with a clear error', async () => {
    const secret = eventPayload.userSecretJwk;
    await expect(provider.decryptSymmetric(secret, 'xuuusxa')).rejects.toThrow('malformed versioned cipher string');
    await expect(provider.decryptSymmetric(secret, '{1,} YWJjZGVmZ2hpamtsbW5vcA==')).rejects.toThrow('no IV');
    await expect(provider.decryptAsymmetric(privateJwk, eventPayload.cipher12ByteNonce)).rejects.toThrow(
      'must not carry a nonce',
    );
  });

  it('rejects JWKs WebCrypto rejects: AES alg not matching the length, RSA alg RSA-OAEP (§4.3)', async () => {
    const wrongAlg = { ...eventPayload.userSecretJwk, alg: 'A256GCM' };
    await expect(provider.encryptSymmetric(wrongAlg, 'x')).rejects.toThrow();
    await expect(provider.encryptAsymmetric({ ...publicJwk, alg: 'RSA-OAEP' }, 'x')).rejects.toThrow();
  });
});

describe('cross-provider', () => {
  const pairs: Array<[string, CryptoProvider, string, CryptoProvider]> = [
    ['userland', userlandProvider, 'webcrypto', webCryptoProvider],
    ['webcrypto', webCryptoProvider, 'userland', userlandProvider],
  ];

  it.each(pairs)('%s encrypts symmetric, %s decrypts', async (_a, from, _b, to) => {
    const secret = await from.createUserSecret();
    const envelope = await from.encryptSymmetric(secret, 'événement ✓');
    await expect(to.decryptSymmetric(secret, envelope)).resolves.toBe('événement ✓');
  });

  it.each(pairs)('%s encrypts RSA-OAEP-256, %s decrypts', async (_a, from, _b, to) => {
    const secret = JSON.stringify(await to.createUserSecret());
    const envelope = await from.encryptAsymmetric(publicJwk, secret);
    await expect(to.decryptAsymmetric(privateJwk, envelope)).resolves.toBe(secret);
  });
});

describe('webCryptoProvider.forgetKeys (D8)', () => {
  it('drops imported keys, so the next use imports again', async () => {
    const { createWebCryptoProvider } = await import('./webcrypto.ts');
    const provider = createWebCryptoProvider();
    const key = await provider.createUserSecret();
    const spy = vi.spyOn(globalThis.crypto.subtle, 'importKey');
    const sealed = await provider.encryptSymmetric(key, 'x');
    await provider.decryptSymmetric(key, sealed);
    expect(spy).toHaveBeenCalledTimes(1);
    provider.forgetKeys!();
    await provider.decryptSymmetric(key, sealed);
    expect(spy).toHaveBeenCalledTimes(2);
    spy.mockRestore();
  });
});
