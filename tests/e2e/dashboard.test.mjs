// Issue 4, browser test of the operator dashboard (dashboard.md §1.3, §2, §3.3): two visitors opt in on a host
// site and browse (one session of three pages with pushState navigations, one single-page session); the operator
// then opens /auditorium/<accountId>/ and the numbers must match what was recorded: users, sessions, page views
// in the chart, Top pages, bounce rate, real time; a Top-pages filter; the events CSV; zero axe violations.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OffenServer, axeViolations, launchBrowser, makeCertificate, readDashboard, startHostSites, tempDir, stopAll, newTab } from './harness.mjs';

let tmp, offen, sites, browser;

const snippet = () => `<script async src="${offen.origin}/script.js" data-account-id="${offen.accountId}"></script>`;
const page = (title) => () => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><p>${title}</p>${snippet()}</body></html>`;

before(async () => {
  tmp = tempDir('offen-dashboard-');
  const certificate = makeCertificate(tmp.dir);
  offen = await OffenServer.start({ dir: tmp.dir, certificate });
  sites = await startHostSites(certificate, { '/one.html': page('one') });
  browser = await launchBrowser();
});

after(() => stopAll({ browser, sites, offen, tmp }));

const openTab = () => newTab(browser, { acceptDownloads: true });

const vaultFrame = (tab) => tab.frameLocator('iframe[title="Offen Vault"]');
const eventPosted = (tab) => tab.waitForResponse((r) => r.url().endsWith('/api/events') && r.request().method() === 'POST');

/** Opens /one.html, allows on the banner and waits until that page view is stored. */
async function optIn(tab) {
  await tab.goto(`${sites.secureOrigin}/one.html`);
  await vaultFrame(tab).getByRole('button', { name: 'I allow' }).waitFor({ timeout: 20_000 });
  const posted = eventPosted(tab);
  await vaultFrame(tab).getByRole('button', { name: 'I allow' }).click();
  assert.equal((await posted).status(), 201);
  await vaultFrame(tab).getByRole('button', { name: 'Continue' }).click();
}

async function waitForReady(tab) {
  await tab.locator('[data-testid="auditorium/dashboard"][data-state="ready"]').waitFor({ timeout: 60_000 });
}

describe('the operator dashboard in the browser', { timeout: 300_000 }, () => {
  test('shows the numbers of the recorded visits, filters by a page, exports the events and has no axe violations', async () => {
    // Visitor 1: one session of three page views (a load, then two pushState navigations).
    const first = await openTab();
    await optIn(first.tab);
    for (const path of ['/two', '/three']) {
      const posted = eventPosted(first.tab);
      await first.tab.evaluate((to) => history.pushState({}, '', to), path);
      assert.equal((await posted).status(), 201);
    }
    // Visitor 2: one page view in a fresh profile.
    const second = await openTab();
    await optIn(second.tab);
    const recorded = await offen.decryptedEvents();
    assert.equal(recorded.length, 4, 'four page views are stored');

    const operator = await openTab();
    const { tab } = operator;
    await tab.goto(new URL('/login/', offen.origin).href);
    await tab.getByTestId('login/username-input').fill(offen.email);
    await tab.getByTestId('login/password-input').fill(offen.password);
    await tab.getByTestId('login/submit').click();
    await tab.waitForURL((u) => u.pathname.startsWith('/auditorium/'), { timeout: 30_000 });
    await tab.goto(new URL(`/auditorium/${offen.accountId}/`, offen.origin).href);
    await waitForReady(tab);
    await tab.getByTestId('auditorium/header').getByText('You are viewing data as operator with account e2e site.').waitFor();

    const host = sites.secureOrigin;
    const shown = await readDashboard(tab);
    assert.deepEqual(shown, {
      users: '2',
      sessions: '2',
      bounceRate: '50.0%',
      pageviews: 4,
      live: '2',
      // §0: the stripped URL (origin + pathname with a trailing slash).
      pages: [
        [`${host}/one.html/`, '2'],
        [`${host}/three/`, '1'],
        [`${host}/two/`, '1'],
      ],
    });
    // An account with data shows real time, and the embed code only as a collapsible section.
    assert.equal(await tab.getByTestId('auditorium/embed-open').count(), 0);
    assert.equal(await tab.getByTestId('auditorium/embed-headline').count(), 1);

    // The events CSV of the shown range: a header and the four page views.
    const [download] = await Promise.all([tab.waitForEvent('download'), tab.getByTestId('dashboard/export-events').click()]);
    assert.match(download.suggestedFilename(), new RegExp(`^offen-${offen.accountId}-\\d{4}-\\d\\d-\\d\\d-\\d{4}-\\d\\d-\\d\\d\\.csv$`));
    const lines = readFileSync(await download.path(), 'utf8').split('\r\n').filter(Boolean);
    const header = lines[0].split(',');
    const hrefColumn = header.indexOf('href');
    assert.ok(hrefColumn >= 0, `an href column in ${lines[0]}`);
    assert.equal(lines.length - 1, 4, 'four data rows');
    assert.deepEqual(lines.slice(1).map((line) => line.split(',')[hrefColumn]).sort(), [`${host}/one.html`, `${host}/one.html`, `${host}/three`, `${host}/two`]);

    // Zero axe violations on the ready dashboard, with every collapsible section open.
    await tab.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
    const violations = await axeViolations(tab);
    assert.deepEqual(violations, [], `axe violations on the dashboard: ${JSON.stringify(violations, null, 2)}`);

    // For a human look at the layout: E2E_SCREENSHOT_DIR=<dir> keeps a full-page picture of the dashboard.
    if (process.env.E2E_SCREENSHOT_DIR) await tab.screenshot({ path: `${process.env.E2E_SCREENSHOT_DIR}/dashboard.png`, fullPage: true });

    // §1.3 item 12: the awareness widget's image is served at the root, in the page's language.
    const preview = tab.getByTestId('auditorium/widgets/preview').locator('img');
    assert.equal(await preview.getAttribute('src'), `${offen.origin}/user-access-widget-bar-en.svg`);
    await tab.getByTestId('auditorium/widgets/kind-circle').check();
    assert.equal(await preview.getAttribute('src'), `${offen.origin}/user-access-widget-circle-en.svg`);
    await tab.waitForFunction(() => document.querySelector('[data-testid="auditorium/widgets/preview"] img')?.naturalWidth === 160);

    // §3.3: a Top-pages row filters by that page (event level): only its two page views, each a one-view session.
    await tab.locator('[data-table="pages"] tbody tr a', { hasText: `${host}/one.html/` }).click();
    await tab.waitForURL((u) => u.searchParams.get('filter') === `href:${host}/one.html/`);
    await tab.waitForFunction(() => document.querySelector('[data-filter-pill="active"]') !== null && document.querySelector('[data-testid="auditorium/data"]')?.getAttribute('aria-busy') !== 'true', null, { timeout: 60_000 });
    const filtered = await readDashboard(tab);
    assert.equal(filtered.pageviews, 2);
    assert.equal(filtered.users, '2');
    assert.equal(filtered.sessions, '2');
    assert.equal(filtered.bounceRate, '100.0%');
    assert.deepEqual(filtered.pages, [[`${host}/one.html/`, '2']]);

    for (const { pageErrors } of [first, second, operator]) assert.deepEqual(pageErrors, []);
    for (const { context } of [first, second, operator]) await context.close();
  });
});
