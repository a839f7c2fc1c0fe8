// @vitest-environment happy-dom
// clients-and-crypto.md §3.2: the one cookie helper and its attribute string.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cookieString, deleteCookie, getCookie, setCookie, uuid } from './cookies.ts';

const setURL = (url: string) => (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url);
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('cookie attributes', () => {
  it('uses SameSite=None; Secure on a real host', () => {
    setURL('https://offen.example.org/vault');
    expect(cookieString('consent', 'allow')).toBe('consent=allow; Path=/; SameSite=None; Secure');
    const expires = new Date(Date.UTC(2124, 0, 2, 3, 4, 5));
    expect(cookieString('USER_SECRET-a', '{}', { expires, path: '/vault' })).toBe(
      'USER_SECRET-a={}; expires=Sun, 02 Jan 2124 03:04:05 GMT; Path=/vault; SameSite=None; Secure',
    );
  });

  it('uses SameSite=Lax without Secure on localhost', () => {
    setURL('https://localhost:9977/vault');
    expect(cookieString('ok', '__allows_cookies__')).toBe('ok=__allows_cookies__; Path=/; SameSite=Lax');
  });

  it('uses SameSite=Lax without Secure on plain http, where a Secure cookie could not be set', () => {
    setURL('http://192.168.1.20:8080/vault');
    expect(cookieString('consent', 'deny')).toBe('consent=deny; Path=/; SameSite=Lax');
  });
});

describe('cookie jar helpers', () => {
  afterEach(() => {
    for (const name of ['a', 'b', 'ab']) deleteCookie(name);
  });

  it('sets, reads by exact name and deletes', () => {
    setURL('https://offen.example.org/vault');
    setCookie('ab', '1');
    setCookie('a', 'x=y');
    expect(getCookie('a')).toBe('x=y');
    expect(getCookie('ab')).toBe('1');
    expect(getCookie('b')).toBeNull();
    deleteCookie('a');
    expect(getCookie('a')).toBeNull();
    expect(getCookie('ab')).toBe('1');
  });

  it('deletes with the path it was set with', () => {
    setURL('https://offen.example.org/vault');
    setCookie('b', '2', { path: '/vault' });
    deleteCookie('b');
    expect(getCookie('b')).toBe('2');
    deleteCookie('b', '/vault');
    expect(getCookie('b')).toBeNull();
  });
});

describe('uuid', () => {
  it('makes v4 UUIDs with crypto.randomUUID', () => {
    expect(uuid()).toMatch(UUID_V4);
  });

  it('makes v4 UUIDs from getRandomValues where randomUUID is missing (insecure context)', () => {
    vi.stubGlobal('crypto', { getRandomValues: (bytes: Uint8Array) => bytes.fill(0xff) });
    try {
      expect(uuid()).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    } finally {
      vi.unstubAllGlobals();
    }
    expect(uuid()).not.toBe(uuid());
  });
});
