// @vitest-environment happy-dom
// The operator dashboard (dashboard.md §1.3) against a fake vault: the ready marker and progress of contract 4,
// the QUERY of contracts 2 and 3, admin-only panels (§4.1), the open embed code of an empty account, the
// focus-driven auto-refresh, the soft failure of a background refresh, and the awareness widget snippet.
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditorium as de, strings as german } from '../../locales/de.ts';
import { auditorium as en, strings as english } from '../../locales/en.ts';
import type { AuditoriumStrings } from '../../locales/types.ts';
import type { LoginResult, Reply, Request } from '../../shared/protocol.ts';
import { computeResult } from '../../vault/manage/result.ts';
import { EVENTS, NOW, TIME_ZONE } from '../../vault/manage/stats/fixture.ts';
import { AppContext, type AppServices } from '../context.ts';
import { FlashStore } from '../flash.ts';
import { REFRESH_MS } from '../operator/use-dashboard-query.ts';
import type { Place } from '../router.ts';
import { Session } from '../session.ts';
import { createVaultClient, VaultError, type PostOptions } from '../vault-client.ts';
import { eventsFilename, OperatorDashboardScreen, OVERLAY_DELAY_MS } from './operator-dashboard.tsx';

const ORIGIN = 'https://offen.example.test';
const account = { accountId: 'acc-1', accountName: 'Main site', keyEncryptionKey: null, created: '' };
const regular: LoginResult = { accountUserId: 'user-1', adminLevel: 0, accounts: [account] };
const admin: LoginResult = { ...regular, adminLevel: 1 };

const withData = () => computeResult([...EVENTS], { now: new Date(NOW) }, { retentionPeriod: '6months' }, { timeZone: TIME_ZONE });
const withoutData = () => computeResult([], { now: new Date(NOW) }, { retentionPeriod: '6months' }, { timeZone: TIME_ZONE });

interface Pending {
  message: Request;
  options: PostOptions | undefined;
  resolve(reply: Reply): void;
  reject(error: unknown): void;
}

/** A vault whose QUERY replies the test controls; everything else succeeds. */
function fakeVault() {
  const queries: Pending[] = [];
  const vault = createVaultClient(
    (message, options) =>
      new Promise<Reply>((resolve, reject) => {
        if (message.type === 'QUERY') queries.push({ message, options, resolve, reject });
        else resolve({ type: `${message.type}_SUCCESS`, payload: null });
      }),
  );
  return { vault, queries };
}

const flush = () => act(async () => void (await vi.advanceTimersByTimeAsync(0)));

async function mount(options: { login?: LoginResult; search?: string; accountId?: string; s?: AuditoriumStrings; uiLocale?: string } = {}) {
  const host = document.createElement('div');
  document.body.replaceChildren(host);
  const { vault, queries } = fakeVault();
  const flash = new FlashStore();
  const failures: unknown[] = [];
  const login = options.login ?? regular;
  const s = options.s ?? en;
  const services = (place: Place): AppServices => ({
    s,
    banner: (s === de ? german : english).banner,
    uiLocale: options.uiLocale ?? 'en',
    locale: null,
    origin: ORIGIN,
    place,
    vault,
    flash,
    session: new Session(vault),
    href: (path) => path,
    navigate: () => {},
    fail: (error) => failures.push(error),
  });
  const show = (search: string) =>
    act(() =>
      render(
        <AppContext.Provider value={services({ pathname: `/auditorium/${options.accountId ?? 'acc-1'}/`, search })}>
          <OperatorDashboardScreen login={login} params={{ accountId: options.accountId ?? 'acc-1' }} />
        </AppContext.Provider>,
        host,
      ),
    );
  await show(options.search ?? '');
  await flush();
  const root = () => host.querySelector('[data-testid="auditorium/dashboard"]')!;
  const answer = async (index: number, result: unknown) => {
    queries[index].resolve({ type: 'QUERY_SUCCESS', payload: { query: queries[index].message.payload, result } });
    await flush();
  };
  const testid = (id: string) => host.querySelector(`[data-testid="${id}"]`);
  return { host, queries, flash, failures, root, answer, testid, show };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  render(null, document.body);
  vi.useRealTimers();
});

