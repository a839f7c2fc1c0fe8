// @vitest-environment happy-dom
// The vault core end to end (clients-and-crypto.md §1.3, §3.1, §4.4, §5.1): messages go through the real
// `message` listener of index.ts, the API is a stubbed fetch that plays the server (and decrypts what it gets
// with the account's private key), IndexedDB is fake-indexeddb, crypto is the real WebCrypto provider.
import 'fake-indexeddb/auto';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { strings as german } from '../locales/de.ts';
import type { EventPayload } from '../shared/protocol.ts';
import { webCryptoProvider as webcrypto } from '../shared/webcrypto.ts';
import { deleteCookie, getCookie, setCookie } from './cookies.ts';
import { getUserSecret } from './storage.ts';

const VAULT = 'https://offen.example.org/vault?accountId=9b63c4d8-65c0-438c-9d30-cc4b01173393&locale=de';
const HOST_ORIGIN = 'https://www.example.com';
const SELECTOR = '#offen-vault-abc123';
const SHOW =
  `${SELECTOR} { display:block !important; border:0; position:fixed; bottom:138px; left:0; right:0; margin:0 auto; z-index:2147483647; width:426px } ` +
  `@media (max-width:414px) { ${SELECTOR} { width:100%; border-left:none; border-right:none } }`;
const HIDE = `${SELECTOR}{display:none}`;
const SCRIPT_EVENT = {
  type: 'PAGEVIEW',
  href: 'https://www.example.com/private/page?user=42',
  referrer: 'https://search.example/results?q=very-secret-query#top',
  pageload: 321,
  isMobile: false,
};

let counter = 0;
const newAccount = () => `acc-${Date.now().toString(36)}-${counter++}`;

// ---- a fake server -------------------------------------------------------------------------------------------
interface Seen { method: string; path: string; body: string | undefined; credentials: RequestCredentials | undefined }
let seen: Seen[];
let privateKey: JsonWebKey;
let publicKey: JsonWebKey;
/** The user secrets the server received (decrypted here with the private key, as an operator would). */
let exchanged: JsonWebKey[];
/** Decrypted event plaintexts the server received. */
let events: EventPayload[];
/** Per-test override: return a Response to answer differently, undefined for the default behaviour. */
let override: (request: Seen, index: number) => Response | undefined;

const json = (value: unknown, status = 200) => new Response(JSON.stringify(value), { status });

async function serve(url: string, init: RequestInit = {}): Promise<Response> {
  const { pathname, search, origin } = new URL(url);
  expect(origin).toBe('https://offen.example.org');
  const request: Seen = { method: init.method ?? 'GET', path: pathname + search, body: init.body as string | undefined, credentials: init.credentials };
  seen.push(request);
  const special = override(request, seen.length - 1);
  if (special) return special;
  const body = request.body === undefined ? undefined : JSON.parse(request.body);
  if (request.method === 'GET' && pathname === '/api/exchange') {
    return json({ accountId: new URL(url).searchParams.get('accountId'), name: 'site', publicKey, created: '2024-10-11T19:44:17Z' });
  }
  if (request.method === 'POST' && pathname === '/api/exchange') {
    exchanged.push(JSON.parse(await webcrypto.decryptAsymmetric(privateKey, body.encryptedSecret)));
    return new Response(null, { status: 204 });
  }
  if (request.method === 'POST' && pathname === '/api/events') {
    events.push(JSON.parse(await webcrypto.decryptSymmetric(exchanged[exchanged.length - 1], body.payload)));
    return json({ ack: true }, 201);
  }
  return json({ error: 'not found', status: 404 }, 404);
}

// ---- talking to the vault ------------------------------------------------------------------------------------
type AnyReply = { type: string; payload: unknown } | null;

function post(data: unknown, origin = HOST_ORIGIN) {
  const replies: AnyReply[] = [];
  const port = { postMessage: (reply: AnyReply) => replies.push(reply) } as unknown as MessagePort;
  window.dispatchEvent(new MessageEvent('message', { data, origin, ports: [port] }));
  return replies;
}
const eventMessage = (accountId: string, meta?: { skipConsent?: boolean }) => ({
  type: 'EVENT',
  payload: { accountId, event: SCRIPT_EVENT },
  host: SELECTOR,
  ...(meta ? { meta } : {}),
});
const isFinal = (reply: AnyReply) => reply === null || reply.type !== 'STYLES';
const final = async (replies: AnyReply[]) => {
  await vi.waitFor(() => expect(replies.some(isFinal)).toBe(true), { timeout: 5000 });
  return replies.find(isFinal);
};
const styles = (replies: AnyReply[]) => replies.filter((r) => r?.type === 'STYLES').map((r) => r!.payload);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const host = () => document.getElementById('host')!;
const button = (label: string) => [...host().querySelectorAll('button')].find((b) => b.textContent === label)!;
const bannerUp = () => vi.waitFor(() => expect(host().querySelector('.banner__root')).not.toBeNull());

