// The decryption worker pool (worker-pool.ts) and the worker's handler (worker-handler.ts, worker.ts):
// batching, one private key per worker, results in order, the in-process fallback (clients-and-crypto.md §4.4
// "An operator decrypting", §4.6).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CryptoProvider } from '../../shared/crypto.ts';
import { webCryptoKeys, webCryptoProvider } from '../../shared/webcrypto.ts';
import { resetCryptoProviderForTests } from '../crypto-provider.ts';
import { loadVectors, pageview } from './test-support.ts';
import type { WorkerReply, WorkerRequest } from './worker-handler.ts';
import { EVENT_BATCH, getDecryptor, poolSize, SECRET_BATCH, setWorkerFactoryForTests, terminatePool } from './worker-pool.ts';
import { inProcessWorkers } from './worker-test-support.ts';

/** A transparent "cipher": secrets are `rsa:<json>`, payloads `aes:<k>:<json>`; it counts its calls. */
function fakeProvider() {
  const calls = { rsa: 0, aes: 0 };
  const provider: CryptoProvider = {
    createUserSecret: async () => ({ kty: 'oct', k: 'x' }),
    encryptSymmetric: async () => '',
    encryptAsymmetric: async () => '',
    async decryptAsymmetric(privateKey, value) {
      calls.rsa++;
      if (privateKey.kty !== 'RSA') throw new Error('no private key');
      if (!value.startsWith('rsa:')) throw new Error('bad block');
      return value.slice(4);
    },
    async decryptSymmetric(secret, value) {
      calls.aes++;
      const prefix = `aes:${secret.k}:`;
      if (!value.startsWith(prefix)) throw new Error('bad tag');
      return value.slice(prefix.length);
    },
  };
  return { provider, calls };
}

const privateKey: JsonWebKey = { kty: 'RSA', n: 'n', e: 'AQAB', d: 'd' };
const secretOf = (n: number): JsonWebKey => ({ kty: 'oct', k: `k${n}` });
const payloadOf = (n: number, secret: number) => `aes:k${secret}:${JSON.stringify(pageview({ href: `https://x.org/${n}/` }))}`;

afterEach(() => {
  setWorkerFactoryForTests(undefined);
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  resetCryptoProviderForTests();
});

