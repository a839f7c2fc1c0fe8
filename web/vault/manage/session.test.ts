// @vitest-environment happy-dom
// LOGIN and LOGOUT (clients-and-crypto.md §1.4 LOGIN notes, §5.4) with README.md D8 (logout clears the session).
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Reply } from '../../shared/protocol.ts';
import { api, ApiError } from '../api.ts';
import { AccountView } from './cache-view.ts';
import { accountViews } from './decrypt-cache.ts';
import { LOGIN, LOGOUT } from './session.ts';
import { loginResult, pageview } from './test-support.ts';

vi.mock('../api.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('../api.ts')>()), api: vi.fn() }));
const apiMock = vi.mocked(api);

const kek = { k: 'ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoM', kty: 'oct' };
const full = loginResult('acc-1', kek, 'user-1');
/** GET /api/login's reduced shape (server.md §1.4): no KEKs, same accountUserId. */
const reduced = { ...loginResult('acc-1', null, 'user-1'), accounts: [{ accountName: '', accountId: 'acc-1', keyEncryptionKey: null, created: '0001-01-01T00:00:00Z' }] };

async function send(handler: typeof LOGIN, type: string, payload: unknown): Promise<Reply[]> {
  const replies: Reply[] = [];
  await handler({ type, payload }, (reply) => replies.push(reply as Reply));
  return replies;
}

beforeEach(() => {
  apiMock.mockReset();
  sessionStorage.clear();
  accountViews.clear();
});

describe('LOGIN with credentials', () => {
  it('posts them, stores the whole response in sessionStorage["session"] and answers LOGIN_SUCCESS with it', async () => {
    apiMock.mockResolvedValueOnce(full);
    expect(await send(LOGIN, 'LOGIN', { credentials: { username: 'a@x.org', password: 'pw' } })).toEqual([
      { type: 'LOGIN_SUCCESS', payload: full },
    ]);
    expect(apiMock).toHaveBeenCalledWith('POST', '/api/login', { username: 'a@x.org', password: 'pw' });
    expect(JSON.parse(sessionStorage.getItem('session')!)).toEqual(full);
  });

  it('answers LOGIN_FAILURE {message} on 401 and stores nothing', async () => {
    apiMock.mockRejectedValueOnce(new ApiError('bad credentials', 401));
    expect(await send(LOGIN, 'LOGIN', { credentials: { username: 'a@x.org', password: 'no' } })).toEqual([
      { type: 'LOGIN_FAILURE', payload: { message: 'bad credentials' } },
    ]);
    expect(sessionStorage.getItem('session')).toBeNull();
  });

  it.each([400, 429, 500])('rethrows %i (only 401 is a LOGIN_FAILURE)', async (status) => {
    apiMock.mockRejectedValueOnce(new ApiError('other', status));
    await expect(send(LOGIN, 'LOGIN', { credentials: { username: 'a', password: 'b' } })).rejects.toThrow('other');
  });
});

describe('LOGIN without credentials', () => {
  it('answers with the STORED object (holding the KEKs) when accountUserId matches GET /api/login', async () => {
    sessionStorage.setItem('session', JSON.stringify(full));
    apiMock.mockResolvedValueOnce(reduced);
    const replies = await send(LOGIN, 'LOGIN', { credentials: null });
    expect(apiMock).toHaveBeenCalledWith('GET', '/api/login');
    expect(replies).toEqual([{ type: 'LOGIN_SUCCESS', payload: full }]);
    expect((replies[0]!.payload as typeof full).accounts[0]!.keyEncryptionKey).toEqual(kek);
  });

  it('answers LOGIN_FAILURE when the stored session belongs to another account user', async () => {
    sessionStorage.setItem('session', JSON.stringify(loginResult('acc-1', kek, 'someone-else')));
    apiMock.mockResolvedValueOnce(reduced);
    expect(await send(LOGIN, 'LOGIN', { credentials: null })).toEqual([{ type: 'LOGIN_FAILURE', payload: { message: 'Not logged in.' } }]);
  });

  it('answers LOGIN_FAILURE when there is no stored session (a new tab)', async () => {
    apiMock.mockResolvedValueOnce(reduced);
    expect(await send(LOGIN, 'LOGIN', { credentials: null })).toEqual([{ type: 'LOGIN_FAILURE', payload: { message: 'Not logged in.' } }]);
  });

  it('answers LOGIN_FAILURE when the stored session is not JSON', async () => {
    sessionStorage.setItem('session', '{broken');
    apiMock.mockResolvedValueOnce(reduced);
    expect((await send(LOGIN, 'LOGIN', { credentials: null }))[0]!.type).toBe('LOGIN_FAILURE');
  });

  it('answers LOGIN_FAILURE when the auth cookie is gone (401)', async () => {
    sessionStorage.setItem('session', JSON.stringify(full));
    apiMock.mockRejectedValueOnce(new ApiError('unauthorized', 401));
    expect(await send(LOGIN, 'LOGIN', { credentials: null })).toEqual([{ type: 'LOGIN_FAILURE', payload: { message: 'unauthorized' } }]);
  });

  it('rethrows 500', async () => {
    apiMock.mockRejectedValueOnce(new ApiError('down', 500));
    await expect(send(LOGIN, 'LOGIN', { credentials: null })).rejects.toThrow('down');
  });
});

describe('LOGOUT', () => {
  function fillCaches() {
    sessionStorage.setItem('session', JSON.stringify(full));
    const view = new AccountView('acc-1');
    view.setSecret('s1', { fp: 'x', jwk: { kty: 'oct', k: 'AQIDBAUGBwgJCgsMDQ4PEA' } });
    view.add({ ...pageview(), eventId: 'e1', accountId: 'acc-1', secretId: 's1' });
    accountViews.set('acc-1', view);
  }

  it('posts /api/logout, answers LOGOUT_SUCCESS (payload null) and forgets the session and decrypted keys (D8)', async () => {
    fillCaches();
    apiMock.mockResolvedValueOnce(null);
    expect(await send(LOGOUT, 'LOGOUT', null)).toEqual([{ type: 'LOGOUT_SUCCESS', payload: null }]);
    expect(apiMock).toHaveBeenCalledWith('POST', '/api/logout');
    expect(sessionStorage.getItem('session')).toBeNull();
    expect(accountViews.size).toBe(0);
  });

  it('answers LOGOUT_FAILURE {message} below 500 and still forgets the KEKs', async () => {
    fillCaches();
    apiMock.mockRejectedValueOnce(new ApiError('rate limited', 429));
    expect(await send(LOGOUT, 'LOGOUT', null)).toEqual([{ type: 'LOGOUT_FAILURE', payload: { message: 'rate limited' } }]);
    expect(sessionStorage.getItem('session')).toBeNull();
  });

  it('rethrows 500 after forgetting the KEKs', async () => {
    fillCaches();
    apiMock.mockRejectedValueOnce(new ApiError('down', 502));
    await expect(send(LOGOUT, 'LOGOUT', null)).rejects.toThrow('down');
    expect(sessionStorage.getItem('session')).toBeNull();
    expect(accountViews.size).toBe(0);
  });

  it('a later LOGIN without credentials fails: the KEKs are gone', async () => {
    fillCaches();
    apiMock.mockResolvedValueOnce(null).mockResolvedValueOnce(reduced);
    await send(LOGOUT, 'LOGOUT', null);
    expect((await send(LOGIN, 'LOGIN', { credentials: null }))[0]!.type).toBe('LOGIN_FAILURE');
  });
});