describe('OperatorDashboardScreen (dashboard.md §1.3)', () => {
  it('queries with the URL parameters, shows progress while loading, then the panels (contracts 2–4)', async () => {
    const view = await mount({ search: '?range=30&filter=href%3A%2Fabout&locale=de' });
    expect(view.root().getAttribute('data-state')).toBe('loading');
    expect(view.host.textContent).toContain('Fetching and aggregating the latest data…');
    expect(view.queries).toHaveLength(1);
    expect(view.queries[0].message.payload).toEqual({
      query: { range: '30', filter: 'href:/about', accountId: 'acc-1' },
      authenticatedUser: regular,
      progress: true,
      events: false,
    });
    const progress = view.testid('auditorium/progress')!;
    expect(progress.getAttribute('aria-live')).toBe('polite');
    expect(progress.textContent).toBe('');
    expect(view.host.querySelector('animateTransform')).not.toBeNull();
    expect(view.testid('auditorium/progress-bar')).toBeNull();
    await act(() => view.queries[0].options!.onProgress!({ done: 1200, total: 5000 }));
    expect(progress.textContent).toBe('Decrypting 1,200 of 5,000…');
    // With counts, a bar that only moves with them replaces the spinner (no animation during a long first load).
    expect(view.host.querySelector('animateTransform')).toBeNull();
    const bar = view.testid('auditorium/progress-bar')!;
    expect(bar.getAttribute('aria-hidden')).toBe('true');
    expect((bar.firstElementChild as HTMLElement).style.width).toBe('24.0%');
    await view.answer(0, withData());
    expect(view.root().getAttribute('data-state')).toBe('ready');
    expect(view.testid('auditorium/progress')).toBeNull();
    expect(view.testid('auditorium/header')!.textContent).toBe('You are viewing data as operator with account Main site.');
    expect(view.testid('dashboard/export-events')).not.toBeNull();
    expect(view.failures).toEqual([]);
  });

  it('loads the events for the CSV only when asked, with the shown parameters and without progress', async () => {
    const view = await mount({ search: '?range=30' });
    await view.answer(0, withData());
    expect(view.queries).toHaveLength(1);
    await act(() => void (view.testid('dashboard/export-events') as HTMLButtonElement).click());
    expect(view.queries).toHaveLength(2);
    expect(view.queries[1].message.payload).toEqual({ query: { range: '30', accountId: 'acc-1' }, authenticatedUser: regular });
    expect(view.queries[1].options?.onProgress).toBeUndefined();
  });

  it('names the events CSV after the account and the window days in the viewer zone', () => {
    expect(eventsFilename('acc-1', withData())).toBe('offen-acc-1-2024-10-05-2024-10-11.csv');
  });

  it('hides share, retire and the banner CSS editor from regular users and shows them to admins (§4.1)', async () => {
    const adminOnly = ['auditorium/share-headline', 'auditorium/retire-headline', 'auditorium/styles-headline'];
    const plain = await mount({ login: regular });
    await plain.answer(0, withData());
    for (const id of adminOnly) expect(plain.testid(id), id).toBeNull();
    expect(plain.testid('auditorium/widgets-headline')).not.toBeNull();
    expect(plain.testid('auditorium/console-headline')).not.toBeNull();

    const boss = await mount({ login: admin });
    await boss.answer(0, withData());
    for (const id of adminOnly) expect(boss.testid(id), id).not.toBeNull();
  });

  it('shows the embed code open instead of real time for an account without events, collapsible otherwise', async () => {
    const empty = await mount();
    await empty.answer(0, withoutData());
    expect(empty.testid('auditorium/embed-open')?.querySelector('[data-testid="embed-code/snippet"]')).not.toBeNull();
    expect(empty.testid('auditorium/embed-headline')).toBeNull();
    expect(empty.host.querySelectorAll('[data-testid="embed-code"]')).toHaveLength(1);

    const full = await mount();
    await full.answer(0, withData());
    expect(full.testid('auditorium/embed-open')).toBeNull();
    expect(full.testid('auditorium/embed-headline')?.closest('details')?.hasAttribute('open')).toBe(false);
    expect(full.host.querySelectorAll('[data-testid="embed-code"]')).toHaveLength(1);
  });

  it('refreshes every 15 s while focused, stops on blur and reloads at once on focus', async () => {
    const view = await mount();
    await view.answer(0, withData());
    await act(async () => void (await vi.advanceTimersByTimeAsync(REFRESH_MS)));
    expect(view.queries).toHaveLength(2);
    // A refresh still running is not doubled by the next tick.
    await act(async () => void (await vi.advanceTimersByTimeAsync(REFRESH_MS)));
    expect(view.queries).toHaveLength(2);
    await view.answer(1, withData());

    await act(() => void dispatchEvent(new Event('blur')));
    await act(async () => void (await vi.advanceTimersByTimeAsync(3 * REFRESH_MS)));
    expect(view.queries).toHaveLength(2);

    await act(() => void dispatchEvent(new Event('focus')));
    expect(view.queries).toHaveLength(3);
    await view.answer(2, withData());
    await act(async () => void (await vi.advanceTimersByTimeAsync(REFRESH_MS)));
    expect(view.queries).toHaveLength(4);
    expect(view.root().getAttribute('data-state')).toBe('ready');
  });

  it('keeps the data on a re-query, with the overlay fading in only after ~320 ms', async () => {
    const view = await mount({ search: '?range=7' });
    await view.answer(0, withData());
    await view.show('?range=30');
    await flush();
    expect(view.queries).toHaveLength(2);
    expect((view.queries[1].message.payload as { query: { range: string } }).query.range).toBe('30');
    expect(view.root().getAttribute('data-state')).toBe('ready');
    expect(view.testid('auditorium/data')?.getAttribute('aria-busy')).toBe('true');
    expect(view.testid('auditorium/overlay')?.getAttribute('data-visible')).toBe('false');
    await act(async () => void (await vi.advanceTimersByTimeAsync(OVERLAY_DELAY_MS)));
    expect(view.testid('auditorium/overlay')?.getAttribute('data-visible')).toBe('true');
    // The answer to the older parameters arrives late and is ignored.
    await view.answer(1, withoutData());
    expect(view.testid('auditorium/overlay')).toBeNull();
    expect(view.testid('auditorium/embed-open')).not.toBeNull();
  });

  it('flashes a failed background refresh and keeps the data; a failed first load goes to the error box', async () => {
    const view = await mount();
    await view.answer(0, withData());
    await act(() => void dispatchEvent(new Event('focus')));
    view.queries[1].reject(new VaultError('network down'));
    await flush();
    expect(view.flash.current.map((m) => m.text)).toEqual(['This view failed to update automatically, data may be out of date…']);
    expect(view.failures).toEqual([]);
    expect(view.root().getAttribute('data-state')).toBe('ready');
    expect(view.testid('dashboard/export-events')).not.toBeNull();

    const first = await mount();
    first.queries[0].reject(new VaultError('no key'));
    await flush();
    expect(first.failures).toEqual([new VaultError('no key')]);
    expect(first.flash.current).toEqual([]);
  });

  it('shows "no access" for an account the user does not have, without querying', async () => {
    const view = await mount({ accountId: 'someone-else' });
    expect(view.testid('auditorium/header')!.textContent).toBe('You do not have access to this account.');
    expect(view.root().getAttribute('data-state')).toBe('ready');
    expect(view.queries).toEqual([]);
  });

  it('builds the awareness widget snippet for the chosen kind in the page locale (§1.3 item 12)', async () => {
    const view = await mount({ s: de, uiLocale: 'de' });
    await view.answer(0, withData());
    const snippet = () => (view.testid('auditorium/widgets/snippet') as HTMLTextAreaElement).value;
    expect((view.testid('auditorium/widgets/link') as HTMLInputElement).value).toBe(`${ORIGIN}/auditorium/`);
    expect(snippet()).toBe(`<a href="${ORIGIN}/auditorium"><img src="${ORIGIN}/user-access-widget-bar-de.svg" alt="Zugriff auf Ihre Nutzungsdaten"></a>`);
    const circle = view.testid('auditorium/widgets/kind-circle') as HTMLInputElement;
    await act(() => {
      circle.checked = true;
      circle.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(snippet()).toBe(`<a href="${ORIGIN}/auditorium"><img src="${ORIGIN}/user-access-widget-circle-de.svg" alt="Zugriff auf Ihre Nutzungsdaten"></a>`);
    expect(view.testid('auditorium/widgets/preview')?.querySelector('img')?.getAttribute('src')).toBe(`${ORIGIN}/user-access-widget-circle-de.svg`);
    expect(view.host.textContent).toContain('HTML-Code des Widgets „Kreis“');
  });

  it('formats the progress counts for the page language (dashboard.md §6)', async () => {
    const view = await mount({ s: de, uiLocale: 'de' });
    await act(() => view.queries[0].options!.onProgress!({ done: 1200, total: 5000 }));
    expect(view.testid('auditorium/progress')!.textContent).toBe('Entschlüssele 1.200 von 5.000 …');
  });
});
