// `/auditorium/`, the User Auditorium (dashboard.md §1.10, §5.3): this browser's own usage data across every
// account of the instance, decrypted by the vault. Privacy panel, range selector, chart, horizontal key metrics,
// the tables and weekly retention (visitor wording, explainers), the Basic Terms glossary and the FAQ. No real
// time, no returning users and no auto-refresh (§1.10).
import { useEffect, useRef, useState } from 'preact/hooks';
import type { DashboardStats } from '../../vault/manage/stats/types.ts';
import type { QueryResult } from '../../vault/manage/types.ts';
import { Heading } from '../components/fields.tsx';
import { useApp } from '../context.ts';
import { Chart, KeyMetrics, RangeSelector, Retention, UrlTables, queryFromPlace } from '../dashboard/index.ts';
import { useBusy } from '../hooks.ts';
import type { ConsentState } from '../vault-client.ts';
import { useExplainers } from '../visitor/explainers.tsx';
import { BasicTerms, Faq } from '../visitor/glossary.tsx';
import { Onboarding } from '../visitor/onboarding.tsx';
import { pageActions } from '../visitor/page.ts';
import { PrivacyPanel } from '../visitor/privacy.tsx';

type VisitorResult = QueryResult & DashboardStats;

/** §5.3 (and §8 quirk 10): `?onboarding=<non-empty>` shows the onboarding again. */
function onboardingRequested(search: string): boolean {
  return Boolean(new URLSearchParams(search).get('onboarding'));
}

export function UserAuditoriumScreen() {
  const app = useApp();
  const { s, vault, place } = app;
  const u = s.userAuditorium;
  const [consent, setConsent] = useState<ConsentState | null>(null);
  const [result, setResult] = useState<VisitorResult | null>(null);
  const [loading, setLoading] = useState(true);
  /** Bumped by "delete usage data" to query again with the same parameters. */
  const [generation, setGeneration] = useState(0);
  /** The onboarding is decided once, on the first result: 'shown' until Skip / the last Next. */
  const [onboarding, setOnboarding] = useState<'undecided' | 'shown' | 'done'>('undecided');
  const decided = useRef(false);
  const [busy, run] = useBusy();
  const explainers = useExplainers();

  useEffect(() => {
    let live = true;
    vault.consentStatus().then((state) => live && setConsent(state), app.fail);
    return () => void (live = false);
  }, []);

  // Contract 2: the query follows the page URL, so range and filter links re-query. No accountId: the
  // visitor's own data across all accounts (§5.3).
  useEffect(() => {
    if (!consent) return;
    let live = true;
    setLoading(true);
    const first = !decided.current;
    Promise.all([vault.query<VisitorResult>({ query: queryFromPlace(place.search) }), first ? vault.onboardingStatus() : Promise.resolve(true)]).then(
      ([reply, completed]) => {
        if (!live) return;
        setResult(reply.result);
        setLoading(false);
        if (!first || decided.current) return;
        decided.current = true;
        // §5.3: shown while the onboarding is not completed (the vault answers "completed" without consent) or
        // when asked for in the URL, and only with at least one event; completed as soon as it is shown.
        const show = reply.result.events.length > 0 && (onboardingRequested(place.search) || !completed);
        setOnboarding(show ? 'shown' : 'done');
        if (show) vault.completeOnboarding().catch(app.fail);
      },
      app.fail,
    );
    return () => void (live = false);
  }, [consent, place.search, generation]);

  const optedIn = consent?.status === 'allow';
  const ready = Boolean(consent && result && !loading);
  const status = !consent ? u.checking : loading ? u.fetching : '';

  const optOut = () =>
    run(async () => {
      // §5.3: deny deletes the server events of every account, the user cookie and the local database.
      await vault.expressConsent('deny');
      pageActions.reload();
    });
  const optIn = () =>
    run(async () => {
      await vault.expressConsent('allow');
      pageActions.reload();
    });
  const purge = () =>
    run(async () => {
      // §5.3: "Delete" keeps the user ID and refreshes the view.
      await vault.purge();
      app.flash.add(s.privacy.purged);
      setGeneration((n) => n + 1);
    });

  return (
    <div data-testid="auditorium/user" data-state={ready ? 'ready' : 'loading'}>
      <Heading>{u.heading}</Heading>
      <p class="mw7 lh-copy">{u.intro}</p>
      <p role="status" class="fw6" data-testid="auditorium/status">
        {status}
      </p>
      {consent && result ? (
        onboarding === 'shown' ? (
          <Onboarding stats={result.onboardingStats} onDone={() => setOnboarding('done')} />
        ) : (
          <>
            <PrivacyPanel optedIn={optedIn} busy={busy} events={result.events} onOptOut={optOut} onPurge={purge} onOptIn={optIn} />
            {result.events.length === 0 ? (
              <p class="bg-white br2 ba b--black-10 pa3 mb3 lh-copy" data-testid="auditorium/empty">
                {u.empty}
              </p>
            ) : (
              <>
                <RangeSelector stats={result} retentionPeriod={retentionPeriod(result)} explainer={explainers.render} />
                <Chart stats={result} variant="visitor" explainer={explainers.render} />
                <KeyMetrics stats={result} variant="visitor" explainer={explainers.render} />
                <UrlTables stats={result} variant="visitor" explainer={explainers.render} />
                <Retention stats={result} variant="visitor" explainer={explainers.render} />
              </>
            )}
            <BasicTerms />
            <Faq testid="auditorium/faq" />
          </>
        )
      ) : null}
    </div>
  );
}

/** §5.2: a visitor's result.account is {retentionPeriod}. */
function retentionPeriod(result: VisitorResult): string | undefined {
  const value = (result.account as { retentionPeriod?: unknown }).retentionPeriod;
  return typeof value === 'string' ? value : undefined;
}
