// Test support: the repository copy of ../shared/spec/crypto-vectors.json (clients-and-crypto.md §6), read by the
// crypto tests of both providers, and the upstream RSA-4096 test key pair recovered from its chain.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { webCryptoProvider } from './webcrypto.ts';

export interface Vectors {
  kekWrap: {
    wrappingKeyBase64: string;
    kekRawBase64: string;
    nonceBase64: string;
    passwordEncryptedKeyEncryptionKey: string;
    kekAsJwkSentAtLogin: JsonWebKey;
  };
  eventPayload: {
    userSecretJwk: JsonWebKey;
    plaintextUtf8: string;
    cipher12ByteNonce: string;
    cipher16ByteNonce_forgeStyle: string;
  };
  encryptedUserSecret: { plaintext: string; encryptedSecret: string };
  encryptedPrivateKey: { kekRawBase64: string; nonceBase64: string; value: string };
}

// Resolved with node:path: under happy-dom the global URL is the DOM's, which resolves against the page URL.
export const vectors = JSON.parse(
  readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../../tests/Offen.Crypto.Tests/Vectors/crypto-vectors.json'), 'utf8'),
) as Vectors;

/** The account key pair of the vectors: the private JWK opened with the KEK, the public half is its {kty,n,e}. */
export async function vectorKeyPair(): Promise<{ privateJwk: JsonWebKey; publicJwk: JsonWebKey }> {
  const privateJwk = JSON.parse(
    await webCryptoProvider.decryptSymmetric(vectors.kekWrap.kekAsJwkSentAtLogin, vectors.encryptedPrivateKey.value),
  ) as JsonWebKey;
  return { privateJwk, publicJwk: { kty: 'RSA', n: privateJwk.n, e: privateJwk.e } };
}
