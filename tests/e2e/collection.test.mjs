// Issue 3, browser tests: script.js and the vault in headless Chromium against the real offen binary, with the
// host site and Offen on different origins of one site (www.example.test / offen.example.test over HTTPS), and
// a plain-HTTP host page that forces the vault onto the userland crypto fallback.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { OffenServer, launchBrowser, launchProfileAllowingThirdPartyCookies, makeCertificate, startHostSites, tempDir, stopAll } from './harness.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

let tmp, offen, sites, browser;

const snippet = () => `<script async src="${offen.origin}/script.js" data-account-id="${offen.accountId}"></script>`;
const page = (title, { head = '', body = '' } = {}) => () =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>${head}</head><body>${body}${snippet()}</body></html>`;

before(async () => {
  tmp = tempDir('offen-e2e-');
  const certificate = makeCertificate(tmp.dir);
  offen = await OffenServer.start({ dir: tmp.dir, certificate });
  sites = await startHostSites(certificate, {
    '/start.html': () => '<!doctype html><html lang="en"><title>start</title><a id="go" href="/spa.html">go</a></html>',
    '/spa.html': page('spa'),
    '/canonical.html': page('canonical', { head: '<link rel="canonical" href="/the-canonical-page">' }),
  });
  browser = await launchBrowser();
});

after(() => stopAll({ browser, sites, offen, tmp }));

/** A fresh browser profile (no cookies, no IndexedDB) that records every request of every frame. */
async function visitor({ thirdPartyCookies = false } = {}) {
  const context = thirdPartyCookies
    ? await launchProfileAllowingThirdPartyCookies(path.join(tmp.dir, `profile-${Date.now()}`))
    : await browser.newContext({ ignoreHTTPSErrors: true, timezoneId: 'Europe/Berlin', locale: 'en-US' });
  const requests = [];
  context.on('request', (r) => requests.push({ method: r.method(), url: r.url() }));
  const tab = await context.newPage();
  const pageErrors = [];
  tab.on('pageerror', (e) => pageErrors.push(e.message));
  const api = (suffix) => requests.filter((r) => new URL(r.url).pathname === suffix);
  return { context, tab, requests, api, pageErrors };
}

const vaultFrame = (tab) => tab.frameLocator('iframe[title="Offen Vault"]');
const eventPosted = (tab) => tab.waitForResponse((r) => r.url().endsWith('/api/events') && r.request().method() === 'POST');

async function bannerShown(tab) {
  await tab.locator('iframe[title="Offen Vault"]').waitFor({ state: 'visible', timeout: 20_000 });
  await vaultFrame(tab).getByRole('button', { name: 'I allow' }).waitFor({ timeout: 20_000 });
}

describe('collection in the browser', { timeout: 180_000 }, () => {
  let allowed; // the visitor who allowed, reused by later tests
  let allowedEvents;

  test('nothing is sent before consent, then "I allow" records the pageview and later SPA navigations', async () => {
    const v = await visitor();
    allowed = v;
    await v.tab.goto(`${sites.secureOrigin}/start.html?private=1`);
    await Promise.all([v.tab.waitForURL('**/spa.html'), v.tab.click('#go')]);
    await bannerShown(v.tab);
    await v.tab.waitForTimeout(500);
    assert.deepEqual(v.api('/api/exchange'), [], 'no key exchange before consent');
    assert.deepEqual(v.api('/api/events'), [], 'no event before consent');
    assert.equal((await offen.decryptedEvents()).length, 0);

    const first = eventPosted(v.tab);
    await vaultFrame(v.tab).getByRole('button', { name: 'I allow' }).click();
    assert.equal((await first).status(), 201);
    await vaultFrame(v.tab).getByRole('button', { name: 'Continue' }).click();
    await v.tab.locator('iframe[title="Offen Vault"]').waitFor({ state: 'hidden' });

    for (const navigate of [
      () => v.tab.evaluate(() => history.pushState({}, '', '/spa/two')),
      () => v.tab.evaluate(() => history.replaceState({}, '', '/spa/three')),
      () => v.tab.evaluate(() => history.back()),
    ]) {
      const posted = eventPosted(v.tab);
      await navigate();
      assert.equal((await posted).status(), 201);
    }

    allowedEvents = await offen.decryptedEvents();
    const host = sites.secureOrigin;
    assert.deepEqual(allowedEvents.map((e) => e.href), [`${host}/spa.html`, `${host}/spa/two`, `${host}/spa/three`, `${host}/spa.html`]);
    const [firstView, ...subsequent] = allowedEvents;
    assert.equal(firstView.type, 'PAGEVIEW');
    assert.equal(firstView.referrer, `${host}/start.html`, 'the vault clears the referrer\'s query');
    assert.equal(typeof firstView.pageload, 'number');
    assert.ok(subsequent.every((e) => e.pageload === null), 'SPA views report no page load time');
    assert.ok(allowedEvents.every((e) => e.isMobile === false && e.geo === 'DE' && ISO.test(e.timestamp)));
    assert.ok(allowedEvents.every((e) => e.rawHref === undefined), 'no canonical link, no rawHref');
    assert.match(firstView.sessionId, UUID);
    assert.ok(allowedEvents.every((e) => e.sessionId === firstView.sessionId));
    assert.ok(allowedEvents.every((e) => e.ivLength === 12));
    assert.equal(new Set(allowedEvents.map((e) => e.secretId)).size, 1);
    assert.equal(v.api('/api/exchange').filter((r) => r.method === 'POST').length, 1, 'one key exchange');
    assert.deepEqual(v.pageErrors, []);
  });

  test('a canonical link sets href, and the location goes to rawHref; no banner once consent is given', async () => {
    const posted = eventPosted(allowed.tab);
    await allowed.tab.goto(`${sites.secureOrigin}/canonical.html?utm_source=newsletter`);
    assert.equal((await posted).status(), 201);
    assert.equal(await allowed.tab.locator('iframe[title="Offen Vault"]').isVisible(), false);
    const events = await offen.decryptedEvents();
    const last = events.at(-1);
    assert.equal(last.href, `${sites.secureOrigin}/the-canonical-page`);
    assert.equal(last.rawHref, `${sites.secureOrigin}/canonical.html?utm_source=newsletter`);
    assert.equal(last.secretId, allowedEvents[0].secretId, 'the stored user secret is reused');
  });

  test('a message of a same-origin-only type from the host page is refused', async () => {
    const replies = await allowed.tab.evaluate(async () => {
      const iframe = document.querySelector('iframe[title="Offen Vault"]');
      const ask = (message) => new Promise((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = (e) => resolve(e.data);
        iframe.contentWindow.postMessage(message, new URL(iframe.src).origin, [channel.port2]);
      });
      return [
        await ask({ type: 'QUERY', payload: { query: null, authenticatedUser: null } }),
        await ask({ type: 'LOGIN', payload: { credentials: null } }),
        await ask({ type: 'PURGE', payload: null }),
      ];
    });
    for (const reply of replies) {
      assert.equal(reply.type, 'ERROR');
      assert.equal(reply.payload.error, `Incoming message had untrusted origin "${sites.secureOrigin}"`);
    }
  });

  test('"I don\'t allow" records nothing, now or on later visits', async () => {
    const before = (await offen.decryptedEvents()).length;
    const v = await visitor();
    await v.tab.goto(`${sites.secureOrigin}/spa.html`);
    await bannerShown(v.tab);
    await vaultFrame(v.tab).getByRole('button', { name: "I don't allow" }).click();
    await v.tab.locator('iframe[title="Offen Vault"]').waitFor({ state: 'hidden' });
    await v.tab.evaluate(() => history.pushState({}, '', '/spa/denied'));
    await v.tab.reload();
    await v.tab.waitForTimeout(1500);
    assert.equal(await v.tab.locator('iframe[title="Offen Vault"]').isVisible(), false, 'the decision is remembered');
    const cookies = await v.context.cookies(offen.origin);
    assert.equal(cookies.find((c) => c.name === 'consent')?.value, 'deny');
    assert.deepEqual(v.api('/api/exchange'), []);
    assert.deepEqual(v.api('/api/events'), []);
    assert.equal((await offen.decryptedEvents()).length, before);
    await v.context.close();
  });

  test('a host page over plain http goes through the userland fallback and still records decryptable events', async () => {
    const before = (await offen.decryptedEvents()).length;
    // The http page makes the https vault a cross-site (third-party) frame; see the harness.
    const v = await visitor({ thirdPartyCookies: true });
    await v.tab.goto(`${sites.plainOrigin}/spa.html`);
    await bannerShown(v.tab);
    const subtle = await v.tab.frames().find((f) => f.url().startsWith(`${offen.origin}/vault`)).evaluate(() => typeof crypto.subtle);
    assert.equal(subtle, 'undefined', 'the vault framed by an http page has no WebCrypto');
    const posted = eventPosted(v.tab);
    await vaultFrame(v.tab).getByRole('button', { name: 'I allow' }).click();
    assert.equal((await posted).status(), 201);
    assert.ok(v.requests.some((r) => /\/vault\/userland-[0-9a-f]{10}\.js$/.test(r.url)), 'the userland bundle was loaded');
    const events = await offen.decryptedEvents();
    assert.equal(events.length, before + 1);
    const last = events.at(-1);
    assert.equal(last.href, `${sites.plainOrigin}/spa.html`);
    assert.equal(last.ivLength, 12, 'D7: 12-byte IVs from the fallback');
    assert.match(last.sessionId, UUID);
    await v.context.close();
  });
});
