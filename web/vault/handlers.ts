// Contract between the vault core (index.ts, always loaded) and its lazily loaded bundles.
// The core answers EVENT and ACQUIRE_CONSENT itself. Every other (same-origin, §1.3) type is handled by the
// `manage` bundle (vault/manage.ts): on the first such message the core loads it with loadLazy('manage');
// the bundle registers its handlers on self.__OFFEN_MANAGE__. The `userland` bundle (vault/userland.ts)
// registers a CryptoProvider on self.__OFFEN_USERLAND__.
import type { CryptoProvider } from '../shared/crypto.ts';
import type { Reply, Request, StylesReply } from '../shared/protocol.ts';

/** Posts a reply over the transferred port (dropped when there is none). */
export type Respond = (reply: Reply | StylesReply) => void;

/**
 * A handler answers with respond(...) and resolves. A rejection becomes
 * {type:'ERROR', payload:{error: err.message, stack: err.stack}} (the core does that, §1.3).
 */
export type Handler = (request: Request, respond: Respond) => Promise<void>;

export type ManageHandlers = Record<string, Handler>;

declare global {
  // eslint-disable-next-line no-var
  var __OFFEN_MANAGE__: ManageHandlers | undefined;
  // eslint-disable-next-line no-var
  var __OFFEN_USERLAND__: CryptoProvider | undefined;
  // eslint-disable-next-line no-var
  var __OFFEN_STRINGS__: import('../locales/types.ts').Strings | undefined;
}
