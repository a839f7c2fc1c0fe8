// What every screen can reach: strings, the vault, flash messages, navigation and the session. Provided once by
// the App (app.tsx); screens read it with useApp().
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { AuditoriumStrings, Strings } from '../locales/types.ts';
import type { FlashStore } from './flash.ts';
import type { Place } from './router.ts';
import type { Session } from './session.ts';
import type { VaultClient } from './vault-client.ts';

export interface NavigateOptions {
  replace?: boolean;
}

export interface AppServices {
  /** UI strings of the bundle's locale (vendor.js). */
  s: AuditoriumStrings;
  /** Consent-banner strings of the same locale (for the banner preview). */
  banner: Strings['banner'];
  /** The language the strings are in (for lang attributes and number formatting). */
  uiLocale: string;
  /** The page's `?locale=`, kept on every internal link and redirect (dashboard.md §6). */
  locale: string | null;
  origin: string;
  place: Place;
  vault: VaultClient;
  flash: FlashStore;
  session: Session;
  /** An internal href with `?locale=` added. */
  href(path: string): string;
  /** Client-side navigation to an internal path (`?locale=` added). */
  navigate(path: string, options?: NavigateOptions): void;
  /** Shows the full-page error box (an ERROR from the vault, a bug): dashboard.md §1 layout. */
  fail(error: unknown): void;
}

export const AppContext = createContext<AppServices | null>(null);

export function useApp(): AppServices {
  const app = useContext(AppContext);
  if (!app) throw new Error('useApp() outside of <App>.');
  return app;
}
