// A small router on the History API for the routes of dashboard.md §1. Patterns are written with their
// trailing slash (`/login/`, `/auditorium/:accountId`); a path matches with or without it, because the server
// renders the index page for both (server.md §1.6) and links in emails end in a slash (§5.6).

export interface Route<C> {
  /** `/literal/` segments and `:name` parameters; `*` alone matches anything (the 404 route). */
  path: string;
  /** What to render; the router does not care what it is. */
  component: C;
}

export interface Match<C> {
  route: Route<C>;
  params: Record<string, string>;
}

function segments(path: string): string[] {
  return path.split('/').filter((part) => part !== '');
}

/** The first route whose pattern matches `pathname`, with its decoded parameters. */
export function matchRoute<C>(routes: ReadonlyArray<Route<C>>, pathname: string): Match<C> | null {
  const actual = segments(pathname);
  for (const route of routes) {
    if (route.path === '*') return { route, params: {} };
    const pattern = segments(route.path);
    if (pattern.length !== actual.length) continue;
    const params: Record<string, string> = {};
    let matched = true;
    for (let i = 0; i < pattern.length && matched; i++) {
      if (pattern[i].startsWith(':')) {
        try {
          params[pattern[i].slice(1)] = decodeURIComponent(actual[i]);
        } catch {
          // A malformed escape is no valid parameter: treat the route as not matching (404).
          matched = false;
        }
      } else {
        matched = pattern[i] === actual[i];
      }
    }
    if (matched) return { route, params };
  }
  return null;
}

/**
 * The `next` of `/login/?next=…` (dashboard.md §1 auth guard), accepted only as a same-origin path: a value such
 * as `//evil.example` or `https://evil.example` would make the login form an open redirect.
 */
export function safeNext(next: string | null): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
  try {
    const url = new URL(next, 'http://auditorium.invalid');
    return url.origin === 'http://auditorium.invalid' ? url.pathname + url.search + url.hash : null;
  } catch {
    return null;
  }
}

export interface Place {
  pathname: string;
  search: string;
}

/** The History API behind navigation, injectable for tests. */
export interface HistoryLike {
  readonly location: Place;
  push(href: string): void;
  replace(href: string): void;
  /** Calls back on back/forward; returns the unsubscribe function. */
  listen(callback: () => void): () => void;
}

export function browserHistory(win: Window = window): HistoryLike {
  return {
    get location() {
      return { pathname: win.location.pathname, search: win.location.search };
    },
    push: (href) => win.history.pushState(null, '', href),
    replace: (href) => win.history.replaceState(null, '', href),
    listen(callback) {
      win.addEventListener('popstate', callback);
      return () => win.removeEventListener('popstate', callback);
    },
  };
}

/**
 * True when a click on an internal link should be handled by the router rather than by the browser: a plain
 * primary-button click without modifier keys, on a same-origin link without a target or download attribute.
 */
export function isRouterClick(
  event: Pick<MouseEvent, 'button' | 'metaKey' | 'ctrlKey' | 'shiftKey' | 'altKey' | 'defaultPrevented'>,
  anchor: Pick<HTMLAnchorElement, 'href' | 'target' | 'hasAttribute'>,
  origin: string,
): boolean {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return false;
  if ((anchor.target && anchor.target !== '_self') || anchor.hasAttribute('download')) return false;
  try {
    return new URL(anchor.href).origin === origin;
  } catch {
    return false;
  }
}
