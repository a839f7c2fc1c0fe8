// In-memory memo of decrypted operator data (clients-and-crypto.md §4.4 "An operator decrypting", step 5): one
// AccountView per account (user secrets by secretId, events by eventId, cache-view.ts), for the life of the
// vault. LOGOUT (and a new login) forgets them (README.md D8), so nothing decrypted outlives the session in
// this frame; LOGOUT also deletes the encrypted local caches (session.ts, cache-store.ts).
import { getCryptoProvider } from '../crypto-provider.ts';
import type { AccountView } from './cache-view.ts';
import { forgetPoolKeys } from './worker-pool.ts';

export const accountViews = new Map<string, AccountView>();

export function clearDecryptionCache(): void {
  accountViews.clear();
  // The workers hold the private key; they go with everything else (D8).
  forgetPoolKeys();
  // The provider's imported CryptoKeys (private keys included) go too (D8).
  void getCryptoProvider().then((provider) => provider.forgetKeys?.(), () => undefined);
}
