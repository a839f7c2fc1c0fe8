// "Customize appearance" (dashboard.md §1.3 item 13, §5.6): a CSS editor for the consent banner of one account.
// "Update preview" validates on the server without saving (UPDATE_ACCOUNT_STYLES dryRun) and then renders the
// banner's two states in sandboxed iframes; "Apply styles" saves. The editor is a plain monospace textarea:
// a highlighting editor would cost more than the rest of the console.
import { useId, useState } from 'preact/hooks';
import { useApp } from '../context.ts';
import { useBusy } from '../hooks.ts';
import { format } from '../locale.ts';
import type { Account } from './accounts.tsx';
import { BUTTON, BUTTON_SECONDARY, DANGER_TEXT, Form } from './fields.tsx';

/**
 * The banner's look before any account CSS, as vault/banner.ts renders it (its DEFAULT_CSS, which is not exported;
 * keep the two in step). The account CSS comes after it, as on the vault page (clients-and-crypto.md §3.4).
 */
const BANNER_BASE_CSS =
  'html{line-height:1.15;-webkit-text-size-adjust:100%}body{margin:0;padding:8px}' +
  'button{font:inherit;line-height:1.15;margin:0;overflow:visible;text-transform:none;-webkit-appearance:button}' +
  '.banner__root{box-sizing:border-box;font-family:Roboto,sans-serif;font-size:16px;line-height:1.4;color:#111;background:#fff;border:1px solid #ccc;padding:12px 16px}' +
  '.banner__paragraph{margin:0 0 8px;text-align:center}' +
  '.paragraph__anchor{color:inherit;text-decoration:underline}' +
  '.banner__buttons{display:flex;margin:12px -4px 0}' +
  '.buttons__button{flex:1;margin:0 4px;padding:8px;color:#fff;background:#111;border:1px solid #111;border-radius:4px;cursor:pointer}' +
  '.buttons__button:hover{background:#444}';

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The srcdoc of one preview: the banner markup of vault/banner.ts in the given state, styled by `css`. */
export function bannerPreviewDocument(
  state: 'initial' | 'followup',
  css: string,
  banner: { consent: string; optOut: string; learnMore: string; allow: string; deny: string; thanks: string; manageBefore: string; manageLink: string; manageAfter: string; continue: string; label: string },
  lang: string,
): string {
  const anchor = (text: string) => `<a class="paragraph__anchor" href="#">${escapeHtml(text)}</a>`;
  const button = (text: string) => `<button type="button" class="buttons__button">${escapeHtml(text)}</button>`;
  const [first, second, buttons] =
    state === 'initial'
      ? [escapeHtml(banner.consent), `${escapeHtml(banner.optOut)} ${anchor(banner.learnMore)}`, button(banner.allow) + button(banner.deny)]
      : [escapeHtml(banner.thanks), `${escapeHtml(banner.manageBefore)}${anchor(banner.manageLink)}${escapeHtml(banner.manageAfter)}`, button(banner.continue)];
  // The CSS passed the server's validator; `</` is neutralised anyway so it can never close the element.
  const safeCss = css.replace(/<\//g, '<\\/');
  return (
    `<!DOCTYPE html><html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><title>${escapeHtml(banner.label)}</title>` +
    `<style>${BANNER_BASE_CSS}</style><style>${safeCss}</style></head><body>` +
    `<div class="banner__root banner--${state}" role="region" aria-label="${escapeHtml(banner.label)}">` +
    `<p class="banner__paragraph banner__paragraph--first">${first}</p><p class="banner__paragraph">${second}</p>` +
    `<div class="banner__buttons">${buttons}</div></div></body></html>`
  );
}

export function AccountStyles({ account, initialStyles = '' }: { account: Account; initialStyles?: string }) {
  const app = useApp();
  const s = app.s.styles;
  const id = useId();
  const [css, setCss] = useState(initialStyles);
  const [preview, setPreview] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, run] = useBusy();

  const validate = async (): Promise<boolean> => {
    const outcome = await app.vault.updateAccountStyles({ accountId: account.accountId, accountStyles: css, dryRun: true });
    if (!outcome.ok) {
      const text = format(s.invalid, { message: outcome.message });
      setProblem(text);
      setPreview(null);
      app.flash.add(text);
      return false;
    }
    setProblem(null);
    setPreview(css);
    return true;
  };

  return (
    <div data-testid="account-styles">
      <p class="f6 mt0">{format(s.intro, { account: account.accountName })}</p>
      <Form busy={busy} class="w-100" onSubmit={() => run(async () => void (await validate()))}>
        <label for={id} class="db f6 fw6 mb1 near-black">
          {s.editorLabel}
        </label>
        <textarea
          id={id}
          rows={8}
          spellcheck={false}
          class="db w-100 code f7 pa2 ba b--black-30 br2 bg-white near-black mb2"
          placeholder={s.placeholder}
          value={css}
          onInput={(event) => setCss(event.currentTarget.value)}
          aria-invalid={problem ? 'true' : undefined}
          aria-describedby={`${id}-hint${problem ? ` ${id}-error` : ''}`}
          data-testid="account-styles/editor"
        />
        <p id={`${id}-hint`} class="f6 mid-gray mt0">
          {s.cacheHint}
        </p>
        {problem ? (
          <p id={`${id}-error`} class="f6" style={DANGER_TEXT} data-testid="account-styles/error">
            {problem}
          </p>
        ) : null}
        <button type="submit" class={BUTTON_SECONDARY} data-testid="account-styles/preview">
          {s.preview}
        </button>
        <button
          type="button"
          class={BUTTON}
          data-testid="account-styles/apply"
          onClick={() =>
            run(async () => {
              // Validate first, so invalid CSS is explained the same way as with the preview.
              if (!(await validate())) return;
              const outcome = await app.vault.updateAccountStyles({ accountId: account.accountId, accountStyles: css });
              app.flash.add(outcome.ok ? `${s.applied} ${s.cacheHint}` : format(s.invalid, { message: outcome.message }));
            })
          }
        >
          {s.apply}
        </button>
      </Form>
      {preview !== null ? (
        <div class="mt3" data-testid="account-styles/previews">
          <p class="f6" role="status">
            {s.valid}
          </p>
          {(['initial', 'followup'] as const).map((state) => (
            <iframe
              key={state + preview}
              title={state === 'initial' ? s.previewInitial : s.previewFollowup}
              // No scripts, opaque origin: the preview can show CSS and nothing else.
              sandbox=""
              srcdoc={bannerPreviewDocument(state, preview, app.banner, app.uiLocale)}
              class="db ba b--black-10 br2 mb2 bg-white w-100"
              style={{ maxWidth: '442px', height: '150px' }}
              data-testid={`account-styles/preview-${state}`}
            />
          ))}
        </div>
      ) : null}
    </div>
  );
}
