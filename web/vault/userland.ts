// The userland CryptoProvider, for vaults without crypto.subtle (a vault framed by a plain-http page:
// clients-and-crypto.md §4.6, spec/README.md D7). Entry of the lazily loaded `userland` bundle, which
// registers itself on globalThis.__OFFEN_USERLAND__ (vault/handlers.ts). Upstream used node-forge here; we
// use @noble/ciphers (AES-GCM) and micro-rsa-dsa-dh (RSA-OAEP) and keep forge's quirks out (D7): 12-byte IVs
// and WebCrypto-shaped user secrets. Only crypto.getRandomValues is used, which insecure contexts have;
// crypto.subtle is never touched.
import { gcm } from '@noble/ciphers/aes.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { OAEP, mgf1 } from 'micro-rsa-dsa-dh/rsa.js';
import { pow } from 'micro-rsa-dsa-dh/utils.js';
import type { CryptoProvider } from '../shared/crypto.ts';
import {
  decodeBase64Url,
  encodeBase64Url,
  formatEnvelope,
  parseAsymmetricEnvelope,
  parseSymmetricEnvelope,
  utf8Decode,
  utf8Encode,
} from '../shared/envelope.ts';

/** RSA-OAEP with SHA-256 for both OAEP and MGF1 and an empty label (§4.1, §7 item 5). */
const oaep = OAEP(sha256, mgf1(sha256));

function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

/** The raw AES key of an `oct` JWK, checked like WebCrypto's JWK import would (§4.3, §7 item 6). */
function aesKey(jwk: JsonWebKey): Uint8Array<ArrayBuffer> {
  if (jwk.kty !== 'oct' || typeof jwk.k !== 'string') throw new Error('AES key must be an oct JWK with k');
  const key = decodeBase64Url(jwk.k, 'JWK k');
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new Error(`AES key must be 16, 24 or 32 bytes, got ${key.length}`);
  }
  if (jwk.alg !== undefined && jwk.alg !== `A${key.length * 8}GCM`) {
    throw new Error(`JWK alg ${jwk.alg} does not match a ${key.length * 8}-bit AES-GCM key`);
  }
  if (jwk.key_ops !== undefined && !(jwk.key_ops.includes('encrypt') && jwk.key_ops.includes('decrypt'))) {
    throw new Error('JWK key_ops must include encrypt and decrypt');
  }
  return key;
}

function toBigInt(bytes: Uint8Array): bigint {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return BigInt('0x' + (hex === '' ? '0' : hex));
}

