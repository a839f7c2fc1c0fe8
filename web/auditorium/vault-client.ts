// The auditorium's side of the vault protocol (clients-and-crypto.md §1.2, §1.4): one hidden vault iframe for
// the whole app (`/vault`, plus `?locale=` when the page has it, no accountId), and a typed promise API over
// MessageChannel. Same envelope as script.js (web/script/main.ts), written for clarity instead of bytes.
// STYLES replies are ignored: the vault only sends them for the consent banner, which the auditorium never asks
// for (§1.2).
import { mark } from '../shared/marks.ts';
import type { ConsentStatus, LoginResult, Reply, Request } from '../shared/protocol.ts';
import type { QueryPayload } from '../vault/manage/types.ts';

/** An ERROR reply (§1.3) or a reply the protocol does not allow: the auditorium treats both as unrecoverable. */
export class VaultError extends Error {
  /** The vault-side stack of an ERROR reply, shown in the error box (dashboard.md §1 layout). */
  readonly originalStack: string | undefined;

  constructor(message: string, originalStack?: string) {
    super(message);
    this.name = 'VaultError';
    this.originalStack = originalStack;
  }
}

/** A QUERY_PROGRESS message (contract 3 of issue 4): events decrypted so far of the ones the query needs. */
export interface QueryProgress {
  done: number;
  total: number;
}

export interface PostOptions {
  /** Called for each QUERY_PROGRESS the vault posts before its final reply. */
  onProgress?: (progress: QueryProgress) => void;
}

/** Sends one request and resolves with the first reply that is not interim (STYLES, QUERY_PROGRESS). */
export type Post = (message: Request, options?: PostOptions) => Promise<Reply>;

/** The payload of a QUERY_PROGRESS, or null when it is not two finite counts. */
function readProgress(payload: unknown): QueryProgress | null {
  const { done, total } = (payload ?? {}) as { done?: unknown; total?: unknown };
  return typeof done === 'number' && typeof total === 'number' && Number.isFinite(done) && Number.isFinite(total) ? { done, total } : null;
}

/** The vault URL for the auditorium: same origin, no accountId (§1.1). */
export function vaultUrl(origin: string, locale: string | null): string {
  const url = new URL('/vault', origin);
  if (locale) url.searchParams.set('locale', locale);
  return url.href;
}

/**
 * Posts over a fresh MessageChannel to `target` (the vault's window) and settles on the first reply that is not
 * interim: ERROR rejects with a VaultError, anything else resolves (null as `{type:'', payload:null}`, which no
 * typed call accepts). QUERY_PROGRESS messages (contract 3) go to `options.onProgress` and never settle.
 */
export function postThroughChannel(
  target: Pick<Window, 'postMessage'>,
  targetOrigin: string,
  message: Request,
  options: PostOptions = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const channel = new MessageChannel();
    // Messages already queued on the port may still arrive after close(); nothing counts once settled.
    let settled = false;
    channel.port1.onmessage = (event: MessageEvent) => {
      const data = event.data as Reply | null;
      if (settled || (data && data.type === 'STYLES')) return;
      if (data && data.type === 'QUERY_PROGRESS') {
        const progress = readProgress(data.payload);
        if (progress) options.onProgress?.(progress);
        return;
      }
      settled = true;
      mark(`reply:${message.type}`);
      channel.port1.close();
      if (data && data.type === 'ERROR') {
        const payload = (data.payload ?? {}) as { error?: unknown; stack?: unknown };
        reject(new VaultError(String(payload.error ?? 'The vault reported an error.'), typeof payload.stack === 'string' ? payload.stack : undefined));
        return;
      }
      resolve(data ?? { type: '', payload: null });
    };
    // Never "*": only the vault's origin may receive the message and the port (§1.2 step 2).
    mark(`post:${message.type}`);
    target.postMessage(message, targetOrigin, [channel.port2]);
  });
}

/** The id of the vault iframe the server's index page declares (Pages.cs), so it loads with the page. */
export const DECLARED_FRAME_ID = 'offen-vault';

