// Screens that a later part of issue 4 replaces (dashboard.md §1.1, §1.3, §1.10): the landing page, the
// operator dashboard and the User Auditorium. They are wired into the route table (routes.tsx) already, with
// the hooks the Cypress-era tests use (§7), so the flows around them work end to end.
import type { LoginResult } from '../../shared/protocol.ts';
import { AccountPicker } from '../components/accounts.tsx';
import { BUTTON, Collapsible, Heading, Panel } from '../components/fields.tsx';
import { Link } from '../components/link.tsx';
import { useApp } from '../context.ts';
import { format } from '../locale.ts';

/** `/`: placeholder for the visitor landing page (§1.1); only the operator-login card is real. */
export function LandingScreen() {
  const { s } = useApp();
  return (
    <>
      <Heading>{s.landing.heading}</Heading>
      <p class="mw7">{s.landing.intro}</p>
      <p>
        <Link to="/auditorium/" class="dark-blue">
          {s.landing.userAuditorium}
        </Link>
      </p>
      <Panel title={s.landing.operatorHeading} testid="index/operator-login">
        <Link to="/login/" class={`${BUTTON} no-underline`}>
          {s.landing.operatorLogin}
        </Link>
      </Panel>
    </>
  );
}

/** `/auditorium/:accountId`: placeholder for the operator dashboard (§1.3): header box, picker, console link. */
export function OperatorDashboardScreen({ login, params }: { login: LoginResult; params: Record<string, string> }) {
  const { s } = useApp();
  const account = login.accounts.find((candidate) => candidate.accountId === params.accountId);
  return (
    <>
      <Heading>{s.user.heading}</Heading>
      <p data-testid="auditorium/header">
        {account ? format(s.operator.viewing, { account: account.accountName || account.accountId }) : s.operator.noAccess}
      </p>
      <Panel title={s.operator.chooseAccount}>
        <AccountPicker login={login} current={params.accountId} keepQuery />
      </Panel>
      <Collapsible title={s.operator.consoleHeadline} testid="auditorium/console-headline">
        <p class="f6 mt0">{s.operator.consoleIntro}</p>
        <Link to="/console/" class={`${BUTTON} no-underline`} data-testid="auditorium/console-link">
          {s.operator.consoleLink}
        </Link>
      </Collapsible>
    </>
  );
}

/** `/auditorium/`: placeholder for the User Auditorium (§1.10, §5.3). */
export function UserAuditoriumScreen() {
  const { s } = useApp();
  return (
    <>
      <Heading>{s.user.heading}</Heading>
      <p role="status">{s.user.checking}</p>
    </>
  );
}

/** Anything else (§1 route table). */
export function NotFoundScreen() {
  const { s } = useApp();
  return (
    <>
      <Heading>{s.notFound.heading}</Heading>
      <p>{s.notFound.description}</p>
      <Link to="/" class="dark-blue">
        {s.notFound.home}
      </Link>
    </>
  );
}