describe('worker pool', () => {
  it('opens secrets on at most `size` workers, in batches, sending the private key once per worker', async () => {
    const { provider, calls } = fakeProvider();
    const workers = inProcessWorkers({ rsa: provider, aes: provider });
    setWorkerFactoryForTests(workers.factory, 3);
    const decryptor = await getDecryptor();
    expect(decryptor.onWorkers).toBe(true);
    const items: Array<[string, string]> = Array.from({ length: 7 * SECRET_BATCH + 5 }, (_, n) => [`S${n}`, n === 3 ? 'garbage' : `rsa:${JSON.stringify(secretOf(n))}`]);
    const done: number[] = [];
    const secrets = await decryptor.openSecrets(privateKey, items, (count) => done.push(count));
    expect(secrets).toHaveLength(items.length);
    expect(secrets[0]).toEqual(secretOf(0));
    expect(secrets[3]).toBeNull();
    expect(secrets[items.length - 1]).toEqual(secretOf(items.length - 1));
    expect(calls.rsa).toBe(items.length);
    expect(workers.inboxes).toHaveLength(3);
    const messages = workers.inboxes.flat() as Array<Extract<WorkerRequest, { type: 'secrets' }>>;
    expect(messages).toHaveLength(8);
    expect(Math.max(...messages.map((m) => m.items.length))).toBe(SECRET_BATCH);
    // Each worker got the private key with its first message only.
    for (const inbox of workers.inboxes) {
      expect(inbox.map((m) => (m as { privateKey?: unknown }).privateKey !== undefined)).toEqual(inbox.map((_, i) => i === 0));
    }
    expect(done.reduce((a, b) => a + b, 0)).toBe(items.length);

    // A second query reuses the workers: no key is sent again.
    const again = await (await getDecryptor()).openSecrets(privateKey, [['S1', `rsa:${JSON.stringify(secretOf(1))}`]], () => {});
    expect(again).toEqual([secretOf(1)]);
    expect(workers.inboxes.flat().filter((m) => (m as { privateKey?: unknown }).privateKey !== undefined)).toHaveLength(3);
  });

  it('opens events in batches of EVENT_BATCH with only the secrets each batch needs, results in order', async () => {
    const { provider, calls } = fakeProvider();
    const workers = inProcessWorkers({ rsa: provider, aes: provider });
    setWorkerFactoryForTests(workers.factory, 2);
    const count = 2 * EVENT_BATCH + 10;
    // Batch 1 uses secret 0 only; later ones secret 1; one event has no opened secret and one a bad payload.
    const items: Array<[string, string, string]> = Array.from({ length: count }, (_, n) => {
      const secret = n < EVENT_BATCH ? 0 : 1;
      return [`E${n}`, n === 5 ? 'S9' : `S${secret}`, n === 7 ? 'aes:k0:{"type":"CLICK"}' : payloadOf(n, secret)];
    });
    const secrets = new Map([['S0', secretOf(0)], ['S1', secretOf(1)]]);
    const events = await (await getDecryptor()).openEvents('acc', secrets, items, () => {});
    expect(events).toHaveLength(count);
    expect(events[0]).toEqual({ ...pageview({ href: 'https://x.org/0/' }), eventId: 'E0', accountId: 'acc', secretId: 'S0' });
    expect(events[5]).toBeNull();
    // §2.3 schema: a payload that is not a PAGEVIEW is dropped.
    expect(events[7]).toBeNull();
    expect(events[count - 1]).toMatchObject({ eventId: `E${count - 1}`, secretId: 'S1', href: `https://x.org/${count - 1}/` });
    expect(calls.aes).toBe(count - 1);
    const messages = (workers.inboxes.flat() as Array<Extract<WorkerRequest, { type: 'events' }>>).sort((a, b) => a.id - b.id);
    expect(messages.map((m) => m.items.length)).toEqual([EVENT_BATCH, EVENT_BATCH, 10]);
    expect(Object.keys(messages[0]!.secrets)).toEqual(['S0']);
    expect(Object.keys(messages[1]!.secrets)).toEqual(['S1']);
  });

  it('event batches carry the CryptoKey a worker imported for each secret it opened, not the JWK', async () => {
    // Real AES-GCM payloads (Node's WebCrypto); the RSA side stays the transparent fake.
    const { provider: rsa } = fakeProvider();
    let jwkDecrypts = 0;
    const aes: CryptoProvider = {
      ...webCryptoProvider,
      decryptSymmetric: (secret, value) => {
        jwkDecrypts++;
        return webCryptoProvider.decryptSymmetric(secret, value);
      },
    };
    const workers = inProcessWorkers({ rsa, aes, keys: webCryptoKeys });
    setWorkerFactoryForTests(workers.factory, 2);
    const jwks = await Promise.all([0, 1, 2].map(() => webCryptoProvider.createUserSecret()));
    // S2's JWK is one WebCrypto refuses to import (a 3-byte key): it opens nothing on either path.
    jwks[2] = { ...jwks[2]!, k: 'AAAA' };
    const decryptor = await getDecryptor();
    const opened = await decryptor.openSecrets(privateKey, jwks.map((jwk, n) => [`S${n}`, `rsa:${JSON.stringify(jwk)}`]), () => {});
    expect(opened).toEqual(jwks);
    const payloads = await Promise.all([0, 1, 0].map((secret, n) => webCryptoProvider.encryptSymmetric(jwks[secret]!, JSON.stringify(pageview({ href: `https://x.org/${n}/` })))));
    const items: Array<[string, string, string]> = payloads.map((payload, n) => [`E${n}`, n === 1 ? 'S1' : 'S0', payload]);
    items.push(['E3', 'S2', payloads[0]!]);
    // A JWK the view holds from elsewhere (a cache read back) has no imported key and travels as it is.
    const fromCache: JsonWebKey = { ...jwks[1]! };
    items.push(['E4', 'S3', payloads[1]!]);
    const secrets = new Map([['S0', opened[0]!], ['S1', opened[1]!], ['S2', opened[2]!], ['S3', fromCache]]);
    const events = await decryptor.openEvents('acc', secrets, items, () => {});
    expect(events.map((event) => event?.href ?? null)).toEqual(['https://x.org/0/', 'https://x.org/1/', 'https://x.org/2/', null, 'https://x.org/1/']);
    const batch = workers.inboxes.flat().find((m) => m.type === 'events') as Extract<WorkerRequest, { type: 'events' }>;
    expect(batch.secrets.S0).toBeInstanceOf(CryptoKey);
    expect(batch.secrets.S1).toBeInstanceOf(CryptoKey);
    expect(batch.secrets.S2).toEqual(jwks[2]);
    expect(batch.secrets.S3).toEqual(fromCache);
    // Only S2 (refused either way) and S3 went through the JWK path.
    expect(jwkDecrypts).toBe(2);
  });

  it('a worker that fails (CSP, crash) hands its and all later work to the main thread', async () => {
    const { provider } = fakeProvider();
    const workers = inProcessWorkers({ rsa: provider, aes: provider }, { crashOnFirstMessage: true });
    setWorkerFactoryForTests(workers.factory, 2);
    const main = fakeProvider();
    vi.stubGlobal('crypto', { subtle: {}, getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) });
    // The in-process path uses the vault's provider; make it the counting fake.
    vi.spyOn(webCryptoProvider, 'decryptAsymmetric').mockImplementation(main.provider.decryptAsymmetric);
    const items: Array<[string, string]> = Array.from({ length: 3 * SECRET_BATCH }, (_, n) => [`S${n}`, `rsa:${JSON.stringify(secretOf(n))}`]);
    const secrets = await (await getDecryptor()).openSecrets(privateKey, items, () => {});
    expect(secrets).toEqual(items.map((_, n) => secretOf(n)));
    expect(main.calls.rsa).toBeGreaterThanOrEqual(SECRET_BATCH);
    expect(workers.terminated).toBeGreaterThan(0);
  });

  it('without workers (or without crypto.subtle) the same handler runs in-process with the vault provider', async () => {
    setWorkerFactoryForTests(null);
    const rsa = vi.spyOn(webCryptoProvider, 'decryptAsymmetric');
    const vectors = loadVectors();
    const privateJwk = JSON.parse(await webCryptoProvider.decryptSymmetric(vectors.kekWrap.kekAsJwkSentAtLogin, vectors.encryptedPrivateKey.value));
    const decryptor = await getDecryptor();
    expect(decryptor.onWorkers).toBe(false);
    expect(await decryptor.openSecrets(privateJwk, [['S1', vectors.encryptedUserSecret.encryptedSecret]], () => {})).toEqual([
      JSON.parse(vectors.encryptedUserSecret.plaintext),
    ]);
    expect(rsa).toHaveBeenCalledTimes(1);

    // A factory but no crypto.subtle (the userland fallback, §4.6; the provider was chosen while it existed).
    const { provider } = fakeProvider();
    const workers = inProcessWorkers({ rsa: provider, aes: provider });
    setWorkerFactoryForTests(workers.factory, 2);
    vi.stubGlobal('crypto', { getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) });
    const fallback = await getDecryptor();
    expect(fallback.onWorkers).toBe(false);
    expect(workers.inboxes).toHaveLength(0);
  });

  it('sizes the pool at two workers per core, between 2 and 8', () => {
    vi.stubGlobal('navigator', { hardwareConcurrency: 32 });
    expect(poolSize()).toBe(8);
    vi.stubGlobal('navigator', { hardwareConcurrency: 3 });
    expect(poolSize()).toBe(6);
    vi.stubGlobal('navigator', { hardwareConcurrency: 2 });
    expect(poolSize()).toBe(4);
    vi.stubGlobal('navigator', { hardwareConcurrency: 0 });
    expect(poolSize()).toBe(2);
    vi.stubGlobal('navigator', {});
    expect(poolSize()).toBe(2);
  });

  it('terminatePool stops the workers (LOGOUT, D8)', async () => {
    const { provider } = fakeProvider();
    const workers = inProcessWorkers({ rsa: provider, aes: provider });
    setWorkerFactoryForTests(workers.factory, 2);
    await (await getDecryptor()).openSecrets(privateKey, [['S0', `rsa:${JSON.stringify(secretOf(0))}`]], () => {});
    terminatePool();
    expect(workers.terminated).toBe(1);
  });
});

