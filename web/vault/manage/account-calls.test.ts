// Every account-management message of clients-and-crypto.md §1.4 / §5.6: the HTTP call it makes and the
// generic reply rule (SUCCESS, FAILURE {message} below 500, rethrow from 500 up and on network errors).
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError } from '../api.ts';
import type { Reply } from '../../shared/protocol.ts';
import { manageHandlers } from './handlers.ts';

vi.mock('../api.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('../api.ts')>()), api: vi.fn() }));
const apiMock = vi.mocked(api);

async function send(type: string, payload: unknown): Promise<Reply[]> {
  const replies: Reply[] = [];
  await manageHandlers[type]!({ type, payload }, (reply) => replies.push(reply as Reply));
  return replies;
}

const cases: Array<[string, Record<string, unknown>, string, string, unknown]> = [
  ['CHANGE_CREDENTIALS', { currentPassword: 'old-secret', changedPassword: 'new-secret' }, 'POST', '/api/change-password',
    { changedPassword: 'new-secret', currentPassword: 'old-secret' }],
  ['CHANGE_CREDENTIALS', { emailAddress: 'new@x.org', emailCurrent: 'old@x.org', password: 'pw' }, 'POST', '/api/change-email',
    { emailAddress: 'new@x.org', emailCurrent: 'old@x.org', password: 'pw' }],
  ['FORGOT_PASSWORD', { emailAddress: 'a@x.org', urlTemplate: 'https://o.x/reset-password/{token}/' }, 'POST', '/api/forgot-password',
    { emailAddress: 'a@x.org', urlTemplate: 'https://o.x/reset-password/{token}/' }],
  ['RESET_PASSWORD', { emailAddress: 'a@x.org', password: 'pw', token: 't0k' }, 'POST', '/api/reset-password',
    { emailAddress: 'a@x.org', password: 'pw', token: 't0k' }],
  ['SHARE_ACCOUNT', { invitee: 'b@x.org', emailAddress: 'a@x.org', password: 'pw', urlTemplate: 'u', grantAdminPrivileges: true },
    'POST', '/api/share-account', { invitee: 'b@x.org', emailAddress: 'a@x.org', password: 'pw', urlTemplate: 'u', grantAdminPrivileges: true }],
  ['SHARE_ACCOUNT', { invitee: 'b@x.org', emailAddress: 'a@x.org', password: 'pw', urlTemplate: 'u', grantAdminPrivileges: false, accountId: 'a/b c' },
    'POST', '/api/share-account/a%2Fb%20c', { invitee: 'b@x.org', emailAddress: 'a@x.org', password: 'pw', urlTemplate: 'u', grantAdminPrivileges: false }],
  ['JOIN', { emailAddress: 'b@x.org', password: 'pw', token: 'j' }, 'POST', '/api/join', { emailAddress: 'b@x.org', password: 'pw', token: 'j' }],
  ['CREATE_ACCOUNT', { accountName: 'New', emailAddress: 'a@x.org', password: 'pw' }, 'POST', '/api/accounts',
    { accountName: 'New', emailAddress: 'a@x.org', password: 'pw' }],
  ['RETIRE_ACCOUNT', { accountId: 'acc/1' }, 'DELETE', '/api/accounts/acc%2F1', undefined],
  ['UPDATE_ACCOUNT_STYLES', { accountId: 'acc-1', accountStyles: '.banner__root{color:red}' }, 'PUT', '/api/accounts/acc-1/account-styles',
    { accountStyles: '.banner__root{color:red}' }],
  ['UPDATE_ACCOUNT_STYLES', { accountId: 'acc-1', accountStyles: '.x{}', dryRun: true }, 'PUT', '/api/accounts/acc-1/account-styles?dryRun=1',
    { accountStyles: '.x{}' }],
  ['SETUP', { accountName: 'First', emailAddress: 'a@x.org', password: 'pw' }, 'POST', '/api/setup',
    { accountName: 'First', emailAddress: 'a@x.org', password: 'pw' }],
];

beforeEach(() => apiMock.mockReset());

describe.each(cases)('%s', (type, payload, method, path, body) => {
  it(`calls ${method} ${path} and answers ${type}_SUCCESS`, async () => {
    apiMock.mockResolvedValueOnce(null);
    expect(await send(type, payload)).toEqual([{ type: `${type}_SUCCESS`, payload: null }]);
    expect(apiMock).toHaveBeenCalledTimes(1);
    if (body === undefined) expect(apiMock).toHaveBeenCalledWith(method, path);
    else expect(apiMock).toHaveBeenCalledWith(method, path, body);
  });

  it.each([400, 401, 403, 404])(`answers ${type}_FAILURE with the server message on %i`, async (status) => {
    apiMock.mockRejectedValueOnce(new ApiError('nope', status));
    expect(await send(type, payload)).toEqual([{ type: `${type}_FAILURE`, payload: { message: 'nope' } }]);
  });

  it.each([500, 503])('rethrows %i so the core answers ERROR', async (status) => {
    apiMock.mockRejectedValueOnce(new ApiError('boom', status));
    const replies: Reply[] = [];
    await expect(manageHandlers[type]!({ type, payload }, (r) => replies.push(r as Reply))).rejects.toThrow('boom');
    expect(replies).toEqual([]);
  });

  it('rethrows network errors', async () => {
    apiMock.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    await expect(send(type, payload)).rejects.toThrow('Failed to fetch');
  });
});

describe('SETUP_STATUS', () => {
  it('answers SETUP_STATUS_EMPTY when GET /api/setup passes (204)', async () => {
    apiMock.mockResolvedValueOnce(null);
    expect(await send('SETUP_STATUS', null)).toEqual([{ type: 'SETUP_STATUS_EMPTY', payload: null }]);
    expect(apiMock).toHaveBeenCalledWith('GET', '/api/setup');
  });

  it('answers SETUP_STATUS_HASDATA on 403', async () => {
    apiMock.mockRejectedValueOnce(new ApiError('null', 403));
    expect(await send('SETUP_STATUS', null)).toEqual([{ type: 'SETUP_STATUS_HASDATA', payload: null }]);
  });

  it('rethrows 500', async () => {
    apiMock.mockRejectedValueOnce(new ApiError('db down', 500));
    await expect(send('SETUP_STATUS', null)).rejects.toThrow('db down');
  });
});

describe('payload checks', () => {
  it('a missing payload is a clear error, not a TypeError, and makes no call', async () => {
    await expect(send('JOIN', null)).rejects.toThrow('Message of type "JOIN" needs a payload object.');
    expect(apiMock).not.toHaveBeenCalled();
  });

  it('RETIRE_ACCOUNT without an id makes no call', async () => {
    await expect(send('RETIRE_ACCOUNT', {})).rejects.toThrow('Expected a non-empty id.');
    expect(apiMock).not.toHaveBeenCalled();
  });
});

describe('registration', () => {
  it('the bundle entry registers every same-origin type except EVENT and ACQUIRE_CONSENT', async () => {
    await import('../manage.ts');
    expect(Object.keys(globalThis.__OFFEN_MANAGE__ ?? {}).sort()).toEqual([
      'CHANGE_CREDENTIALS', 'COMPLETE_ONBOARDING', 'CONSENT_STATUS', 'CREATE_ACCOUNT', 'EXPRESS_CONSENT', 'FORGOT_PASSWORD',
      'JOIN', 'LOGIN', 'LOGOUT', 'ONBOARDING_STATUS', 'PURGE', 'QUERY', 'RESET_PASSWORD', 'RETIRE_ACCOUNT', 'SETUP',
      'SETUP_STATUS', 'SHARE_ACCOUNT', 'UPDATE_ACCOUNT_STYLES',
    ]);
  });
});
