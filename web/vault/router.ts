// The vault's message router (clients-and-crypto.md §1.3): one `message` listener, replies over the transferred
// port only, EVENT and ACQUIRE_CONSENT from any origin, everything else same-origin and handled by the lazily
// loaded `manage` bundle (handlers.ts).
import type { ErrorReply, Reply, Request, StylesReply } from '../shared/protocol.ts';
import { mark } from '../shared/marks.ts';
import { loadLazy } from './lazy.ts';

/** Like handlers.ts's Respond, but the core may also answer a bare `null` (§1.4: the host then sees {}). */
export type CoreRespond = (reply: Reply | StylesReply | null) => void;
export type CoreHandler = (request: Request, respond: CoreRespond) => Promise<void>;

const own = <T>(table: Record<string, T> | undefined, key: string): T | undefined =>
  table && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;

export function errorReply(error: unknown): ErrorReply {
  const { message, stack } = error instanceof Error ? error : new Error(String(error));
  // §1.3: the vault never sets `status`.
  return { type: 'ERROR', payload: { error: message, stack } };
}

async function dispatch(request: Request, origin: string, respond: CoreRespond, core: Record<string, CoreHandler>) {
  const type = request.type;
  const handler = own(core, type);
  if (handler) return handler(request, respond);
  // §1.3 and §7 item 16: nothing but EVENT and ACQUIRE_CONSENT is ever answered to another origin. An opaque
  // origin ("null", e.g. a sandboxed frame) is never trusted.
  if (origin !== location.origin || origin === 'null') throw new Error(`Incoming message had untrusted origin "${origin}"`);
  mark(`vault:${type}`);
  await loadLazy('manage');
  mark('vault:manage-loaded');
  const managed = own(self.__OFFEN_MANAGE__, type);
  if (!managed) throw new Error(`Message of type "${type}" was not handled.`);
  await managed(request, respond);
}

/** The `message` listener. It never throws: malformed data (no object, no string `type`) is ignored. */
export function createRouter(core: Record<string, CoreHandler>): (event: MessageEvent) => void {
  return (event) => {
    const data: unknown = event.data;
    if (!data || typeof data !== 'object' || typeof (data as Request).type !== 'string') return;
    const port = event.ports && event.ports[0];
    const respond: CoreRespond = (reply) => {
      try {
        if (port) port.postMessage(reply);
      } catch {
        // an uncloneable reply or a closed port must not surface in the vault
      }
    };
    dispatch(data as Request, event.origin, respond, core).catch((error: unknown) => respond(errorReply(error)));
  };
}
