// In-memory memo of decrypted operator data (clients-and-crypto.md §4.4 "An operator decrypting", step 5):
// user secrets keyed by secretId and events keyed by eventId, for the life of the vault. LOGOUT (and a new
// login) forgets them (README.md D8), so nothing decrypted outlives the session in this frame.
import { getCryptoProvider } from '../crypto-provider.ts';
import type { NormalizedEvent } from './types.ts';

/**
 * The encrypted value a secret was opened from rides along: a re-exchange stores a new value under the same
 * secretId (§4.4 step 4), and the old plaintext must not be served for it. The promise lets concurrent
 * lookups share one RSA decryption; it resolves to null when the secret cannot be opened.
 */
export const secretCache = new Map<string, { value: string; secret: Promise<JsonWebKey | null> }>();
/** Decrypted, schema-checked events. Failures are not memoised: AES retries are cheap. */
export const eventCache = new Map<string, NormalizedEvent>();

export function clearDecryptionCache(): void {
  secretCache.clear();
  eventCache.clear();
  // The provider's imported CryptoKeys (private keys included) go too (D8).
  void getCryptoProvider().then((provider) => provider.forgetKeys?.(), () => undefined);
}
