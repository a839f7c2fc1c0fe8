// The two primitives the browser uses (clients-and-crypto.md §4.1), behind one interface so the vault
// can swap native WebCrypto for the userland fallback (§4.6, D7) when crypto.subtle is missing.
// Every envelope is the versioned string of §4.3: "{1,} <b64 cipher>[ <b64 nonce>]" in standard base64.

export interface CryptoProvider {
  /** A fresh AES-GCM-128 user secret as a JWK that WebCrypto imports with ['encrypt','decrypt']. */
  createUserSecret(): Promise<JsonWebKey>;
  /** AES-GCM with a fresh 12-byte IV: "{1,} b64(ciphertext‖tag) b64(iv)". */
  encryptSymmetric(key: JsonWebKey, plaintext: string): Promise<string>;
  /** Opens "{1,} …" envelopes with 12- or 16-byte IVs (D7). */
  decryptSymmetric(key: JsonWebKey, envelope: string): Promise<string>;
  /** RSA-OAEP-SHA256 under a public JWK: "{1,} b64(block)". */
  encryptAsymmetric(publicKey: JsonWebKey, plaintext: string): Promise<string>;
  /** RSA-OAEP-SHA256 with a private JWK (CRT members present). */
  decryptAsymmetric(privateKey: JsonWebKey, envelope: string): Promise<string>;
  /** Drops any imported keys the provider keeps (README.md D8: logout forgets the operator's keys). */
  forgetKeys?(): void;
}
