// EVENT (clients-and-crypto.md §1.4, §2.3, §4.4, §5.1): consent, then the vault's fields, then the encrypted
// event. Only ciphertext leaves the vault: the plaintext is encrypted with the user secret, and the user secret
// is sent only RSA-OAEP-wrapped under the account's public key.
import type { EventPayload, Request, ScriptEvent } from '../shared/protocol.ts';
import type { CryptoProvider } from '../shared/crypto.ts';
import { api, ApiError } from './api.ts';
import { obtainConsent } from './consent.ts';
import { getCookie, setCookie, uuid } from './cookies.ts';
import { getCryptoProvider } from './crypto-provider.ts';
import { geo } from './geo.ts';
import type { CoreRespond } from './router.ts';
import { deleteUserSecret, getUserSecret, putUserSecret } from './storage.ts';

/**
 * Account ids are UUIDs; anything outside this alphabet is refused before it can reach a cookie name or URL
 * (the EVENT sender may be any page, §1.3).
 */
const ACCOUNT_ID = /^[\w-]{1,64}$/;

/** §2.3: parse with URL, drop the query (the hash survives); empty stays empty, unparsable becomes "". */
export function cleanReferrer(referrer: unknown): string {
  if (typeof referrer !== 'string' || !referrer) return '';
  try {
    const url = new URL(referrer);
    url.search = '';
    return url.toString();
  } catch {
    return '';
  }
}

/** §2.3: the per-account browser-session id, minted on first use. */
export function sessionId(accountId: string): string {
  const name = `session-${accountId}`;
  let id = getCookie(name);
  if (!id) setCookie(name, (id = uuid()));
  return id;
}

/** §2.3: the script's fields (and only those) plus timestamp, sessionId and geo. */
export function completeEvent(accountId: string, event: Partial<ScriptEvent>): EventPayload {
  const payload = {
    type: event.type,
    href: event.href,
    ...(event.rawHref === undefined ? {} : { rawHref: event.rawHref }),
    referrer: cleanReferrer(event.referrer),
    pageload: event.pageload,
    isMobile: event.isMobile,
    timestamp: new Date().toISOString(),
    sessionId: sessionId(accountId),
    geo: geo(),
  };
  return payload as EventPayload;
}

/** §4.4 "Exchanging the user secret". */
async function exchange(crypto: CryptoProvider, accountId: string): Promise<JsonWebKey> {
  const account = await api<{ publicKey?: JsonWebKey }>('GET', `/api/exchange?accountId=${encodeURIComponent(accountId)}`);
  if (!account || !account.publicKey) throw new Error(`Account ${accountId} has no public key`);
  const secret = await crypto.createUserSecret();
  const encryptedSecret = await crypto.encryptAsymmetric(account.publicKey, JSON.stringify(secret));
  await api('POST', '/api/exchange', { accountId, encryptedSecret });
  await putUserSecret(accountId, secret);
  return secret;
}

async function send(accountId: string, event: EventPayload): Promise<void> {
  const crypto = await getCryptoProvider();
  const plaintext = JSON.stringify(event);
  const post = async (secret: JsonWebKey) =>
    api('POST', '/api/events', { accountId, payload: await crypto.encryptSymmetric(secret, plaintext) });
  // A failing exchange (400 for an unknown or retired account) is final; only POST /api/events is retried.
  const secret = (await getUserSecret(accountId)) || (await exchange(crypto, accountId));
  try {
    await post(secret);
  } catch (error) {
    // §4.4 step 3: a 400 means the server lost the user or the secret: re-exchange and retry once.
    if (!(error instanceof ApiError) || error.status !== 400) throw error;
    await deleteUserSecret(accountId);
    await post(await exchange(crypto, accountId));
  }
}

/**
 * Events are sent one after the other, so two pageviews of a new visitor cause one exchange, not two racing ones
 * (a second exchange would park the first secret's events, §4.4 step 4).
 */
let queue: Promise<unknown> = Promise.resolve();

export function sendEvent(accountId: string, event: EventPayload): Promise<void> {
  const next = queue.then(() => send(accountId, event));
  queue = next.catch(() => undefined);
  return next;
}

export async function handleEvent(request: Request, respond: CoreRespond): Promise<void> {
  const payload = request.payload as { accountId?: unknown; event?: unknown } | null;
  const accountId = payload && typeof payload === 'object' ? payload.accountId : undefined;
  const event = payload && typeof payload === 'object' ? payload.event : undefined;
  if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId) || !event || typeof event !== 'object') {
    throw new Error('Invalid EVENT payload: expected {accountId, event}');
  }
  const status = await obtainConsent(request, respond);
  if (status === null) return;
  if (status === 'allow') await sendEvent(accountId, completeEvent(accountId, event));
  respond(null);
}
