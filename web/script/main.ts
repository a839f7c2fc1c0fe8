// script.js, what third-party pages embed (clients-and-crypto.md §2), and the host side of the vault protocol
// (§1.2). One module so the minifier can share the short names of window and document across it: every byte
// here ships in script.js (1 KB gzip budget, build.mjs), hence the terse style. Nothing may throw into the
// host page: start catches, and every send is one promise chain that ends in a catch that logs.
import type { Reply, Request, ScriptEvent } from '../shared/protocol.ts';

const w = window,
  d = document,
  log = console.log;


export const pageviewEvent = (subsequent?: boolean): ScriptEvent => {
  let l = location.href,
    c = d.querySelector('link[rel=canonical]'),
    // Resolved against location.href, not the document's base URL (§2.3).
    href = c ? new URL(c.getAttribute('href')!, l).href : l,
    t = performance.timing;
  return {
    type: 'PAGEVIEW',
    href,
    // Only when a canonical URL exists and differs: campaign parameters are read from rawHref (§2.3).
    ...(href != l && { rawHref: l }),
    referrer: d.referrer,
    // Can be 0 or negative when read before DCL ends; the stats ignore those (§2.3).
    pageload: subsequent ? null : Math.round(t.domContentLoadedEventEnd - t.navigationStart),
    // Same as typeof window.onorientationchange != 'undefined' for every browser that has the handler.
    isMobile: 'onorientationchange' in w,
  };
};


/** Sends one request to the vault; resolves with the first non-STYLES reply ({} for a null reply). */
export type Post = (message: Request) => Promise<Reply | Record<string, never>>;

/**
 * One vault per URL. Upstream keeps this map on window.__offen__cache__ so that two copies of the script
 * share a vault; we keep it per copy, which costs an extra iframe only when a page embeds the script twice.
 */
export const cache: Record<string, Promise<Post>> = {};

/** new URL(script src).origin + "/vault", with ?accountId= and locale= when set (§2.1). */
export const vaultUrl = (src: string, accountId?: string, locale?: string): string => {
  // "/vault" resolved against the script's URL is its origin + /vault.
  let u = new URL('/vault', src);
  accountId && u.searchParams.set('accountId', accountId);
  locale && u.searchParams.set('locale', locale);
  return u.href;
};

/**
 * The vault for url, created once per URL and script copy (`cache`); resolves on the iframe's load
 * event to the post function. The iframe is added when the DOM is ready, so the load (and with it every
 * message, including the first pageview's pageload reading) comes after DOMContentLoaded.
 */
export const vault = (url: string): Promise<Post> =>
  (cache[url] ||= new Promise((resolve) => {
    let f = d.createElement('iframe'),
      id = 'offen-vault-' + Math.random().toString(36).slice(2),
      add = () => d.body.appendChild(f),
      style: HTMLStyleElement | undefined;
    f.src = url;
    // Hidden until the vault's STYLES show it; that CSS also removes the border (frameBorder=0 upstream),
    // and the vault page hides its own scrollbars (scrolling=no upstream).
    f.hidden = true;
    f.title = 'Offen Vault';
    f.id = id;
    f.onload = () =>
      resolve(
        (m) =>
          new Promise((res, rej) => {
            let c = new MessageChannel();
            // The vault addresses its STYLES to this selector (§1.2 step 1).
            m.host = '#' + id;
            c.port1.onmessage = ({ data }) => {
              let { type, payload: p } = data || {};
              type == 'STYLES'
                ? // Interim reply: restyles the iframe (shows the banner) and never settles (§7.17).
                  (p.styles && (style || d.head.append((style = d.createElement('style'))), (style!.textContent = p.styles)),
                  // Only `height` in practice; it is a reflected property of the iframe.
                  Object.assign(f, p.attributes))
                : type == 'ERROR'
                  ? // Our vault never sets status, and the stack stays in the vault (§1.3).
                    rej(Error(p.error))
                  : res(data || {});
            };
            // Never "*": only the vault origin may receive the message and the port (§1.2 step 2).
            f.contentWindow!.postMessage(m, new URL(url).origin, [c.port2]);
          }),
      );
    d.readyState == 'loading' ? d.addEventListener('DOMContentLoaded', add) : add();
  }));


/** cb(err, result): result is the vault's answer ({} even when consent was denied, §2.2). */
export type Callback = (err: Error | null, result?: unknown) => void;
export interface PageviewOptions {
  /** Never show the banner; collect only if consent is already "allow". */
  skipConsent?: boolean;
  /** Report pageload as null (a view after the first). */
  subsequent?: boolean;
}
export interface OffenApi {
  pageview?: (options?: PageviewOptions, cb?: Callback) => void;
  acquireConsent?: (cb?: Callback) => void;
}

declare global {
  interface Window {
    __offen__?: OffenApi;
  }
}


/** Sets the script up from its own <script> element, read once at load (§2.1). */
export const start = (s: HTMLOrSVGScriptElement | null): void => {
  try {
    let { accountId, locale, useApi } = s!.dataset,
      url = vaultUrl((s as HTMLScriptElement).src, accountId, locale),
      api = (w.__offen__ ||= {}),
      // Without IndexedDB the vault cannot keep the user secret: log only, no event, no callback (§2.2).
      // The message is built once the vault has loaded, which is after DOMContentLoaded, so the
      // first view's pageload is known. Upstream also waits for an idle callback; the vault's load is
      // asynchronous already, and requestIdleCallback would cost 3 % of the byte budget.
      send = (m: () => Request, cb?: Callback): unknown =>
        w.indexedDB
          ? vault(url)
              .then((p) => p(m()))
              .then((x) => cb?.(null, x), cb)
              .catch(log)
          : log('no IndexedDB'),
      // The options object doubles as meta: the vault reads meta.skipConsent only.
      pv = (o: PageviewOptions = {}, cb?: Callback): unknown =>
        send(() => ({ type: 'EVENT', payload: { accountId, event: pageviewEvent(o.subsequent) }, meta: o }), cb);

    if (useApi != null) {
      api.pageview = pv;
      api.acquireConsent = (cb) => send(() => ({ type: 'ACQUIRE_CONSENT' }) as Request, cb);
    } else {
      // The first view, then every pushState, replaceState and popstate as a subsequent one; hashchange is
      // not listened to (§2.2, §7.19).
      pv();
      let sub = () => pv({ subsequent: true });
      for (let k of ['pushState', 'replaceState'] as const) {
        let o = history[k];
        history[k] = function (this: History) {
          o.apply(this, arguments as unknown as Parameters<History['pushState']>);
          sub();
        };
      }
      addEventListener('popstate', sub);
    }
  } catch (e) {
    log(e);
  }
};
