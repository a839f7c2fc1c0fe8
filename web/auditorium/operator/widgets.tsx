// "Let users access their data" (dashboard.md §1.3 item 12): the User Auditorium link with Copy link, and the
// awareness widget picker (Bar / Box / Circle) with a live preview and Copy widget. The widget images are
// generated per kind and locale by web/tools/widgets.mjs and served at the root (§6: one SVG per locale).
import { useId, useRef, useState } from 'preact/hooks';
import { useApp } from '../context.ts';
import { format } from '../locale.ts';
import { BUTTON } from '../components/fields.tsx';
import { copyText } from '../components/copy.ts';

export const WIDGET_KINDS = ['bar', 'box', 'circle'] as const;
export type WidgetKind = (typeof WIDGET_KINDS)[number];

const escapeAttribute = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function widgetImage(origin: string, kind: WidgetKind, locale: string): string {
  return `${origin}/user-access-widget-${kind}-${locale}.svg`;
}

/** §1.3 item 12: an <a> to the User Auditorium around the localised image, alt text in the same language. */
export function widgetSnippet(origin: string, kind: WidgetKind, locale: string, alt: string): string {
  return `<a href="${escapeAttribute(origin)}/auditorium"><img src="${escapeAttribute(widgetImage(origin, kind, locale))}" alt="${escapeAttribute(alt)}"></a>`;
}

const TEXTAREA = 'db w-100 code f7 pa2 ba b--black-20 br2 bg-near-white near-black mb2';

export function AwarenessWidgets() {
  const app = useApp();
  const s = app.s.widgets;
  const id = useId();
  const [kind, setKind] = useState<WidgetKind>('bar');
  const linkInput = useRef<HTMLInputElement>(null);
  const codeArea = useRef<HTMLTextAreaElement>(null);
  const link = `${app.origin}/auditorium/`;
  const snippet = widgetSnippet(app.origin, kind, app.uiLocale, s.alt);
  const copy = async (text: string, field: HTMLTextAreaElement | HTMLInputElement | null, success: string) =>
    app.flash.add((await copyText(text, field)) ? success : s.copyFailed);

  return (
    <div data-testid="auditorium/widgets">
      <p class="f6 mt0">{s.intro}</p>
      <label for={`${id}-link`} class="db f6 fw6 mb1 near-black">
        {s.linkLabel}
      </label>
      <input
        id={`${id}-link`}
        ref={linkInput}
        type="text"
        readOnly
        value={link}
        class="input-reset ba b--black-20 br2 pa2 mb2 db w-100 code f7 bg-near-white near-black"
        data-testid="auditorium/widgets/link"
        onFocus={(event) => event.currentTarget.select()}
      />
      <button type="button" class={BUTTON} data-testid="auditorium/widgets/copy-link" onClick={() => copy(link, linkInput.current, s.linkCopied)}>
        {s.copyLink}
      </button>
      <fieldset class="bn pa0 mh0 mt3 mb2">
        <legend class="f6 fw6 mb2 near-black">{s.widgetLegend}</legend>
        {WIDGET_KINDS.map((candidate) => (
          <span key={candidate} class="dib mr3">
            <input
              id={`${id}-${candidate}`}
              type="radio"
              name={`${id}-kind`}
              value={candidate}
              class="mr1"
              checked={kind === candidate}
              onChange={() => setKind(candidate)}
              data-testid={`auditorium/widgets/kind-${candidate}`}
            />
            <label for={`${id}-${candidate}`} class="f6 near-black">
              {s[candidate]}
            </label>
          </span>
        ))}
      </fieldset>
      <p id={`${id}-preview`} class="f6 fw6 mb1 near-black">
        {s.preview}
      </p>
      {/* The preview is the snippet's own markup, so it shows exactly what a website gets. */}
      <div class="mb2 pa2 ba b--black-10 br2 bg-white" role="group" aria-labelledby={`${id}-preview`} data-testid="auditorium/widgets/preview">
        <a href={`${app.origin}/auditorium`}>
          <img src={widgetImage(app.origin, kind, app.uiLocale)} alt={s.alt} class="db" />
        </a>
      </div>
      <label for={`${id}-code`} class="db f6 fw6 mb1 near-black">
        {format(s.codeLabel, { kind: s[kind] })}
      </label>
      <textarea
        id={`${id}-code`}
        ref={codeArea}
        readOnly
        rows={3}
        class={TEXTAREA}
        value={snippet}
        data-testid="auditorium/widgets/snippet"
        onFocus={(event) => event.currentTarget.select()}
      />
      <button type="button" class={BUTTON} data-testid="auditorium/widgets/copy-widget" onClick={() => copy(snippet, codeArea.current, s.widgetCopied)}>
        {s.copyWidget}
      </button>
    </div>
  );
}
