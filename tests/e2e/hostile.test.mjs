// Issue 3, bad input in the browser: unknown and retired accounts, blocked cookies, a broken IndexedDB and
// malformed messages. The vault answers ERROR or stays silent as specified, never throws into the host page,
// and never sends plaintext.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OffenServer, launchBrowser, makeCertificate, request, startHostSites, tempDir, stopAll } from './harness.mjs';

let tmp, offen, sites, browser, retiredId;

const pageFor = (accountId) => () =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title></head><body><p id="alive">ok</p>` +
  `<script async src="${offen.origin}/script.js" data-account-id="${accountId}"></script></body></html>`;

before(async () => {
  tmp = tempDir('offen-e2e-hostile-');
  const certificate = makeCertificate(tmp.dir);
  offen = await OffenServer.start({ dir: tmp.dir, certificate });
  // A second account, created and retired through the API like the auditorium does.
  const login = await request(offen.origin, 'POST', '/api/login', { body: { username: offen.email, password: offen.password } });
  const cookie = login.headers['set-cookie'].map((c) => c.split(';')[0]).join('; ');
  const created = await request(offen.origin, 'POST', '/api/accounts', { cookie, body: { accountName: 'retired', emailAddress: offen.email, password: offen.password } });
  assert.equal(created.status, 201);
  const relogin = await request(offen.origin, 'POST', '/api/login', { body: { username: offen.email, password: offen.password } });
  retiredId = relogin.json().accounts.find((a) => a.accountName === 'retired').accountId;
  const cookie2 = relogin.headers['set-cookie'].map((c) => c.split(';')[0]).join('; ');
  assert.equal((await request(offen.origin, 'DELETE', `/api/accounts/${retiredId}`, { cookie: cookie2 })).status, 204);
  sites = await startHostSites(certificate, {
    '/live.html': pageFor(offen.accountId),
    '/unknown.html': pageFor('11111111-2222-4333-8444-555555555555'),
    '/retired.html': () => pageFor(retiredId)(),
  });
  browser = await launchBrowser();
});

after(() => stopAll({ browser, sites, offen, tmp }));

async function visitor(init) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, timezoneId: 'Europe/Berlin' });
  if (init) await context.addInitScript(init);
  const requests = [];
  context.on('request', (r) => requests.push({ method: r.method(), url: r.url(), body: r.postData() ?? '' }));
  const tab = await context.newPage();
  const errors = [];
  tab.on('pageerror', (e) => errors.push(e.message));
  const console = [];
  tab.on('console', (m) => console.push(m.text()));
  return { context, tab, requests, errors, console, api: () => requests.filter((r) => new URL(r.url).pathname.startsWith('/api/')) };
}

describe('bad input in the browser', { timeout: 180_000 }, () => {
  for (const [name, path] of [['an unknown', '/unknown.html'], ['a retired', '/retired.html']]) {
    test(`${name} account id: no banner, no API call, nothing thrown into the host page`, async () => {
      const v = await visitor();
      await v.tab.goto(`${sites.secureOrigin}${path}`);
      await v.tab.waitForTimeout(2000);
      assert.equal(await v.tab.locator('iframe[title="Offen Vault"]').isVisible(), false);
      assert.deepEqual(v.api(), []);
      assert.deepEqual(v.errors, []);
      assert.equal(await v.tab.textContent('#alive'), 'ok');
      await v.context.close();
    });
  }

  test('blocked cookies (a cross-site host in a profile that blocks third-party cookies): silence, no errors', async () => {
    const v = await visitor();
    await v.tab.goto(`${sites.secureOrigin.replace('www.example.test', 'www.elsewhere.test')}/live.html`);
    await v.tab.waitForTimeout(2000);
    assert.equal(await v.tab.locator('iframe[title="Offen Vault"]').isVisible(), false, 'no banner');
    assert.deepEqual(v.api(), []);
    assert.deepEqual(v.errors, []);
    assert.ok(v.console.some((m) => /cookies/i.test(m)), `the vault says why: ${v.console.join(' | ')}`);
    await v.context.close();
  });

  test('a broken IndexedDB: the user secret falls back to the cookie and events are still recorded, encrypted', async () => {
    const before = (await offen.decryptedEvents()).length;
    // Runs in every frame, the vault included: opening any database fails.
    const v = await visitor(() => { IDBFactory.prototype.open = function () { throw new DOMException('broken', 'UnknownError'); }; });
    await v.tab.goto(`${sites.secureOrigin}/live.html?secret-query=1`);
    const frame = v.tab.frameLocator('iframe[title="Offen Vault"]');
    const posted = v.tab.waitForResponse((r) => r.url().endsWith('/api/events') && r.request().method() === 'POST');
    await frame.getByRole('button', { name: 'I allow' }).click();
    assert.equal((await posted).status(), 201);
    const cookies = await v.context.cookies(`${offen.origin}/vault`);
    const secret = cookies.find((c) => c.name === `USER_SECRET-${offen.accountId}`);
    assert.ok(secret, 'the user secret is kept in the USER_SECRET cookie');
    assert.equal(secret.path, '/vault');
    const events = await offen.decryptedEvents();
    assert.equal(events.length, before + 1);
    assert.equal(events.at(-1).href, `${sites.secureOrigin}/live.html?secret-query=1`);
    for (const r of v.api()) {
      assert.ok(!r.body.includes('live.html') && !r.body.includes('PAGEVIEW'), `no plaintext in ${r.method} ${r.url}`);
    }
    assert.deepEqual(v.errors, []);
    await v.context.close();
  });

  test('malformed messages from the host page get ERROR or silence; a valid pageview still works afterwards', async () => {
    const v = await visitor();
    await v.tab.goto(`${sites.secureOrigin}/live.html`);
    await v.tab.frameLocator('iframe[title="Offen Vault"]').getByRole('button', { name: "I don't allow" }).click();
    const replies = await v.tab.evaluate(async () => {
      const iframe = document.querySelector('iframe[title="Offen Vault"]');
      const origin = new URL(iframe.src).origin;
      const ask = (message) => new Promise((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = (e) => resolve(e.data);
        iframe.contentWindow.postMessage(message, origin, [channel.port2]);
        setTimeout(() => resolve('no reply'), 1500);
      });
      return {
        string: await ask('EVENT'),
        noType: await ask({ payload: {} }),
        unknown: await ask({ type: 'NOPE', payload: null }),
        badEvent: await ask({ type: 'EVENT', payload: { accountId: 42, event: 'x' } }),
        proto: await ask({ type: '__proto__', payload: null }),
      };
    });
    assert.equal(replies.string, 'no reply');
    assert.equal(replies.noType, 'no reply');
    assert.equal(replies.unknown.type, 'ERROR');
    assert.equal(replies.badEvent.type, 'ERROR');
    assert.equal(replies.proto.type, 'ERROR');
    assert.deepEqual(v.errors, []);
    assert.deepEqual(v.api(), [], 'consent was denied: nothing sent');
    await v.context.close();
  });
});
