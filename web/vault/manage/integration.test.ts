// @vitest-environment happy-dom
// The manage bundle over the real vault modules: api.ts against a stubbed fetch, cookies.ts on happy-dom's
// document.cookie, storage.ts on fake-indexeddb and the native WebCrypto provider (clients-and-crypto.md
// §1.4, §3.3, §5.2–5.6, README.md D8).
import 'fake-indexeddb/auto';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Reply } from '../../shared/protocol.ts';
import { webCryptoProvider } from '../../shared/webcrypto.ts';
import { getCookie } from '../cookies.ts';
import { getUserSecret, openDatabase, putUserSecret } from '../storage.ts';
import '../manage.ts';
import { clearDecryptionCache } from './decrypt-cache.ts';
import { loadVectors, loginResult, newUserSecret, pageview, seal, ulid } from './test-support.ts';
import type { QueryResult } from './types.ts';

type Route = { status: number; body?: unknown };
const fetchMock = vi.fn<typeof fetch>();
let routes: Map<string, Route[]>;

/** Answers "METHOD /path?query" from a queue per route; an unexpected request fails the test. */
function route(key: string, ...responses: Route[]) {
  routes.set(key, [...(routes.get(key) ?? []), ...responses]);
}

beforeEach(async () => {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL('https://offen.example.org/vault');
  routes = new Map();
  fetchMock.mockReset();
  fetchMock.mockImplementation(async (input, init) => {
    const url = new URL(String(input));
    const key = `${init?.method ?? 'GET'} ${url.pathname}${url.search}`;
    const next = routes.get(key)?.shift();
    if (!next) throw new Error(`unexpected request ${key}`);
    const text = next.body === undefined ? null : JSON.stringify(next.body);
    return new Response(next.status === 204 ? null : text, { status: next.status });
  });
  vi.stubGlobal('fetch', fetchMock);
  sessionStorage.clear();
  clearDecryptionCache();
  const user = await openDatabase('user');
  await user.table('events').clear();
  await user.table('checkpoints').clear();
});
afterEach(() => {
  vi.unstubAllGlobals();
  for (const name of ['consent', 'onboarding-completed']) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/`;
});

async function send(type: string, payload: unknown): Promise<Reply> {
  const replies: Reply[] = [];
  await globalThis.__OFFEN_MANAGE__![type]!({ type, payload }, (reply) => replies.push(reply as Reply));
  expect(replies).toHaveLength(1);
  return replies[0]!;
}

const requests = () => fetchMock.mock.calls.map(([input, init]) => `${init?.method} ${String(input)}`);
const T0 = Date.parse('2024-10-11T19:00:00.000Z');
const id = (n: number) => ulid(T0 + n * 1000, `i${n}`);

describe('generic messages over the real api.ts', () => {
  it('RESET_PASSWORD: 204 -> SUCCESS, 400 -> FAILURE with the server error, 500 -> rejected ApiError', async () => {
    route('POST /api/reset-password', { status: 204 }, { status: 400, body: { error: 'invalid token', status: 400 } }, { status: 500, body: { error: 'db', status: 500 } });
    const body = { emailAddress: 'a@x.org', password: 'secret-pw', token: 't' };
    expect(await send('RESET_PASSWORD', body)).toEqual({ type: 'RESET_PASSWORD_SUCCESS', payload: null });
    expect(fetchMock.mock.calls[0]![1]).toMatchObject({ method: 'POST', credentials: 'include', body: JSON.stringify(body) });
    expect(await send('RESET_PASSWORD', body)).toEqual({ type: 'RESET_PASSWORD_FAILURE', payload: { message: 'invalid token' } });
    await expect(globalThis.__OFFEN_MANAGE__!.RESET_PASSWORD!({ type: 'RESET_PASSWORD', payload: body }, () => {})).rejects.toMatchObject({ status: 500, message: 'db' });
  });

  it('CREATE_ACCOUNT accepts the 201 with the literal body null', async () => {
    route('POST /api/accounts', { status: 201, body: null });
    expect(await send('CREATE_ACCOUNT', { accountName: 'n', emailAddress: 'e', password: 'p' })).toEqual({ type: 'CREATE_ACCOUNT_SUCCESS', payload: null });
  });

  it('SETUP_STATUS maps 204 and the 403 with body null', async () => {
    route('GET /api/setup', { status: 204 }, { status: 403, body: null });
    expect((await send('SETUP_STATUS', null)).type).toBe('SETUP_STATUS_EMPTY');
    expect((await send('SETUP_STATUS', null)).type).toBe('SETUP_STATUS_HASDATA');
  });
});

describe('consent over real cookies and IndexedDB', () => {
  it('CONSENT_STATUS probes real cookies; EXPRESS_CONSENT deny purges with ?user=1, clears `user`, keeps the secret', async () => {
    expect(await send('CONSENT_STATUS', null)).toEqual({ type: 'CONSENT_STATUS_SUCCESS', payload: { status: null, allowsCookies: true } });
    expect(getCookie('ok')).toBeNull();

    const secret = await newUserSecret();
    await putUserSecret('acc-consent', secret);
    const user = await openDatabase('user');
    await user.table('events').put({ eventId: id(1), accountId: 'acc-consent', payload: pageview(), secretId: 'local' });
    await user.table('checkpoints').put({ type: 'LAST_KNOWN_CHECKPOINT', sequence: 'S' });

    route('POST /api/purge?user=1', { status: 204 });
    expect(await send('EXPRESS_CONSENT', { status: 'deny' })).toEqual({ type: 'EXPRESS_CONSENT_SUCCESS', payload: { status: 'deny', allowsCookies: true } });
    expect(requests()).toEqual(['POST https://offen.example.org/api/purge?user=1']);
    expect(getCookie('consent')).toBe('deny');
    expect(await user.table('events').toArray()).toEqual([]);
    expect(await user.table('checkpoints').toArray()).toEqual([]);
    expect(await getUserSecret('acc-consent')).toEqual(secret);
    expect((await send('CONSENT_STATUS', null)).payload).toEqual({ status: 'deny', allowsCookies: true });
  });

  it('onboarding only sticks with consent allow', async () => {
    expect(await send('COMPLETE_ONBOARDING', null)).toEqual({ type: 'COMPLETE_ONBOARDING_SUCCESS', payload: null });
    expect(getCookie('onboarding-completed')).toBeNull();
    expect((await send('ONBOARDING_STATUS', null)).payload).toEqual({ status: true });
    await send('EXPRESS_CONSENT', { status: 'allow' });
    expect(fetchMock).not.toHaveBeenCalled();
    expect((await send('ONBOARDING_STATUS', null)).payload).toEqual({ status: false });
    await send('COMPLETE_ONBOARDING', null);
    expect(getCookie('onboarding-completed')).toBe('true');
    expect((await send('ONBOARDING_STATUS', null)).payload).toEqual({ status: true });
  });
});

describe('session over real sessionStorage', () => {
  it('LOGIN stores the result, LOGIN null returns it, LOGOUT removes it (D8) and LOGIN null then fails', async () => {
    const result = loginResult('acc-1', loadVectors().kekWrap.kekAsJwkSentAtLogin, 'u-1');
    route('POST /api/login', { status: 200, body: result });
    route('GET /api/login', { status: 200, body: loginResult('acc-1', null, 'u-1') }, { status: 200, body: loginResult('acc-1', null, 'u-1') });
    route('POST /api/logout', { status: 204 });
    expect(await send('LOGIN', { credentials: { username: 'a@x.org', password: 'pw' } })).toEqual({ type: 'LOGIN_SUCCESS', payload: result });
    expect(JSON.parse(sessionStorage.getItem('session')!)).toEqual(result);
    expect(await send('LOGIN', { credentials: null })).toEqual({ type: 'LOGIN_SUCCESS', payload: result });
    expect(await send('LOGOUT', null)).toEqual({ type: 'LOGOUT_SUCCESS', payload: null });
    expect(sessionStorage.getItem('session')).toBeNull();
    expect((await send('LOGIN', { credentials: null })).type).toBe('LOGIN_FAILURE');
  });

  it('a 401 from POST /api/login is a LOGIN_FAILURE with the server message', async () => {
    route('POST /api/login', { status: 401, body: { error: 'invalid credentials', status: 401 } });
    expect(await send('LOGIN', { credentials: { username: 'a', password: 'b' } })).toEqual({ type: 'LOGIN_FAILURE', payload: { message: 'invalid credentials' } });
  });
});

describe('visitor QUERY and PURGE over IndexedDB', () => {
  it('syncs, decrypts with the stored secret, applies tombstones and the checkpoint, then purges', async () => {
    const secret = await newUserSecret();
    await putUserSecret('acc-v', secret);
    const event = async (n: number) => ({ accountId: 'acc-v', eventId: id(n), payload: await seal(secret, pageview({ href: `https://x.org/${n}/` })) });
    route('GET /api/events', { status: 200, body: { events: { 'acc-v': [await event(1), await event(2)] }, sequence: 'SEQ1', retentionPeriod: '6months' } });
    route('GET /api/events?since=SEQ1', { status: 200, body: { events: { 'acc-v': [await event(3)] }, deletedEvents: [id(1)], sequence: 'SEQ2', retentionPeriod: '6months' } });
    const query = { query: { accountId: null }, authenticatedUser: null };

    const first = (await send('QUERY', query)).payload as { result: QueryResult };
    expect(first.result.events.map((e) => e.href)).toEqual(['https://x.org/1/', 'https://x.org/2/']);
    const second = (await send('QUERY', query)).payload as { result: QueryResult };
    expect(second.result.events.map((e) => e.href)).toEqual(['https://x.org/2/', 'https://x.org/3/']);
    expect(second.result.account).toEqual({ retentionPeriod: '6months' });
    const user = await openDatabase('user');
    expect(await user.table('checkpoints').get('LAST_KNOWN_CHECKPOINT')).toEqual({ type: 'LAST_KNOWN_CHECKPOINT', sequence: 'SEQ2' });
    expect(await user.table('events').toArray()).toEqual([
      { eventId: id(2), accountId: 'acc-v', payload: pageview({ href: 'https://x.org/2/' }), secretId: 'local' },
      { eventId: id(3), accountId: 'acc-v', payload: pageview({ href: 'https://x.org/3/' }), secretId: 'local' },
    ]);

    route('POST /api/purge', { status: 204 });
    route('GET /api/events', { status: 200, body: { events: {}, retentionPeriod: '6months' } });
    const purged = await send('PURGE', null);
    expect(purged).toMatchObject({ type: 'QUERY_SUCCESS', payload: { query: {}, result: { account: { retentionPeriod: '6months' }, events: [], range: { from: null, to: null } } } });
    expect(requests().slice(-2)).toEqual(['POST https://offen.example.org/api/purge', 'GET https://offen.example.org/api/events']);
    expect(await user.table('events').toArray()).toEqual([]);
    expect(await getUserSecret('acc-v')).toEqual(secret);
  });
});

