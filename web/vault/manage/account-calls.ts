// The account-management messages of clients-and-crypto.md §1.4, mapped to the calls of §5.6. Bodies name
// their fields explicitly: the wire format is a contract (server.md §1.4), not whatever the page sent.
import { api } from '../api.ts';
import type { Handler } from '../handlers.ts';
import { apiHandler, isClientError, segment } from './reply.ts';

export const CHANGE_CREDENTIALS = apiHandler('CHANGE_CREDENTIALS', (p) =>
  // §1.4: {currentPassword, changedPassword} changes the password, {emailAddress, emailCurrent, password} the email.
  'currentPassword' in p || 'changedPassword' in p
    ? api('POST', '/api/change-password', { changedPassword: p.changedPassword, currentPassword: p.currentPassword })
    : api('POST', '/api/change-email', { emailAddress: p.emailAddress, emailCurrent: p.emailCurrent, password: p.password }),
);

export const FORGOT_PASSWORD = apiHandler('FORGOT_PASSWORD', (p) =>
  api('POST', '/api/forgot-password', { emailAddress: p.emailAddress, urlTemplate: p.urlTemplate }),
);

export const RESET_PASSWORD = apiHandler('RESET_PASSWORD', (p) =>
  api('POST', '/api/reset-password', { emailAddress: p.emailAddress, password: p.password, token: p.token }),
);

export const SHARE_ACCOUNT = apiHandler('SHARE_ACCOUNT', (p) =>
  // §5.6: without an accountId all of the provider's accounts are shared.
  api('POST', p.accountId ? `/api/share-account/${segment(p.accountId)}` : '/api/share-account', {
    invitee: p.invitee,
    emailAddress: p.emailAddress,
    password: p.password,
    urlTemplate: p.urlTemplate,
    grantAdminPrivileges: p.grantAdminPrivileges,
  }),
);

export const JOIN = apiHandler('JOIN', (p) =>
  api('POST', '/api/join', { emailAddress: p.emailAddress, password: p.password, token: p.token }),
);

export const CREATE_ACCOUNT = apiHandler('CREATE_ACCOUNT', (p) =>
  api('POST', '/api/accounts', { accountName: p.accountName, emailAddress: p.emailAddress, password: p.password }),
);

export const RETIRE_ACCOUNT = apiHandler('RETIRE_ACCOUNT', (p) => api('DELETE', `/api/accounts/${segment(p.accountId)}`));

export const UPDATE_ACCOUNT_STYLES = apiHandler('UPDATE_ACCOUNT_STYLES', (p) =>
  // server.md §1.4: any non-empty dryRun value validates without saving.
  api('PUT', `/api/accounts/${segment(p.accountId)}/account-styles${p.dryRun ? '?dryRun=1' : ''}`, {
    accountStyles: p.accountStyles,
  }),
);

export const SETUP = apiHandler('SETUP', (p) =>
  api('POST', '/api/setup', { accountName: p.accountName, emailAddress: p.emailAddress, password: p.password }),
);

/** §5.6: GET /api/setup is 204 on an empty database and 403 otherwise; the client only checks pass or fail. */
export const SETUP_STATUS: Handler = async (_request, respond) => {
  try {
    await api('GET', '/api/setup');
  } catch (err) {
    if (!isClientError(err)) throw err;
    respond({ type: 'SETUP_STATUS_HASDATA', payload: null });
    return;
  }
  respond({ type: 'SETUP_STATUS_EMPTY', payload: null });
};
