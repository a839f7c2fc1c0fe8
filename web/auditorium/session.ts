// The operator session as the auditorium sees it (dashboard.md §1 auth guard, §4.5; clients-and-crypto.md
// §5.4): the result of LOGIN with credentials is remembered for the life of the page; after a reload the app
// asks again with LOGIN {credentials: null}, which the vault answers from its sessionStorage copy only when the
// auth cookie still belongs to the same account user.
import type { LoginResult } from '../shared/protocol.ts';
import type { Credentials, Outcome, VaultClient } from './vault-client.ts';

export class Session {
  private current: LoginResult | null = null;
  private pending: Promise<LoginResult | null> | null = null;

  constructor(private readonly vault: Pick<VaultClient, 'login' | 'logout'>) {}

  get login(): LoginResult | null {
    return this.current;
  }

  /** The logged-in user, asking the vault once per page life (and again after forget()). */
  ensure(): Promise<LoginResult | null> {
    if (this.current) return Promise.resolve(this.current);
    if (!this.pending) {
      const pending = this.vault.login(null).then(
        (outcome) => {
          if (this.pending === pending) this.current = outcome.ok ? outcome.value : null;
          return outcome.ok ? outcome.value : null;
        },
        (error: unknown) => {
          if (this.pending === pending) this.pending = null;
          throw error;
        },
      );
      this.pending = pending;
    }
    return this.pending;
  }

  async logIn(credentials: Credentials): Promise<Outcome<LoginResult>> {
    const outcome = await this.vault.login(credentials);
    this.pending = null;
    this.current = outcome.ok ? outcome.value : null;
    return outcome;
  }

  /** Drops what this page knows; the next ensure() asks the vault again. */
  forget(): void {
    this.current = null;
    this.pending = null;
  }

  /** LOGOUT (D8: the vault drops its KEKs too), then forget. */
  async logOut(): Promise<Outcome> {
    this.forget();
    return this.vault.logout();
  }
}

/** dashboard.md §1: after login, `next` if set, else the first account of the server's list, else the console. */
export function landingAfterLogin(login: LoginResult, next: string | null): string {
  if (next) return next;
  const first = login.accounts[0];
  return first ? `/auditorium/${encodeURIComponent(first.accountId)}/` : '/console/';
}

/** Accounts sorted by name for the account picker (dashboard.md §1.3 item 2). */
export function sortedAccounts(login: LoginResult): LoginResult['accounts'] {
  return [...login.accounts].sort((a, b) => a.accountName.localeCompare(b.accountName) || a.accountId.localeCompare(b.accountId));
}

export const isAdmin = (login: LoginResult): boolean => login.adminLevel === 1;