describe('worker.ts entry', () => {
  it('answers on postMessage with real WebCrypto: the vectors\' user secret, then their payload', async () => {
    const vectors = loadVectors();
    const privateJwk = JSON.parse(await webCryptoProvider.decryptSymmetric(vectors.kekWrap.kekAsJwkSentAtLogin, vectors.encryptedPrivateKey.value));
    const replies: WorkerReply[] = [];
    const scope: { onmessage: ((event: { data: WorkerRequest }) => void) | null; postMessage(reply: WorkerReply): void } = {
      onmessage: null,
      postMessage: (reply) => replies.push(reply),
    };
    vi.stubGlobal('self', scope);
    await import('./worker.ts');
    expect(scope.onmessage).toBeTypeOf('function');
    scope.onmessage!({ data: { id: 1, type: 'secrets', keyId: 1, privateKey: privateJwk, items: [['S1', vectors.encryptedUserSecret.encryptedSecret], ['S2', 'garbage']] } });
    // The key stays with the worker: the second request carries none.
    scope.onmessage!({ data: { id: 2, type: 'secrets', keyId: 1, items: [['S1', vectors.encryptedUserSecret.encryptedSecret]] } });
    scope.onmessage!({ data: { id: 3, type: 'secrets', keyId: 7, items: [['S1', vectors.encryptedUserSecret.encryptedSecret]] } });
    await vi.waitFor(() => expect(replies).toHaveLength(3));
    const secret = JSON.parse(vectors.encryptedUserSecret.plaintext);
    // Each opened secret comes back with its imported AES-GCM key too; one that did not open has none.
    const first = replies.find((r) => r.id === 1) as Extract<WorkerReply, { type: 'secrets' }>;
    expect(first).toMatchObject({ id: 1, type: 'secrets', secrets: [secret, null] });
    expect(first.keys).toHaveLength(2);
    expect(first.keys![0]).toBeInstanceOf(CryptoKey);
    expect(first.keys![1]).toBeNull();
    expect(replies.find((r) => r.id === 2)).toMatchObject({ id: 2, type: 'secrets', secrets: [secret] });
    expect(replies.find((r) => r.id === 3)).toMatchObject({ id: 3, type: 'error' });
    scope.onmessage!({ data: { id: 4, type: 'events', accountId: 'acc', secrets: { S1: vectors.eventPayload.userSecretJwk }, items: [['E1', 'S1', vectors.eventPayload.cipher12ByteNonce]] } });
    await vi.waitFor(() => expect(replies).toHaveLength(4));
    expect(replies[3]).toEqual({ id: 4, type: 'events', events: [{ ...JSON.parse(vectors.eventPayload.plaintextUtf8), eventId: 'E1', accountId: 'acc', secretId: 'S1' }] });
    // The same payload opened with a structured-cloned CryptoKey instead of the JWK.
    const key = structuredClone(await webCryptoKeys.importSecret(vectors.eventPayload.userSecretJwk));
    scope.onmessage!({ data: { id: 5, type: 'events', accountId: 'acc', secrets: { S1: key }, items: [['E1', 'S1', vectors.eventPayload.cipher12ByteNonce], ['E2', 'S1', 'garbage']] } });
    await vi.waitFor(() => expect(replies).toHaveLength(5));
    expect(replies[4]).toEqual({ id: 5, type: 'events', events: [{ ...JSON.parse(vectors.eventPayload.plaintextUtf8), eventId: 'E1', accountId: 'acc', secretId: 'S1' }, null] });
  });
});
