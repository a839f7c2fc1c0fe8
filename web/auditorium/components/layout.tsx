// The layout every page shares (dashboard.md §1): a header linking to `/` (locale kept), the footer, the stack of
// flash messages, and the full-page error box for unrecoverable errors. #app-host already is the page's main
// landmark (server.md §1.6), so header and footer here are plain <div>s: <header>/<footer> would be banner and
// contentinfo landmarks nested in main, which axe reports.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../context.ts';
import type { FlashMessage, FlashStore } from '../flash.ts';
import { VaultError } from '../vault-client.ts';
import { DANGER_COLOR, DANGER_FILL, Heading } from './fields.tsx';
import { Link } from './link.tsx';

export function Layout({ children }: { children: ComponentChildren }) {
  const { s } = useApp();
  const l = s.layout;
  return (
    <div class="min-vh-100 flex flex-column bg-near-white near-black sans-serif">
      <div class="bg-light-yellow ph3 pv2">
        <Link to="/" class="near-black no-underline fw6 f5 dib pv2" aria-label={l.homeLink}>
          {l.appName}
        </Link>
      </div>
      <div class="flex-auto w-100 mw8 center ph3 pb4">{children}</div>
      <div class="bg-white bt b--black-10 ph3 pv3 f6 mid-gray">
        <p class="ma0 mb1">
          <a class="dark-blue" href="https://www.offen.dev/">
            {l.footerAbout}
          </a>
        </p>
        <p class="ma0">
          {l.footerIssueBefore}
          <a class="dark-blue" href="https://github.com/offen/offen/issues">
            {l.footerIssueLink}
          </a>
          {l.footerIssueAfter}
        </p>
      </div>
      <Flashes />
    </div>
  );
}

/** The flash stack: a polite live region, newest at the bottom; click (or Enter) closes one, Esc the newest. */
function Flashes() {
  const { flash, s } = useApp();
  const messages = useFlashMessages(flash);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && flash.dismissNewest()) event.preventDefault();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [flash]);
  return (
    <div class="fixed bottom-0 left-0 right-0 ph3 pb3 z-999" role="status" aria-live="polite" aria-label={s.layout.notifications} data-testid="flash-messages">
      {messages.map((message) => (
        <button
          key={message.id}
          type="button"
          class="db w-100 mw6 center mt2 pa3 br2 bn bg-near-black white f6 tl pointer shadow-4"
          data-testid="flash-message"
          onClick={() => flash.dismiss(message.id)}
        >
          {message.text}
          <span class="clip">{` (${s.layout.dismiss})`}</span>
        </button>
      ))}
    </div>
  );
}

function useFlashMessages(store: FlashStore): readonly FlashMessage[] {
  const [messages, setMessages] = useState(store.current);
  useEffect(() => store.subscribe(setMessages), [store]);
  return messages;
}

/** dashboard.md §1 layout: the full-page error box with the stack trace. */
export function ErrorBox({ error }: { error: unknown }) {
  const { s } = useApp();
  const e = error instanceof Error ? error : new Error(String(error));
  const stack = e instanceof VaultError && e.originalStack ? e.originalStack : e.stack;
  return (
    <div class="bg-washed-red ba br2 pa3 mt4" style={{ borderColor: DANGER_COLOR }} data-testid="error-box">
      <Heading>{s.error.heading}</Heading>
      <p>{s.error.description}</p>
      <p class="fw6">{e.message}</p>
      {stack ? (
        <details>
          <summary class="pointer">{s.error.details}</summary>
          <pre class="f7 pre overflow-auto" tabIndex={0}>
            {stack}
          </pre>
        </details>
      ) : null}
      <button type="button" class="pointer f6 br2 ba ph3 pv2 mt3 white" style={DANGER_FILL} onClick={() => location.reload()}>
        {s.error.reload}
      </button>
    </div>
  );
}
