// The auditorium shell: routing, the auth guard, flash messages and the error box around the screens of
// routes.tsx (dashboard.md §1).
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { AuditoriumStrings, Strings } from '../locales/types.ts';
import type { LoginResult } from '../shared/protocol.ts';
import { ErrorBox, Layout } from './components/layout.tsx';
import { AppContext, useApp, type AppServices, type NavigateOptions } from './context.ts';
import type { FlashStore } from './flash.ts';
import { requestHeadingFocus } from './focus.ts';
import { withLocale } from './locale.ts';
import { matchRoute, type HistoryLike, type Route } from './router.ts';
import { routes as defaultRoutes, type ProtectedScreen, type ScreenDefinition } from './routes.tsx';
import { Session } from './session.ts';
import type { VaultClient } from './vault-client.ts';

export interface AppProps {
  s: AuditoriumStrings;
  banner: Strings['banner'];
  uiLocale: string;
  locale: string | null;
  origin: string;
  vault: VaultClient;
  flash: FlashStore;
  history: HistoryLike;
  routes?: ReadonlyArray<Route<ScreenDefinition>>;
  /** Sets document.title; injectable for tests. */
  setTitle?: (title: string) => void;
}

export function App(props: AppProps) {
  const { history, locale } = props;
  const routes = props.routes ?? defaultRoutes;
  const [place, setPlace] = useState(history.location);
  const [fatal, setFatal] = useState<{ error: unknown } | null>(null);
  const session = useMemo(() => new Session(props.vault), [props.vault]);

  useEffect(
    () =>
      history.listen(() => {
        requestHeadingFocus();
        setPlace(history.location);
      }),
    [history],
  );

  const navigate = useCallback(
    (to: string, options: NavigateOptions = {}) => {
      // dashboard.md §6: every redirect re-adds `locale`.
      const href = withLocale(to, locale);
      if (options.replace) history.replace(href);
      else history.push(href);
      requestHeadingFocus();
      setPlace(history.location);
      if (typeof scrollTo === 'function') scrollTo(0, 0);
    },
    [history, locale],
  );

  const fail = useCallback((error: unknown) => {
    console.error(error);
    setFatal({ error });
  }, []);

  const services: AppServices = useMemo(
    () => ({
      s: props.s,
      banner: props.banner,
      uiLocale: props.uiLocale,
      locale,
      origin: props.origin,
      place,
      vault: props.vault,
      flash: props.flash,
      session,
      href: (path: string) => withLocale(path, locale),
      navigate,
      fail,
    }),
    [place, navigate, fail, session],
  );

  const match = matchRoute(routes, place.pathname);
  const definition = match?.route.component;
  useEffect(() => {
    if (definition) (props.setTitle ?? ((title) => (document.title = title)))(definition.title(props.s));
  }, [definition]);

  return (
    <AppContext.Provider value={services}>
      <div lang={props.uiLocale}>
        <Layout>
          {fatal ? (
            <ErrorBox error={fatal.error} />
          ) : definition && match ? (
            definition.auth ? (
              <RequireLogin key={place.pathname} definition={definition} params={match.params} />
            ) : (
              <definition.screen key={place.pathname} params={match.params} />
            )
          ) : null}
        </Layout>
      </div>
    </AppContext.Provider>
  );
}

/**
 * The auth guard (dashboard.md §1): the login result this page remembers, else LOGIN {credentials:null}; without
 * a session, the flash "Please log in using your credentials." and /login/?next=<path+query>.
 */
function RequireLogin({ definition, params }: { definition: ProtectedScreen; params: Record<string, string> }) {
  const app = useApp();
  const [login, setLogin] = useState<LoginResult | null>(app.session.login);
  useEffect(() => {
    if (login) return;
    let live = true;
    app.session.ensure().then((result) => {
      if (!live) return;
      if (result) {
        setLogin(result);
        return;
      }
      app.flash.add(app.s.auth.required);
      app.navigate(`/login/?next=${encodeURIComponent(app.place.pathname + app.place.search)}`, { replace: true });
    }, app.fail);
    return () => void (live = false);
  }, []);
  if (!login) {
    return (
      <p role="status" class="mt4">
        {app.s.layout.loading}
      </p>
    );
  }
  return <definition.screen params={params} login={login} />;
}
