// Focus management on navigation: after a client-side route change the new screen's <h1> takes the focus, so
// keyboard and screen-reader users start at the top of the new content instead of on a link that is gone.
// The first page load keeps the browser's default (nothing focused).
let pending = false;

export function requestHeadingFocus(): void {
  pending = true;
}

/** True once after each request; the heading that mounts first takes it. */
export function consumeHeadingFocus(): boolean {
  const was = pending;
  pending = false;
  return was;
}
