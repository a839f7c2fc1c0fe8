// Operator login and logout (clients-and-crypto.md §1.4 LOGIN notes, §5.4, README.md D8).
import type { LoginResult } from '../../shared/protocol.ts';
import { api, ApiError } from '../api.ts';
import type { Handler } from '../handlers.ts';
import { deleteCaches } from './cache-store.ts';
import { accountViews, clearDecryptionCache } from './decrypt-cache.ts';
import { isClientError, payloadObject } from './reply.ts';

/** §3.2: the full POST /api/login response, KEKs included, per tab. */
const SESSION_KEY = 'session';

function readSession(): LoginResult | null {
  try {
    const raw = globalThis.sessionStorage.getItem(SESSION_KEY);
    const session: unknown = raw === null ? null : JSON.parse(raw);
    return session !== null && typeof session === 'object' ? (session as LoginResult) : null;
  } catch {
    // Storage blocked or a corrupt entry: behave as if there were no session (a fresh login is needed).
    return null;
  }
}

function writeSession(session: LoginResult): void {
  try {
    globalThis.sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  } catch {
    // Storage blocked: the login itself succeeded; only a reload will ask for credentials again.
  }
}

function removeSession(): void {
  try {
    globalThis.sessionStorage.removeItem(SESSION_KEY);
  } catch {
    // Nothing stored where storage is blocked.
  }
}

function loginFailure(message: string) {
  return { type: 'LOGIN_FAILURE', payload: { message } };
}

export const LOGIN: Handler = async (request, respond) => {
  const { credentials } = payloadObject(request.payload, 'LOGIN');
  try {
    if (credentials) {
      const { username, password } = credentials as { username?: unknown; password?: unknown };
      const result = await api<LoginResult>('POST', '/api/login', { username, password });
      if (result === null || typeof result !== 'object') throw new Error('The login response carried no result.');
      // A new login starts from a clean slate: nothing decrypted for an earlier user stays in memory.
      clearDecryptionCache();
      writeSession(result);
      respond({ type: 'LOGIN_SUCCESS', payload: result });
      return;
    }
    // §1.4: GET /api/login only proves the auth cookie; the KEKs exist only in the stored session, which must
    // belong to the same account user (a new tab has none and needs a fresh login, §7.15).
    const current = await api<LoginResult>('GET', '/api/login');
    const stored = readSession();
    if (!stored || !current || stored.accountUserId !== current.accountUserId) {
      respond(loginFailure('Not logged in.'));
      return;
    }
    respond({ type: 'LOGIN_SUCCESS', payload: stored });
  } catch (err) {
    // §1.4: only a 401 is a LOGIN_FAILURE; every other error becomes ERROR.
    if (err instanceof ApiError && err.status === 401) {
      respond(loginFailure(err.message));
      return;
    }
    throw err;
  }
};

export const LOGOUT: Handler = async (_request, respond) => {
  // README.md D8: the KEKs and everything decrypted with them go first, whatever the server answers: the
  // session, the in-memory views and workers, and the encrypted local caches (offen-cache-<accountId>) of every
  // account this tab's login or views know, plus any other the browser lists.
  const accounts = new Set<string>(accountViews.keys());
  for (const account of readSession()?.accounts ?? []) if (account?.accountId) accounts.add(account.accountId);
  removeSession();
  clearDecryptionCache();
  await deleteCaches(accounts);
  try {
    await api('POST', '/api/logout');
  } catch (err) {
    if (!isClientError(err)) throw err;
    respond({ type: 'LOGOUT_FAILURE', payload: { message: err.message } });
    return;
  }
  respond({ type: 'LOGOUT_SUCCESS', payload: null });
};