beforeAll(async () => {
  vi.stubGlobal('__OFFEN_LAZY__', {
    userland: { src: '/vault/u.js', integrity: 'x' },
    manage: { src: '/vault/m.js', integrity: 'y' },
  });
  const happyDOM = (window as unknown as { happyDOM: { setURL(url: string): void; settings: { handleDisabledFileLoadingAsSuccess: boolean } } }).happyDOM;
  happyDOM.setURL(VAULT);
  // /fonts.css is not served here; let happy-dom report it as loaded instead of logging an error.
  happyDOM.settings.handleDisabledFileLoadingAsSuccess = true;
  document.body.innerHTML = '<div id="host"></div>';
  // RSA-2048 keeps the test fast; the vault code is the same for the RSA-4096 keys of real accounts.
  const pair = (await crypto.subtle.generateKey(
    { name: 'RSA-OAEP', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['encrypt', 'decrypt'],
  )) as CryptoKeyPair;
  const { kty, n, e } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  publicKey = { kty, n, e };
  privateKey = await crypto.subtle.exportKey('jwk', pair.privateKey);
  await import('./index.ts');
});

beforeEach(() => {
  seen = [];
  exchanged = [];
  events = [];
  override = () => undefined;
  vi.stubGlobal('fetch', vi.fn(serve));
  self.__OFFEN_STRINGS__ = undefined;
});

afterEach(() => {
  deleteCookie('consent');
  host().replaceChildren();
  vi.restoreAllMocks();
});

describe('consent before anything is sent', () => {
  it('never answers and sends nothing when cookies are blocked', async () => {
    Object.defineProperty(document, 'cookie', { configurable: true, get: () => '', set: () => undefined });
    try {
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
      const replies = post(eventMessage(newAccount()));
      const acquire = post({ type: 'ACQUIRE_CONSENT', payload: null, host: SELECTOR });
      await sleep(100);
      expect(replies).toEqual([]);
      expect(acquire).toEqual([]);
      expect(seen).toEqual([]);
      expect(host().childElementCount).toBe(0);
      expect(log).toHaveBeenCalled();
    } finally {
      delete (document as unknown as Record<string, unknown>).cookie;
    }
  });

  it('with meta.skipConsent and no consent cookie: no banner, nothing sent, nothing persisted, reply null', async () => {
    const replies = post(eventMessage(newAccount(), { skipConsent: true }));
    expect(await final(replies)).toBeNull();
    expect(replies).toEqual([null]);
    expect(seen).toEqual([]);
    expect(getCookie('consent')).toBeNull();
    expect(host().childElementCount).toBe(0);
  });

  it('refuses a malformed EVENT payload with an ERROR and shows no banner', async () => {
    for (const payload of [null, 'x', { accountId: 'a; Path=/x', event: {} }, { accountId: 'a' }, { event: {} }]) {
      const replies = post({ type: 'EVENT', payload, host: SELECTOR });
      expect(await final(replies)).toMatchObject({ type: 'ERROR', payload: { error: expect.stringContaining('Invalid EVENT payload') } });
    }
    expect(host().childElementCount).toBe(0);
    expect(seen).toEqual([]);
  });
});

describe('the banner', () => {
  it('renders the localized initial screen, sends the STYLES sequence and closes on "I don\'t allow"', async () => {
    self.__OFFEN_STRINGS__ = german;
    const replies = post(eventMessage(newAccount()));
    await bannerUp();

    const root = host().querySelector('.banner__root')!;
    expect(root.className).toBe('banner__root banner--initial');
    expect(root.getAttribute('role')).toBe('region');
    expect(root.getAttribute('aria-label')).toBe(german.banner.label);
    expect(root.getAttribute('lang')).toBe('de');
    const paragraphs = root.querySelectorAll('p');
    expect([...paragraphs].map((p) => p.className)).toEqual(['banner__paragraph banner__paragraph--first', 'banner__paragraph']);
    expect(paragraphs[0].textContent).toBe(german.banner.consent);
    expect(paragraphs[1].textContent).toBe(`${german.banner.optOut} ${german.banner.learnMore}`);
    const anchor = root.querySelector('a.paragraph__anchor')!;
    expect([anchor.getAttribute('href'), anchor.getAttribute('target'), anchor.getAttribute('rel')]).toEqual(['/', '_blank', 'noopener']);
    const buttons = root.querySelectorAll('div.banner__buttons > button.buttons__button');
    expect([...buttons].map((b) => [b.textContent, b.getAttribute('type')])).toEqual([
      [german.banner.allow, 'button'],
      [german.banner.deny, 'button'],
    ]);
    // Default styles and fonts go into <head>, so the account <style> the page appends to <body> wins.
    expect(document.head.querySelector('link[rel="stylesheet"][href="/fonts.css"]')).not.toBeNull();
    expect(document.head.querySelector('style')!.textContent).toContain('.banner__root{');

    expect(styles(replies)).toEqual([{ styles: SHOW, attributes: { height: String(document.body.clientHeight) } }]);
    window.dispatchEvent(new Event('resize'));
    expect(styles(replies)[1]).toEqual({ attributes: { height: String(document.body.clientHeight) } });

    button(german.banner.deny).click();
    expect(await final(replies)).toBeNull();
    expect(styles(replies).at(-1)).toEqual({ styles: HIDE });
    expect(host().childElementCount).toBe(0);
    expect(getCookie('consent')).toBe('deny');
    expect(seen).toEqual([]);
    // Closed: resizing no longer reports a height.
    const count = replies.length;
    window.dispatchEvent(new Event('resize'));
    expect(replies).toHaveLength(count);
  });

  it('falls back to English strings when vendor.js set none', async () => {
    const replies = post({ type: 'ACQUIRE_CONSENT', payload: null, host: SELECTOR });
    await bannerUp();
    expect(host().querySelector('p')!.textContent).toBe('We only access usage data with your consent.');
    expect(host().querySelector('.banner__root')!.getAttribute('lang')).toBe('en');
    button("I don't allow").click();
    expect(await final(replies)).toBeNull();
  });
});

describe('recording an event after "I allow"', () => {
  it('exchanges a secret, sends only ciphertext and keeps the follow-up screen until "Continue"', async () => {
    const accountId = newAccount();
    const replies = post(eventMessage(accountId));
    await bannerUp();
    button('I allow').click();

    const root = host().querySelector('.banner__root')!;
    expect(root.className).toBe('banner__root banner--followup');
    expect(root.querySelectorAll('p')[0].className).toBe('banner__paragraph banner__paragraph--first');
    expect(root.querySelectorAll('p')[1].textContent).toBe('To manage your usage data open the Auditorium.');
    const link = root.querySelector('a.paragraph__anchor')!;
    expect([link.getAttribute('href'), link.getAttribute('target'), link.getAttribute('rel')]).toEqual([
      '/auditorium/?locale=de',
      '_blank',
      'noopener',
    ]);
    expect(document.activeElement).toBe(button('Continue'));

    expect(await final(replies)).toBeNull();
    expect(getCookie('consent')).toBe('allow');
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /api/exchange?accountId=${accountId}`,
      'POST /api/exchange',
      'POST /api/events',
    ]);
    expect(seen.every((r) => r.credentials === 'include')).toBe(true);

    // What the operator decrypts is the completed event.
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ ...SCRIPT_EVENT, referrer: 'https://search.example/results#top', sessionId: getCookie(`session-${accountId}`) });
    expect(events[0].timestamp).toMatch(/Z$/);
    // What travels is ciphertext only: no plaintext field and no raw user secret in any request.
    const eventBody = JSON.parse(seen[2].body!);
    expect(Object.keys(eventBody).sort()).toEqual(['accountId', 'payload']);
    expect(eventBody.payload).toMatch(/^\{1,\} [A-Za-z0-9+/]+=* [A-Za-z0-9+/]+=*$/);
    const exchangeBody = JSON.parse(seen[1].body!);
    expect(Object.keys(exchangeBody).sort()).toEqual(['accountId', 'encryptedSecret']);
    const everything = seen.map((r) => `${r.path} ${r.body ?? ''}`).join('\n');
    for (const secret of ['PAGEVIEW', 'private/page', 'very-secret-query', 'search.example', 'timestamp', exchanged[0].k!]) {
      expect(everything).not.toContain(secret);
    }
    expect(await getUserSecret(accountId)).toEqual(exchanged[0]);

    // The next pageview reuses the secret and the session.
    const again = post(eventMessage(accountId));
    expect(await final(again)).toBeNull();
    expect(styles(again)).toEqual([]);
    expect(seen.map((r) => `${r.method} ${r.path}`).slice(3)).toEqual(['POST /api/events']);
    expect(events[1].sessionId).toBe(events[0].sessionId);

    button('Continue').click();
    expect(styles(replies).at(-1)).toEqual({ styles: HIDE });
    expect(host().childElementCount).toBe(0);
  });

  it('answers ACQUIRE_CONSENT with null after the choice, without calling the API', async () => {
    const replies = post({ type: 'ACQUIRE_CONSENT', payload: null, host: SELECTOR });
    await bannerUp();
    button('I allow').click();
    expect(await final(replies)).toBeNull();
    expect(getCookie('consent')).toBe('allow');
    expect(seen).toEqual([]);
    const known = post({ type: 'ACQUIRE_CONSENT', payload: null, host: SELECTOR });
    expect(await final(known)).toBeNull();
    expect(styles(known)).toEqual([]);
  });

  it('with the deny cookie: reply null, nothing sent, no banner', async () => {
    setCookie('consent', 'deny');
    const replies = post(eventMessage(newAccount()));
    expect(await final(replies)).toBeNull();
    expect(seen).toEqual([]);
    expect(host().childElementCount).toBe(0);
  });
});

describe('server answers', () => {
  beforeEach(() => setCookie('consent', 'allow'));

  it('re-exchanges once and retries once after a 400 on POST /api/events', async () => {
    let failures = 1;
    override = (r) => (r.path === '/api/events' && failures-- > 0 ? json({ error: 'unknown user', status: 400 }, 400) : undefined);
    const accountId = newAccount();
    const replies = post(eventMessage(accountId));
    expect(await final(replies)).toBeNull();
    expect(seen.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
      'GET /api/exchange',
      'POST /api/exchange',
      'POST /api/events',
      'GET /api/exchange',
      'POST /api/exchange',
      'POST /api/events',
    ]);
    expect(exchanged).toHaveLength(2);
    expect(exchanged[1].k).not.toBe(exchanged[0].k);
    expect(await getUserSecret(accountId)).toEqual(exchanged[1]);
    expect(events).toHaveLength(1);
  });

  it('retries only once: a second 400 becomes an ERROR', async () => {
    override = (r) => (r.path === '/api/events' ? json({ error: 'unknown user', status: 400 }, 400) : undefined);
    const replies = post(eventMessage(newAccount()));
    expect(await final(replies)).toMatchObject({ type: 'ERROR', payload: { error: 'unknown user' } });
    expect(seen.filter((r) => r.path === '/api/events')).toHaveLength(2);
    expect(seen.filter((r) => r.method === 'POST' && r.path === '/api/exchange')).toHaveLength(2);
  });

  it('answers a 404 (retired account) on POST /api/events with an ERROR and no retry', async () => {
    override = (r) => (r.path === '/api/events' ? json({ error: 'account not found', status: 404 }, 404) : undefined);
    const replies = post(eventMessage(newAccount()));
    const reply = await final(replies);
    expect(reply).toMatchObject({ type: 'ERROR', payload: { error: 'account not found' } });
    expect(reply).not.toHaveProperty('payload.status');
    expect(seen.filter((r) => r.path === '/api/events')).toHaveLength(1);
  });

  it('answers an unknown account (400 on GET /api/exchange) with an ERROR and posts nothing', async () => {
    override = (r) => (r.method === 'GET' ? json({ error: 'router: unknown account: x', status: 400 }, 400) : undefined);
    const replies = post(eventMessage(newAccount()));
    expect(await final(replies)).toMatchObject({ type: 'ERROR', payload: { error: 'router: unknown account: x' } });
    expect(seen.map((r) => r.method)).toEqual(['GET']);
  });

  it('answers a network failure with an ERROR', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    const replies = post(eventMessage(newAccount()));
    expect(await final(replies)).toMatchObject({ type: 'ERROR', payload: { error: 'Failed to fetch' } });
  });

  it('exchanges once for two pageviews of a new visitor that arrive together', async () => {
    const accountId = newAccount();
    const first = post(eventMessage(accountId));
    const second = post(eventMessage(accountId));
    expect(await final(first)).toBeNull();
    expect(await final(second)).toBeNull();
    expect(seen.filter((r) => r.method === 'POST' && r.path === '/api/exchange')).toHaveLength(1);
    expect(events).toHaveLength(2);
  });
});

describe('origin rules through the real listener', () => {
  it('refuses a cross-origin QUERY with the exact message', async () => {
    const replies = post({ type: 'QUERY', payload: { query: {} } });
    expect(await final(replies)).toMatchObject({ type: 'ERROR', payload: { error: `Incoming message had untrusted origin "${HOST_ORIGIN}"` } });
    expect(document.querySelector('script[src="/vault/m.js"]')).toBeNull();
  });
});