/**
 * The hidden vault iframe, resolved to its post function once it has loaded: the one the page declares when it
 * loads `url`, else a new one.
 */
export function createVaultFrame(url: string, doc: Document = document): Promise<Post> {
  return new Promise((resolve, reject) => {
    const declared = doc.getElementById?.(DECLARED_FRAME_ID);
    const adopt = declared?.tagName === 'IFRAME' && (declared as HTMLIFrameElement).src === url;
    const frame = adopt ? (declared as HTMLIFrameElement) : doc.createElement('iframe');
    if (!adopt) {
      frame.src = url;
      frame.hidden = true;
      frame.title = 'Offen Vault';
      // Not reachable by keyboard or assistive technology: it never shows anything for the auditorium.
      frame.tabIndex = -1;
      frame.setAttribute('aria-hidden', 'true');
      frame.id = 'offen-vault-' + Math.random().toString(36).slice(2);
    }
    const host = '#' + frame.id;
    const origin = new URL(url).origin;
    const loaded = () => {
      mark('vault-frame-loaded');
      const target = frame.contentWindow;
      if (!target) {
        reject(new VaultError('The vault frame has no window.'));
        return;
      }
      resolve((message, options) => postThroughChannel(target, origin, { ...message, host: message.host ?? host }, options));
    };
    // A declared frame may have loaded before this script ran (its document is then the vault's, complete; until
    // its navigation commits, it shows the initial about:blank document, also "complete").
    const document = adopt ? frame.contentDocument : null;
    if (document && document.readyState === 'complete' && document.URL === url) {
      loaded();
      return;
    }
    frame.addEventListener('load', loaded);
    frame.addEventListener('error', () => reject(new VaultError(`Could not load the vault from ${url}.`)));
    if (!adopt) {
      mark('vault-frame-created');
      doc.body.appendChild(frame);
    }
  });
}

/** A *_SUCCESS or *_FAILURE outcome of the generic rule (§1.4 notes). */
export type Outcome<T = null> = { ok: true; value: T } | { ok: false; message: string };

export interface Credentials {
  username: string;
  password: string;
}

export interface ConsentState {
  status: ConsentStatus | null;
  allowsCookies: boolean;
}

export interface ShareAccountPayload {
  invitee: string;
  emailAddress: string;
  password: string;
  urlTemplate: string;
  /** Absent: every account of the inviter (§5.6, D2). */
  accountId?: string;
  grantAdminPrivileges: boolean;
}

/** QUERY with `progress: true` asks the vault for QUERY_PROGRESS messages (contract 3 of issue 4). */
/** `progress`: QUERY_PROGRESS messages (contract 3); `events: false`: an operator answer without events. */
export type QueryRequest = QueryPayload & { progress?: boolean; events?: boolean };

export interface QueryOptions {
  onProgress?: (progress: QueryProgress) => void;
}

export interface QuerySuccess<R = unknown> {
  query: unknown;
  result: R;
}

/** The typed API over every same-origin message of §1.4 (EVENT and ACQUIRE_CONSENT belong to script.js). */
export interface VaultClient {
  consentStatus(): Promise<ConsentState>;
  expressConsent(status: ConsentStatus): Promise<ConsentState>;
  query<R = unknown>(payload: QueryRequest, options?: QueryOptions): Promise<QuerySuccess<R>>;
  purge<R = unknown>(): Promise<QuerySuccess<R>>;
  login(credentials: Credentials | null): Promise<Outcome<LoginResult>>;
  logout(): Promise<Outcome>;
  changePassword(payload: { currentPassword: string; changedPassword: string }): Promise<Outcome>;
  changeEmail(payload: { emailAddress: string; emailCurrent: string; password: string }): Promise<Outcome>;
  forgotPassword(payload: { emailAddress: string; urlTemplate: string }): Promise<Outcome>;
  resetPassword(payload: { emailAddress: string; password: string; token: string }): Promise<Outcome>;
  shareAccount(payload: ShareAccountPayload): Promise<Outcome>;
  join(payload: { emailAddress: string; password: string; token: string }): Promise<Outcome>;
  createAccount(payload: { accountName: string; emailAddress: string; password: string }): Promise<Outcome>;
  retireAccount(payload: { accountId: string }): Promise<Outcome>;
  updateAccountStyles(payload: { accountId: string; accountStyles: string; dryRun?: boolean }): Promise<Outcome>;
  /** EMPTY: the instance may be set up (§5.6 GET /api/setup 204); HASDATA otherwise. */
  setupStatus(): Promise<'EMPTY' | 'HASDATA'>;
  setup(payload: { accountName: string; emailAddress: string; password: string }): Promise<Outcome>;
  onboardingStatus(): Promise<boolean>;
  completeOnboarding(): Promise<void>;
}

