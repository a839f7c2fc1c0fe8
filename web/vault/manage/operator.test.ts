// The operator's QUERY (clients-and-crypto.md §5.5, §4.4 "An operator decrypting") over the full key chain of
// crypto-vectors.json: login KEK -> encryptedPrivateKey -> RSA-OAEP user secrets -> AES-GCM payloads.
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Reply } from '../../shared/protocol.ts';
import { vectorKeyPair } from '../../shared/test-vectors.ts';
import { webCryptoProvider } from '../../shared/webcrypto.ts';
import { ApiError } from '../api.ts';
import { openDatabase } from '../storage.ts';
import { clearDecryptionCache } from './decrypt-cache.ts';
import { manageHandlers } from './handlers.ts';
import { loadVectors, loginResult, MemoryDatabase, newUserSecret, pageview, seal, ulid } from './test-support.ts';
import type { AccountResponse, QueryResult } from './types.ts';

// The shared secret cache's calls (shared-cache.ts) go to sharedApi, so they take no answer queued for the sync.
const { accountApi, sharedApi, rollupApi } = vi.hoisted(() => ({ accountApi: vi.fn(), sharedApi: vi.fn(), rollupApi: vi.fn() }));
vi.mock('../api.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../api.ts')>()),
  api: (...args: [string, string, unknown?]) =>
    args[1].includes('/cached-secrets') ? sharedApi(...args) : args[1].includes('/rollups') ? rollupApi(...args) : accountApi(...args),
}));
vi.mock('../storage.ts', () => ({ openDatabase: vi.fn(), getUserSecret: vi.fn() }));

const apiMock = accountApi;
const vectors = loadVectors();
const ACCOUNT = '9b63c4d8-65c0-438c-9d30-cc4b01173393';
const kek = vectors.kekWrap.kekAsJwkSentAtLogin;
const T0 = Date.parse('2024-10-11T19:00:00.000Z');
const id = (n: number) => ulid(T0 + n * 1000, `e${n}`);
let privateJwk: JsonWebKey;
let publicJwk: JsonWebKey;
let db: MemoryDatabase;

beforeAll(async () => {
  ({ privateJwk, publicJwk } = await vectorKeyPair());
});

beforeEach(() => {
  apiMock.mockReset();
  vi.restoreAllMocks();
  clearDecryptionCache();
  db = new MemoryDatabase(ACCOUNT);
  vi.mocked(openDatabase).mockImplementation(async (name) => {
    if (name !== ACCOUNT) throw new Error(`unexpected database ${name}`);
    return db;
  });
});

function accountResponse(extra: Partial<AccountResponse>): AccountResponse {
  return {
    accountId: ACCOUNT,
    name: 'Example',
    publicKey: publicJwk,
    encryptedPrivateKey: vectors.encryptedPrivateKey.value,
    created: '2024-10-01T00:00:00Z',
    retentionPeriod: '6months',
    ...extra,
  };
}

// `now` pins the 7-day window around T0: an operator's result carries only the window's events (contract 5).
const NOW = new Date(T0 + 3_600_000).toISOString();
const operatorQuery = (user = loginResult(ACCOUNT, kek)) => ({ query: { accountId: ACCOUNT, range: 7, resolution: 'days', now: NOW }, authenticatedUser: user });

async function query(payload: unknown = operatorQuery()): Promise<QueryResult> {
  const replies: Reply[] = [];
  await manageHandlers.QUERY!({ type: 'QUERY', payload }, (reply) => replies.push(reply as Reply));
  expect(replies).toHaveLength(1);
  expect(replies[0]!.type).toBe('QUERY_SUCCESS');
  expect((replies[0]!.payload as { query: unknown }).query).toEqual((payload as { query: unknown }).query);
  return (replies[0]!.payload as { result: QueryResult }).result;
}

const vectorEvent = () => JSON.parse(vectors.eventPayload.plaintextUtf8);

