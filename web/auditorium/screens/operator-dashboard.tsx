// `/auditorium/:accountId`: the operator dashboard (dashboard.md §1.3). The panels come from ../dashboard/
// (contract 1), the data from QUERY (use-dashboard-query.ts); the root carries the ready marker of contract 4.
// Admin-only parts follow §4.1 (adminLevel 1): share, retire and the banner CSS editor.
import { useEffect, useState } from 'preact/hooks';
import type { LoginResult } from '../../shared/protocol.ts';
import { AccountStyles } from '../components/account-styles.tsx';
import { AccountPicker, EmbedCode, RetireAccount, ShareAccount, type Account } from '../components/accounts.tsx';
import { BUTTON, Collapsible, Heading, Panel } from '../components/fields.tsx';
import { Link } from '../components/link.tsx';
import { useApp } from '../context.ts';
import { intlLocale } from '../dashboard/format.ts';
import { Chart, ExportEventsButton, KeyMetrics, RangeSelector, RealTime, Retention, UrlTables } from '../dashboard/index.ts';
import { format } from '../locale.ts';
import { isAdmin } from '../session.ts';
import type { QueryProgress } from '../vault-client.ts';
import type { NormalizedEvent } from '../../vault/manage/types.ts';
import { useDashboardQuery, type DashboardResult } from '../operator/use-dashboard-query.ts';
import { AwarenessWidgets } from '../operator/widgets.tsx';

/** §1.3: the reload overlay appears only after this long, so quick reloads do not flicker. */
export const OVERLAY_DELAY_MS = 320;

/** The calendar day of an instant in the stats' zone, YYYY-MM-DD (en-CA formats dates that way). */
export function dayIn(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return 'unknown';
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
  } catch {
    return date.toISOString().slice(0, 10);
  }
}

/** The events CSV of the shown window: `offen-<accountId>-<from>-<to>.csv`. */
export function eventsFilename(accountId: string, result: Pick<DashboardResult, 'window'>): string {
  const { from, to, timeZone } = result.window;
  return `offen-${accountId}-${dayIn(from, timeZone)}-${dayIn(to, timeZone)}.csv`;
}

export function OperatorDashboardScreen({ login, params }: { login: LoginResult; params: Record<string, string> }) {
  const app = useApp();
  const s = app.s;
  const account = login.accounts.find((candidate) => candidate.accountId === params.accountId) ?? null;
  const { result, progress, reloading, loadEvents } = useDashboardQuery(account?.accountId ?? null, app.place.search, login);
  // Without access there is nothing to load: the screen is complete as it is.
  const ready = result !== null || account === null;
  return (
    <div data-testid="auditorium/dashboard" data-state={ready ? 'ready' : 'loading'}>
      <Heading>{s.user.heading}</Heading>
      <p class="bg-white br2 ba b--black-10 pa3 mb3" data-testid="auditorium/header">
        {account ? format(s.operator.viewing, { account: account.accountName || account.accountId }) : s.operator.noAccess}
      </p>
      <Panel title={s.operator.chooseAccount} testid="auditorium/choose-account">
        <AccountPicker login={login} current={params.accountId} keepQuery />
      </Panel>
      {account ? result ? <Dashboard account={account} login={login} result={result} reloading={reloading} progress={progress} loadEvents={loadEvents} /> : <FirstLoad progress={progress} /> : null}
      <Collapsible title={s.operator.consoleHeadline} testid="auditorium/console-headline">
        <p class="f6 mt0">{s.operator.consoleIntro}</p>
        <Link to="/console/" class={`${BUTTON} no-underline`} data-testid="auditorium/console-link">
          {s.operator.consoleLink}
        </Link>
      </Collapsible>
    </div>
  );
}

/** §1.3: "Fetching and aggregating the latest data…" and, with progress, "Decrypting N of M…" (contract 4). */
function FirstLoad({ progress }: { progress: QueryProgress | null }) {
  const { s, uiLocale } = useApp();
  return (
    <div class="bg-white br2 ba b--black-10 pa3 mb3 tc" data-testid="auditorium/loading">
      <Activity progress={progress} />
      <p class="f5 mv2">{s.operator.loading}</p>
      {/* Present from the start, so screen readers announce the counts as they change. */}
      <p class="f6 mid-gray ma0" aria-live="polite" data-testid="auditorium/progress">
        {progress ? progressText(s.operator.progress, progress, uiLocale) : ''}
      </p>
    </div>
  );
}

/** Counts formatted for the page's language (dashboard.md §6). */
function progressText(template: string, progress: QueryProgress, uiLocale: string): string {
  const number = new Intl.NumberFormat(intlLocale(uiLocale), { maximumFractionDigits: 0 });
  return format(template, { done: number.format(progress.done), total: number.format(progress.total) });
}

