// Entry of the decryption worker bundle (build.mjs emits it as vault/worker-<10hex>.js, same-origin, since the
// vault's CSP allows no blob: workers). Each worker imports a private key once per keyId and opens batches of
// user secrets and payloads (worker-handler.ts) with native WebCrypto; the pool only starts workers where
// crypto.subtle exists (clients-and-crypto.md §4.6).
import { createWebCryptoProvider, webCryptoKeys } from '../../shared/webcrypto.ts';
import { createWorkerHandler } from './worker-handler.ts';
import type { WorkerRequest } from './worker-handler.ts';

const handle = createWorkerHandler({ rsa: createWebCryptoProvider(), aes: createWebCryptoProvider(), keys: webCryptoKeys });

interface WorkerScope {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: unknown): void;
}

const scope = self as unknown as WorkerScope;
scope.onmessage = (event) => {
  void handle(event.data).then((reply) => scope.postMessage(reply));
};
