// The consent banner (clients-and-crypto.md §3.1 steps 3–5, markup and classes of §3.4). The banner IS the vault
// iframe: it is rendered into #host and the host page is told over STYLES replies where and how tall to show it.
import type { ConsentStatus } from '../shared/protocol.ts';
import { strings as english } from '../locales/en.ts';
import type { CoreRespond } from './router.ts';

/**
 * Minimal normalize plus the banner rules. Single-class selectors only, injected into <head>, so the account CSS
 * that the vault page appends after the scripts (§3.4) wins on equal specificity by coming later.
 */
const DEFAULT_CSS =
  // No scrollbars in the iframe (upstream's script sets scrolling=no on it; ours leaves that to us).
  'html{line-height:1.15;-webkit-text-size-adjust:100%;overflow:hidden}body{margin:0}' +
  'button{font:inherit;line-height:1.15;margin:0;overflow:visible;text-transform:none;-webkit-appearance:button}' +
  'button::-moz-focus-inner{border-style:none;padding:0}' +
  '.banner__root{box-sizing:border-box;font-family:Roboto,sans-serif;font-size:16px;line-height:1.4;color:#111;background:#fff;border:1px solid #ccc;padding:12px 16px}' +
  '.banner__paragraph{margin:0 0 8px;text-align:center}' +
  '.paragraph__anchor{color:inherit;text-decoration:underline}' +
  '.banner__buttons{display:flex;margin:12px -4px 0}' +
  '.buttons__button{flex:1;margin:0 4px;padding:8px;color:#fff;background:#111;border:1px solid #111;border-radius:4px;cursor:pointer}' +
  '.buttons__button:hover{background:#444}' +
  '.buttons__button:focus-visible{outline:2px solid #0a5bd6;outline-offset:2px}';

/**
 * §3.1 step 3: where the host page shows the iframe while the banner is up. `border:0` is ours: our script
 * creates the iframe with `hidden` only (no frameBorder attribute, to stay within its byte budget).
 */
export const showStyles = (selector: string): string =>
  `${selector} { display:block !important; border:0; position:fixed; bottom:138px; left:0; right:0; margin:0 auto; z-index:2147483647; width:426px } ` +
  `@media (max-width:414px) { ${selector} { width:100%; border-left:none; border-right:none } }`;

/** §3.1 step 4: "Continue" (and "I don't allow") hide the iframe again. */
export const hideStyles = (selector: string): string => `${selector}{display:none}`;

function h(tag: string, attributes: Record<string, string>, children: Array<Node | string> = []): HTMLElement {
  const element = document.createElement(tag);
  for (const name in attributes) element.setAttribute(name, attributes[name]);
  element.append(...children);
  return element;
}

let styled = false;

/** Strings of the vault's locale (vendor.js sets them), English for anything missing. */
function bannerStrings() {
  const loaded = self.__OFFEN_STRINGS__;
  return { locale: loaded?.locale || english.locale, ...english.banner, ...loaded?.banner };
}

/**
 * Renders the initial screen and resolves with the visitor's choice. "I allow" resolves at once and leaves the
 * follow-up screen up until "Continue"; "I don't allow" closes the banner and resolves deny.
 */
export function showBanner(selector: string, respond: CoreRespond): Promise<ConsentStatus> {
  const s = bannerStrings();
  const host = document.getElementById('host') || document.body;
  const sendHeight = () => {
    if (host.firstChild) respond({ type: 'STYLES', payload: { attributes: { height: String(document.body.clientHeight) } } });
  };
  if (!styled) {
    styled = true;
    const fonts = h('link', { rel: 'stylesheet', href: '/fonts.css' });
    // Fonts change the text's height; tell the host again once they are in.
    fonts.onload = () => sendHeight();
    document.head.append(fonts, h('style', {}, [DEFAULT_CSS]));
  }
  // §2.1 data-locale: the Auditorium link keeps the vault's ?locale=.
  const locale = new URLSearchParams(location.search).get('locale');
  const auditorium = '/auditorium/' + (locale ? `?locale=${encodeURIComponent(locale)}` : '');
  const anchor = (text: string, href: string) =>
    h('a', { class: 'paragraph__anchor', href, target: '_blank', rel: 'noopener' }, [text]);

  const render = (screen: 'initial' | 'followup', first: Array<Node | string>, second: Array<Node | string>, buttons: Array<[string, () => void]>) => {
    const elements = buttons.map(([label, onClick]) => {
      const button = h('button', { type: 'button', class: 'buttons__button' }, [label]);
      button.onclick = onClick;
      return button;
    });
    host.replaceChildren(
      h('div', { class: `banner__root banner--${screen}`, role: 'region', 'aria-label': s.label, lang: s.locale }, [
        h('p', { class: 'banner__paragraph banner__paragraph--first' }, first),
        h('p', { class: 'banner__paragraph' }, second),
        h('div', { class: 'banner__buttons' }, elements),
      ]),
    );
    return elements;
  };
  const close = () => {
    removeEventListener('resize', sendHeight);
    host.replaceChildren();
    respond({ type: 'STYLES', payload: { styles: hideStyles(selector) } });
  };

  return new Promise((resolve) => {
    render('initial', [s.consent], [s.optOut, ' ', anchor(s.learnMore, '/')], [
      [
        s.allow,
        () => {
          const [next] = render('followup', [s.thanks], [s.manageBefore, anchor(s.manageLink, auditorium), s.manageAfter], [[s.continue, close]]);
          // The clicked button is gone; keep keyboard focus inside the banner.
          next.focus();
          sendHeight();
          resolve('allow');
        },
      ],
      [
        s.deny,
        () => {
          close();
          resolve('deny');
        },
      ],
    ]);
    respond({ type: 'STYLES', payload: { styles: showStyles(selector), attributes: { height: String(document.body.clientHeight) } } });
    // The iframe's width changes with the host's viewport (and when it is first shown): re-send the height.
    addEventListener('resize', sendHeight);
  });
}
