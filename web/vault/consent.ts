// Consent for EVENT and ACQUIRE_CONSENT (clients-and-crypto.md §3.1 steps 1–2, §3.2, §3.3).
import type { ConsentStatus, Request } from '../shared/protocol.ts';
import { showBanner } from './banner.ts';
import { deleteCookie, getCookie, hoursFromNow, setCookie } from './cookies.ts';
import type { CoreRespond } from './router.ts';

const CONSENT = 'consent';
/** §3.2: the consent cookie lives 100 years. */
const CONSENT_HOURS = 100 * 365.25 * 24;
const PROBE = '__allows_cookies__';

/** §3.1 step 1: write, read and delete a probe cookie. Blocked cookies (or a throwing document.cookie) fail it. */
export function allowsCookies(): boolean {
  try {
    setCookie('ok', PROBE);
    const ok = getCookie('ok') === PROBE;
    deleteCookie('ok');
    return ok;
  } catch {
    return false;
  }
}

const persist = (status: ConsentStatus) => setCookie(CONSENT, status, { expires: hoursFromNow(CONSENT_HOURS) });

/** One banner at a time: messages that arrive while it is up wait for the same decision. */
let pending: Promise<ConsentStatus> | null = null;

/**
 * §3.1 steps 1–2. Resolves null when cookies are blocked (after logging: the caller then never answers, §7 item 17),
 * else the stored decision, deny for meta.skipConsent without one (not persisted), or the banner's answer.
 */
export async function obtainConsent(request: Request, respond: CoreRespond): Promise<ConsentStatus | null> {
  if (!allowsCookies()) {
    console.log('Offen: this browser does not allow the cookies the vault needs, so nothing is recorded.');
    return null;
  }
  const stored = getCookie(CONSENT);
  if (stored === 'allow' || stored === 'deny') {
    persist(stored);
    return stored;
  }
  if (request.meta?.skipConsent) return 'deny';
  if (!pending) {
    const selector = typeof request.host === 'string' ? request.host : '';
    pending = showBanner(selector, respond).then((status) => {
      persist(status);
      pending = null;
      return status;
    });
  }
  return pending;
}

/** ACQUIRE_CONSENT (§1.4): the same probe and banner, then `null`. */
export async function handleAcquireConsent(request: Request, respond: CoreRespond): Promise<void> {
  if ((await obtainConsent(request, respond)) !== null) respond(null);
}
