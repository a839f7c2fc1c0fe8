// Explainers of the User Auditorium (dashboard.md §5.3): a yellow "e" icon next to the range selector, the chart,
// the key metrics (panel and each metric), the tables (panel and each tab) and retention. The icon toggles a
// highlighted explanation; only one is open at a time, and a table tab's explainer closes when the tab goes
// away (switching tabs). The texts follow the metric definitions of §2, written for the visitor.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks';
import type { ExplainerStrings } from '../../locales/visitor/types.ts';
import { useApp } from '../context.ts';
import type { ExplainerKey, RenderExplainer } from '../dashboard/index.ts';
import { format } from '../locale.ts';
import { TermLink, type Term } from './glossary.tsx';

type TextKey = Exclude<keyof ExplainerStrings, 'iconLabel' | 'related' | `${string}Title`>;

interface ExplainerSpec {
  text: TextKey;
  terms: readonly Term[];
}

/**
 * What each key explains and which glossary entries it links to. Keys the visitor never sees (Unique users,
 * Returning users: §1.10) have no explainer.
 */
export const EXPLAINERS: Partial<Record<ExplainerKey, ExplainerSpec>> = {
  range: { text: 'range', terms: ['auditorium'] },
  chart: { text: 'chart', terms: ['installation'] },
  metrics: { text: 'metrics', terms: ['auditorium'] },
  'metric:uniqueAccounts': { text: 'uniqueAccounts', terms: ['installation', 'operator'] },
  'metric:uniqueSessions': { text: 'uniqueSessions', terms: ['uniqueSession', 'cookies', 'uuid'] },
  'metric:avgPageDepth': { text: 'avgPageDepth', terms: ['uniqueSession'] },
  'metric:bounceRate': { text: 'bounceRate', terms: ['uniqueSession'] },
  'metric:mobileShare': { text: 'mobileShare', terms: [] },
  'metric:avgPageload': { text: 'avgPageload', terms: [] },
  tables: { text: 'tables', terms: ['auditorium'] },
  'table:pages': { text: 'pages', terms: [] },
  'table:geo': { text: 'geo', terms: ['uniqueSession'] },
  'table:referrers': { text: 'referrers', terms: ['uniqueSession'] },
  'table:campaigns': { text: 'campaigns', terms: ['uniqueSession'] },
  'table:sources': { text: 'sources', terms: ['uniqueSession'] },
  'table:landingPages': { text: 'landingPages', terms: ['uniqueSession'] },
  'table:exitPages': { text: 'exitPages', terms: ['uniqueSession'] },
  retention: { text: 'retention', terms: ['uniqueUser', 'cookies'] },
};

/** The screen's explainer state: which key is open (one at a time) and the render prop for the panels. */
export function useExplainers(): { open: ExplainerKey | null; render: RenderExplainer } {
  const [open, setOpen] = useState<ExplainerKey | null>(null);
  const toggle = useCallback((key: ExplainerKey) => setOpen((current) => (current === key ? null : key)), []);
  const gone = useCallback((key: ExplainerKey) => setOpen((current) => (current === key ? null : current)), []);
  const render = useCallback<RenderExplainer>(
    (key) => (EXPLAINERS[key] ? <Explainer explains={key} open={open === key} onToggle={toggle} onGone={gone} /> : null),
    [open],
  );
  return { open, render };
}

function Explainer(props: { explains: ExplainerKey; open: boolean; onToggle: (key: ExplainerKey) => void; onGone: (key: ExplainerKey) => void }) {
  const { s } = useApp();
  const e = s.explainers;
  const id = useId();
  const button = useRef<HTMLButtonElement>(null);
  const [alignRight, setAlignRight] = useState(false);
  const spec = EXPLAINERS[props.explains]!;
  const title = e[`${spec.text}Title`];
  // §5.3: switching table tabs closes a table explainer. The panel renders only the active tab's icon, so the
  // old key unmounts (or this instance gets a new key): close it if it was the open one.
  useEffect(() => () => props.onGone(props.explains), [props.explains]);
  const toggle = () => {
    // The box hangs below the icon; an icon in the right half of the window opens it to the left, so it stays
    // on screen wherever a panel puts the icon.
    const rect = button.current?.getBoundingClientRect();
    setAlignRight(Boolean(rect && typeof innerWidth === 'number' && rect.left > innerWidth / 2));
    props.onToggle(props.explains);
  };
  return (
    <span
      class="relative dib v-mid"
      onKeyDown={(event) => {
        if (event.key !== 'Escape' || !props.open) return;
        event.stopPropagation();
        props.onToggle(props.explains);
        button.current?.focus();
      }}
    >
      <button
        ref={button}
        type="button"
        class="pointer dib v-mid br-100 ba b--gold bg-yellow near-black fw7 f6 lh-solid pa0 tc"
        style={{ width: '1.5rem', height: '1.5rem' }}
        aria-label={format(e.iconLabel, { topic: title })}
        aria-expanded={props.open ? 'true' : 'false'}
        aria-controls={id}
        data-explainer={props.explains}
        onClick={toggle}
      >
        e
      </button>
      {/* Spans (display:block) keep the markup valid wherever the slot is, even inside a heading or a <dt>. */}
      <span
        id={id}
        hidden={!props.open}
        class="absolute z-5 mt1 pa3 br2 ba b--gold bg-light-yellow near-black f6 fw4 lh-copy tl shadow-4"
        style={{ top: '100%', width: '18rem', maxWidth: '80vw', ...(alignRight ? { right: 0 } : { left: 0 }) }}
        data-testid="auditorium/explainer"
      >
        <strong class="db mb1">{title}</strong>
        <span class="db">{e[spec.text]}</span>
        {spec.terms.length > 0 ? <Related terms={spec.terms} label={e.related} /> : null}
      </span>
    </span>
  );
}

function Related({ terms, label }: { terms: readonly Term[]; label: string }) {
  const { s } = useApp();
  const links: ComponentChildren[] = [];
  terms.forEach((term, index) => {
    if (index > 0) links.push(', ');
    links.push(
      <TermLink key={term} term={term}>
        {s.glossary[term]}
      </TermLink>,
    );
  });
  return (
    <span class="db mt1">
      {label} {links}
    </span>
  );
}
