// CONSENT_STATUS, EXPRESS_CONSENT, ONBOARDING_STATUS and COMPLETE_ONBOARDING (clients-and-crypto.md §1.4,
// §3.2, §3.3) against a cookie jar and an in-memory database.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Reply } from '../../shared/protocol.ts';
import { api, ApiError } from '../api.ts';
import { deleteCookie, getCookie, setCookie } from '../cookies.ts';
import { openDatabase } from '../storage.ts';
import { manageHandlers } from './handlers.ts';
import { MemoryDatabase } from './test-support.ts';

vi.mock('../api.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('../api.ts')>()), api: vi.fn() }));
vi.mock('../cookies.ts', () => ({ getCookie: vi.fn(), setCookie: vi.fn(), deleteCookie: vi.fn() }));
vi.mock('../storage.ts', () => ({ openDatabase: vi.fn(), getUserSecret: vi.fn() }));

const apiMock = vi.mocked(api);
let jar: Map<string, { value: string; expires?: Date }>;
let blockCookies: boolean;
let databases: Map<string, MemoryDatabase>;

beforeEach(() => {
  apiMock.mockReset();
  jar = new Map();
  blockCookies = false;
  databases = new Map();
  vi.mocked(setCookie).mockImplementation((name, value, options) => {
    if (!blockCookies) jar.set(name, { value, expires: options?.expires });
  });
  vi.mocked(getCookie).mockImplementation((name) => jar.get(name)?.value ?? null);
  vi.mocked(deleteCookie).mockImplementation((name) => void jar.delete(name));
  vi.mocked(openDatabase).mockImplementation(async (name) => {
    if (!databases.has(name)) databases.set(name, new MemoryDatabase(name));
    return databases.get(name)!;
  });
});

async function send(type: string, payload: unknown = null): Promise<Reply[]> {
  const replies: Reply[] = [];
  await manageHandlers[type]!({ type, payload }, (reply) => replies.push(reply as Reply));
  return replies;
}

const yearsFromNow = (date: Date | undefined) => (date!.getTime() - Date.now()) / (365.25 * 24 * 3600 * 1000);

describe('CONSENT_STATUS', () => {
  it.each([['allow'], ['deny']])('reports the %s cookie and that cookies work', async (status) => {
    jar.set('consent', { value: status });
    expect(await send('CONSENT_STATUS')).toEqual([{ type: 'CONSENT_STATUS_SUCCESS', payload: { status, allowsCookies: true } }]);
  });

  it('reports null without a decision and leaves no probe cookie behind', async () => {
    expect(await send('CONSENT_STATUS')).toEqual([{ type: 'CONSENT_STATUS_SUCCESS', payload: { status: null, allowsCookies: true } }]);
    expect(setCookie).toHaveBeenCalledWith('ok', '__allows_cookies__');
    expect(jar.has('ok')).toBe(false);
  });

  it('reports allowsCookies false when the probe cookie does not stick', async () => {
    blockCookies = true;
    expect((await send('CONSENT_STATUS'))[0]!.payload).toEqual({ status: null, allowsCookies: false });
  });

  it('treats an unknown cookie value as no decision', async () => {
    jar.set('consent', { value: 'maybe' });
    expect((await send('CONSENT_STATUS'))[0]!.payload).toMatchObject({ status: null });
  });
});

describe('EXPRESS_CONSENT', () => {
  it('allow writes the cookie for 100 years and calls nothing', async () => {
    expect(await send('EXPRESS_CONSENT', { status: 'allow' })).toEqual([
      { type: 'EXPRESS_CONSENT_SUCCESS', payload: { status: 'allow', allowsCookies: true } },
    ]);
    expect(jar.get('consent')!.value).toBe('allow');
    expect(yearsFromNow(jar.get('consent')!.expires)).toBeGreaterThan(99.9);
    expect(apiMock).not.toHaveBeenCalled();
  });

  async function seedUserData() {
    const user = new MemoryDatabase('user');
    databases.set('user', user);
    await user.table('events').put({ eventId: 'E1', accountId: 'acc-1', payload: {}, secretId: 'local' });
    await user.table('checkpoints').put({ type: 'LAST_KNOWN_CHECKPOINT', sequence: 'S1' });
    const account = new MemoryDatabase('acc-1');
    databases.set('acc-1', account);
    await account.table('keys').put({ type: 'USER_SECRET', value: { kty: 'oct', k: 'AQIDBAUGBwgJCgsMDQ4PEA' } });
    return { user, account };
  }

  it('deny writes the cookie, purges with ?user=1, clears user events and checkpoints and keeps the secrets', async () => {
    const { user, account } = await seedUserData();
    apiMock.mockResolvedValueOnce(null);
    expect(await send('EXPRESS_CONSENT', { status: 'deny' })).toEqual([
      { type: 'EXPRESS_CONSENT_SUCCESS', payload: { status: 'deny', allowsCookies: true } },
    ]);
    expect(apiMock).toHaveBeenCalledWith('POST', '/api/purge?user=1');
    expect(jar.get('consent')!.value).toBe('deny');
    expect(await user.table('events').toArray()).toEqual([]);
    expect(await user.table('checkpoints').toArray()).toEqual([]);
    expect(await account.table('keys').toArray()).toEqual([{ type: 'USER_SECRET', value: { kty: 'oct', k: 'AQIDBAUGBwgJCgsMDQ4PEA' } }]);
  });

  it('deny tolerates a 400 from purge (no user cookie)', async () => {
    const { user } = await seedUserData();
    apiMock.mockRejectedValueOnce(new ApiError('no user', 400));
    expect((await send('EXPRESS_CONSENT', { status: 'deny' }))[0]!.type).toBe('EXPRESS_CONSENT_SUCCESS');
    expect(await user.table('events').toArray()).toEqual([]);
  });

  it.each([403, 500])('deny rethrows a %i from purge and keeps local data', async (status) => {
    const { user } = await seedUserData();
    apiMock.mockRejectedValueOnce(new ApiError('purge failed', status));
    await expect(send('EXPRESS_CONSENT', { status: 'deny' })).rejects.toThrow('purge failed');
    expect(await user.table('events').toArray()).toHaveLength(1);
  });

  it('rejects an unknown status without writing a cookie', async () => {
    await expect(send('EXPRESS_CONSENT', { status: 'sure' })).rejects.toThrow('Unknown consent status "sure".');
    expect(jar.has('consent')).toBe(false);
  });
});

describe('onboarding', () => {
  it('without consent allow: status is always true and completion writes nothing', async () => {
    jar.set('consent', { value: 'deny' });
    expect(await send('ONBOARDING_STATUS')).toEqual([{ type: 'ONBOARDING_STATUS', payload: { status: true } }]);
    expect(await send('COMPLETE_ONBOARDING')).toEqual([{ type: 'COMPLETE_ONBOARDING_SUCCESS', payload: null }]);
    expect(jar.has('onboarding-completed')).toBe(false);
    jar.delete('consent');
    expect((await send('ONBOARDING_STATUS'))[0]!.payload).toEqual({ status: true });
  });

  it('with consent allow: false until completed, then the cookie (100 years) makes it true', async () => {
    jar.set('consent', { value: 'allow' });
    expect(await send('ONBOARDING_STATUS')).toEqual([{ type: 'ONBOARDING_STATUS', payload: { status: false } }]);
    expect(await send('COMPLETE_ONBOARDING')).toEqual([{ type: 'COMPLETE_ONBOARDING_SUCCESS', payload: null }]);
    expect(jar.get('onboarding-completed')!.value).toBe('true');
    expect(yearsFromNow(jar.get('onboarding-completed')!.expires)).toBeGreaterThan(99.9);
    expect(await send('ONBOARDING_STATUS')).toEqual([{ type: 'ONBOARDING_STATUS', payload: { status: true } }]);
  });
});
