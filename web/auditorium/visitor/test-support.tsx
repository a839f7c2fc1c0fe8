// Test helpers for the visitor screens' unit tests (only *.test.tsx import this file): the App on a memory
// history with a scripted vault, and a realistic visitor QUERY result computed by the vault's own metrics.
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { auditorium as en, strings as english } from '../../locales/en.ts';
import type { Reply, Request } from '../../shared/protocol.ts';
import { computeResult } from '../../vault/manage/result.ts';
import { pageview, ulid } from '../../vault/manage/test-support.ts';
import type { NormalizedEvent } from '../../vault/manage/types.ts';
import { App } from '../app.tsx';
import { FlashStore } from '../flash.ts';
import type { HistoryLike, Place, Route } from '../router.ts';
import type { ScreenDefinition } from '../routes.tsx';
import { createVaultClient } from '../vault-client.ts';

export const NOW = Date.parse('2024-10-11T12:00:00Z');
const DAY = 86_400_000;

/** One visitor event of the site `host`, `daysAgo` before NOW. */
export function visitorEvent(host: string, path: string, daysAgo: number, extra: Partial<NormalizedEvent> = {}): NormalizedEvent {
  const time = NOW - daysAgo * DAY;
  return {
    ...pageview({ href: `https://${host}${path}`, timestamp: new Date(time).toISOString() }),
    eventId: ulid(time, `${host}${path}`.replace(/[^0-9a-z]/gi, '').slice(0, 12)),
    accountId: host === 'www.example.com' ? 'account-a' : 'account-b',
    secretId: 'local',
    ...extra,
  };
}

/** Three events of www.example.com in the last week, one of blog.example.net 60 days ago (outside 7 days). */
export function sampleEvents(): NormalizedEvent[] {
  return [
    visitorEvent('www.example.com', '/', 3, { referrer: 'https://duckduckgo.com/' }),
    visitorEvent('www.example.com', '/about/', 2),
    visitorEvent('blog.example.net', '/post/', 60),
    visitorEvent('www.example.com', '/contact/', 1),
  ];
}

/** The QUERY result the vault gives for these events (contract 5: `events` holds all of them). */
export function visitorResult(events: NormalizedEvent[] = sampleEvents()) {
  return computeResult(events, {}, { retentionPeriod: '6months' }, { timeZone: 'Europe/Berlin', now: NOW });
}

/** An in-memory history; `back()` pops an entry and notifies listeners like a popstate. */
export function memoryHistory(start: string): HistoryLike & { entries: string[]; back(): void } {
  const entries: string[] = [start];
  const listeners = new Set<() => void>();
  const parse = (href: string): Place => {
    const url = new URL(href, 'https://offen.example.test');
    return { pathname: url.pathname, search: url.search };
  };
  return {
    entries,
    get location() {
      return parse(entries[entries.length - 1]);
    },
    push: (href) => void entries.push(href),
    replace: (href) => void (entries[entries.length - 1] = href),
    listen(callback) {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },
    back() {
      entries.pop();
      for (const listener of listeners) listener();
    },
  };
}

/** Answers one vault request; a never-settling promise keeps the screen waiting. */
export type Answer = (message: Request) => Reply | Promise<Reply>;

/** A vault that records every request and answers by type. */
export function scriptedVault(answers: Record<string, Answer>) {
  const sent: Request[] = [];
  const vault = createVaultClient(async (message) => {
    sent.push(message);
    const answer = answers[message.type];
    if (!answer) throw new Error(`unexpected ${message.type}`);
    return answer(message);
  });
  return { vault, sent, types: () => sent.map((message) => message.type) };
}

/** A promise with its resolve function, to hold a reply until the test releases it. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export async function settle(): Promise<void> {
  for (let i = 0; i < 6; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
}

export async function mountApp(start: string, vault: ReturnType<typeof createVaultClient>, routes?: ReadonlyArray<Route<ScreenDefinition>>) {
  const host = document.createElement('div');
  document.body.replaceChildren(host);
  const history = memoryHistory(start);
  const flash = new FlashStore();
  await act(() => {
    render(
      <App
        s={en}
        banner={english.banner}
        uiLocale="en"
        locale={new URLSearchParams(new URL(start, 'https://x').search).get('locale')}
        origin={location.origin}
        vault={vault}
        flash={flash}
        history={history}
        routes={routes}
        setTitle={() => undefined}
      />,
      host,
    );
  });
  await settle();
  return { host, history, flash };
}

export async function click(element: Element | null | undefined): Promise<void> {
  if (!element) throw new Error('nothing to click');
  await act(() => void (element as HTMLElement).click());
  await settle();
}

export function unmount(): void {
  render(null, document.body);
  document.body.replaceChildren();
}
