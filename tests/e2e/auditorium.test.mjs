// Issue 4, browser tests of the auditorium shell and account screens (dashboard.md §1, §4, §7) in headless
// Chromium against the real offen binary: a fresh instance started WITHOUT `offen setup`, set up through /setup/;
// login failure and success; the auth guard with `next` and `?locale=`; the console (embed code, banner CSS
// preview and apply, create and retire an account, invite and join through the emailed link from a real SMTP
// server, change password, logout with the vault's session dropped, D8); forgot/reset password with the
// repeated-password check (D9); the 404 screen; and zero axe-core violations on every screen.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OffenServer, axeViolations, launchBrowser, makeCertificate, request, startSmtpSink, tempDir, newTab } from './harness.mjs';

const ADMIN = { email: 'admin@example.test', password: 'first admin password', account: 'Main site' };
const NEW_PASSWORD = 'a new admin password';
const RESET_PASSWORD = 'the reset admin password';
const INVITEE = { email: 'analyst@example.test', password: 'analyst password 1' };

let tmp, smtp, offen, browser;

before(async () => {
  tmp = tempDir('offen-auditorium-');
  const certificate = makeCertificate(tmp.dir);
  smtp = await startSmtpSink(tmp.dir);
  offen = await OffenServer.start({
    dir: tmp.dir,
    certificate,
    setup: false,
    env: { OFFEN_SMTP_PORT: String(smtp.port), OFFEN_SMTP_SENDER: 'offen@example.test' },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await offen?.stop();
  await smtp?.stop();
  tmp?.remove();
});

/** A fresh browser context (own cookies and storage) whose page errors are collected. */
async function operator() {
  const opened = await newTab(browser);
  await opened.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: offen.origin });
  return opened;
}

const url = (path) => new URL(path, offen.origin).href;
const pathOf = (tab) => new URL(tab.url()).pathname;
const searchOf = (tab) => new URLSearchParams(new URL(tab.url()).search);

/** Waits for a flash message containing `text`. */
async function flash(tab, text) {
  await tab.locator('[data-testid="flash-message"]', { hasText: text }).first().waitFor({ timeout: 20_000 });
}

async function noAxeViolations(tab, screen) {
  const violations = await axeViolations(tab);
  assert.deepEqual(violations, [], `axe violations on ${screen}: ${JSON.stringify(violations, null, 2)}`);
}

async function logIn(tab, email, password) {
  await tab.getByTestId('login/username-input').fill(email);
  await tab.getByTestId('login/password-input').fill(password);
  await tab.getByTestId('login/submit').click();
}

/** Logs in from /login/ and waits until the app has left /login/. */
async function logInFully(tab, email, password, query = '') {
  await tab.goto(url(`/login/${query}`));
  await logIn(tab, email, password);
  await tab.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 30_000 });
}

/** The vault frame's sessionStorage["session"] (the login result with the KEKs, clients-and-crypto.md §1.4). */
async function vaultSession(tab) {
  const frame = tab.frames().find((f) => new URL(f.url()).pathname === '/vault');
  assert.ok(frame, 'the auditorium embeds one vault frame');
  return frame.evaluate(() => sessionStorage.getItem('session'));
}

async function openAccountSection(tab, name) {
  const summary = tab.locator('summary', { hasText: name });
  await summary.waitFor();
  const details = summary.locator('xpath=..');
  if ((await details.getAttribute('open')) === null) await summary.click();
  return details;
}

