// The frame every panel shares: a white box with an h2 and the explainer slot next to it (dashboard.md §5.3:
// the explainer icon sits next to each panel's heading). Also the link helper that keeps the other parameters.
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import type { Place } from '../router.ts';

export function PanelSection(props: { title: string; explainer?: ComponentChildren; testid?: string; children: ComponentChildren; class?: string }) {
  const id = useId();
  return (
    <section class={`bg-white br2 ba b--black-10 pa3 mb3 ${props.class ?? ''}`} aria-labelledby={id} data-testid={props.testid}>
      <div class="flex items-center mb3">
        <h2 id={id} class="f4 fw6 ma0 near-black">
          {props.title}
        </h2>
        {props.explainer ? <span class="ml2">{props.explainer}</span> : null}
      </div>
      {props.children}
    </section>
  );
}

/**
 * The current path with some query parameters set or removed (null) and all others kept (`locale`, `filter`,
 * `now`, …): range and filter links re-query the same screen (dashboard.md §3.1, §3.3, contract 2).
 */
export function placeWith(place: Place, changes: Record<string, string | null>): string {
  const params = new URLSearchParams(place.search);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) params.delete(name);
    else params.set(name, value);
  }
  const search = params.toString();
  return search ? `${place.pathname}?${search}` : place.pathname;
}