function toBytes(value: bigint, length: number): Uint8Array {
  const hex = value.toString(16).padStart(length * 2, '0');
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** A JWK member (base64url, big-endian, §4.3) as a bigint. */
function jwkInteger(jwk: JsonWebKey, member: 'n' | 'e' | 'd' | 'p' | 'q' | 'dp' | 'dq' | 'qi'): bigint {
  const value = jwk[member];
  if (typeof value !== 'string' || value === '') throw new Error(`RSA JWK lacks ${member}`);
  return toBigInt(decodeBase64Url(value, `JWK ${member}`));
}

function rsaModulus(jwk: JsonWebKey): bigint {
  if (jwk.kty !== 'RSA') throw new Error('RSA key must be an RSA JWK');
  // WebCrypto rejects alg "RSA-OAEP" (SHA-1) for our import parameters (§4.3); so do we.
  if (jwk.alg !== undefined && jwk.alg !== 'RSA-OAEP-256') throw new Error(`JWK alg ${jwk.alg} is not RSA-OAEP-256`);
  return jwkInteger(jwk, 'n');
}

interface RsaPrivateKey {
  n: bigint;
  d: bigint;
  crt?: { p: bigint; q: bigint; dp: bigint; dq: bigint; qi: bigint };
}

/** n and d are enough; the CRT members (every key from Go jwx has them, §4.1) make decryption faster. */
function rsaPrivateKey(jwk: JsonWebKey): RsaPrivateKey {
  const key: RsaPrivateKey = { n: rsaModulus(jwk), d: jwkInteger(jwk, 'd') };
  if ((['p', 'q', 'dp', 'dq', 'qi'] as const).every((m) => typeof jwk[m] === 'string')) {
    const [p, q, dp, dq, qi] = (['p', 'q', 'dp', 'dq', 'qi'] as const).map((m) => jwkInteger(jwk, m));
    key.crt = { p, q, dp, dq, qi };
  }
  return key;
}

/**
 * RSA-OAEP-256 decryption. With the CRT members the modular exponentiation runs on the two 2048-bit
 * halves, several times faster than c^d mod n in BigInt; an operator opens one user secret per visitor
 * (§4.4). The library's OAEP decoding then runs with d = 1, so its own RSADP step (c^d mod n) is the
 * identity on the value computed here.
 */
function rsaDecrypt(key: RsaPrivateKey, block: Uint8Array): Uint8Array {
  const { n, crt } = key;
  if (crt === undefined) return oaep.decrypt({ n, d: key.d }, block);
  const k = Math.ceil(n.toString(16).length / 2); // the modulus length in bytes, as the OAEP code counts it
  if (block.length !== k) throw new Error('RSA ciphertext length does not match the modulus');
  const c = toBigInt(block);
  if (c >= n) throw new Error('RSA ciphertext out of range');
  const { p, q, dp, dq, qi } = crt;
  const m1 = pow(c % p, dp, p);
  const m2 = pow(c % q, dq, q);
  let h = (qi * (m1 - m2)) % p;
  if (h < 0n) h += p;
  return oaep.decrypt({ n, d: 1n }, toBytes(m2 + h * q, k));
}

function gcmDecrypt(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array): Uint8Array {
  try {
    // noble's gcm derives the counter block with GHASH for IVs other than 12 bytes (NIST SP 800-38D),
    // exactly as WebCrypto and forge do, so 16-byte forge-era IVs open here too (D7).
    return gcm(key, iv).decrypt(sealed);
  } catch {
    throw new Error('AES-GCM decryption failed');
  }
}

export const userlandProvider: CryptoProvider = {
  async createUserSecret(): Promise<JsonWebKey> {
    // The shape WebCrypto exports (§4.3), so the secret imports with the vault's parameters, unlike
    // forge's bare {kty,k} (§4.6 quirk 2).
    return { alg: 'A128GCM', ext: true, k: encodeBase64Url(randomBytes(16)), key_ops: ['encrypt', 'decrypt'], kty: 'oct' };
  },

  async encryptSymmetric(jwk: JsonWebKey, plaintext: string): Promise<string> {
    const key = aesKey(jwk);
    // D7: always 12-byte IVs, which Go's and .NET's GCM can open too (forge used 16, §4.6 quirk 1).
    const iv = randomBytes(12);
    return formatEnvelope(1, gcm(key, iv).encrypt(utf8Encode(plaintext)), iv);
  },

  async decryptSymmetric(jwk: JsonWebKey, envelope: string): Promise<string> {
    const { cipher, iv } = parseSymmetricEnvelope(envelope);
    return utf8Decode(gcmDecrypt(aesKey(jwk), iv, cipher));
  },

  async encryptAsymmetric(publicJwk: JsonWebKey, plaintext: string): Promise<string> {
    const key = { n: rsaModulus(publicJwk), e: jwkInteger(publicJwk, 'e') };
    return formatEnvelope(1, oaep.encrypt(key, utf8Encode(plaintext)));
  },

  async decryptAsymmetric(privateJwk: JsonWebKey, envelope: string): Promise<string> {
    const block = parseAsymmetricEnvelope(envelope);
    const key = rsaPrivateKey(privateJwk);
    let plain: Uint8Array;
    try {
      plain = rsaDecrypt(key, block);
    } catch {
      // One message for every padding or range failure, as WebCrypto gives.
      throw new Error('RSA-OAEP decryption failed');
    }
    return utf8Decode(plain);
  },
};

// The lazy bundle's whole effect when the vault core loads it (vault/handlers.ts, crypto-provider.ts).
globalThis.__OFFEN_USERLAND__ = userlandProvider;
