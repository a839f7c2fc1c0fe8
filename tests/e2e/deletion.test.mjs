// Deletion stays real through the operator's caches (ADR 0004 local cache, ADR 0005 shared caches): two visitors
// opt in and browse (A: two page views of /a, B: three of /b); the operator's dashboard (browser profile P1) shows
// both and shares the secrets it opened with the server (cached_secrets); B deletes their data in the User
// Auditorium; the server holds no cached secret of B's any more, P1's reload shows only A, and so does a fresh
// profile P2. A's numbers never change. Runs on SQLite, or on PostgreSQL with OFFEN_E2E_DATABASE=postgres.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { OffenServer, e2eDatabase, launchBrowser, launchProfileAllowingThirdPartyCookies, makeCertificate, startHostSites, tempDir, stopAll, newTab, readDashboard as readShown } from './harness.mjs';

let tmp, offen, sites, browser;
const profiles = [];

const snippet = () => `<script async src="${offen.origin}/script.js" data-account-id="${offen.accountId}"></script>`;
const hostPage = (title) => () =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${snippet()}</body></html>`;

before(async () => {
  tmp = tempDir('offen-deletion-');
  const certificate = makeCertificate(tmp.dir);
  offen = await OffenServer.start({ dir: tmp.dir, certificate });
  sites = await startHostSites(certificate, { '/a': hostPage('a'), '/b': hostPage('b') });
  browser = await launchBrowser();
}, { timeout: 60_000 });

after(async () => {
  for (const profile of profiles) await profile.close().catch(() => undefined);
  await stopAll({ browser, sites, offen, tmp });
});

const url = (pathname) => new URL(pathname, offen.origin).href;
const byTestId = (tab, id) => tab.locator(`[data-testid="${id}"]`);
const vaultFrame = (tab) => tab.frameLocator('iframe[title="Offen Vault"]');
const eventPosted = (tab) => tab.waitForResponse((r) => r.url().endsWith('/api/events') && r.request().method() === 'POST');

async function until(what, check, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// --- the server's caches, read from its database ---

/** The secret ids the account has in the shared secret cache (table cached_secrets), sorted. */
const cachedSecretIds = () =>
  offen.sql(`SELECT secret_id FROM cached_secrets WHERE account_id = '${offen.accountId}' ORDER BY secret_id`).map((row) => row.secret_id);

/**
 * The account's rows of the rollups table. Browsers build no rollup of the current day (ADR 0005), so today this
 * test asserts only that the table can be read; assertions about rollups over deleted events go here later.
 */
const rollupRows = () =>
  offen.sql(`SELECT rollup_key, first_event_id, last_event_id, event_count, as_of FROM rollups WHERE account_id = '${offen.accountId}' ORDER BY first_event_id`);

// --- visitors ---

/** A fresh visitor context: opts in on `pathname` and views it `views` times in all; each view is stored (201). */
async function visitor(pathname, views) {
  const v = await newTab(browser);
  await v.tab.goto(`${sites.secureOrigin}${pathname}`);
  const allow = vaultFrame(v.tab).getByRole('button', { name: 'I allow' });
  await allow.waitFor({ timeout: 20_000 });
  let posted = eventPosted(v.tab);
  await allow.click();
  assert.equal((await posted).status(), 201);
  for (let i = 1; i < views; i++) {
    posted = eventPosted(v.tab);
    await v.tab.reload();
    assert.equal((await posted).status(), 201);
  }
  return v;
}

// --- the operator ---

/** A fresh persistent browser profile (its own user data dir and browser process) with one tab. */
async function operatorProfile(name) {
  const context = await launchProfileAllowingThirdPartyCookies(path.join(tmp.dir, name));
  profiles.push(context);
  const tab = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  tab.on('pageerror', (e) => pageErrors.push(e.message));
  return { context, tab, pageErrors };
}

async function waitForDashboard(tab) {
  await tab.locator('[data-testid="auditorium/dashboard"][data-state="ready"]').waitFor({ timeout: 60_000 });
}

async function logInAndOpenDashboard(tab) {
  await tab.goto(url('/login/'));
  await byTestId(tab, 'login/username-input').fill(offen.email);
  await byTestId(tab, 'login/password-input').fill(offen.password);
  await byTestId(tab, 'login/submit').click();
  await tab.waitForURL((u) => u.pathname.startsWith('/auditorium/'), { timeout: 30_000 });
  await tab.goto(url(`/auditorium/${offen.accountId}/`));
  await waitForDashboard(tab);
}

/** Users and sessions (key metrics), page views (the chart's table) and the Top pages rows (harness.mjs readDashboard). */
async function readDashboard(tab) {
  const { users, sessions, pageviews, pages } = await readShown(tab);
  return { users, sessions, pageviews, pages };
}

/**
 * Waits for the vault's `offen:query:shared` mark (web/vault/manage/operator.ts): this load's sync has written its
 * local cache and uploaded the secrets it opened by RSA to the shared cache. Marks belong to one document, so
 * after a reload this waits for the new load's mark.
 */
async function waitForShared(tab) {
  await until('the vault\'s offen:query:shared mark', async () => {
    const seen = await Promise.all(tab.frames().map((frame) =>
      frame.evaluate(() => performance.getEntriesByName('offen:query:shared').length > 0).catch(() => false)));
    return seen.some(Boolean);
  }, 30_000);
}

describe(`deletion stays real through the operator's caches (${e2eDatabase})`, { timeout: 120_000 }, () => {
  let a, b, p1;
  let secretA, secretB;
  const pageA = () => `${sites.secureOrigin}/a/`;
  const pageB = () => `${sites.secureOrigin}/b/`;
  const both = () => ({ users: '2', sessions: '2', pageviews: 5, pages: [[pageB(), '3'], [pageA(), '2']] });
  const onlyA = () => ({ users: '1', sessions: '1', pageviews: 2, pages: [[pageA(), '2']] });

  /** The stored events, decrypted test-side, grouped by secret id: A's must always be its two views of /a. */
  async function storedBySecret() {
    const groups = {};
    for (const event of await offen.decryptedEvents()) (groups[event.secretId] ??= []).push(event.href);
    return groups;
  }

  test('two visitors opt in: A views /a twice, B views /b three times', async () => {
    a = await visitor('/a', 2);
    b = await visitor('/b', 3);
    const stored = await storedBySecret();
    const ids = Object.keys(stored);
    assert.equal(ids.length, 2, 'two visitors, two secrets');
    secretA = ids.find((id) => stored[id][0] === `${sites.secureOrigin}/a`);
    secretB = ids.find((id) => stored[id][0] === `${sites.secureOrigin}/b`);
    assert.ok(secretA && secretB && secretA !== secretB);
    assert.deepEqual(stored[secretA], [`${sites.secureOrigin}/a`, `${sites.secureOrigin}/a`]);
    assert.deepEqual(stored[secretB], [`${sites.secureOrigin}/b`, `${sites.secureOrigin}/b`, `${sites.secureOrigin}/b`]);
    assert.deepEqual(cachedSecretIds(), [], 'no operator has loaded the dashboard yet');
  });

  test('the operator (profile P1) sees both visitors, and its browser shares both secrets with the server', async () => {
    p1 = await operatorProfile('p1');
    await logInAndOpenDashboard(p1.tab);
    assert.deepEqual(await readDashboard(p1.tab), both());
    await waitForShared(p1.tab);
    // The mark follows the upload; poll briefly all the same, so that a slow commit cannot fail the test.
    await until('both secrets in cached_secrets', () => cachedSecretIds().length === 2);
    assert.deepEqual(cachedSecretIds(), [secretA, secretB].sort(), 'B\'s row exists before the deletion');
    const rollups = rollupRows();
    assert.ok(Array.isArray(rollups) && typeof rollups.length === 'number');
  });

  test('visitor B deletes their data in the User Auditorium; the server keeps no cached secret of B\'s', async () => {
    await b.tab.goto(url('/auditorium/'));
    await b.tab.locator('[data-testid="auditorium/user"][data-state="ready"]').waitFor({ timeout: 60_000 });
    if (await byTestId(b.tab, 'auditorium/onboarding-wrapper').count()) {
      await byTestId(b.tab, 'auditorium/onboarding-advance').click();
      await byTestId(b.tab, 'auditorium/onboarding-skip').click();
    }
    const purged = b.tab.waitForResponse((r) => new URL(r.url()).pathname === '/api/purge' && r.request().method() === 'POST');
    await b.tab.locator('[data-role="purge"]').click();
    const response = await purged;
    assert.ok(response.ok(), `POST /api/purge answered ${response.status()}`);
    await byTestId(b.tab, 'auditorium/empty').waitFor({ timeout: 30_000 });

    // Purge answers after its transaction: B's cached secret went with B's events; A's stays.
    assert.deepEqual(cachedSecretIds(), [secretA]);
    assert.deepEqual(await storedBySecret(), { [secretA]: [`${sites.secureOrigin}/a`, `${sites.secureOrigin}/a`] });
    assert.equal(typeof rollupRows().length, 'number');
  });

  test('P1 reloads: only A\'s visit is left, and nothing puts B\'s secret back', async () => {
    await p1.tab.reload();
    await waitForDashboard(p1.tab);
    assert.deepEqual(await readDashboard(p1.tab), onlyA());
    await waitForShared(p1.tab);
    assert.deepEqual(cachedSecretIds(), [secretA]);
  });

  test('a fresh profile P2 logs in and sees the same reduced numbers', async () => {
    const p2 = await operatorProfile('p2');
    await logInAndOpenDashboard(p2.tab);
    assert.deepEqual(await readDashboard(p2.tab), onlyA());
    await waitForShared(p2.tab);
    assert.deepEqual(cachedSecretIds(), [secretA]);
    assert.equal(typeof rollupRows().length, 'number');
    assert.deepEqual(await storedBySecret(), { [secretA]: [`${sites.secureOrigin}/a`, `${sites.secureOrigin}/a`] });

    for (const who of [a, b, p1, p2]) assert.deepEqual(who.pageErrors, []);
    for (const who of [a, b]) await who.context.close();
  });
});
