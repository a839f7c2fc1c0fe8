// The route table of dashboard.md §1. Order matters: the first match wins, `*` is the 404.
import type { ComponentType } from 'preact';
import type { AuditoriumStrings } from '../locales/types.ts';
import type { LoginResult } from '../shared/protocol.ts';
import type { Route } from './router.ts';
import { ConsoleScreen } from './screens/console.tsx';
import { ForgotPasswordScreen } from './screens/forgot-password.tsx';
import { LoginScreen } from './screens/login.tsx';
import { LandingScreen } from './screens/landing.tsx';
import { NotFoundScreen } from './screens/not-found.tsx';
import { OperatorDashboardScreen } from './screens/operator-dashboard.tsx';
import { SetupScreen } from './screens/setup.tsx';
import { UserAuditoriumScreen } from './screens/user-auditorium.tsx';
import { JoinScreen, ResetPasswordScreen } from './screens/token-forms.tsx';

export interface PublicScreen {
  auth?: false;
  screen: ComponentType<{ params: Record<string, string> }>;
  title: (s: AuditoriumStrings) => string;
}

/** Needs an operator session (dashboard.md §1 auth guard); the screen gets the login result. */
export interface ProtectedScreen {
  auth: true;
  screen: ComponentType<{ params: Record<string, string>; login: LoginResult }>;
  title: (s: AuditoriumStrings) => string;
}

export type ScreenDefinition = PublicScreen | ProtectedScreen;

export const routes: ReadonlyArray<Route<ScreenDefinition>> = [
  { path: '/', component: { screen: LandingScreen, title: (s) => s.titles.landing } },
  { path: '/login/', component: { screen: LoginScreen, title: (s) => s.titles.login } },
  { path: '/auditorium/', component: { screen: UserAuditoriumScreen, title: (s) => s.titles.auditorium } },
  { path: '/auditorium/:accountId', component: { auth: true, screen: OperatorDashboardScreen, title: (s) => s.titles.auditorium } },
  { path: '/console/', component: { auth: true, screen: ConsoleScreen, title: (s) => s.titles.console } },
  { path: '/setup/', component: { screen: SetupScreen, title: (s) => s.titles.setup } },
  { path: '/forgot-password/', component: { screen: ForgotPasswordScreen, title: (s) => s.titles.forgotPassword } },
  { path: '/reset-password/:token', component: { screen: ResetPasswordScreen, title: (s) => s.titles.resetPassword } },
  { path: '/join/:token', component: { screen: JoinScreen, title: (s) => s.titles.join } },
  { path: '*', component: { screen: NotFoundScreen, title: (s) => s.titles.notFound } },
];
