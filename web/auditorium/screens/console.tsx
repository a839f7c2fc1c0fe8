// /console/ (dashboard.md §1.4, §4): the accounts, and what the user may do with them by role (§4.1: adminLevel 1
// admin, 0 regular), then the user's own credentials and logout. Each account's embed code and (admin only)
// share, banner CSS and retire live in a collapsible section per account.
import type { LoginResult } from '../../shared/protocol.ts';
import { AccountStyles } from '../components/account-styles.tsx';
import { AccountPicker, EmbedCode, RetireAccount, Section, ShareAccount } from '../components/accounts.tsx';
import { ChangeEmail, ChangePassword, CreateAccount, Logout } from '../components/credentials.tsx';
import { Collapsible, Heading, Panel } from '../components/fields.tsx';
import { useApp } from '../context.ts';
import { isAdmin, sortedAccounts } from '../session.ts';

export function ConsoleScreen({ login }: { login: LoginResult }) {
  const { s } = useApp();
  const admin = isAdmin(login);
  const accounts = sortedAccounts(login);
  return (
    <>
      <Heading>{s.console.heading}</Heading>
      <p data-testid="console/role" data-admin={admin ? 'true' : 'false'}>
        {s.console.loggedIn} {admin ? s.console.admin : s.console.regular}
      </p>
      <Panel title={s.console.openAccount} testid="console/open-account">
        <AccountPicker login={login} />
      </Panel>
      {accounts.length > 0 ? (
        <Panel title={s.console.accountsHeading} testid="console/accounts">
          <p class="f6 mt0">{s.console.accountsIntro}</p>
          {accounts.map((account) => (
            <Collapsible key={account.accountId} title={account.accountName || account.accountId} level={3} testid={`console/account/${account.accountId}`}>
              <Section title={s.embed.heading} level={4}>
                <EmbedCode account={account} />
              </Section>
              {admin ? (
                <>
                  <Section title={s.share.headingOne} level={4}>
                    <ShareAccount account={account} />
                  </Section>
                  <Section title={s.styles.heading} level={4}>
                    <AccountStyles account={account} />
                  </Section>
                  <Section title={s.retire.heading} level={4}>
                    <RetireAccount account={account} />
                  </Section>
                </>
              ) : null}
            </Collapsible>
          ))}
        </Panel>
      ) : null}
      {admin && accounts.length > 0 ? (
        <Panel title={s.share.headingAll} testid="console/share-all">
          <ShareAccount />
        </Panel>
      ) : null}
      {admin ? (
        <Panel title={s.createAccount.heading} testid="console/create-account">
          <CreateAccount />
        </Panel>
      ) : null}
      <Panel title={s.changeEmail.heading} testid="console/change-email">
        <ChangeEmail />
      </Panel>
      <Panel title={s.changePassword.heading} testid="console/change-password">
        <ChangePassword />
      </Panel>
      <Panel title={s.logout.heading} testid="console/logout-panel">
        <Logout />
      </Panel>
    </>
  );
}