describe('operator QUERY', () => {
  it('decrypts the full chain, keeps the events that did not open encrypted, stores new secrets, and moves the checkpoint', async () => {
    const second = await newUserSecret();
    apiMock.mockResolvedValueOnce(accountResponse({
      events: {
        [ACCOUNT]: [
          { secretId: 'S1', eventId: id(1), payload: vectors.eventPayload.cipher12ByteNonce },
          { secretId: 'S2', eventId: id(2), payload: await seal(second, pageview({ href: 'https://www.example.com/two/' })) },
          { secretId: 'S2', eventId: id(3), payload: 'garbage' },
          { secretId: 'S2', eventId: id(4), payload: await seal(second, pageview({ type: 'CLICK' as 'PAGEVIEW' })) },
          { eventId: id(5), payload: await seal(second, pageview()) },
          { secretId: 'S3', eventId: id(6), payload: await seal(second, pageview()) },
          { secretId: 'S4', eventId: id(7), payload: await seal(second, pageview()) },
        ],
      },
      secrets: {
        S1: vectors.encryptedUserSecret.encryptedSecret,
        S2: await webCryptoProvider.encryptAsymmetric(publicJwk, JSON.stringify(second)),
        S3: '',
        S4: 'no RSA block',
      },
      sequence: 'Q1',
    }));

    const result = await query();
    expect(apiMock).toHaveBeenCalledWith('GET', `/api/accounts/${ACCOUNT}?uncovered=1&limit=10000`);
    expect(result.events).toEqual([
      { ...vectorEvent(), eventId: id(1), accountId: ACCOUNT, secretId: 'S1' },
      { ...pageview({ href: 'https://www.example.com/two/' }), eventId: id(2), accountId: ACCOUNT, secretId: 'S2' },
    ]);
    // §5.5: result.account is the server response plus the decrypted private JWK.
    expect(result.account).toMatchObject({ accountId: ACCOUNT, name: 'Example', retentionPeriod: '6months', privateKey: privateJwk });
    expect((result.account as { privateKey: JsonWebKey }).privateKey.d).toBeTruthy();

    // §4.7: events that did not open are stored encrypted, exactly as sent (the anonymous one without a
    // secretId), to be retried when their secret changes; the opened ones live in the encrypted cache only.
    const stored = await db.table<{ eventId: string; secretId?: string; payload: string }>('events').toArray();
    expect(stored.map((e) => e.eventId)).toEqual([3, 4, 5, 6, 7].map(id));
    expect(stored[0]).toEqual({ eventId: id(3), secretId: 'S2', payload: 'garbage' });
    expect(stored[2]).not.toHaveProperty('secretId');
    // The opened secrets S1 and S2 live in the view and its cache; falsy ones (S3) are skipped; S4 did not
    // open and is kept encrypted, to be retried when its value changes.
    expect(await db.table('keys').toArray()).toEqual([{ type: 'ENCRYPTED_SECRET', secretId: 'S4', value: 'no RSA block' }]);
    expect(await db.table('checkpoints').get('LAST_KNOWN_CHECKPOINT')).toEqual({ type: 'LAST_KNOWN_CHECKPOINT', sequence: 'Q1' });
  });

  it('syncs incrementally with ?since=, applies tombstones, does not duplicate secrets and reuses memoised keys', async () => {
    apiMock.mockResolvedValueOnce(accountResponse({
      events: { [ACCOUNT]: [{ secretId: 'S1', eventId: id(1), payload: vectors.eventPayload.cipher12ByteNonce }] },
      secrets: { S1: vectors.encryptedUserSecret.encryptedSecret },
      sequence: 'Q1',
    }));
    await query();

    const userSecret = vectors.eventPayload.userSecretJwk;
    const rsa = vi.spyOn(webCryptoProvider, 'decryptAsymmetric');
    const aes = vi.spyOn(webCryptoProvider, 'decryptSymmetric');
    apiMock.mockResolvedValueOnce(accountResponse({
      events: {
        [ACCOUNT]: [
          { secretId: 'S1', eventId: id(7), payload: await seal(userSecret, pageview({ href: 'https://www.example.com/seven/' })) },
          { secretId: 'S1', eventId: id(8), payload: await seal(userSecret, pageview({ href: 'https://www.example.com/eight/' })) },
        ],
      },
      secrets: { S1: vectors.encryptedUserSecret.encryptedSecret },
      deletedEvents: [id(1)],
      sequence: 'Q2',
    }));
    const result = await query();
    expect(apiMock).toHaveBeenLastCalledWith('GET', `/api/accounts/${ACCOUNT}?since=Q1&limit=50000`);
    expect(result.events.map((e) => [e.eventId, e.href])).toEqual([
      [id(7), 'https://www.example.com/seven/'],
      [id(8), 'https://www.example.com/eight/'],
    ]);
    // Everything opened: nothing is kept encrypted.
    expect(await db.table('events').toArray()).toEqual([]);
    expect(await db.table('keys').toArray()).toEqual([]);
    expect(await db.table('checkpoints').get('LAST_KNOWN_CHECKPOINT')).toMatchObject({ sequence: 'Q2' });
    // §4.4 step 5: S1 was opened in the first query; only the private key and the two new payloads are opened now.
    expect(rsa).not.toHaveBeenCalled();
    expect(aes).toHaveBeenCalledTimes(3);

    // A third round with no news decrypts nothing but the private key: events are memoised by eventId.
    aes.mockClear();
    apiMock.mockResolvedValueOnce(accountResponse({}));
    expect((await query()).events).toHaveLength(2);
    expect(apiMock).toHaveBeenLastCalledWith('GET', `/api/accounts/${ACCOUNT}?since=Q2&limit=50000`);
    expect(aes).toHaveBeenCalledTimes(1);
    expect(await db.table('checkpoints').get('LAST_KNOWN_CHECKPOINT')).toMatchObject({ sequence: 'Q2' });
  });

  it('a secretId that returns with a new value (re-exchange, §4.4) opens the new events with the new secret', async () => {
    const before = await newUserSecret();
    const after = await newUserSecret();
    apiMock.mockResolvedValueOnce(accountResponse({
      events: { [ACCOUNT]: [{ secretId: 'S', eventId: id(1), payload: await seal(before, pageview({ href: 'https://x.org/before/' })) }] },
      secrets: { S: await webCryptoProvider.encryptAsymmetric(publicJwk, JSON.stringify(before)) },
      sequence: 'Q1',
    }));
    await query();
    apiMock.mockResolvedValueOnce(accountResponse({
      events: { [ACCOUNT]: [{ secretId: 'S', eventId: id(2), payload: await seal(after, pageview({ href: 'https://x.org/after/' })) }] },
      secrets: { S: await webCryptoProvider.encryptAsymmetric(publicJwk, JSON.stringify(after)) },
      sequence: 'Q2',
    }));
    expect((await query()).events.map((e) => e.href)).toEqual(['https://x.org/before/', 'https://x.org/after/']);
  });

  it('LOGOUT forgets the memoised secrets: the next query opens them again', async () => {
    const response = accountResponse({
      events: { [ACCOUNT]: [{ secretId: 'S1', eventId: id(1), payload: vectors.eventPayload.cipher12ByteNonce }] },
      secrets: { S1: vectors.encryptedUserSecret.encryptedSecret },
      sequence: 'Q1',
    });
    apiMock.mockResolvedValueOnce(response);
    await query();
    apiMock.mockResolvedValueOnce(null);
    await manageHandlers.LOGOUT!({ type: 'LOGOUT', payload: null }, () => {});
    const rsa = vi.spyOn(webCryptoProvider, 'decryptAsymmetric');
    // The checkpoint is still stored, but nothing decrypted is left to continue from: the sync starts over.
    apiMock.mockResolvedValueOnce(accountResponse({}));
    apiMock.mockResolvedValueOnce(response);
    expect((await query()).events).toHaveLength(1);
    expect(apiMock.mock.calls.slice(-2).map((call) => call[1])).toEqual([
      `/api/accounts/${ACCOUNT}?since=Q1&limit=50000`,
      `/api/accounts/${ACCOUNT}?uncovered=1&limit=10000`,
    ]);
    expect(rsa).toHaveBeenCalledTimes(1);
  });

  it('without a KEK for the account it fails clearly before calling the API', async () => {
    await expect(query(operatorQuery(loginResult('another-account', kek)))).rejects.toThrow(`No key encryption key for account "${ACCOUNT}"`);
    await expect(query(operatorQuery(loginResult(ACCOUNT, null)))).rejects.toThrow('No key encryption key');
    await expect(query({ query: { accountId: ACCOUNT }, authenticatedUser: null })).rejects.toThrow('No key encryption key');
    expect(apiMock).not.toHaveBeenCalled();
  });

  it('a KEK that does not open the private key is an error, and nothing is stored', async () => {
    const wrong = { kty: 'oct', k: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8' };
    apiMock.mockResolvedValueOnce(accountResponse({ events: { [ACCOUNT]: [{ secretId: 'S1', eventId: id(1), payload: 'x' }] }, sequence: 'Q1' }));
    await expect(query(operatorQuery(loginResult(ACCOUNT, wrong)))).rejects.toThrow('private key could not be decrypted');
    expect(await db.table('events').toArray()).toEqual([]);
    expect(await db.table('checkpoints').toArray()).toEqual([]);
  });

  it.each([403, 500])('an API %i becomes ERROR (rethrown)', async (status) => {
    apiMock.mockRejectedValueOnce(new ApiError('forbidden', status));
    await expect(query()).rejects.toThrow('forbidden');
  });

  it('URL-encodes the account id', async () => {
    const odd = 'a/b?c';
    vi.mocked(openDatabase).mockResolvedValue(new MemoryDatabase(odd));
    apiMock.mockResolvedValueOnce({ ...accountResponse({}), accountId: odd });
    await query({ query: { accountId: odd }, authenticatedUser: loginResult(odd, kek) });
    expect(apiMock).toHaveBeenCalledWith('GET', '/api/accounts/a%2Fb%3Fc?uncovered=1&limit=10000');
  });
});