describe('operator QUERY over IndexedDB', () => {
  const vectors = loadVectors();
  const kek = vectors.kekWrap.kekAsJwkSentAtLogin;
  let publicJwk: JsonWebKey;
  beforeAll(async () => {
    const privateJwk: JsonWebKey = JSON.parse(await webCryptoProvider.decryptSymmetric(kek, vectors.encryptedPrivateKey.value));
    publicJwk = { kty: 'RSA', n: privateJwk.n, e: privateJwk.e };
  });

  it('decrypts the vector chain, syncs incrementally with tombstones and keeps the visitor secret in the same database', async () => {
    const account = 'acc-operator';
    // The operator may also be a visitor of their own site: the USER_SECRET shares `<accountId>`.keys (§4.7).
    const visitorSecret = await newUserSecret();
    await putUserSecret(account, visitorSecret);
    const other = await newUserSecret();
    const s2 = await webCryptoProvider.encryptAsymmetric(publicJwk, JSON.stringify(other));
    const base = { accountId: account, name: 'Example', publicKey: publicJwk, encryptedPrivateKey: vectors.encryptedPrivateKey.value, created: '2024-10-01T00:00:00Z', retentionPeriod: '6months' };
    route(`GET /api/accounts/${account}?uncovered=1&limit=10000`, {
      status: 200,
      body: {
        ...base,
        events: { [account]: [
          { secretId: 'S1', eventId: id(1), payload: vectors.eventPayload.cipher12ByteNonce },
          { secretId: 'S2', eventId: id(2), payload: await seal(other, pageview({ href: 'https://x.org/two/' })) },
        ] },
        secrets: { S1: vectors.encryptedUserSecret.encryptedSecret, S2: s2 },
        sequence: 'Q1',
      },
    });
    route(`GET /api/accounts/${account}?since=Q1&limit=50000`, {
      status: 200,
      body: {
        ...base,
        events: { [account]: [{ secretId: 'S2', eventId: id(3), payload: await seal(other, pageview({ href: 'https://x.org/three/' })) }] },
        secrets: { S2: s2 },
        deletedEvents: [id(2)],
        sequence: 'Q2',
      },
    });
    // `now` pins the default 7-day window around T0: operators get only the window's events (issue 4 contract 5).
    const query = { query: { accountId: account, now: new Date(T0 + 3_600_000) }, authenticatedUser: loginResult(account, kek) };

    const first = ((await send('QUERY', query)).payload as { result: QueryResult }).result;
    expect(first.events).toEqual([
      { ...JSON.parse(vectors.eventPayload.plaintextUtf8), eventId: id(1), accountId: account, secretId: 'S1' },
      { ...pageview({ href: 'https://x.org/two/' }), eventId: id(2), accountId: account, secretId: 'S2' },
    ]);
    expect((first.account as { privateKey: JsonWebKey }).privateKey).toMatchObject({ kty: 'RSA', n: publicJwk.n });

    const second = ((await send('QUERY', query)).payload as { result: QueryResult }).result;
    expect(second.events.map((e) => e.eventId)).toEqual([id(1), id(3)]);
    const db = await openDatabase(account);
    const keys = await db.table<{ type: string; secretId?: string }>('keys').toArray();
    // S1 and S2 opened, so they live in the operator's encrypted cache, not here (S2 came back in the
    // incremental response and was not opened again); the visitor's own secret stays.
    expect(keys.map((k) => `${k.type}:${k.secretId ?? ''}`)).toEqual(['USER_SECRET:']);
    expect(await db.table('checkpoints').get('LAST_KNOWN_CHECKPOINT')).toEqual({ type: 'LAST_KNOWN_CHECKPOINT', sequence: 'Q2' });
    expect(await getUserSecret(account)).toEqual(visitorSecret);
  });
});