/** The link in the newest mail to `recipient` that contains `marker` (e.g. "/join/"). */
async function mailedLink(recipient, marker, after = 0) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const mails = smtp.messages().filter((m) => (m.rcpt_tos || []).includes(recipient));
    if (mails.length > after) {
      const body = mails[mails.length - 1].body;
      const link = (body.match(/https:\/\/\S+/g) || []).find((l) => l.includes(marker));
      assert.ok(link, `no ${marker} link in: ${body}`);
      return link.replace(/[">)\].,]+$/, '');
    }
    if (Date.now() > deadline) throw new Error(`no mail to ${recipient}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The account's stored banner CSS, read over the API (GET /api/accounts/:id, server.md §1.4). */
async function savedStyles(email, password) {
  const login = await request(offen.origin, 'POST', '/api/login', { body: { username: email, password } });
  assert.equal(login.status, 200);
  const cookie = login.headers['set-cookie'].map((c) => c.split(';')[0]).join('; ');
  const account = await request(offen.origin, 'GET', `/api/accounts/${login.json().accounts[0].accountId}`, { cookie });
  assert.equal(account.status, 200, account.text);
  return account.json().accountStyles ?? '';
}

describe('the auditorium in the browser', { timeout: 600_000 }, () => {
  let accountId;

  test('a fresh instance: the landing and login pages point to /setup/, which creates the account and its admin once', async () => {
    const { context, tab, pageErrors } = await operator();
    assert.equal((await request(offen.origin, 'GET', '/api/setup')).status, 204, 'the instance starts empty');

    await tab.goto(url('/'));
    await tab.getByTestId('index/operator-login').waitFor();
    assert.equal(await tab.title(), 'Offen');
    await noAxeViolations(tab, '/');
    await tab.getByRole('link', { name: 'Log in as operator' }).click();
    await tab.waitForURL('**/login/');
    await tab.getByTestId('login/not-set-up').waitFor();
    await noAxeViolations(tab, '/login/');
    await tab.getByRole('link', { name: 'Set up this instance' }).click();
    await tab.waitForURL('**/setup/');

    const form = tab.getByTestId('setup/form');
    await form.waitFor();
    assert.equal(await tab.title(), 'Setup | Offen');
    await noAxeViolations(tab, '/setup/');
    await tab.getByTestId('setup/account-name-input').fill(ADMIN.account);
    await tab.getByTestId('setup/email-input').fill(ADMIN.email);
    // §1.9: at least 8 bytes, checked before anything is sent.
    await tab.getByTestId('setup/password-input').fill('short');
    await tab.getByTestId('setup/password-repeat').fill('short');
    await tab.getByTestId('setup/submit').click();
    await tab.getByText('Your password needs to be at least 8 characters long.').waitFor();
    assert.equal(await tab.getByTestId('setup/password-input').getAttribute('aria-invalid'), 'true');
    assert.equal(await tab.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'setup/password-input');
    // The repetition must match.
    await tab.getByTestId('setup/password-input').fill(ADMIN.password);
    await tab.getByTestId('setup/password-repeat').fill(ADMIN.password + 'x');
    await tab.getByTestId('setup/submit').click();
    await flash(tab, 'Passwords did not match. Please try again.');
    assert.equal(pathOf(tab), '/setup/');
    assert.equal((await request(offen.origin, 'GET', '/api/setup')).status, 204, 'nothing was set up yet');
    await noAxeViolations(tab, '/setup/ with errors and a flash');

    await tab.getByTestId('setup/password-repeat').fill(ADMIN.password);
    await tab.getByTestId('setup/submit').click();
    await tab.waitForURL('**/login/', { timeout: 30_000 });
    await flash(tab, 'You can now log in using the provided credentials.');
    assert.equal((await request(offen.origin, 'GET', '/api/setup')).status, 403, 'the instance has data now');
    assert.equal(await tab.getByTestId('login/not-set-up').count(), 0, 'no setup hint on a set-up instance');

    // §1.5: a second visit is turned away.
    await tab.goto(url('/setup/'));
    await tab.waitForURL((u) => u.pathname === '/');
    await flash(tab, 'This instance is already set up.');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test('login: wrong credentials keep the user on /login/; the right ones open the first account, which survives a reload', async () => {
    const { context, tab, pageErrors } = await operator();
    await tab.goto(url('/login/'));
    await logIn(tab, ADMIN.email, 'not the password');
    await flash(tab, 'Could not log in using the given credentials. Try again.');
    assert.equal(pathOf(tab), '/login/');
    assert.equal(await tab.getByTestId('login/password-input').inputValue(), '', 'the wrong password is cleared');
    await logIn(tab, 'nobody@example.test', 'not the password');
    await tab.locator('[data-testid="flash-message"]').nth(1).waitFor();
    assert.equal(pathOf(tab), '/login/');

    await logIn(tab, ADMIN.email, ADMIN.password);
    await tab.waitForURL(/\/auditorium\/[0-9a-f-]{36}\/$/, { timeout: 30_000 });
    accountId = pathOf(tab).split('/')[2];
    await tab.getByTestId('auditorium/header').getByText(`You are viewing data as operator with account ${ADMIN.account}.`).waitFor();
    assert.equal(await tab.title(), 'Auditorium | Offen');
    assert.equal(await tab.evaluate(() => document.activeElement?.tagName), 'H1', 'the new screen\'s heading has the focus');
    await noAxeViolations(tab, '/auditorium/:accountId');
    assert.ok(JSON.parse(await vaultSession(tab)).accounts[0].keyEncryptionKey, 'the vault keeps the login result with the KEK');

    // LOGIN {credentials: null} on reload (clients-and-crypto.md §1.4).
    await tab.reload();
    await tab.getByTestId('auditorium/header').getByText(ADMIN.account).waitFor();

    // The Cypress "operator" path: the console collapsible and link (dashboard.md §7).
    await tab.getByTestId('auditorium/console-headline').click();
    await tab.getByTestId('auditorium/console-link').click();
    await tab.waitForURL('**/console/');
    await tab.getByRole('heading', { level: 1, name: 'Admin console' }).waitFor();
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test('the auth guard sends a visitor without a session to /login/?next=…, keeping ?locale=; the strings follow the locale', async () => {
    const { context, tab, pageErrors } = await operator();
    await tab.goto(url('/console/?locale=de'));
    await tab.waitForURL((u) => u.pathname === '/login/', { timeout: 20_000 });
    assert.equal(searchOf(tab).get('next'), '/console/?locale=de');
    assert.equal(searchOf(tab).get('locale'), 'de');
    await flash(tab, 'Bitte melden Sie sich mit Ihren Zugangsdaten an.');
    await tab.getByRole('heading', { level: 1, name: 'Als Betreiber anmelden' }).waitFor();
    assert.equal(await tab.title(), 'Anmelden | Offen');
    assert.equal(await tab.locator('#app-host > [lang]').getAttribute('lang'), 'de');
    assert.equal(new URL(await tab.locator('iframe[title="Offen Vault"]').getAttribute('src'), offen.origin).search, '?locale=de');
    assert.match(await tab.getByRole('link', { name: 'Passwort vergessen?' }).getAttribute('href'), /^\/forgot-password\/\?locale=de$/);
    await noAxeViolations(tab, '/login/?locale=de');

    await logIn(tab, ADMIN.email, ADMIN.password);
    await tab.waitForURL((u) => u.pathname === '/console/', { timeout: 30_000 });
    assert.equal(searchOf(tab).get('locale'), 'de');
    await tab.getByRole('heading', { level: 1, name: 'Admin-Konsole' }).waitFor();
    await noAxeViolations(tab, '/console/?locale=de');

    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test('console: roles, embed code, banner CSS preview (dry run) and apply', async () => {
    const { context, tab, pageErrors } = await operator();
    await logInFully(tab, ADMIN.email, ADMIN.password);
    await tab.goto(url('/console/'));
    await tab.getByTestId('console/role').waitFor();
    assert.equal(await tab.getByTestId('console/role').getAttribute('data-admin'), 'true');
    for (const panel of ['console/open-account', 'console/accounts', 'console/share-all', 'console/create-account', 'console/change-email', 'console/change-password']) {
      assert.equal(await tab.getByTestId(panel).count(), 1, panel);
    }
    await noAxeViolations(tab, '/console/');

    const section = await openAccountSection(tab, ADMIN.account);
    const snippet = await section.getByTestId('embed-code/snippet').inputValue();
    assert.equal(snippet, `<script async src="${offen.origin}/script.js" data-account-id="${accountId}"></script>`);
    await section.getByTestId('embed-code/copy').click();
    await flash(tab, 'Successfully copied embed code to clipboard.');
    assert.equal(await tab.evaluate(() => navigator.clipboard.readText()), snippet);

    // §5.6: width is a blocked property; the dry run reports it and nothing is previewed.
    const editor = section.getByTestId('account-styles/editor');
    await editor.fill('.banner__root { width: 100px; }');
    await section.getByTestId('account-styles/preview').click();
    await flash(tab, 'Could not validate your styles');
    assert.equal(await section.getByTestId('account-styles/previews').count(), 0);
    assert.equal(await editor.getAttribute('aria-invalid'), 'true');

    await editor.fill('.banner__root { background-color: #ffffcc; }');
    await section.getByTestId('account-styles/preview').click();
    await section.getByTestId('account-styles/previews').waitFor();
    for (const [state, button] of [['initial', 'I allow'], ['followup', 'Continue']]) {
      const frame = tab.frameLocator(`[data-testid="account-styles/preview-${state}"]`);
      await frame.getByRole('button', { name: button }).waitFor();
      assert.equal(await frame.locator('.banner__root').evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(255, 255, 204)');
    }
    assert.equal(await savedStyles(ADMIN.email, ADMIN.password), '', 'a dry run saves nothing');
    await noAxeViolations(tab, '/console/ with an account open and the banner preview');

    await section.getByTestId('account-styles/apply').click();
    await flash(tab, 'Your styles have been saved.');
    assert.equal(await savedStyles(ADMIN.email, ADMIN.password), '.banner__root { background-color: #ffffcc; }');
    const vaultPage = await request(offen.origin, 'GET', `/vault?accountId=${accountId}`);
    assert.match(vaultPage.text, /\.banner__root \{ background-color: #ffffcc; \}/, 'the vault page of the account carries the CSS');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test('create an account (log in again to see it), then retire it after typing its name', async () => {
    const { context, tab, pageErrors } = await operator();
    await logInFully(tab, ADMIN.email, ADMIN.password);
    await tab.goto(url('/console/'));
    await tab.getByTestId('console/create-account/name-input').fill('Second site');
    await tab.getByTestId('console/create-account').getByRole('button', { name: 'Create account' }).click();
    const panel = tab.getByTestId('console/create-account');
    await panel.getByText('You need to confirm this action with your credentials.').waitFor();
    assert.equal(await tab.evaluate(() => document.activeElement?.getAttribute('type')), 'email', 'step 2 takes the focus');
    await noAxeViolations(tab, '/console/ create account step 2');
    await panel.getByLabel('Email address').fill(ADMIN.email);
    await panel.getByLabel('Password').fill(ADMIN.password);
    await panel.getByRole('button', { name: 'Confirm' }).click();
    await tab.waitForURL('**/login/', { timeout: 30_000 });
    await flash(tab, 'Log in again to use the newly created account "Second site".');
    assert.equal(await vaultSession(tab), null, 'the old session (without the new KEK) is gone');

    await logIn(tab, ADMIN.email, ADMIN.password);
    await tab.waitForURL((u) => u.pathname.startsWith('/auditorium/'), { timeout: 30_000 });
    const picker = tab.getByTestId('account-picker');
    await picker.getByRole('link', { name: 'Second site' }).waitFor();
    assert.deepEqual(await picker.getByRole('link').allTextContents(), [ADMIN.account, 'Second site'], 'alphabetical');

    await tab.goto(url('/console/'));
    const section = await openAccountSection(tab, 'Second site');
    await section.getByTestId('retire-account/start').click();
    const confirm = section.getByTestId('retire-account/confirm');
    assert.equal(await confirm.isDisabled(), true, 'Confirm waits for the exact name');
    await section.getByTestId('retire-account/name-input').fill('Second sit');
    assert.equal(await confirm.isDisabled(), true);
    await noAxeViolations(tab, '/console/ retire step 2');
    await section.getByTestId('retire-account/name-input').fill('Second site');
    await confirm.click();
    await tab.waitForURL('**/login/', { timeout: 30_000 });
    await flash(tab, 'The account "Second site" has been retired. Log in again to continue.');

    await logIn(tab, ADMIN.email, ADMIN.password);
    await tab.waitForURL((u) => u.pathname.startsWith('/auditorium/'), { timeout: 30_000 });
    await tab.goto(url('/console/'));
    await tab.getByTestId('account-picker').waitFor();
    assert.deepEqual(await tab.getByTestId('account-picker').getByRole('link').allTextContents(), [ADMIN.account]);
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test('invite a new user to all accounts; they join through the emailed link and get a regular role', async () => {
    const { context, tab, pageErrors } = await operator();
    await logInFully(tab, ADMIN.email, ADMIN.password);
    await tab.goto(url('/console/'));
    const panel = tab.getByTestId('console/share-all');
    await panel.getByTestId('share/invitee-input').fill(INVITEE.email);
    await panel.getByRole('button', { name: 'Invite user' }).click();
    // §4.2: "You cannot invite yourself" compares the invitee with the confirming email.
    await panel.getByLabel('Email address').fill(INVITEE.email);
    await panel.getByLabel('Password').fill(ADMIN.password);
    await panel.getByRole('button', { name: 'Confirm' }).click();
    await flash(tab, 'You cannot invite yourself.');
    await panel.getByLabel('Email address').fill(ADMIN.email);
    await panel.getByRole('button', { name: 'Confirm' }).click();
    await flash(tab, `An invite email has been sent to ${INVITEE.email}.`);
    await context.close();

    const link = await mailedLink(INVITEE.email, '/join/');
    assert.ok(link.startsWith(`${offen.origin}/join/`), link);
    const invitee = await operator();
    await invitee.tab.goto(link);
    await invitee.tab.getByRole('heading', { level: 1, name: 'Join Offen Fair Web Analytics' }).waitFor();
    await noAxeViolations(invitee.tab, '/join/:token');
    await invitee.tab.getByTestId('join/email-input').fill(INVITEE.email);
    await invitee.tab.getByTestId('join/password-input').fill(INVITEE.password);
    await invitee.tab.getByTestId('join/password-repeat').fill('something else');
    await invitee.tab.getByRole('button', { name: 'Accept invite' }).click();
    await flash(invitee.tab, 'Passwords did not match');
    await invitee.tab.getByTestId('join/password-repeat').fill(INVITEE.password);
    await invitee.tab.getByRole('button', { name: 'Accept invite' }).click();
    await invitee.tab.waitForURL('**/login/', { timeout: 30_000 });
    await flash(invitee.tab, 'Your account has been set up, you can now log in.');

    await logIn(invitee.tab, INVITEE.email, INVITEE.password);
    await invitee.tab.waitForURL(`**/auditorium/${accountId}/`, { timeout: 30_000 });
    await invitee.tab.goto(url('/console/'));
    await invitee.tab.getByTestId('console/role').waitFor();
    assert.equal(await invitee.tab.getByTestId('console/role').getAttribute('data-admin'), 'false');
    for (const adminOnly of ['console/share-all', 'console/create-account']) assert.equal(await invitee.tab.getByTestId(adminOnly).count(), 0, adminOnly);
    const section = await openAccountSection(invitee.tab, ADMIN.account);
    await section.getByTestId('embed-code').waitFor();
    for (const adminOnly of ['share-account', 'account-styles', 'retire-account']) assert.equal(await section.getByTestId(adminOnly).count(), 0, adminOnly);
    await noAxeViolations(invitee.tab, '/console/ as a regular user');
    assert.deepEqual([...pageErrors, ...invitee.pageErrors], []);
    await invitee.context.close();
  });

  test('change password, then only the new one logs in; logout drops the vault session (D8) and guards the console again', async () => {
    const { context, tab, pageErrors } = await operator();
    await logInFully(tab, ADMIN.email, ADMIN.password);
    await tab.goto(url('/console/'));
    await tab.getByTestId('console/reset-password/form').waitFor();
    await tab.getByTestId('console/reset-password/current-password-input').fill(ADMIN.password);
    await tab.getByTestId('console/reset-password/new-password-input').fill(NEW_PASSWORD);
    await tab.getByText(/Password strength: /).waitFor();
    await tab.getByTestId('console/reset-password/new-password-repeat').fill(NEW_PASSWORD + '!');
    await tab.getByTestId('console/reset-password/form').getByRole('button', { name: 'Change password' }).click();
    await flash(tab, 'Passwords did not match. Please try again.');
    assert.equal(pathOf(tab), '/console/');
    await tab.getByTestId('console/reset-password/new-password-repeat').fill(NEW_PASSWORD);
    await tab.getByTestId('console/reset-password/form').getByRole('button', { name: 'Change password' }).click();
    await tab.waitForURL('**/login/', { timeout: 30_000 });
    await flash(tab, 'Please log in again using your new password.');

    await logIn(tab, ADMIN.email, ADMIN.password);
    await flash(tab, 'Could not log in using the given credentials. Try again.');
    assert.equal(pathOf(tab), '/login/');
    await logIn(tab, ADMIN.email, NEW_PASSWORD);
    await tab.waitForURL(`**/auditorium/${accountId}/`, { timeout: 30_000 });
    assert.notEqual(await vaultSession(tab), null);

    await tab.goto(url('/console/'));
    await tab.getByTestId('console/logout').click();
    await tab.waitForURL('**/login/', { timeout: 20_000 });
    await flash(tab, 'You have been logged out.');
    assert.equal(await vaultSession(tab), null, 'D8: the vault forgot the login result and its KEKs');
    await tab.goto(url('/console/'));
    await tab.waitForURL((u) => u.pathname === '/login/');
    assert.equal(searchOf(tab).get('next'), '/console/');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test('forgot password mails a reset link; the reset form checks the repetition (D9) and sets the password', async () => {
    const { context, tab, pageErrors } = await operator();
    await tab.goto(url('/login/'));
    await tab.getByRole('link', { name: 'Forgot password?' }).click();
    await tab.waitForURL('**/forgot-password/');
    await noAxeViolations(tab, '/forgot-password/');
    const before = smtp.messages().filter((m) => m.rcpt_tos.includes(ADMIN.email)).length;
    await tab.getByTestId('forgot-password/email-input').fill(ADMIN.email);
    await tab.getByRole('button', { name: 'Send Email' }).click();
    await flash(tab, 'Check your inbox and follow the instructions in the email.');
    const link = await mailedLink(ADMIN.email, '/reset-password/', before);

    await tab.goto(link);
    await tab.getByTestId('reset-password/form').waitFor();
    await noAxeViolations(tab, '/reset-password/:token');
    await tab.getByTestId('reset-password/email-input').fill(ADMIN.email);
    await tab.getByTestId('reset-password/password-input').fill(RESET_PASSWORD);
    await tab.getByTestId('reset-password/password-repeat').fill(NEW_PASSWORD);
    await tab.getByRole('button', { name: 'Reset Password' }).click();
    await flash(tab, 'Passwords did not match. Please try again.');
    assert.ok(pathOf(tab).startsWith('/reset-password/'), 'D9: a mismatch is not sent');
    await tab.getByTestId('reset-password/password-repeat').fill(RESET_PASSWORD);
    await tab.getByRole('button', { name: 'Reset Password' }).click();
    await tab.waitForURL('**/login/', { timeout: 30_000 });
    await logIn(tab, ADMIN.email, RESET_PASSWORD);
    await tab.waitForURL(`**/auditorium/${accountId}/`, { timeout: 30_000 });
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  test('the 404 screen and the User Auditorium placeholder', async () => {
    const { context, tab, pageErrors } = await operator();
    await tab.goto(url('/no/such/page?locale=fr'));
    await tab.getByRole('heading', { level: 1, name: 'Introuvable…' }).waitFor();
    assert.equal(await tab.title(), 'Introuvable | Offen');
    assert.equal(await tab.getByRole('link', { name: 'Aller à la page d’accueil', exact: true }).getAttribute('href'), '/?locale=fr');
    await noAxeViolations(tab, '404');
    await tab.goto(url('/auditorium/'));
    await tab.getByRole('heading', { level: 1, name: 'Auditorium' }).waitFor();
    await noAxeViolations(tab, '/auditorium/');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
});
