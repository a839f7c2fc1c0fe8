import { describe, expect, it } from 'vitest';
import type { LoginResult } from '../shared/protocol.ts';
import { Session, landingAfterLogin, sortedAccounts } from './session.ts';
import type { Credentials, Outcome } from './vault-client.ts';

const result = (accounts: Array<[string, string]>, adminLevel = 1): LoginResult => ({
  accountUserId: 'user-1',
  adminLevel,
  accounts: accounts.map(([accountId, accountName]) => ({ accountId, accountName, keyEncryptionKey: null, created: '' })),
});

function fakeVault(answers: Array<Outcome<LoginResult>>) {
  const calls: Array<Credentials | null | 'logout'> = [];
  return {
    calls,
    login: async (credentials: Credentials | null) => {
      calls.push(credentials);
      return answers.shift() ?? { ok: false as const, message: 'Not logged in.' };
    },
    logout: async () => {
      calls.push('logout');
      return { ok: true as const, value: null };
    },
  };
}

describe('Session (dashboard.md §1 auth guard, clients-and-crypto.md §5.4)', () => {
  it('asks the vault with null credentials once and remembers the answer', async () => {
    const vault = fakeVault([{ ok: true, value: result([['a', 'A']]) }]);
    const session = new Session(vault);
    const [first, second] = await Promise.all([session.ensure(), session.ensure()]);
    expect(first?.accountUserId).toBe('user-1');
    expect(second).toBe(first);
    expect(await session.ensure()).toBe(first);
    expect(vault.calls).toEqual([null]);
  });

  it('keeps the result of a login with credentials and drops it on logout (D8)', async () => {
    const vault = fakeVault([{ ok: false, message: 'bad' }, { ok: true, value: result([]) }]);
    const session = new Session(vault);
    expect((await session.logIn({ username: 'a', password: 'b' })).ok).toBe(false);
    expect(session.login).toBeNull();
    expect((await session.logIn({ username: 'a', password: 'c' })).ok).toBe(true);
    expect(session.login?.accountUserId).toBe('user-1');
    await session.logOut();
    expect(session.login).toBeNull();
    expect(await session.ensure()).toBeNull();
    expect(vault.calls).toEqual([{ username: 'a', password: 'b' }, { username: 'a', password: 'c' }, 'logout', null]);
  });
});

describe('landingAfterLogin', () => {
  it('prefers next, then the first account of the server list, then the console', () => {
    expect(landingAfterLogin(result([['b', 'B'], ['a', 'A']]), '/console/?locale=de')).toBe('/console/?locale=de');
    expect(landingAfterLogin(result([['b', 'B'], ['a', 'A']]), null)).toBe('/auditorium/b/');
    expect(landingAfterLogin(result([]), null)).toBe('/console/');
  });
});

describe('sortedAccounts', () => {
  it('sorts by name for the account picker', () => {
    expect(sortedAccounts(result([['3', 'zeta'], ['1', 'Alpha'], ['2', 'beta']])).map((a) => a.accountName)).toEqual(['Alpha', 'beta', 'zeta']);
  });
});
