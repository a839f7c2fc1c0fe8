// The postMessage protocol between host pages / the auditorium and the vault
// (clients-and-crypto.md §1.2–1.4). Every message travels with a transferred MessagePort;
// replies always come back over that port.

/** Message types accepted from any origin (§1.3); everything else must come from the vault's own origin. */
export const CROSS_ORIGIN_TYPES = ['EVENT', 'ACQUIRE_CONSENT'] as const;

export type ConsentStatus = 'allow' | 'deny';

/** The plaintext a script sends in an EVENT (§2.3); the vault adds timestamp, sessionId and geo. */
export interface ScriptEvent {
  type: 'PAGEVIEW';
  href: string;
  rawHref?: string;
  referrer: string;
  pageload: number | null;
  isMobile: boolean;
}

/** The final plaintext that gets encrypted (§2.3). */
export interface EventPayload extends ScriptEvent {
  timestamp: string;
  sessionId: string | null;
  geo: string | null;
}

export interface Request<T extends string = string, P = unknown> {
  type: T;
  payload: P;
  meta?: { skipConsent?: boolean };
  /** CSS selector of the iframe on the host page (`#offen-vault-…`). */
  host?: string;
}

export interface EventRequest extends Request<'EVENT', { accountId: string; event: ScriptEvent }> {}

/** STYLES replies are interim: they restyle the iframe and never settle the caller's promise (§1.2). */
export interface StylesReply {
  type: 'STYLES';
  payload: { styles?: string; attributes?: Record<string, string> };
}

export interface ErrorReply {
  type: 'ERROR';
  payload: { error: string; stack?: string; status?: number };
}

export interface Reply<T extends string = string, P = unknown> {
  type: T;
  payload: P;
}

/** The operator login result of POST /api/login (§5.4), kept in sessionStorage["session"]. */
export interface LoginResult {
  accountUserId: string;
  adminLevel: number;
  accounts: Array<{
    accountName: string;
    accountId: string;
    keyEncryptionKey: JsonWebKey | null;
    created: string;
  }>;
}
