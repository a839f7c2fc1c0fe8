// Consent and onboarding messages (clients-and-crypto.md §1.4, §3.2, §3.3).
import type { ConsentStatus } from '../../shared/protocol.ts';
import { api } from '../api.ts';
import { deleteCookie, getCookie, setCookie } from '../cookies.ts';
import type { Handler } from '../handlers.ts';
import { hasStatus, payloadObject } from './reply.ts';
import { clearUserData } from './visitor.ts';

const CONSENT_COOKIE = 'consent';
const ONBOARDING_COOKIE = 'onboarding-completed';

/** §3.2: consent and onboarding cookies live for 100 years. */
function hundredYears(): Date {
  const date = new Date();
  date.setFullYear(date.getFullYear() + 100);
  return date;
}

/** §3.1 step 1: write `ok=__allows_cookies__`, read it back, delete it. */
export function allowsCookies(): boolean {
  try {
    setCookie('ok', '__allows_cookies__');
    const ok = getCookie('ok') === '__allows_cookies__';
    deleteCookie('ok');
    return ok;
  } catch {
    // document.cookie throws in some sandboxed frames: that is a "no".
    return false;
  }
}

export function consentStatus(): ConsentStatus | null {
  const value = getCookie(CONSENT_COOKIE);
  return value === 'allow' || value === 'deny' ? value : null;
}

export const CONSENT_STATUS: Handler = async (_request, respond) => {
  respond({ type: 'CONSENT_STATUS_SUCCESS', payload: { status: consentStatus(), allowsCookies: allowsCookies() } });
};

export const EXPRESS_CONSENT: Handler = async (request, respond) => {
  const { status } = payloadObject(request.payload, 'EXPRESS_CONSENT');
  if (status !== 'allow' && status !== 'deny') throw new Error(`Unknown consent status "${String(status)}".`);
  // §3.3: opting in only sets the cookie; the key exchange happens lazily on the next EVENT.
  setCookie(CONSENT_COOKIE, status, { expires: hundredYears() });
  if (status === 'deny') {
    // §3.3 opt-out: the server deletes every event of this user and expires the `user` cookie.
    // A 400 (no `user` cookie, nothing to delete) is fine.
    try {
      await api('POST', '/api/purge?user=1');
    } catch (err) {
      if (!hasStatus(err, 400)) throw err;
    }
    // User secrets are kept (§3.3): only the local copies of events and the checkpoint go.
    await clearUserData();
  }
  respond({ type: 'EXPRESS_CONSENT_SUCCESS', payload: { status, allowsCookies: allowsCookies() } });
};

/** §1.4: onboarding is tracked only with consent; without it the auditorium never shows it. */
export const ONBOARDING_STATUS: Handler = async (_request, respond) => {
  const status = consentStatus() !== 'allow' || getCookie(ONBOARDING_COOKIE) === 'true';
  respond({ type: 'ONBOARDING_STATUS', payload: { status } });
};

export const COMPLETE_ONBOARDING: Handler = async (_request, respond) => {
  if (consentStatus() === 'allow') setCookie(ONBOARDING_COOKIE, 'true', { expires: hundredYears() });
  respond({ type: 'COMPLETE_ONBOARDING_SUCCESS', payload: null });
};
