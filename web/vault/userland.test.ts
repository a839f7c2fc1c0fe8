// The userland fallback on its own (clients-and-crypto.md §4.6, D7) and the provider choice of
// crypto-provider.ts. Shared behaviour of both providers is in shared/crypto.test.ts.
import { gcm } from '@noble/ciphers/aes.js';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeBase64, decodeBase64Url, parseEnvelope } from '../shared/envelope.ts';
import { vectorKeyPair, vectors } from '../shared/test-vectors.ts';
import { webCryptoProvider } from '../shared/webcrypto.ts';
import { getCryptoProvider, resetCryptoProviderForTests } from './crypto-provider.ts';
import { loadLazy } from './lazy.ts';
import { userlandProvider } from './userland.ts';

vi.mock('./lazy.ts', () => ({ loadLazy: vi.fn() }));

const { eventPayload, encryptedUserSecret } = vectors;

const realCrypto = globalThis.crypto;
let privateJwk: JsonWebKey;
let publicJwk: JsonWebKey;

beforeAll(async () => {
  ({ privateJwk, publicJwk } = await vectorKeyPair());
});

/** An insecure context (§4.6): crypto.getRandomValues exists, crypto.subtle does not. Counts subtle reads. */
function stubInsecureContext(): { subtleReads: () => number; randomCalls: () => number } {
  let reads = 0;
  let calls = 0;
  vi.stubGlobal('crypto', {
    getRandomValues(array: Uint8Array): Uint8Array {
      calls++;
      return realCrypto.getRandomValues(array);
    },
    get subtle(): undefined {
      reads++;
      return undefined;
    },
  });
  return { subtleReads: () => reads, randomCalls: () => calls };
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.mocked(loadLazy).mockReset();
  resetCryptoProviderForTests();
});

describe('userland provider', () => {
  it('registers itself on globalThis.__OFFEN_USERLAND__ when loaded (vault/handlers.ts)', () => {
    expect(globalThis.__OFFEN_USERLAND__).toBe(userlandProvider);
  });

  it('always uses fresh 12-byte IVs (D7)', async () => {
    const secret = await userlandProvider.createUserSecret();
    const ivs = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const { nonce } = parseEnvelope(await userlandProvider.encryptSymmetric(secret, 'x'));
      expect(nonce?.length).toBe(12);
      ivs.add(Array.from(nonce ?? []).join(','));
    }
    expect(ivs.size).toBe(50);
  });

  it('works without crypto.subtle and never reads it: create, encrypt, decrypt, RSA, full chain', async () => {
    const context = stubInsecureContext();
    expect(globalThis.crypto.subtle).toBeUndefined(); // the stub is in place (one read, by the test)
    const secret = await userlandProvider.createUserSecret();
    const envelope = await userlandProvider.encryptSymmetric(secret, 'hello');
    await expect(userlandProvider.decryptSymmetric(secret, envelope)).resolves.toBe('hello');
    const wrapped = await userlandProvider.encryptAsymmetric(publicJwk, JSON.stringify(secret));
    await expect(userlandProvider.decryptAsymmetric(privateJwk, wrapped)).resolves.toBe(JSON.stringify(secret));
    const chainPrivate = JSON.parse(
      await userlandProvider.decryptSymmetric(vectors.kekWrap.kekAsJwkSentAtLogin, vectors.encryptedPrivateKey.value),
    ) as JsonWebKey;
    const userSecret = JSON.parse(await userlandProvider.decryptAsymmetric(chainPrivate, encryptedUserSecret.encryptedSecret)) as JsonWebKey;
    await expect(userlandProvider.decryptSymmetric(userSecret, eventPayload.cipher16ByteNonce_forgeStyle)).resolves.toBe(
      eventPayload.plaintextUtf8,
    );
    expect(context.subtleReads()).toBe(1);
    expect(context.randomCalls()).toBeGreaterThanOrEqual(3); // secret, IV, OAEP seed: all from getRandomValues
    vi.unstubAllGlobals();
    // What the insecure vault produced opens in a secure one (WebCrypto).
    await expect(webCryptoProvider.decryptSymmetric(secret, envelope)).resolves.toBe('hello');
    await expect(webCryptoProvider.decryptAsymmetric(privateJwk, wrapped)).resolves.toBe(JSON.stringify(secret));
  });

  it('decrypts RSA with n and d only (no CRT members) as well as with them', async () => {
    const { p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...nAndD } = privateJwk;
    expect(Object.keys(nAndD).sort()).toEqual(['d', 'e', 'kty', 'n']);
    await expect(userlandProvider.decryptAsymmetric(nAndD, encryptedUserSecret.encryptedSecret)).resolves.toBe(
      encryptedUserSecret.plaintext,
    );
    const { d: _d, ...noD } = nAndD;
    await expect(userlandProvider.decryptAsymmetric(noD, encryptedUserSecret.encryptedSecret)).rejects.toThrow('RSA JWK lacks d');
  });

  it('reports a wrong RSA key as a decryption failure, not a crash', async () => {
    const wrong = { ...privateJwk, dp: privateJwk.dq, dq: privateJwk.dp };
    await expect(userlandProvider.decryptAsymmetric(wrong, encryptedUserSecret.encryptedSecret)).rejects.toThrow(
      'RSA-OAEP decryption failed',
    );
  });

  it('@noble/ciphers gcm takes 16-byte nonces and reproduces the forge-style vector byte for byte', () => {
    // The 16-byte variant uses IV bytes 70..85 (clients-and-crypto.md §6).
    const key = decodeBase64Url(eventPayload.userSecretJwk.k ?? '');
    const iv16 = Uint8Array.from({ length: 16 }, (_, i) => 70 + i);
    const sealed = gcm(key, iv16).encrypt(new TextEncoder().encode(eventPayload.plaintextUtf8));
    const vector = parseEnvelope(eventPayload.cipher16ByteNonce_forgeStyle);
    expect(vector.nonce).toEqual(iv16);
    expect(sealed).toEqual(vector.cipher);
  });

  it('rejects an AES key of the wrong size and a non-oct JWK with clear errors', async () => {
    await expect(userlandProvider.encryptSymmetric({ kty: 'oct', k: 'AAAA' }, 'x')).rejects.toThrow('16, 24 or 32 bytes');
    await expect(userlandProvider.encryptSymmetric(publicJwk, 'x')).rejects.toThrow('oct JWK');
    await expect(
      userlandProvider.encryptSymmetric({ ...eventPayload.userSecretJwk, key_ops: ['encrypt'] }, 'x'),
    ).rejects.toThrow('key_ops');
  });

  it('accepts the raw-key length of the vectors: the KEK is AES-256', async () => {
    expect(decodeBase64(vectors.kekWrap.kekAsJwkSentAtLogin.k!.replace(/-/g, '+').replace(/_/g, '/')).length).toBe(32);
    const envelope = await userlandProvider.encryptSymmetric(vectors.kekWrap.kekAsJwkSentAtLogin, 'private key');
    await expect(webCryptoProvider.decryptSymmetric(vectors.kekWrap.kekAsJwkSentAtLogin, envelope)).resolves.toBe('private key');
  });
});

