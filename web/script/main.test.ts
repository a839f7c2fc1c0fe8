// @vitest-environment happy-dom
// script.js behaviour (clients-and-crypto.md §2.1, §2.2, with the byte-budget changes main.ts documents):
// automatic and API mode, the IndexedDB check, the message being built only once the vault is there, and that
// nothing ever throws into the host page. The vault is faked by seeding main.ts's exported `cache`.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Request } from '../shared/protocol.ts';
import { type PageviewOptions, type Post, cache, start, vaultUrl } from './main';

// main.ts keeps `console.log` from when it loads, so a spy installed later would never see a call: record
// the calls from before the import instead (vi.hoisted runs ahead of the imports).
const logged = vi.hoisted(() => {
  const calls: unknown[][] = [];
  console.log = (...args: unknown[]) => void calls.push(args);
  return calls;
});

const SRC = 'https://offen.example.org/script.js';
const happy = (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM;
let n = 0;

/** A <script> element as the host page has it, and the fake vault its sends go to (seeded into `cache`). */
const setup = (
  attrs: Record<string, string> = {},
  reply: (m: Request) => Promise<unknown> = async () => ({}),
  ready?: Promise<Post>,
) => {
  const accountId = attrs['data-account-id'] ?? `account-${++n}`;
  const s = document.createElement('script');
  s.src = SRC;
  for (const [k, v] of Object.entries({ 'data-account-id': accountId, ...attrs })) s.setAttribute(k, v);
  const sent: Request[] = [];
  const post = vi.fn(((m: Request) => (sent.push(m), reply(m))) as Post);
  cache[vaultUrl(SRC, accountId, attrs['data-locale'])] = ready ?? Promise.resolve(post);
  return { s, sent, accountId, post };
};
// Only performance.timing is replaced: happy-dom's events need the rest of performance.
const timing = (value: object | undefined) => Object.defineProperty(performance, 'timing', { value, configurable: true });
const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
type Pageview = {
  type: 'EVENT';
  payload: { accountId: string; event: { href: string; pageload: number | null } };
  meta: PageviewOptions;
  host?: string;
};

const original = { push: history.pushState, replace: history.replaceState };
let listen: { mock: { calls: unknown[][] } };
beforeEach(() => {
  logged.length = 0;
  listen = vi.spyOn(window, 'addEventListener');
  happy.setURL('https://www.example.org/start');
  vi.stubGlobal('indexedDB', {});
  timing({ navigationStart: 100, domContentLoadedEventEnd: 350 });
});
afterEach(async () => {
  await tick(); // let pending sends reach the fake vault before it goes
  // Each start() in automatic mode adds a popstate listener; remove it so later tests see only their own.
  for (const [type, f] of listen.mock.calls) if (type == 'popstate') window.removeEventListener('popstate', f as EventListener);
  history.pushState = original.push;
  history.replaceState = original.replace;
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  delete window.__offen__;
  for (const k of Object.keys(cache)) delete cache[k];
  expect(document.querySelectorAll('iframe')).toHaveLength(0); // every send went to the seeded fake vault
});

describe('automatic mode', () => {
  it('sends one first PAGEVIEW once the vault resolves, with pageload, the account id and meta {}', async () => {
    const { s, sent, accountId } = setup();
    start(s);
    expect(sent).toHaveLength(0); // a promise chain: never inside the script's own task
    await tick();
    expect(sent).toHaveLength(1);
    const m = sent[0] as Pageview;
    expect(m.type).toBe('EVENT');
    expect(m.payload.accountId).toBe(accountId);
    expect(m.payload.event).toMatchObject({ type: 'PAGEVIEW', href: 'https://www.example.org/start', pageload: 250 });
    expect(m.meta).toStrictEqual({});
    expect(window.__offen__).toEqual({});
  });

  it('builds the message only after the vault resolved (URL and pageload read then)', async () => {
    let resolve!: (p: Post) => void;
    const ready = new Promise<Post>((r) => (resolve = r));
    const { s, sent, post } = setup({}, undefined, ready);
    timing({ navigationStart: 100, domContentLoadedEventEnd: 0 }); // DCL not over yet when the script runs
    start(s);
    await tick();
    expect(sent).toHaveLength(0);
    happy.setURL('https://www.example.org/later');
    timing({ navigationStart: 100, domContentLoadedEventEnd: 350 });
    resolve(post);
    await tick();
    expect(sent).toHaveLength(1);
    expect((sent[0] as Pageview).payload.event).toMatchObject({ href: 'https://www.example.org/later', pageload: 250 });
  });

  it('with the real vault: iframe after DOMContentLoaded, first PAGEVIEW posted on its load with pageload', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {}); // happy-dom cannot load the iframe page
    Object.defineProperty(document, 'readyState', { value: 'loading', configurable: true });
    const s = document.createElement('script');
    s.src = SRC;
    s.setAttribute('data-account-id', 'real');
    try {
      timing({ navigationStart: 100, domContentLoadedEventEnd: 0 });
      start(s);
      await tick();
      expect(document.querySelectorAll('iframe')).toHaveLength(0);
      document.dispatchEvent(new Event('DOMContentLoaded'));
      const frame = document.querySelector('iframe')!;
      expect(frame.getAttribute('src')).toBe('https://offen.example.org/vault?accountId=real');
      const posted: Array<[Request, string]> = [];
      Object.defineProperty(frame, 'contentWindow', {
        value: { postMessage: (m: Request, origin: string, [port]: MessagePort[]) => (posted.push([m, origin]), port.close()) },
      });
      // The browser sets domContentLoadedEventEnd once the listeners are done; the iframe loads after that.
      timing({ navigationStart: 100, domContentLoadedEventEnd: 350 });
      await tick();
      expect(posted).toHaveLength(0);
      frame.dispatchEvent(new Event('load'));
      await tick();
      expect(posted).toHaveLength(1);
      const [m, origin] = posted[0] as [Pageview, string];
      expect(origin).toBe('https://offen.example.org');
      expect(m.payload).toMatchObject({ accountId: 'real', event: { type: 'PAGEVIEW', pageload: 250 } });
      expect(m.meta).toStrictEqual({});
      expect(m.host).toBe('#' + frame.id);
    } finally {
      delete (document as { readyState?: string }).readyState;
      document.body.innerHTML = '';
    }
  });

  it('sends a subsequent PAGEVIEW for pushState, replaceState and popstate, with the new URL and meta', async () => {
    const { s, sent } = setup();
    start(s);
    await tick();
    history.pushState({}, '', '/a');
    await tick();
    history.replaceState({}, '', '/b');
    await tick();
    window.dispatchEvent(new PopStateEvent('popstate', { state: null }));
    await tick();
    const views = sent as Pageview[];
    expect(views.map((m) => [m.payload.event.href, m.payload.event.pageload])).toEqual([
      ['https://www.example.org/start', 250],
      ['https://www.example.org/a', null],
      ['https://www.example.org/b', null],
      ['https://www.example.org/b', null],
    ]);
    expect(views.map((m) => m.meta)).toStrictEqual([{}, { subsequent: true }, { subsequent: true }, { subsequent: true }]);
  });

  it('keeps pushState working (state and URL change)', async () => {
    const { s } = setup();
    start(s);
    history.pushState({ page: 2 }, '', '/two');
    expect(history.state).toEqual({ page: 2 });
    expect(location.pathname).toBe('/two');
  });

  it('does not track hashchange', async () => {
    const { s, sent } = setup();
    start(s);
    await tick();
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    await tick();
    expect(sent).toHaveLength(1);
  });

  it('logs a failed send instead of leaving an unhandled rejection', async () => {
    const { s, sent } = setup({}, async () => {
      throw new Error('boom');
    });
    start(s);
    await tick();
    expect(sent).toHaveLength(1);
    expect(logged).toEqual([[expect.objectContaining({ message: 'boom' })]]);
  });
});

