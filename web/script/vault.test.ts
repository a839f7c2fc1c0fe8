// @vitest-environment happy-dom
// Host side of the vault protocol (clients-and-crypto.md §1.2, with the byte-budget changes main.ts documents)
// and the vault URL (§2.1).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Request } from '../shared/protocol.ts';
import { type Post, cache, vault, vaultUrl } from './main';

describe('vaultUrl', () => {
  it('is the script origin plus /vault, whatever path the script has', () => {
    expect(vaultUrl('https://offen.example.org/script.js')).toBe('https://offen.example.org/vault');
    expect(vaultUrl('https://offen.example.org:8443/en/script.js?v=1#x')).toBe('https://offen.example.org:8443/vault');
  });

  it('adds accountId and locale when set', () => {
    const id = '9b63c4d8-65c0-438c-9d30-cc4b01173393';
    expect(vaultUrl('https://o.example/script.js', id)).toBe(`https://o.example/vault?accountId=${id}`);
    expect(vaultUrl('https://o.example/script.js', id, 'de')).toBe(`https://o.example/vault?accountId=${id}&locale=de`);
    expect(vaultUrl('https://o.example/script.js', undefined, 'fr')).toBe('https://o.example/vault?locale=fr');
    expect(vaultUrl('https://o.example/script.js', '', '')).toBe('https://o.example/vault');
  });

  it('URL-encodes the values', () => {
    const u = vaultUrl('https://o.example/script.js', 'a&b=c', 'x y/é');
    expect(u).not.toContain('a&b');
    expect(new URL(u).searchParams.get('accountId')).toBe('a&b=c');
    expect(new URL(u).searchParams.get('locale')).toBe('x y/é');
    expect([...new URL(u).searchParams.keys()]).toEqual(['accountId', 'locale']);
  });
});

