// Bench entry (bundled and run by vault-cache.mjs): an operator QUERY over N events, cold (decrypt everything,
// in-process: Node has no Web Workers), warm in the same page (in-memory view) and warm after a page load
// (everything from the encrypted local cache in fake-indexeddb). Prints timings as JSON.
import 'fake-indexeddb/auto';
import { webCryptoProvider } from '../shared/webcrypto.ts';
import { openCacheStore } from '../vault/manage/cache-store.ts';
import { AccountView } from '../vault/manage/cache-view.ts';
import { accountViews } from '../vault/manage/decrypt-cache.ts';
import { computeResult } from '../vault/manage/result.ts';
import { manageHandlers } from '../vault/manage/handlers.ts';
import { loadVectors, loginResult, pageview, ulid } from '../vault/manage/test-support.ts';
import type { Reply } from '../shared/protocol.ts';

const EVENTS = Number(process.env.EVENTS ?? 200_000);
const USERS = Number(process.env.USERS ?? 2_000);
const DAYS = 180;
const ACCOUNT = 'bench-account';
const NOW = Date.parse('2024-10-11T12:00:00Z');

let body: unknown = null;
(globalThis as { location?: unknown }).location = { origin: 'http://bench.invalid' };
globalThis.fetch = (async () => ({ status: 200, json: async () => body, text: async () => '' })) as unknown as typeof fetch;

const ms = (start: number) => Math.round(performance.now() - start);

async function query(range: string, resolution = 'days'): Promise<{ ms: number; events: number }> {
  const replies: Reply[] = [];
  const start = performance.now();
  await manageHandlers.QUERY!(
    { type: 'QUERY', payload: { query: { accountId: ACCOUNT, range, resolution, now: new Date(NOW).toISOString() }, authenticatedUser: loginResult(ACCOUNT, kek) } },
    (reply) => replies.push(reply as Reply),
  );
  const last = replies[replies.length - 1]!;
  if (last.type !== 'QUERY_SUCCESS') throw new Error(JSON.stringify(last.payload));
  return { ms: ms(start), events: (last.payload as { result: { events: unknown[] } }).result.events.length };
}

const vectors = loadVectors();
const kek = vectors.kekWrap.kekAsJwkSentAtLogin;
const privateJwk: JsonWebKey = JSON.parse(await webCryptoProvider.decryptSymmetric(kek, vectors.encryptedPrivateKey.value));
const publicJwk = { kty: 'RSA', n: privateJwk.n, e: privateJwk.e };

let start = performance.now();
const secrets = await Promise.all(Array.from({ length: USERS }, () => webCryptoProvider.createUserSecret()));
const encrypted: Record<string, string> = {};
await Promise.all(secrets.map(async (secret, u) => (encrypted[`U${u}`] = await webCryptoProvider.encryptAsymmetric(publicJwk, JSON.stringify(secret)))));
const paths = Array.from({ length: 50 }, (_, n) => `https://www.example.com/section-${n % 7}/page-${n}/`);
const events: Array<{ secretId: string; eventId: string; payload: string }> = [];
const span = DAYS * 86_400_000;
for (let i = 0; i < EVENTS; i += 5000) {
  const slice = await Promise.all(
    Array.from({ length: Math.min(5000, EVENTS - i) }, async (_, j) => {
      const n = i + j;
      const user = n % USERS;
      const time = NOW - span + Math.floor((n / EVENTS) * span);
      const payload = pageview({ href: paths[n % paths.length]!, sessionId: `session-${user}-${Math.floor(n / (USERS * 3))}`, geo: ['DE', 'FR', 'US', null][n % 4]!, timestamp: new Date(time).toISOString() });
      return { secretId: `U${user}`, eventId: ulid(time, `e${n}`), payload: await webCryptoProvider.encryptSymmetric(secrets[user]!, JSON.stringify(payload)) };
    }),
  );
  events.push(...slice);
}
const setupMs = ms(start);

body = { accountId: ACCOUNT, name: 'Bench', publicKey: publicJwk, encryptedPrivateKey: vectors.encryptedPrivateKey.value, created: '2024-01-01T00:00:00Z', retentionPeriod: '6months', events: { [ACCOUNT]: events }, secrets: encrypted, sequence: 'Q1' };
const cold = await query('7');
body = { accountId: ACCOUNT, name: 'Bench', publicKey: publicJwk, encryptedPrivateKey: vectors.encryptedPrivateKey.value, created: '2024-01-01T00:00:00Z', retentionPeriod: '6months', sequence: 'Q1' };
const warmSamePage = await query('7');

const warmAfterReload: Array<{ ms: number; events: number }> = [];
for (let i = 0; i < 3; i++) {
  accountViews.clear();
  warmAfterReload.push(await query('7'));
}
const sixMonths = await query('6', 'months');

// Where a page load's time goes: reading + decrypting the cache records, then rebuilding the view.
accountViews.clear();
start = performance.now();
const cache = (await openCacheStore(ACCOUNT, kek))!;
const { records, broken } = await cache.readAll();
const readMs = ms(start);
start = performance.now();
const view = AccountView.fromRecords(ACCOUNT, records, broken)!;
const decodeMs = ms(start);
start = performance.now();
computeResult(view.events(), { range: '7', resolution: 'days', now: new Date(NOW).toISOString() }, { retentionPeriod: '6months' });
const computeResultMs = ms(start);

console.log(JSON.stringify({
  events: EVENTS,
  users: USERS,
  setupMs,
  coldQueryMs: cold.ms,
  warmSamePageMs: warmSamePage.ms,
  warmAfterReloadMs: warmAfterReload.map((r) => r.ms),
  warm6MonthsMs: sixMonths.ms,
  resultEvents7Days: warmSamePage.events,
  resultEvents6Months: sixMonths.events,
  cacheRecords: records.size,
  cacheReadAndDecryptMs: readMs,
  cacheDecodeMs: decodeMs,
  computeResult7DaysMs: computeResultMs,
  cachedEvents: view.size,
}, null, 2));