describe('API mode (data-use-api)', () => {
  it('exposes pageview and acquireConsent and does not track on its own', async () => {
    const { s, sent } = setup({ 'data-use-api': '' });
    start(s);
    await tick();
    history.pushState({}, '', '/spa');
    window.dispatchEvent(new PopStateEvent('popstate'));
    await tick();
    expect(sent).toHaveLength(0);
    expect(typeof window.__offen__!.pageview).toBe('function');
    expect(typeof window.__offen__!.acquireConsent).toBe('function');
  });

  it('pageview(options, cb) passes the options as meta as they are and calls back with the answer', async () => {
    const { s, sent } = setup({ 'data-use-api': '' });
    start(s);
    const cb = vi.fn();
    const options = { skipConsent: true, subsequent: true };
    window.__offen__!.pageview!(options, cb);
    await tick();
    const m = sent[0] as Pageview;
    expect(m.meta).toBe(options);
    expect(m.meta).toStrictEqual({ skipConsent: true, subsequent: true });
    expect(m.payload.event.pageload).toBeNull();
    expect(cb).toHaveBeenCalledWith(null, {});

    window.__offen__!.pageview!({}, cb);
    await tick();
    expect((sent[1] as Pageview).payload.event.pageload).toBe(250);
    expect((sent[1] as Pageview).meta).toStrictEqual({});
    expect(cb).toHaveBeenCalledTimes(2);
  });

  it('accepts pageview() and pageview(undefined, cb), with meta {}', async () => {
    const { s, sent } = setup({ 'data-use-api': '' }, async () => ({ type: 'ANSWER' }));
    start(s);
    const cb = vi.fn();
    window.__offen__!.pageview!();
    window.__offen__!.pageview!(undefined, cb);
    await tick();
    expect(sent).toHaveLength(2);
    expect((sent as Pageview[]).map((m) => [m.meta, m.payload.event.pageload])).toStrictEqual([
      [{}, 250],
      [{}, 250],
    ]);
    expect(cb).toHaveBeenCalledTimes(1);
    expect(cb).toHaveBeenCalledWith(null, { type: 'ANSWER' });
  });

  it('hands an error from the vault to the callback, and does not log it', async () => {
    const { s } = setup({ 'data-use-api': '' }, async () => {
      throw new Error('Request failed');
    });
    start(s);
    const cb = vi.fn();
    window.__offen__!.pageview!({}, cb);
    await tick();
    expect(cb).toHaveBeenCalledTimes(1);
    expect(cb).toHaveBeenCalledWith(expect.objectContaining({ message: 'Request failed' }));
    expect(logged).toEqual([]);
  });

  it('acquireConsent(cb) sends ACQUIRE_CONSENT without a payload', async () => {
    const { s, sent } = setup({ 'data-use-api': '' });
    start(s);
    const cb = vi.fn();
    window.__offen__!.acquireConsent!(cb);
    await tick();
    expect(sent).toStrictEqual([{ type: 'ACQUIRE_CONSENT' }]);
    expect('payload' in sent[0]).toBe(false);
    expect(cb).toHaveBeenCalledWith(null, {});
  });

  it('reuses an existing window.__offen__', () => {
    const existing = { keep: 1 };
    (window as { __offen__?: object }).__offen__ = existing;
    const { s } = setup({ 'data-use-api': '' });
    start(s);
    expect(window.__offen__).toBe(existing);
    expect(typeof existing.keep).toBe('number');
    expect(typeof window.__offen__!.pageview).toBe('function');
  });

  it('sends to the vault URL with the locale from data-locale', async () => {
    const { s, sent } = setup({ 'data-use-api': '', 'data-locale': 'de' });
    start(s);
    window.__offen__!.acquireConsent!();
    await tick();
    expect(Object.keys(cache)).toEqual([vaultUrl(SRC, s.dataset.accountId, 'de')]);
    expect(sent).toHaveLength(1); // only the de vault is seeded: another URL would create a real iframe
  });

  it('a throwing callback is logged, not thrown', async () => {
    const { s } = setup({ 'data-use-api': '' });
    start(s);
    window.__offen__!.pageview!({}, () => {
      throw new Error('host bug');
    });
    await tick();
    expect(logged).toEqual([[expect.objectContaining({ message: 'host bug' })]]);
  });
});

