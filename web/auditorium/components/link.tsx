// An internal link: a real <a href> (so it opens in a new tab, can be copied, works without the router), that the
// router handles on a plain click. `?locale=` is added to the href (dashboard.md §6).
import type { ComponentChildren, JSX } from 'preact';
import { useApp } from '../context.ts';
import { isRouterClick } from '../router.ts';

type AnchorProps = Omit<JSX.HTMLAttributes<HTMLAnchorElement>, 'href' | 'onClick'>;

export function Link({ to, children, ...rest }: AnchorProps & { to: string; children: ComponentChildren }) {
  const app = useApp();
  const href = app.href(to);
  return (
    <a
      {...rest}
      href={href}
      onClick={(event) => {
        if (!isRouterClick(event, event.currentTarget, app.origin)) return;
        event.preventDefault();
        app.navigate(href);
      }}
    >
      {children}
    </a>
  );
}
