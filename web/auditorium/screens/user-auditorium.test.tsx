// @vitest-environment happy-dom
// The User Auditorium `/auditorium/` (dashboard.md §1.10, §5.3; contracts 2, 4 and 5 of issue 4).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConsentStatus, Request } from '../../shared/protocol.ts';
import { downloadFile } from '../dashboard/index.ts';
import { pageActions } from '../visitor/page.ts';
import { click, deferred, mountApp, sampleEvents, scriptedVault, settle, unmount, visitorResult, type Answer } from '../visitor/test-support.tsx';

// Contract 1's downloadFile (Blob + <a download>) is the panels' part; here it only has to be called right.
vi.mock('../dashboard/index.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../dashboard/index.ts')>()),
  downloadFile: vi.fn(),
}));

const consent =
  (status: ConsentStatus | null): Answer =>
  () => ({ type: 'CONSENT_STATUS_SUCCESS', payload: { status, allowsCookies: true } });
const onboardingCompleted =
  (status: boolean): Answer =>
  () => ({ type: 'ONBOARDING_STATUS', payload: { status } });
const queried =
  (result = visitorResult()): Answer =>
  (message) => ({ type: 'QUERY_SUCCESS', payload: { query: (message.payload as { query: unknown }).query, result } });

function vaultFor(options: { status?: ConsentStatus | null; completed?: boolean; result?: ReturnType<typeof visitorResult> } = {}) {
  return scriptedVault({
    CONSENT_STATUS: consent(options.status === undefined ? 'allow' : options.status),
    ONBOARDING_STATUS: onboardingCompleted(options.completed ?? true),
    COMPLETE_ONBOARDING: () => ({ type: 'COMPLETE_ONBOARDING_SUCCESS', payload: null }),
    QUERY: queried(options.result),
    EXPRESS_CONSENT: (message) => ({ type: 'EXPRESS_CONSENT_SUCCESS', payload: { ...(message.payload as object), allowsCookies: true } }),
    PURGE: (message) => ({ type: 'QUERY_SUCCESS', payload: { query: message.payload, result: visitorResult([]) } }),
  });
}

const q = (host: ParentNode, testid: string) => host.querySelector(`[data-testid="${testid}"]`);
const root = (host: ParentNode) => q(host, 'auditorium/user')!;
const byRole = (host: ParentNode, role: string) => host.querySelector<HTMLButtonElement>(`[data-role="${role}"]`);

afterEach(() => {
  unmount();
  vi.restoreAllMocks();
  vi.mocked(downloadFile).mockClear();
});

