// Entry of the vault core bundle (clients-and-crypto.md §1.3): the page at /vault loads vendor.js (strings)
// and then this file, which only wires the router. Everything the pre-consent download does not need lives in
// the lazy `manage` and `userland` bundles.
import { handleAcquireConsent } from './consent.ts';
import { handleEvent } from './event.ts';
import { isAuditoriumVault, loadLazy } from './lazy.ts';
import { createRouter } from './router.ts';
import { mark } from '../shared/marks.ts';

mark('vault:start');
// The auditorium's first message (LOGIN) needs the manage bundle: start loading it now. A failure here is
// retried by that message.
if (isAuditoriumVault(window)) loadLazy('manage').catch(() => undefined);

addEventListener('message', createRouter({ EVENT: handleEvent, ACQUIRE_CONSENT: handleAcquireConsent }));
