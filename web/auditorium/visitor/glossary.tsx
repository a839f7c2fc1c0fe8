// The Basic Terms glossary (dashboard.md §5.3) with anchored entries the explainers link to, and the FAQ shared
// by the landing page (§1.1) and the User Auditorium (§5.3).
import type { ComponentChildren, JSX } from 'preact';
import { Panel } from '../components/fields.tsx';
import { useApp } from '../context.ts';
import type { GlossaryStrings } from '../../locales/visitor/types.ts';

export type Term = 'auditorium' | 'installation' | 'cookies' | 'operator' | 'uniqueUser' | 'uniqueSession' | 'uuid';

/** §5.3: the order of the glossary. */
export const TERMS: readonly Term[] = ['auditorium', 'installation', 'cookies', 'operator', 'uniqueUser', 'uniqueSession', 'uuid'];

const ANCHORS: Record<Term, string> = {
  auditorium: 'term-auditorium',
  installation: 'term-offen-installation',
  cookies: 'term-cookies',
  operator: 'term-operator',
  uniqueUser: 'term-unique-user',
  uniqueSession: 'term-unique-session',
  uuid: 'term-uuid',
};

export const termAnchor = (term: Term): string => ANCHORS[term];

const termText = (g: GlossaryStrings, term: Term): string => g[`${term}Text` as const];

/**
 * A link to a glossary entry. A plain `#anchor` (not the router's Link, which would resolve it against `/`);
 * the click scrolls and moves the focus itself, so keyboard users land on the entry.
 */
export function TermLink({ term, children }: { term: Term; children: ComponentChildren }) {
  const onClick = (event: JSX.TargetedMouseEvent<HTMLAnchorElement>) => {
    const target = document.getElementById(termAnchor(term));
    if (!target) return;
    event.preventDefault();
    if (typeof target.scrollIntoView === 'function') target.scrollIntoView({ block: 'start' });
    target.focus();
  };
  return (
    <a href={`#${termAnchor(term)}`} class="dark-blue" onClick={onClick}>
      {children}
    </a>
  );
}

export function BasicTerms() {
  const { s } = useApp();
  const g = s.glossary;
  return (
    <Panel title={g.heading} testid="auditorium/basic-terms">
      <dl class="ma0">
        {TERMS.map((term) => (
          <div key={term} id={termAnchor(term)} tabIndex={-1} class="mb3">
            <dt class="fw6 near-black">{g[term]}</dt>
            <dd class="ml0 mt1 f6 lh-copy">{termText(g, term)}</dd>
          </div>
        ))}
      </dl>
    </Panel>
  );
}

/** The questions after the first one, in the order of §1.1 (the Auditorium's FAQ of §5.3 is exactly these). */
const QUESTIONS = ['collected', 'notCollected', 'handling', 'why', 'cookies', 'how'] as const;

/** The FAQ card; `first`, when given, is the answer to §1.1's first question (landing page only). */
export function Faq({ testid, first }: { testid: string; first?: ComponentChildren }) {
  const { s } = useApp();
  const f = s.faq;
  return (
    <Panel title={f.heading} testid={testid}>
      {first ? <FaqItem question={f.reviewQuestion}>{first}</FaqItem> : null}
      {QUESTIONS.map((key) => (
        <FaqItem key={key} question={f[`${key}Question`]}>
          {f[`${key}Answer`]}
        </FaqItem>
      ))}
    </Panel>
  );
}

function FaqItem({ question, children }: { question: string; children: ComponentChildren }) {
  return (
    <div class="mb3">
      <h3 class="f5 fw6 mt0 mb1 near-black">{question}</h3>
      <p class="ma0 f6 lh-copy mw7">{children}</p>
    </div>
  );
}