describe('getCryptoProvider (§4.6)', () => {
  it('picks native WebCrypto when crypto.subtle exists, without loading the bundle, once', async () => {
    const first = getCryptoProvider();
    expect(await first).toBe(webCryptoProvider);
    expect(await getCryptoProvider()).toBe(webCryptoProvider);
    expect(loadLazy).not.toHaveBeenCalled();
  });

  it('loads the userland bundle when crypto.subtle is missing and uses what it registered', async () => {
    stubInsecureContext();
    vi.mocked(loadLazy).mockResolvedValue(undefined);
    const [a, b] = await Promise.all([getCryptoProvider(), getCryptoProvider()]);
    expect(a).toBe(userlandProvider);
    expect(b).toBe(userlandProvider);
    expect(loadLazy).toHaveBeenCalledTimes(1);
    expect(loadLazy).toHaveBeenCalledWith('userland');
  });

  it('fails clearly when the bundle registers nothing, and tries again on the next call', async () => {
    stubInsecureContext();
    vi.mocked(loadLazy).mockResolvedValue(undefined);
    const registered = globalThis.__OFFEN_USERLAND__;
    globalThis.__OFFEN_USERLAND__ = undefined;
    try {
      await expect(getCryptoProvider()).rejects.toThrow('registered no provider');
    } finally {
      globalThis.__OFFEN_USERLAND__ = registered;
    }
    expect(await getCryptoProvider()).toBe(userlandProvider);
    expect(loadLazy).toHaveBeenCalledTimes(2);
  });

  it('does not remember a failed load (network, SRI)', async () => {
    stubInsecureContext();
    vi.mocked(loadLazy).mockRejectedValueOnce(new Error('integrity mismatch')).mockResolvedValue(undefined);
    await expect(getCryptoProvider()).rejects.toThrow('integrity mismatch');
    expect(await getCryptoProvider()).toBe(userlandProvider);
  });
});
