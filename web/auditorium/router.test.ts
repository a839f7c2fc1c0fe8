import { describe, expect, it } from 'vitest';
import { isRouterClick, matchRoute, safeNext, type Route } from './router.ts';

const routes: Route<string>[] = [
  { path: '/', component: 'landing' },
  { path: '/login/', component: 'login' },
  { path: '/auditorium/', component: 'user' },
  { path: '/auditorium/:accountId', component: 'operator' },
  { path: '/reset-password/:token', component: 'reset' },
  { path: '*', component: 'notFound' },
];

const match = (path: string) => {
  const m = matchRoute(routes, path);
  return m && [m.route.component, m.params];
};

describe('matchRoute', () => {
  it('matches literal routes with and without the trailing slash', () => {
    expect(match('/')).toEqual(['landing', {}]);
    expect(match('/login/')).toEqual(['login', {}]);
    expect(match('/login')).toEqual(['login', {}]);
    expect(match('/auditorium/')).toEqual(['user', {}]);
  });

  it('binds and decodes parameters, first match wins', () => {
    expect(match('/auditorium/9b63c4d8-65c0-438c-9d30-cc4b01173393/')).toEqual(['operator', { accountId: '9b63c4d8-65c0-438c-9d30-cc4b01173393' }]);
    expect(match('/reset-password/a%2Fb%20c')).toEqual(['reset', { token: 'a/b c' }]);
  });

  it('sends everything else, including malformed escapes and extra segments, to the 404 route', () => {
    expect(match('/console/x')).toEqual(['notFound', {}]);
    expect(match('/auditorium/a/b')).toEqual(['notFound', {}]);
    expect(match('/reset-password/%E0%A4%A')).toEqual(['notFound', {}]);
    expect(matchRoute(routes.slice(0, 2), '/nowhere')).toBeNull();
  });
});

describe('safeNext', () => {
  it('keeps same-origin paths with their query', () => {
    expect(safeNext('/console/?locale=de')).toBe('/console/?locale=de');
    expect(safeNext('/auditorium/abc/?range=30&resolution=days')).toBe('/auditorium/abc/?range=30&resolution=days');
  });

  it('refuses anything that would leave the origin (open redirect)', () => {
    for (const value of ['//evil.example/', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', 'console/', '', null]) {
      expect(safeNext(value), String(value)).toBeNull();
    }
  });
});

describe('isRouterClick', () => {
  const click = { button: 0, metaKey: false, ctrlKey: false, shiftKey: false, altKey: false, defaultPrevented: false };
  const anchor = (href: string, attrs: { target?: string; download?: boolean } = {}) => ({
    href,
    target: attrs.target ?? '',
    hasAttribute: (name: string) => name === 'download' && !!attrs.download,
  });
  const origin = 'https://offen.example.test';

  it('takes plain left clicks on same-origin links', () => {
    expect(isRouterClick(click, anchor(`${origin}/login/`), origin)).toBe(true);
    expect(isRouterClick(click, anchor(`${origin}/login/`, { target: '_self' }), origin)).toBe(true);
  });

  it('leaves modified clicks, other buttons, other origins, targets and downloads to the browser', () => {
    expect(isRouterClick({ ...click, ctrlKey: true }, anchor(`${origin}/`), origin)).toBe(false);
    expect(isRouterClick({ ...click, metaKey: true }, anchor(`${origin}/`), origin)).toBe(false);
    expect(isRouterClick({ ...click, button: 1 }, anchor(`${origin}/`), origin)).toBe(false);
    expect(isRouterClick({ ...click, defaultPrevented: true }, anchor(`${origin}/`), origin)).toBe(false);
    expect(isRouterClick(click, anchor('https://www.offen.dev/'), origin)).toBe(false);
    expect(isRouterClick(click, anchor(`${origin}/`, { target: '_blank' }), origin)).toBe(false);
    expect(isRouterClick(click, anchor(`${origin}/x.json`, { download: true }), origin)).toBe(false);
  });
});