describe('without IndexedDB', () => {
  for (const [name, value] of [['undefined', undefined], ['null', null]] as const) {
    it(`dispatches nothing and never calls back when indexedDB is ${name}`, async () => {
      vi.stubGlobal('indexedDB', value);
      const { s, sent } = setup({ 'data-use-api': '' });
      start(s);
      const cb = vi.fn();
      window.__offen__!.pageview!({}, cb);
      window.__offen__!.acquireConsent!(cb);
      await tick();
      expect(sent).toHaveLength(0);
      expect(cb).not.toHaveBeenCalled();
      expect(logged).toEqual([['no IndexedDB'], ['no IndexedDB']]);
    });
  }

  it('does not track automatically either', async () => {
    vi.stubGlobal('indexedDB', undefined);
    const { s, sent } = setup();
    start(s);
    history.pushState({}, '', '/x');
    await tick();
    expect(sent).toHaveLength(0);
    expect(logged).toHaveLength(2); // the first view and the pushState one
  });
});

describe('never throws into the host page', () => {
  it('logs when there is no current script or its src is unusable', () => {
    expect(() => start(null)).not.toThrow();
    const s = document.createElement('script');
    expect(() => start(s)).not.toThrow();
    expect(logged).toHaveLength(2);
    expect(logged.every(([e]) => e instanceof Error)).toBe(true);
    expect(window.__offen__).toBeUndefined();
  });

  it('turns an error while building the event into a callback error', async () => {
    const { s, sent } = setup({ 'data-use-api': '' });
    start(s);
    timing(undefined);
    const cb = vi.fn();
    window.__offen__!.pageview!({}, cb);
    await tick();
    expect(sent).toHaveLength(0);
    expect(cb).toHaveBeenCalledWith(expect.any(TypeError));
  });

  it('logs such an error when there is no callback', async () => {
    const { s, sent } = setup();
    timing(undefined);
    start(s);
    await tick();
    expect(sent).toHaveLength(0);
    expect(logged).toEqual([[expect.any(TypeError)]]);
  });
});
