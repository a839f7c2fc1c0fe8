// The 3-slide onboarding of the User Auditorium (dashboard.md §5.3): what the website knows about you (from
// result.onboardingStats, §2.13), "your data always stays yours" with the explainer icon, and "bookmark this
// page". Skip, dot navigation and Next (`auditorium/onboarding-advance`); the last Next opens the Auditorium.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { OnboardingStats } from '../../vault/manage/stats/types.ts';
import { BUTTON, BUTTON_SECONDARY } from '../components/fields.tsx';
import { useApp } from '../context.ts';
import { format } from '../locale.ts';
import { countryName, formatNodes, intlLocale } from './rich.tsx';

const SLIDES = 3;

export function Onboarding({ stats, onDone }: { stats: OnboardingStats | null; onDone: () => void }) {
  const { s } = useApp();
  const o = s.onboarding;
  const [slide, setSlide] = useState(0);
  const title = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);
  // After Next or a dot, the new slide's title takes the focus, so screen readers read the new slide.
  useEffect(() => {
    if (moved.current) title.current?.focus();
  }, [slide]);
  const go = (next: number) => {
    moved.current = true;
    setSlide(next);
  };
  const last = slide === SLIDES - 1;
  const titles = [format(o.slide1Title, { domain: stats?.domain ?? '' }), o.slide2Title, o.slide3Title];

  return (
    <section class="bg-white br2 ba b--black-10 pa4 mb3" aria-label={o.label} data-testid="auditorium/onboarding-wrapper" data-slide={String(slide + 1)}>
      <p class="f6 mid-gray mt0">{format(o.slideOf, { current: slide + 1, total: SLIDES })}</p>
      <h2 ref={title} tabIndex={-1} class="f3 fw6 mt0 mb3 near-black">
        {slide === 0 ? formatNodes(o.slide1Title, { domain: <em>{stats?.domain ?? ''}</em> }) : titles[slide]}
      </h2>
      {slide === 0 ? <WhatTheyKnow stats={stats} /> : null}
      {slide === 1 ? (
        <>
          <p class="lh-copy mw7">{o.slide2Text}</p>
          <p class="lh-copy mw7">
            <span class="dib v-mid br-100 ba b--gold bg-yellow near-black fw7 f6 lh-solid tc mr2" style={{ width: '1.5rem', height: '1.5rem', paddingTop: '0.2rem' }} aria-hidden="true">
              e
            </span>
            {o.slide2Explainer}
          </p>
        </>
      ) : null}
      {slide === 2 ? <p class="lh-copy mw7">{o.slide3Text}</p> : null}

      <div class="flex flex-wrap items-center mt4">
        <button type="button" class={`${BUTTON_SECONDARY} mr3`} onClick={onDone} data-testid="auditorium/onboarding-skip">
          {o.skip}
        </button>
        <div role="group" aria-label={o.slides} class="mr3 mb2">
          {Array.from({ length: SLIDES }, (_, index) => (
            <button
              key={index}
              type="button"
              class={`pointer br-100 ba b--dark-green pa0 mr2 v-mid ${index === slide ? 'bg-dark-green' : 'bg-white'}`}
              style={{ width: '1rem', height: '1rem' }}
              aria-label={format(o.slideOf, { current: index + 1, total: SLIDES })}
              aria-current={index === slide ? 'step' : undefined}
              onClick={() => go(index)}
            />
          ))}
        </div>
        <button type="button" class={BUTTON} data-testid="auditorium/onboarding-advance" onClick={() => (last ? onDone() : go(slide + 1))}>
          {last ? o.open : o.next}
        </button>
      </div>
    </section>
  );
}

/** Slide 1: §5.3's four sentences from onboardingStats; those without data are left out. */
function WhatTheyKnow({ stats }: { stats: OnboardingStats | null }) {
  const { s, uiLocale } = useApp();
  const o = s.onboarding;
  const domain = <em>{stats?.domain ?? ''}</em>;
  const items: ComponentChildren[] = [];
  if (stats && stats.numVisits > 1) {
    items.push(formatNodes(o.visits, { domain, count: <strong>{stats.numVisits.toLocaleString(intlLocale(uiLocale))}</strong> }));
  } else {
    items.push(formatNodes(o.firstVisit, { domain }));
  }
  if (stats?.referrer) items.push(formatNodes(o.referrer, { referrer: <em>{stats.referrer}</em> }));
  if (stats?.geo) items.push(formatNodes(o.location, { country: <em>{countryName(stats.geo, uiLocale)}</em> }));
  if (stats) items.push(stats.isMobile ? o.mobile : o.desktop);
  return (
    <ul class="lh-copy pl3 mw7" data-testid="auditorium/onboarding-facts">
      {items.map((item, index) => (
        <li key={index} class="mb2">
          {item}
        </li>
      ))}
    </ul>
  );
}
