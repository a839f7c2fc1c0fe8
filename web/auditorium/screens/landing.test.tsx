// @vitest-environment happy-dom
// The visitor landing page `/` (dashboard.md §1.1, §7 "user" scenarios).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConsentStatus } from '../../shared/protocol.ts';
import { pageActions } from '../visitor/page.ts';
import { click, deferred, mountApp, scriptedVault, unmount, type Answer } from '../visitor/test-support.tsx';

const consent =
  (status: ConsentStatus | null, allowsCookies = true): Answer =>
  () => ({ type: 'CONSENT_STATUS_SUCCESS', payload: { status, allowsCookies } });

const expressed: Answer = (message) => ({
  type: 'EXPRESS_CONSENT_SUCCESS',
  payload: { status: (message.payload as { status: ConsentStatus }).status, allowsCookies: true },
});

const q = (host: ParentNode, testid: string) => host.querySelector(`[data-testid="${testid}"]`);

afterEach(() => {
  unmount();
  vi.restoreAllMocks();
});

describe('LandingScreen', () => {
  it('says it is checking the consent status while the vault has not answered', async () => {
    const pending = deferred<never>();
    const { host } = await mountApp('/', scriptedVault({ CONSENT_STATUS: () => pending.promise }).vault);
    expect(host.querySelector('[role="status"]')?.textContent).toBe('Checking your consent status…');
    expect(q(host, 'index/operator-login')).not.toBeNull();
    expect(q(host, 'index/faq')).toBeNull();
    expect(q(host, 'index/consent-banner')).toBeNull();
  });

  it('without a decision: the consent banner card with both buttons enabled, the FAQ and the operator login', async () => {
    const { host } = await mountApp('/', scriptedVault({ CONSENT_STATUS: consent(null) }).vault);
    const banner = q(host, 'index/consent-banner')!;
    expect(banner).not.toBeNull();
    expect(q(banner, 'index/consent-opt-in')?.hasAttribute('disabled')).toBe(false);
    expect(q(banner, 'index/consent-opt-out')?.hasAttribute('disabled')).toBe(false);
    expect(q(host, 'index/open-auditorium')).toBeNull();
    expect(q(host, 'index/consent-status')).toBeNull();
    const faq = q(host, 'index/faq')!;
    const questions = [...faq.querySelectorAll('h3')].map((h) => h.textContent);
    expect(questions).toEqual([
      'How can I review and delete my usage data (or opt out)?',
      'What data is collected?',
      "What data isn't collected?",
      'How is my data handled?',
      'Why opt in or out?',
      'Do you use cookies?',
      'How does it all work?',
    ]);
    // Not opted in: the first answer points to the buttons, not to the Auditorium.
    expect(faq.querySelector('a[href^="/auditorium/"]')).toBeNull();
    expect(faq.textContent).toContain('buttons at the top of this page');
    const login = q(host, 'index/operator-login')!;
    expect(login.querySelector('a')?.getAttribute('href')).toBe('/login/');
    expect(login.textContent).toContain('Log in as operator');
  });

  it('opted in: the status strip, Open Auditorium instead of the buttons, and the FAQ links to the Auditorium (locale kept)', async () => {
    const { host } = await mountApp('/?locale=de', scriptedVault({ CONSENT_STATUS: consent('allow') }).vault);
    expect(q(host, 'index/consent-status')?.textContent).toBe('You have opted in.');
    expect(q(host, 'index/consent-banner')).toBeNull();
    expect(q(host, 'index/consent-opt-in')).toBeNull();
    expect(q(host, 'index/consent-opt-out')).toBeNull();
    expect(q(host, 'index/open-auditorium')?.getAttribute('href')).toBe('/auditorium/?locale=de');
    expect(q(host, 'index/faq')?.querySelector('a')?.getAttribute('href')).toBe('/auditorium/?locale=de');
  });

  it('opted out: the status strip, opt-in enabled, opt-out disabled, no Auditorium link', async () => {
    const { host } = await mountApp('/', scriptedVault({ CONSENT_STATUS: consent('deny') }).vault);
    expect(q(host, 'index/consent-status')?.textContent).toBe('You have opted out.');
    expect(q(host, 'index/consent-banner')).toBeNull();
    expect(q(host, 'index/consent-opt-in')?.hasAttribute('disabled')).toBe(false);
    expect(q(host, 'index/consent-opt-out')?.hasAttribute('disabled')).toBe(true);
    expect(q(host, 'index/open-auditorium')).toBeNull();
  });

  it('cookies blocked without a decision: says so, explains, and offers no buttons', async () => {
    const { host } = await mountApp('/', scriptedVault({ CONSENT_STATUS: consent(null, false) }).vault);
    expect(q(host, 'index/consent-status')?.textContent).toBe('It seems like your browser is blocking cookies.');
    const banner = q(host, 'index/consent-banner')!;
    expect(banner.textContent).toContain('needs cookies');
    expect(banner.querySelectorAll('button')).toHaveLength(0);
    expect(q(host, 'index/open-auditorium')).toBeNull();
  });

  it.each([
    ['index/consent-opt-in', 'allow'],
    ['index/consent-opt-out', 'deny'],
  ])('%s expresses %s and reloads the page', async (testid, status) => {
    const reload = vi.spyOn(pageActions, 'reload').mockImplementation(() => undefined);
    const { vault, sent } = scriptedVault({ CONSENT_STATUS: consent(null), EXPRESS_CONSENT: expressed });
    const { host } = await mountApp('/', vault);
    expect(reload).not.toHaveBeenCalled();
    await click(q(host, testid));
    expect(sent.filter((m) => m.type === 'EXPRESS_CONSENT').map((m) => m.payload)).toEqual([{ status }]);
    expect(reload).toHaveBeenCalledTimes(1);
  });
});
