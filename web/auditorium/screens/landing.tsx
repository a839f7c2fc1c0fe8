// `/`, the visitor landing page (dashboard.md §1.1, §5.2): the consent status, opt in / opt out (any change
// reloads the page), the way to the User Auditorium, the FAQ and the operator login.
import type { ConsentStatus } from '../../shared/protocol.ts';
import { BUTTON, BUTTON_SECONDARY, Heading, Panel } from '../components/fields.tsx';
import { Link } from '../components/link.tsx';
import { useApp } from '../context.ts';
import { useBusy, useLoad } from '../hooks.ts';
import type { ConsentState } from '../vault-client.ts';
import { Faq } from '../visitor/glossary.tsx';
import { pageActions } from '../visitor/page.ts';

export function LandingScreen() {
  const app = useApp();
  const s = app.s;
  const consent = useLoad(() => app.vault.consentStatus());

  return (
    <>
      <Heading>{s.landing.heading}</Heading>
      {consent ? (
        <>
          <StatusStrip consent={consent} />
          <HeaderCard consent={consent} />
          <Faq
            testid="index/faq"
            first={
              consent.status === 'allow' ? (
                <>
                  {s.faq.reviewOptedInBefore}
                  <Link to="/auditorium/" class="dark-blue">
                    {s.faq.reviewOptedInLink}
                  </Link>
                  {s.faq.reviewOptedInAfter}
                </>
              ) : (
                s.faq.reviewNotOptedIn
              )
            }
          />
        </>
      ) : (
        <p role="status" data-testid="index/checking">
          {s.landingPage.checking}
        </p>
      )}
      <Panel title={s.landing.operatorHeading} testid="index/operator-login">
        <Link to="/login/" class={`${BUTTON} no-underline`}>
          {s.landing.operatorLogin}
        </Link>
      </Panel>
    </>
  );
}

/** True when cookies are blocked and so no decision can be stored (§1.1). */
function blocked(consent: ConsentState): boolean {
  return consent.status === null && !consent.allowsCookies;
}

function StatusStrip({ consent }: { consent: ConsentState }) {
  const t = useApp().s.landingPage;
  const text = consent.status === 'allow' ? t.optedIn : consent.status === 'deny' ? t.optedOut : blocked(consent) ? t.cookiesBlocked : null;
  if (!text) return null;
  return (
    <p class="bg-white br2 ba b--black-10 pa3 mb3 fw6" data-testid="index/consent-status" data-consent={consent.status ?? (blocked(consent) ? 'blocked' : 'none')}>
      {text}
    </p>
  );
}

function HeaderCard({ consent }: { consent: ConsentState }) {
  const app = useApp();
  const t = app.s.landingPage;
  const [busy, run] = useBusy();
  // §1.1: any consent change reloads the page; EXPRESS_CONSENT deny also purges (vault consent.ts).
  const express = (status: ConsentStatus) =>
    run(async () => {
      await app.vault.expressConsent(status);
      pageActions.reload();
    });

  return (
    // §1.1: the card carries `index/consent-banner` while no decision has been made.
    <Panel title={t.headerHeading} testid={consent.status === null ? 'index/consent-banner' : undefined}>
      {blocked(consent) ? (
        <p class="ma0 lh-copy mw7">{t.blockedText}</p>
      ) : consent.status === 'allow' ? (
        <>
          <p class="mt0 lh-copy">{t.manage}</p>
          <Link to="/auditorium/" class={`${BUTTON} no-underline`} data-testid="index/open-auditorium">
            {t.openAuditorium}
          </Link>
        </>
      ) : (
        <>
          <p class="mt0 lh-copy mw7">{t.explanation}</p>
          <button type="button" class={BUTTON} data-testid="index/consent-opt-in" disabled={busy} onClick={() => express('allow')}>
            {t.optIn}
          </button>
          <button
            type="button"
            class={`${BUTTON_SECONDARY} ${consent.status === 'deny' ? 'o-60' : ''}`}
            data-testid="index/consent-opt-out"
            // §1.1: after opting out, "I don't allow" is disabled.
            disabled={busy || consent.status === 'deny'}
            onClick={() => express('deny')}
          >
            {t.optOut}
          </button>
        </>
      )}
    </Panel>
  );
}
