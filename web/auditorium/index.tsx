// Entry of the auditorium bundle (index.js). vendor.js of the page's locale ran first and left the strings on
// self.__OFFEN_AUDITORIUM__ (build.mjs); the server picked that locale from `?locale=` or OFFEN_APP_LOCALE
// (server.md §1.6). The app renders into #app-host, the page's main landmark.
import { render } from 'preact';
import { App } from './app.tsx';
import { FlashStore } from './flash.ts';
import { loadStrings, localeParam } from './locale.ts';
import { browserHistory } from './router.ts';
import { createVaultClient, createVaultFrame, vaultUrl } from './vault-client.ts';
import { mark } from '../shared/marks.ts';

mark('auditorium:start');
const strings = loadStrings();
const locale = localeParam(location.search);
// clients-and-crypto.md §1.1: one vault for the whole app, `?locale=` when the page has it, no accountId.
const vault = createVaultClient(createVaultFrame(vaultUrl(location.origin, locale)));
const host = document.getElementById('app-host');
if (host) {
  render(
    <App
      s={strings.auditorium}
      banner={strings.banner}
      uiLocale={strings.locale}
      locale={locale}
      origin={location.origin}
      vault={vault}
      flash={new FlashStore()}
      history={browserHistory()}
    />,
    host,
  );
}