describe('UserAuditoriumScreen', () => {
  it('shows the two loading states, then the ready marker with privacy panel, glossary and FAQ', async () => {
    const consentReply = deferred<Awaited<ReturnType<Answer>>>();
    const queryReply = deferred<Awaited<ReturnType<Answer>>>();
    const { vault, sent } = scriptedVault({
      CONSENT_STATUS: () => consentReply.promise,
      ONBOARDING_STATUS: onboardingCompleted(true),
      QUERY: () => queryReply.promise,
    });
    const { host } = await mountApp('/auditorium/?range=30days&filter=href%3Ahttps%3A%2F%2Fwww.example.com%2F&locale=de', vault);
    expect(root(host).getAttribute('data-state')).toBe('loading');
    expect(q(host, 'auditorium/status')?.textContent).toBe('Checking your consent status…');
    consentReply.resolve({ type: 'CONSENT_STATUS_SUCCESS', payload: { status: 'allow', allowsCookies: true } });
    await settle();
    expect(root(host).getAttribute('data-state')).toBe('loading');
    expect(q(host, 'auditorium/status')?.textContent).toBe('Fetching and decrypting the latest data…');
    // Contract 2: the URL's parameters, no accountId and no authenticatedUser (the visitor's own data).
    expect(sent.find((m) => m.type === 'QUERY')?.payload).toEqual({ query: { range: '30days', filter: 'href:https://www.example.com/' } });
    queryReply.resolve({ type: 'QUERY_SUCCESS', payload: { query: {}, result: visitorResult() } });
    await settle();
    expect(root(host).getAttribute('data-state')).toBe('ready');
    expect(q(host, 'auditorium/status')?.textContent).toBe('');
    expect(q(host, 'auditorium/privacy')).not.toBeNull();
    expect(q(host, 'auditorium/empty')).toBeNull();
    const terms = q(host, 'auditorium/basic-terms')!;
    expect([...terms.querySelectorAll('dt')].map((dt) => dt.textContent)).toEqual([
      'Auditorium',
      'Offen installation',
      'Cookies',
      'Operator',
      'Unique user',
      'Unique session',
      'ID (UUID v4)',
    ]);
    expect([...terms.querySelectorAll('dl > div')].map((entry) => entry.id)).toEqual([
      'term-auditorium',
      'term-offen-installation',
      'term-cookies',
      'term-operator',
      'term-unique-user',
      'term-unique-session',
      'term-uuid',
    ]);
    expect(q(host, 'auditorium/faq')?.querySelectorAll('h3')).toHaveLength(6);
    expect(q(host, 'auditorium/onboarding-wrapper')).toBeNull();
  });

  it('shows the onboarding to an opted-in visitor who has not completed it, completes it at once, and advances to the end', async () => {
    const { vault, types } = vaultFor({ completed: false });
    const { host } = await mountApp('/auditorium/', vault);
    const wrapper = q(host, 'auditorium/onboarding-wrapper')!;
    expect(wrapper).not.toBeNull();
    expect(root(host).getAttribute('data-state')).toBe('ready');
    expect(types()).toContain('COMPLETE_ONBOARDING');
    // Slide 1 from onboardingStats (§2.13): the latest event is www.example.com/contact/, 3 visits there.
    expect(wrapper.querySelector('h2')?.textContent).toBe('What www.example.com knows about you');
    const facts = [...wrapper.querySelectorAll('[data-testid="auditorium/onboarding-facts"] li')].map((li) => li.textContent);
    expect(facts).toEqual(['You have visited www.example.com 3 times.', 'You are probably located in Germany.', 'Most likely you are on a desktop device.']);
    expect(q(host, 'auditorium/privacy')).toBeNull();
    await click(q(host, 'auditorium/onboarding-advance'));
    expect(q(host, 'auditorium/onboarding-wrapper')?.querySelector('h2')?.textContent).toBe('Your data always stays yours');
    await click(q(host, 'auditorium/onboarding-advance'));
    expect(q(host, 'auditorium/onboarding-wrapper')?.querySelector('h2')?.textContent).toBe('Bookmark this page');
    expect(q(host, 'auditorium/onboarding-advance')?.textContent).toBe('Open Auditorium');
    // The current dot says which slide this is.
    expect(q(host, 'auditorium/onboarding-wrapper')?.querySelector('[aria-current="step"]')?.getAttribute('aria-label')).toBe('Slide 3 of 3');
    await click(q(host, 'auditorium/onboarding-advance'));
    expect(q(host, 'auditorium/onboarding-wrapper')).toBeNull();
    expect(q(host, 'auditorium/privacy')).not.toBeNull();
    expect(types().filter((type) => type === 'COMPLETE_ONBOARDING')).toHaveLength(1);
  });

  it('Skip closes the onboarding; the dots jump to a slide', async () => {
    const { host } = await mountApp('/auditorium/', vaultFor({ completed: false }).vault);
    const dots = q(host, 'auditorium/onboarding-wrapper')!.querySelectorAll('[role="group"] button');
    await click(dots[2]);
    expect(q(host, 'auditorium/onboarding-wrapper')?.getAttribute('data-slide')).toBe('3');
    await click(q(host, 'auditorium/onboarding-skip'));
    expect(q(host, 'auditorium/onboarding-wrapper')).toBeNull();
    expect(q(host, 'auditorium/basic-terms')).not.toBeNull();
  });

  it.each([
    ['completed', '/auditorium/', { completed: true }, false],
    ['completed, but ?onboarding=1', '/auditorium/?onboarding=1', { completed: true }, true],
    ['completed, ?onboarding= is empty', '/auditorium/?onboarding=', { completed: true }, false],
    ['not completed, but no events', '/auditorium/', { completed: false, result: visitorResult([]) }, false],
    ['?onboarding=1 and no events', '/auditorium/?onboarding=1', { completed: true, result: visitorResult([]) }, false],
  ] as const)('onboarding %s -> shown: %s', async (_name, start, options, shown) => {
    const { vault, types } = vaultFor(options);
    const { host } = await mountApp(start, vault);
    expect(root(host).getAttribute('data-state')).toBe('ready');
    expect(q(host, 'auditorium/onboarding-wrapper') !== null).toBe(shown);
    expect(types().includes('COMPLETE_ONBOARDING')).toBe(shown);
  });

  it('renders the visitor panels with an explainer icon at each place of §5.3, one open at a time', async () => {
    const { host } = await mountApp('/auditorium/', vaultFor().vault);
    const keys = [...host.querySelectorAll('button[data-explainer]')].map((b) => b.getAttribute('data-explainer'));
    for (const key of ['range', 'chart', 'metrics', 'metric:uniqueAccounts', 'metric:bounceRate', 'metric:mobileShare', 'tables', 'table:pages', 'retention']) {
      expect(keys, key).toContain(key);
    }
    // §1.10: no returning users, no unique users, no real time for the visitor.
    expect(keys).not.toContain('metric:returningUsers');
    expect(keys).not.toContain('metric:uniqueUsers');
    const icon = (key: string) => host.querySelector<HTMLButtonElement>(`button[data-explainer="${key}"]`)!;
    await click(icon('chart'));
    await click(icon('retention'));
    const open = [...host.querySelectorAll('button[data-explainer][aria-expanded="true"]')].map((b) => b.getAttribute('data-explainer'));
    expect(open).toEqual(['retention']);
    expect(host.querySelectorAll('[data-testid="auditorium/explainer"]:not([hidden])')).toHaveLength(1);
  });

  it('without events: the empty state instead of the panels, the privacy panel still there, no download', async () => {
    const { host } = await mountApp('/auditorium/', vaultFor({ result: visitorResult([]) }).vault);
    expect(q(host, 'auditorium/empty')?.textContent).toContain('There is no usage data about you');
    expect(byRole(host, 'consent')).not.toBeNull();
    expect(q(host, 'auditorium/download')).toBeNull();
  });

  it('opted in: "Opt out and delete usage data" expresses deny and reloads', async () => {
    const reload = vi.spyOn(pageActions, 'reload').mockImplementation(() => undefined);
    const { vault, sent } = vaultFor();
    const { host } = await mountApp('/auditorium/', vault);
    expect(byRole(host, 'consent')?.textContent).toBe('Opt out and delete usage data');
    await click(byRole(host, 'consent'));
    expect(sent.filter((m) => m.type === 'EXPRESS_CONSENT').map((m) => m.payload)).toEqual([{ status: 'deny' }]);
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('opted in: "Stay opted in, only delete usage data" purges, then queries again and shows no data', async () => {
    const reload = vi.spyOn(pageActions, 'reload').mockImplementation(() => undefined);
    let results = [visitorResult(), visitorResult([])];
    const { vault, sent, types } = scriptedVault({
      CONSENT_STATUS: consent('allow'),
      ONBOARDING_STATUS: onboardingCompleted(true),
      QUERY: (message: Request) => {
        const [result, ...rest] = results;
        results = rest.length ? rest : [result];
        return { type: 'QUERY_SUCCESS', payload: { query: (message.payload as { query: unknown }).query, result } };
      },
      PURGE: () => ({ type: 'QUERY_SUCCESS', payload: { query: null, result: visitorResult([]) } }),
    });
    const { host, flash } = await mountApp('/auditorium/?range=30days', vault);
    expect(q(host, 'auditorium/empty')).toBeNull();
    expect(byRole(host, 'purge')?.textContent).toBe('Stay opted in, only delete usage data');
    await click(byRole(host, 'purge'));
    expect(types()).toEqual(['CONSENT_STATUS', 'QUERY', 'ONBOARDING_STATUS', 'PURGE', 'QUERY']);
    expect(sent.at(-1)?.payload).toEqual({ query: { range: '30days' } });
    expect(root(host).getAttribute('data-state')).toBe('ready');
    expect(q(host, 'auditorium/empty')).not.toBeNull();
    expect(flash.current.map((m) => m.text)).toEqual(['Your usage data has been deleted.']);
    expect(reload).not.toHaveBeenCalled();
  });

  it('not opted in: only "Opt in", which expresses allow and reloads', async () => {
    const reload = vi.spyOn(pageActions, 'reload').mockImplementation(() => undefined);
    const { vault, sent } = vaultFor({ status: null });
    const { host } = await mountApp('/auditorium/', vault);
    expect(byRole(host, 'purge')).toBeNull();
    expect(byRole(host, 'consent')?.textContent).toBe('Opt in and grant access to your usage data');
    expect(q(host, 'auditorium/privacy')?.textContent).toContain('set a bookmark for this page');
    await click(byRole(host, 'consent'));
    expect(sent.filter((m) => m.type === 'EXPRESS_CONSENT').map((m) => m.payload)).toEqual([{ status: 'allow' }]);
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('"Download my data" saves all of the visitor\'s events as pretty-printed JSON', async () => {
    const { host } = await mountApp('/auditorium/', vaultFor().vault);
    await click(q(host, 'auditorium/download'));
    expect(downloadFile).toHaveBeenCalledTimes(1);
    const [filename, mime, content] = vi.mocked(downloadFile).mock.calls[0];
    expect(filename).toMatch(/^offen-my-data-\d{4}-\d\d-\d\d\.json$/);
    expect(mime).toBe('application/json');
    expect(content).toContain('\n  "events": [');
    const parsed = JSON.parse(content) as { exportedAt: string; events: Array<{ eventId: string; href: string }> };
    expect(Number.isNaN(Date.parse(parsed.exportedAt))).toBe(false);
    // Contract 5: every event, also the one 60 days old that the default 7-day window leaves out.
    const events = sampleEvents();
    expect(parsed.events.map((e) => e.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
    expect(parsed.events.map((e) => e.href)).toContain('https://blog.example.net/post/');
  });
});
