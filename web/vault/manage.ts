// Entry of the lazily loaded `manage` bundle (vault/handlers.ts): the core loads it on the first same-origin
// message other than EVENT/ACQUIRE_CONSENT and dispatches to the handlers registered here.
import { manageHandlers } from './manage/handlers.ts';

globalThis.__OFFEN_MANAGE__ = manageHandlers;