function unexpected(type: string, reply: Reply): VaultError {
  return new VaultError(`Unexpected reply "${reply.type}" to ${type}.`);
}

/** Builds the typed client on any post function (the iframe in the app, a fake in unit tests). */
export function createVaultClient(post: Post | Promise<Post>): VaultClient {
  const send = async (type: string, payload: unknown, options?: PostOptions): Promise<Reply> => (await post)({ type, payload }, options);

  /** The generic rule: T_SUCCESS resolves ok, T_FAILURE resolves with its message, anything else throws. */
  async function call<T = null>(type: string, payload: unknown): Promise<Outcome<T>> {
    const reply = await send(type, payload);
    if (reply.type === `${type}_SUCCESS`) return { ok: true, value: reply.payload as T };
    if (reply.type === `${type}_FAILURE`) {
      const message = (reply.payload as { message?: unknown } | null)?.message;
      return { ok: false, message: typeof message === 'string' ? message : '' };
    }
    throw unexpected(type, reply);
  }

  async function expect<T>(type: string, payload: unknown, replyType: string, options?: PostOptions): Promise<T> {
    const reply = await send(type, payload, options);
    if (reply.type !== replyType) throw unexpected(type, reply);
    return reply.payload as T;
  }

  return {
    consentStatus: () => expect('CONSENT_STATUS', null, 'CONSENT_STATUS_SUCCESS'),
    expressConsent: (status) => expect('EXPRESS_CONSENT', { status }, 'EXPRESS_CONSENT_SUCCESS'),
    query: (payload, options) => expect('QUERY', payload, 'QUERY_SUCCESS', options),
    // §1.4: PURGE answers with the same shape as QUERY.
    purge: () => expect('PURGE', null, 'QUERY_SUCCESS'),
    login: (credentials) => call<LoginResult>('LOGIN', { credentials }),
    logout: () => call('LOGOUT', null),
    changePassword: (payload) => call('CHANGE_CREDENTIALS', payload),
    changeEmail: (payload) => call('CHANGE_CREDENTIALS', payload),
    forgotPassword: (payload) => call('FORGOT_PASSWORD', payload),
    resetPassword: (payload) => call('RESET_PASSWORD', payload),
    shareAccount: (payload) => call('SHARE_ACCOUNT', payload),
    join: (payload) => call('JOIN', payload),
    createAccount: (payload) => call('CREATE_ACCOUNT', payload),
    retireAccount: (payload) => call('RETIRE_ACCOUNT', payload),
    updateAccountStyles: (payload) => call('UPDATE_ACCOUNT_STYLES', payload),
    async setupStatus() {
      const reply = await send('SETUP_STATUS', null);
      if (reply.type === 'SETUP_STATUS_EMPTY') return 'EMPTY';
      if (reply.type === 'SETUP_STATUS_HASDATA') return 'HASDATA';
      throw unexpected('SETUP_STATUS', reply);
    },
    setup: (payload) => call('SETUP', payload),
    async onboardingStatus() {
      const payload = await expect<{ status?: unknown } | null>('ONBOARDING_STATUS', null, 'ONBOARDING_STATUS');
      return payload?.status === true;
    },
    async completeOnboarding() {
      await expect('COMPLETE_ONBOARDING', null, 'COMPLETE_ONBOARDING_SUCCESS');
    },
  };
}
