// Picks the crypto provider once (clients-and-crypto.md §4.6): native WebCrypto when crypto.subtle exists,
// otherwise the userland bundle, loaded lazily with SRI from __OFFEN_LAZY__.userland. OWNER: crypto helper.
import type { CryptoProvider } from '../shared/crypto.ts';
import { webCryptoProvider } from '../shared/webcrypto.ts';
import { loadLazy } from './lazy.ts';

let chosen: Promise<CryptoProvider> | undefined;

async function choose(): Promise<CryptoProvider> {
  // §4.6: a vault framed by a plain-http page (not localhost) is an insecure context without crypto.subtle.
  if (globalThis.crypto?.subtle !== undefined) return webCryptoProvider;
  await loadLazy('userland');
  // The bundle's only effect is this assignment (vault/userland.ts, vault/handlers.ts).
  const provider = globalThis.__OFFEN_USERLAND__;
  if (provider === undefined) throw new Error('the userland crypto bundle loaded but registered no provider');
  return provider;
}

export async function getCryptoProvider(): Promise<CryptoProvider> {
  if (chosen === undefined) {
    const pending = choose();
    chosen = pending;
    // A failed load (network, SRI mismatch) is not remembered, so the next message can try again.
    pending.catch(() => {
      if (chosen === pending) chosen = undefined;
    });
  }
  return chosen;
}

/** Test hook: forget the choice so the next call decides again. */
export function resetCryptoProviderForTests(): void {
  chosen = undefined;
}