describe('vault', () => {
  const channels: MessagePort[] = [];
  // happy-dom does not load iframe pages and reports that on console.error; the tests fake the load.
  beforeEach(() => void vi.spyOn(console, 'error').mockImplementation(() => {}));
  afterEach(() => {
    vi.restoreAllMocks();
    for (const p of channels.splice(0)) p.close();
    document.body.innerHTML = '';
    document.head.innerHTML = '';
    // The cache is module state: without this a later test would get an earlier test's vault and no iframe.
    for (const k of Object.keys(cache)) delete cache[k];
  });

  /** Creates the vault, fakes the iframe's contentWindow and load; returns the post function and the iframe. */
  const open = async (url = 'https://offen.example.org/vault?accountId=a1') => {
    const posted: Array<{ message: Request; origin: string; port: MessagePort }> = [];
    const ready = vault(url);
    const frame = document.querySelector('iframe')!;
    Object.defineProperty(frame, 'contentWindow', {
      value: {
        postMessage: (message: Request, origin: string, transfer: MessagePort[]) => {
          channels.push(transfer[0]);
          posted.push({ message, origin, port: transfer[0] });
        },
      },
    });
    frame.dispatchEvent(new Event('load'));
    const post: Post = await ready;
    return { post, frame, posted };
  };

  const settled = (p: Promise<unknown>) => {
    const state = { done: false };
    p.then(
      () => (state.done = true),
      () => (state.done = true),
    );
    return state;
  };
  const tick = () => new Promise((r) => setTimeout(r, 20));

  it('appends one iframe, hidden by the hidden property alone, with title, id and src', () => {
    void vault('https://offen.example.org/vault?accountId=a1&locale=de');
    const frames = document.body.querySelectorAll('iframe');
    expect(frames).toHaveLength(1);
    const f = frames[0];
    expect(f.getAttribute('src')).toBe('https://offen.example.org/vault?accountId=a1&locale=de');
    expect(f.hidden).toBe(true);
    expect(f.hasAttribute('hidden')).toBe(true);
    // The vault's STYLES carry the display and border rules; nothing inline that they would have to beat.
    expect(f.hasAttribute('style')).toBe(false);
    expect(f.hasAttribute('frameborder')).toBe(false);
    expect(f.hasAttribute('scrolling')).toBe(false);
    expect(f.getAttribute('title')).toBe('Offen Vault');
    expect(f.id).toMatch(/^offen-vault-[0-9a-z]+$/);
  });

  it('waits for DOMContentLoaded before appending while the document is loading', () => {
    Object.defineProperty(document, 'readyState', { value: 'loading', configurable: true });
    try {
      void vault('https://offen.example.org/vault?accountId=late');
      expect(document.querySelectorAll('iframe')).toHaveLength(0);
      document.dispatchEvent(new Event('DOMContentLoaded'));
      expect(document.querySelectorAll('iframe')).toHaveLength(1);
      expect(document.querySelector('iframe')!.getAttribute('src')).toBe('https://offen.example.org/vault?accountId=late');
    } finally {
      delete (document as { readyState?: string }).readyState;
    }
  });

  it('creates one iframe per vault URL, cached in the exported cache by URL', () => {
    const a = vault('https://offen.example.org/vault?accountId=a1');
    expect(vault('https://offen.example.org/vault?accountId=a1')).toBe(a);
    expect(cache['https://offen.example.org/vault?accountId=a1']).toBe(a);
    expect(document.querySelectorAll('iframe')).toHaveLength(1);
    void vault('https://offen.example.org/vault?accountId=a2');
    expect(Object.keys(cache)).toEqual(['https://offen.example.org/vault?accountId=a1', 'https://offen.example.org/vault?accountId=a2']);
    expect(document.querySelectorAll('iframe')).toHaveLength(2);
    const [x, y] = document.querySelectorAll('iframe');
    expect(x.id).not.toBe(y.id);
  });

  it('uses a vault seeded into the cache and creates no iframe', async () => {
    const post = (() => Promise.resolve({})) as Post;
    const seeded = Promise.resolve(post);
    cache['https://o.example/vault'] = seeded;
    expect(vault('https://o.example/vault')).toBe(seeded);
    await expect(vault('https://o.example/vault')).resolves.toBe(post);
    expect(document.querySelectorAll('iframe')).toHaveLength(0);
  });

  it('does not use window.__offen__cache__', () => {
    void vault('https://offen.example.org/vault?accountId=w');
    expect('__offen__cache__' in window).toBe(false);
  });

  it('resolves only once the iframe has loaded', async () => {
    const state = settled(vault('https://offen.example.org/vault'));
    await tick();
    expect(state.done).toBe(false);
    document.querySelector('iframe')!.dispatchEvent(new Event('load'));
    await tick();
    expect(state.done).toBe(true);
  });

  it('posts to the vault origin (never "*") with a transferred port and sets the host selector', async () => {
    const { post, frame, posted } = await open('https://offen.example.org:8443/vault?accountId=a1');
    void post({ type: 'EVENT', payload: { accountId: 'a1' } });
    expect(posted).toHaveLength(1);
    expect(posted[0].origin).toBe('https://offen.example.org:8443');
    expect(posted[0].message).toEqual({ type: 'EVENT', payload: { accountId: 'a1' }, host: '#' + frame.id });
    expect(posted[0].port).not.toBeUndefined();
    expect(typeof posted[0].port.postMessage).toBe('function');
  });

  it('always sets host to its own iframe, even over one the caller set', async () => {
    const { post, frame, posted } = await open();
    void post({ type: 'ACQUIRE_CONSENT', payload: null, host: '#elsewhere' });
    expect(posted[0].message.host).toBe('#' + frame.id);
  });

  it('resolves with the reply, and with {} when the reply is null', async () => {
    const { post, posted } = await open();
    const a = post({ type: 'ACQUIRE_CONSENT', payload: null });
    posted[0].port.postMessage(null);
    await expect(a).resolves.toEqual({});
    const b = post({ type: 'CONSENT_STATUS', payload: null });
    posted[1].port.postMessage({ type: 'CONSENT_STATUS_SUCCESS', payload: { status: 'allow', allowsCookies: true } });
    await expect(b).resolves.toEqual({ type: 'CONSENT_STATUS_SUCCESS', payload: { status: 'allow', allowsCookies: true } });
  });

  it('applies STYLES (one style element in head, iframe height) without settling', async () => {
    const { post, frame, posted } = await open();
    const reply = post({ type: 'EVENT', payload: {} });
    const state = settled(reply);
    const port = posted[0].port;
    port.postMessage({ type: 'STYLES', payload: { styles: `#${frame.id} { display: block !important; }`, attributes: { height: '120' } } });
    await tick();
    expect(state.done).toBe(false);
    const style = document.head.querySelectorAll('style');
    expect(style).toHaveLength(1);
    expect(style[0].textContent).toBe(`#${frame.id} { display: block !important; }`);
    expect(frame.getAttribute('height')).toBe('120');

    // A later STYLES replaces the text in the same element; one without styles leaves it alone.
    port.postMessage({ type: 'STYLES', payload: { styles: `#${frame.id} { display: none; }` } });
    port.postMessage({ type: 'STYLES', payload: { attributes: { height: '0' } } });
    await tick();
    expect(document.head.querySelectorAll('style')).toHaveLength(1);
    expect(document.head.querySelector('style')).toBe(style[0]);
    expect(style[0].textContent).toBe(`#${frame.id} { display: none; }`);
    expect(frame.getAttribute('height')).toBe('0');
    expect(state.done).toBe(false);

    port.postMessage(null);
    await expect(reply).resolves.toEqual({});
  });

  it('adds no style element for a STYLES reply with attributes only', async () => {
    const { post, frame, posted } = await open();
    void post({ type: 'EVENT', payload: {} });
    posted[0].port.postMessage({ type: 'STYLES', payload: { attributes: { height: '77' } } });
    await tick();
    expect(document.querySelectorAll('style')).toHaveLength(0);
    expect(frame.getAttribute('height')).toBe('77');
  });

  it('rejects on ERROR with an Error carrying the message only', async () => {
    const { post, posted } = await open();
    const reply = post({ type: 'QUERY', payload: null });
    posted[0].port.postMessage({ type: 'ERROR', payload: { error: 'Request failed', stack: 'at vault.js:1' } });
    const err: Error = await reply.then(
      () => {
        throw new Error('resolved');
      },
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe('Request failed');
    // The vault's stack stays in the vault (§1.3).
    expect(err.stack).not.toContain('vault.js:1');
    expect('originalStack' in err).toBe(false);
    expect('status' in err).toBe(false);
  });

  it('gives every message its own channel', async () => {
    const { post, posted } = await open();
    const a = post({ type: 'EVENT', payload: 1 });
    const b = post({ type: 'EVENT', payload: 2 });
    expect(posted[0].port).not.toBe(posted[1].port);
    posted[1].port.postMessage({ type: 'B', payload: null });
    posted[0].port.postMessage({ type: 'A', payload: null });
    await expect(a).resolves.toMatchObject({ type: 'A' });
    await expect(b).resolves.toMatchObject({ type: 'B' });
  });

  it('the cached promise is the iframe factory, reused after load (no second iframe)', async () => {
    const { post } = await open('https://offen.example.org/vault?accountId=z');
    await expect(vault('https://offen.example.org/vault?accountId=z')).resolves.toBe(post);
    expect(document.querySelectorAll('iframe')).toHaveLength(1);
  });
});