function Dashboard(props: {
  account: Account;
  login: LoginResult;
  result: DashboardResult;
  reloading: boolean;
  progress: QueryProgress | null;
  loadEvents: () => Promise<readonly NormalizedEvent[]>;
}) {
  const app = useApp();
  const s = app.s;
  const { account, result } = props;
  const admin = isAdmin(props.login);
  const overlay = useDelayed(props.reloading, OVERLAY_DELAY_MS);
  const retentionPeriod = (result.account as { retentionPeriod?: unknown }).retentionPeriod;
  const accountStyles = (result.account as { accountStyles?: unknown }).accountStyles;
  return (
    <>
      <div class="relative" aria-busy={props.reloading ? 'true' : undefined} data-testid="auditorium/data">
        {result.empty ? (
          // §1.3 item 3: an account without any event gets the embed code, open, instead of real time.
          <Panel title={s.embed.heading} testid="auditorium/embed-open">
            <EmbedCode account={account} />
          </Panel>
        ) : (
          <RealTime stats={result} />
        )}
        <RangeSelector stats={result} retentionPeriod={typeof retentionPeriod === 'string' ? retentionPeriod : undefined} />
        <div class="mb3">
          <ExportEventsButton load={props.loadEvents} filename={eventsFilename(account.accountId, result)} />
        </div>
        <Chart stats={result} variant="operator" />
        <KeyMetrics stats={result} variant="operator" />
        <UrlTables stats={result} variant="operator" />
        <Retention stats={result} variant="operator" />
        {props.reloading ? (
          <div
            class="absolute absolute--fill bg-white-60 flex justify-center items-start pt6 z-1"
            // §1.3: fades in after ~320 ms; until then it is invisible and lets clicks through.
            style={{ opacity: overlay ? 1 : 0, transition: 'opacity 0.3s', pointerEvents: overlay ? 'auto' : 'none' }}
            data-testid="auditorium/overlay"
            data-visible={overlay ? 'true' : 'false'}
          >
            <div class="bg-white br2 ba b--black-10 pa3 tc shadow-4" role="status">
              <Activity progress={props.progress} />
              <p class="f6 ma0 mt2">{props.progress ? progressText(s.operator.progress, props.progress, app.uiLocale) : s.operator.updating}</p>
            </div>
          </div>
        ) : null}
      </div>
      {!result.empty ? (
        <Collapsible title={s.embed.heading} testid="auditorium/embed-headline">
          <EmbedCode account={account} />
        </Collapsible>
      ) : null}
      {admin ? (
        <>
          <Collapsible title={s.share.headingOne} testid="auditorium/share-headline">
            <ShareAccount account={account} />
          </Collapsible>
          <Collapsible title={s.retire.heading} testid="auditorium/retire-headline">
            <RetireAccount account={account} />
          </Collapsible>
        </>
      ) : null}
      <Collapsible title={s.widgets.heading} testid="auditorium/widgets-headline">
        <AwarenessWidgets />
      </Collapsible>
      {admin ? (
        <Collapsible title={s.styles.heading} testid="auditorium/styles-headline">
          <AccountStyles account={account} initialStyles={typeof accountStyles === 'string' ? accountStyles : ''} />
        </Collapsible>
      ) : null}
    </>
  );
}

/** `value`, but turning true only after it has stayed true for `delay` ms. */
function useDelayed(value: boolean, delay: number): boolean {
  const [delayed, setDelayed] = useState(false);
  useEffect(() => {
    if (!value) {
      setDelayed(false);
      return;
    }
    const timer = setTimeout(() => setDelayed(true), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return delayed;
}

/**
 * The spinner until the vault reports progress, then a bar that moves only when the counts do. A first load of a
 * big account decrypts for minutes, and an animation running all that time takes CPU from the decryption (SMIL
 * runs on the page's main thread, which the vault shares). Decorative: the text next to it says what happens.
 */
function Activity({ progress }: { progress: QueryProgress | null }) {
  if (!progress || progress.total <= 0) return <Spinner />;
  const share = Math.min(1, Math.max(0, progress.done / progress.total));
  return (
    <div class="center bg-light-gray br-pill overflow-hidden mv2" style={{ height: '6px', maxWidth: '16rem' }} aria-hidden="true" data-testid="auditorium/progress-bar">
      <div class="h-100" style={{ width: `${(share * 100).toFixed(1)}%`, background: '#19A974' }} />
    </div>
  );
}

/** An animated ring (SMIL, so no stylesheet is needed); decorative: the text next to it says what happens. */
function Spinner() {
  return (
    <svg width="32" height="32" viewBox="0 0 32 32" aria-hidden="true" focusable="false" class="dib">
      <circle cx="16" cy="16" r="12" fill="none" stroke="#e8e8e8" stroke-width="4" />
      <path d="M16 4 a12 12 0 0 1 12 12" fill="none" stroke="#19A974" stroke-width="4" stroke-linecap="round">
        <animateTransform attributeName="transform" type="rotate" from="0 16 16" to="360 16 16" dur="0.9s" repeatCount="indefinite" />
      </path>
    </svg>
  );
}
