// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { auditorium as en, strings as english } from '../locales/en.ts';
import type { LoginResult } from '../shared/protocol.ts';
import { App } from './app.tsx';
import { FlashStore } from './flash.ts';
import { createVaultClient, type Post } from './vault-client.ts';
import { memoryHistory } from './visitor/test-support.tsx';

const login: LoginResult = {
  accountUserId: 'user-1',
  adminLevel: 0,
  accounts: [{ accountId: 'acc-1', accountName: 'Main site', keyEncryptionKey: null, created: '' }],
};

async function mount(start: string, reply: Parameters<typeof createVaultClient>[0]) {
  const host = document.createElement('div');
  document.body.replaceChildren(host);
  const history = memoryHistory(start);
  const flash = new FlashStore();
  const titles: string[] = [];
  await act(() => {
    render(
      <App
        s={en}
        banner={english.banner}
        uiLocale="en"
        locale={new URLSearchParams(new URL(start, 'https://x').search).get('locale')}
        origin={location.origin}
        vault={createVaultClient(reply)}
        flash={flash}
        history={history}
        setTitle={(title) => titles.push(title)}
      />,
      host,
    );
  });
  const settle = async () => {
    for (let i = 0; i < 5; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
  };
  await settle();
  return { host, history, flash, titles, settle };
}

const replying =
  (answer: (type: string) => { type: string; payload: unknown }): Post =>
  async (message) =>
    answer(message.type);

afterEach(() => render(null, document.body));

describe('App (dashboard.md §1)', () => {
  it('sends a visitor without a session from a protected route to /login/?next=…, keeping ?locale=', async () => {
    const { host, history, flash, titles } = await mount(
      '/console/?locale=de',
      replying((type) => (type === 'LOGIN' ? { type: 'LOGIN_FAILURE', payload: { message: 'Not logged in.' } } : { type: 'SETUP_STATUS_HASDATA', payload: null })),
    );
    expect(history.entries).toEqual(['/login/?next=%2Fconsole%2F%3Flocale%3Dde&locale=de']);
    expect(flash.current.map((m) => m.text)).toEqual(['Please log in using your credentials.']);
    expect(host.querySelector('h1')?.textContent).toBe('Log in as operator');
    expect(titles.at(-1)).toBe('Log in | Offen');
    // Links keep the locale.
    expect(host.querySelector('a[href^="/forgot-password/"]')?.getAttribute('href')).toBe('/forgot-password/?locale=de');
  });

  it('renders a protected screen for a remembered session and focuses its heading after navigation', async () => {
    const { host, history, titles, settle } = await mount(
      '/auditorium/acc-1/',
      // The dashboard's QUERY stays pending: this test is about the guard and navigation, not the data.
      (message) => (message.type === 'QUERY' ? new Promise(() => {}) : Promise.resolve({ type: 'LOGIN_SUCCESS', payload: login })),
    );
    expect(host.querySelector('[data-testid="auditorium/header"]')?.textContent).toBe('You are viewing data as operator with account Main site.');
    expect(titles.at(-1)).toBe('Auditorium | Offen');
    const link = host.querySelector<HTMLAnchorElement>('[data-testid="auditorium/console-link"]')!;
    await act(() => void link.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 })));
    await settle();
    expect(history.entries.at(-1)).toBe('/console/');
    expect(host.querySelector('h1')?.textContent).toBe('Admin console');
    expect(document.activeElement).toBe(host.querySelector('h1'));
    // Regular user (adminLevel 0): no admin panels.
    expect(host.querySelector('[data-testid="console/role"]')?.getAttribute('data-admin')).toBe('false');
    expect(host.querySelector('[data-testid="console/create-account"]')).toBeNull();
    expect(host.querySelector('[data-testid="console/share-all"]')).toBeNull();
    expect(host.querySelector('[data-testid="console/change-password"]')).not.toBeNull();
  });

  it('shows the 404 screen for unknown paths and follows back/forward', async () => {
    const { host, history, titles, settle } = await mount('/login/', replying(() => ({ type: 'SETUP_STATUS_HASDATA', payload: null })));
    history.push('/no/such/page');
    history.push('/login/');
    history.back();
    await settle();
    expect(host.querySelector('h1')?.textContent).toBe('Not found...');
    expect(titles.at(-1)).toBe('Not Found | Offen');
  });

  it('shows the error box with the vault stack when the vault answers ERROR', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { host } = await mount('/setup/', async () => {
      const { VaultError } = await import('./vault-client.ts');
      throw new VaultError('database is down', 'Error: database is down\n    at vault');
    });
    const box = host.querySelector('[data-testid="error-box"]');
    expect(box?.querySelector('h1')?.textContent).toBe('An error occurred');
    expect(box?.textContent).toContain('database is down');
    expect(box?.querySelector('pre')?.textContent).toContain('at vault');
    expect(logged).toHaveBeenCalledTimes(1);
    logged.mockRestore();
  });

  it('closes the newest flash message on Esc and any message on click', async () => {
    const { host, flash, settle } = await mount('/login/', replying(() => ({ type: 'SETUP_STATUS_HASDATA', payload: null })));
    await act(() => {
      flash.add('first');
      flash.add('second');
    });
    expect([...host.querySelectorAll('[data-testid="flash-message"]')].map((b) => b.textContent)).toEqual(['first (Dismiss)', 'second (Dismiss)']);
    await act(() => void document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })));
    await settle();
    expect(flash.current.map((m) => m.text)).toEqual(['first']);
    await act(() => host.querySelector<HTMLButtonElement>('[data-testid="flash-message"]')!.click());
    expect(flash.current).toEqual([]);
    expect(host.querySelectorAll('[data-testid="flash-message"]')).toHaveLength(0);
  });
});
