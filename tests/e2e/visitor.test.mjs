// Issue 4, browser tests of the visitor screens (dashboard.md §1.1, §1.10, §5.3, §7 "user" scenarios) in headless
// Chromium against the real offen binary: a visitor opts in on a host site and views two pages; the landing
// page says "opted in"; the User Auditorium decrypts exactly those two page views, downloads them as JSON,
// deletes them (server and view), and opts out; fresh visitors opt in and out on the landing page; zero axe-core
// violations on `/` and `/auditorium/`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { OffenServer, axeViolations, launchBrowser, makeCertificate, startHostSites, tempDir, stopAll, newTab } from './harness.mjs';

let tmp, offen, sites, browser;

const snippet = () => `<script async src="${offen.origin}/script.js" data-account-id="${offen.accountId}"></script>`;
const hostPage = (title) => () =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${snippet()}</body></html>`;

before(async () => {
  tmp = tempDir('offen-visitor-');
  const certificate = makeCertificate(tmp.dir);
  offen = await OffenServer.start({ dir: tmp.dir, certificate });
  sites = await startHostSites(certificate, { '/one/': hostPage('one'), '/two/': hostPage('two') });
  browser = await launchBrowser();
});

after(() => stopAll({ browser, sites, offen, tmp }));

/** A fresh visitor: own cookies and IndexedDB; page errors collected. */
const visitor = () => newTab(browser, { acceptDownloads: true });

const url = (path) => new URL(path, offen.origin).href;
const byTestId = (tab, id) => tab.locator(`[data-testid="${id}"]`);
const vaultFrame = (tab) => tab.frameLocator('iframe[title="Offen Vault"]');
const eventPosted = (tab) => tab.waitForResponse((r) => r.url().endsWith('/api/events') && r.request().method() === 'POST');

async function noAxeViolations(tab, screen) {
  const violations = await axeViolations(tab);
  assert.deepEqual(violations, [], `axe violations on ${screen}: ${JSON.stringify(violations, null, 2)}`);
}

/** Opens the User Auditorium and waits for contract 4's ready marker. */
async function openAuditorium(tab) {
  await tab.goto(url('/auditorium/'));
  await tab.locator('[data-testid="auditorium/user"][data-state="ready"]').waitFor({ timeout: 60_000 });
}

/** The Top-pages rows as [url, count]. */
async function pageRows(tab) {
  const rows = tab.locator('[data-table="pages"] tbody tr');
  return (await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())))).map(([key, count]) => [key, Number(count)]);
}

describe('the visitor screens in the browser', { timeout: 300_000 }, () => {
  let v; // the visitor who opts in on the host site, reused by the later tests
  let secretId;
  const hrefs = () => [`${sites.secureOrigin}/one/`, `${sites.secureOrigin}/two/`];

  test('a visitor opts in on the host site and views two pages; the landing page says "opted in"', async () => {
    v = await visitor();
    await v.tab.goto(`${sites.secureOrigin}/one/`);
    await vaultFrame(v.tab).getByRole('button', { name: 'I allow' }).waitFor({ timeout: 20_000 });
    const first = eventPosted(v.tab);
    await vaultFrame(v.tab).getByRole('button', { name: 'I allow' }).click();
    assert.equal((await first).status(), 201);
    const second = eventPosted(v.tab);
    await v.tab.goto(`${sites.secureOrigin}/two/`);
    assert.equal((await second).status(), 201);
    const stored = await offen.decryptedEvents();
    assert.deepEqual(stored.map((e) => e.href), hrefs());
    secretId = stored[0].secretId;

    await v.tab.goto(url('/'));
    await assert.doesNotReject(byTestId(v.tab, 'index/consent-status').filter({ hasText: 'You have opted in.' }).waitFor({ timeout: 20_000 }));
    assert.equal(await byTestId(v.tab, 'index/open-auditorium').getAttribute('href'), '/auditorium/');
    assert.equal(await byTestId(v.tab, 'index/consent-banner').count(), 0, 'a decision was made: no consent banner card');
    assert.equal(await byTestId(v.tab, 'index/consent-opt-out').count(), 0);
    assert.equal(await byTestId(v.tab, 'index/faq').locator('a[href="/auditorium/"]').count(), 1, 'the FAQ links to the Auditorium');
    await noAxeViolations(v.tab, '/ (opted in)');
  });

  test('the User Auditorium shows the onboarding once, then those two page views and their URLs', async () => {
    await openAuditorium(v.tab);
    const onboarding = byTestId(v.tab, 'auditorium/onboarding-wrapper');
    assert.equal(await onboarding.count(), 1, 'opted in, not completed, has events: the onboarding shows');
    assert.match(await onboarding.locator('h2').textContent(), new RegExp(`What www\\.example\\.test:\\d+ knows about you`));
    assert.match(await onboarding.textContent(), /You have visited www\.example\.test:\d+ 2 times\./);
    await noAxeViolations(v.tab, '/auditorium/ (onboarding)');
    await byTestId(v.tab, 'auditorium/onboarding-advance').click();
    await byTestId(v.tab, 'auditorium/onboarding-skip').click();
    assert.equal(await onboarding.count(), 0);

    assert.deepEqual((await pageRows(v.tab)).sort(), hrefs().map((href) => [href, 1]));
    // The chart's table (one row per bucket) adds up to the two page views.
    const perBucket = await v.tab.locator('[data-testid="dashboard/chart"] table tbody tr td:first-of-type').allTextContents();
    assert.equal(perBucket.map(Number).reduce((a, b) => a + b, 0), 2);
    assert.equal(await v.tab.locator('[data-metric="returningUsers"], [data-metric="uniqueUsers"]').count(), 0, '§1.10: no returning/unique users');
    await byTestId(v.tab, 'auditorium/basic-terms').waitFor();
    await byTestId(v.tab, 'auditorium/faq').waitFor();

    // One explainer at a time (§5.3).
    await v.tab.locator('button[data-explainer="chart"]').click();
    await v.tab.locator('button[data-explainer="retention"]').click();
    assert.deepEqual(await v.tab.locator('button[data-explainer][aria-expanded="true"]').evaluateAll((bs) => bs.map((b) => b.dataset.explainer)), ['retention']);
    await noAxeViolations(v.tab, '/auditorium/ (ready, explainer open)');

    // Completed as soon as shown: a reload goes straight to the data.
    await openAuditorium(v.tab);
    assert.equal(await byTestId(v.tab, 'auditorium/onboarding-wrapper').count(), 0);
    assert.deepEqual(v.pageErrors, []);
  });

  test('"Download my data" saves exactly those two events as JSON', async () => {
    const [download] = await Promise.all([v.tab.waitForEvent('download'), byTestId(v.tab, 'auditorium/download').click()]);
    assert.match(download.suggestedFilename(), /^offen-my-data-\d{4}-\d\d-\d\d\.json$/);
    const saved = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.ok(!Number.isNaN(Date.parse(saved.exportedAt)));
    assert.deepEqual(saved.events.map((e) => e.href).sort(), hrefs());
    assert.ok(saved.events.every((e) => e.accountId === offen.accountId && e.type === 'PAGEVIEW' && typeof e.eventId === 'string'));
  });

  test('"Stay opted in, only delete usage data" empties the view and deletes the events on the server', async () => {
    await v.tab.locator('[data-role="purge"]').click();
    await byTestId(v.tab, 'auditorium/empty').waitFor({ timeout: 30_000 });
    await v.tab.locator('[data-testid="auditorium/user"][data-state="ready"]').waitFor();
    assert.equal(await v.tab.locator('[data-table="pages"]').count(), 0);
    assert.deepEqual((await offen.decryptedEvents()).filter((e) => e.secretId === secretId), []);
    // Still opted in: the opt-out button is there.
    assert.equal(await v.tab.locator('[data-role="consent"]').textContent(), 'Opt out and delete usage data');
  });

  test('opting out in the Auditorium leaves the landing page with "opted out" and the opt-out button disabled', async () => {
    await v.tab.locator('[data-role="consent"]').click();
    await v.tab.locator('[data-role="consent"]', { hasText: 'Opt in and grant access to your usage data' }).waitFor({ timeout: 30_000 });
    await v.tab.goto(url('/'));
    await byTestId(v.tab, 'index/consent-status').filter({ hasText: 'You have opted out.' }).waitFor({ timeout: 20_000 });
    assert.equal(await byTestId(v.tab, 'index/consent-opt-out').isDisabled(), true);
    assert.equal(await byTestId(v.tab, 'index/consent-opt-in').isDisabled(), false);
    assert.equal(await byTestId(v.tab, 'index/open-auditorium').count(), 0);
    assert.deepEqual(v.pageErrors, []);
    await v.context.close();
  });

  test('a fresh visitor who opts out on the landing page gets no Auditorium link and a disabled opt-out', async () => {
    const fresh = await visitor();
    await fresh.tab.goto(url('/'));
    await byTestId(fresh.tab, 'index/consent-banner').waitFor({ timeout: 20_000 });
    await byTestId(fresh.tab, 'index/faq').waitFor();
    await byTestId(fresh.tab, 'index/operator-login').waitFor();
    assert.equal(await byTestId(fresh.tab, 'index/consent-opt-out').isDisabled(), false);
    await noAxeViolations(fresh.tab, '/ (no decision)');
    await byTestId(fresh.tab, 'index/consent-opt-out').click();
    // The page reloads (§1.1); afterwards the strip says so.
    await byTestId(fresh.tab, 'index/consent-status').filter({ hasText: 'You have opted out.' }).waitFor({ timeout: 20_000 });
    assert.equal(await byTestId(fresh.tab, 'index/consent-opt-out').isDisabled(), true);
    assert.equal(await byTestId(fresh.tab, 'index/consent-opt-in').isDisabled(), false);
    assert.equal(await byTestId(fresh.tab, 'index/open-auditorium').count(), 0);
    const cookies = await fresh.context.cookies(offen.origin);
    assert.equal(cookies.find((c) => c.name === 'consent')?.value, 'deny');
    await noAxeViolations(fresh.tab, '/ (opted out)');
    assert.deepEqual(fresh.pageErrors, []);
    await fresh.context.close();
  });

  test('a fresh visitor who opts in on the landing page opens the Auditorium, which is empty but complete', async () => {
    const fresh = await visitor();
    await fresh.tab.goto(url('/'));
    await byTestId(fresh.tab, 'index/consent-opt-in').click();
    await byTestId(fresh.tab, 'index/open-auditorium').waitFor({ timeout: 20_000 });
    assert.equal(await byTestId(fresh.tab, 'index/consent-opt-in').count(), 0, 'both buttons are gone');
    assert.equal(await byTestId(fresh.tab, 'index/consent-opt-out').count(), 0);
    await byTestId(fresh.tab, 'index/open-auditorium').click();
    await fresh.tab.waitForURL((u) => u.pathname === '/auditorium/');
    await fresh.tab.locator('[data-testid="auditorium/user"][data-state="ready"]').waitFor({ timeout: 60_000 });
    await byTestId(fresh.tab, 'auditorium/basic-terms').waitFor();
    await byTestId(fresh.tab, 'auditorium/faq').waitFor();
    await byTestId(fresh.tab, 'auditorium/empty').waitFor();
    assert.equal(await byTestId(fresh.tab, 'auditorium/onboarding-wrapper').count(), 0, 'no events, no onboarding');
    await noAxeViolations(fresh.tab, '/auditorium/ (no data)');
    assert.deepEqual(fresh.pageErrors, []);
    await fresh.context.close();
  });
});
