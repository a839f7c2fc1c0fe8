// Every cookie the vault sets goes through here (clients-and-crypto.md §3.2). OWNER: vault-core helper.
// "name=value; [expires=<UTC>;] Path=<path|/>; SameSite=None; Secure", but SameSite=Lax and no Secure on localhost.

/**
 * The exact Set-Cookie string of §3.2. Besides localhost (the spec's case) a plain-http page also gets
 * Lax without Secure: browsers drop Secure cookies set from insecure origins, so the cookie probe of §3.1
 * would otherwise always fail there (the server does the same in dev mode, server.md §3.2).
 */
export function cookieString(name: string, value: string, options: { expires?: Date; path?: string } = {}): string {
  const insecure = location.hostname === 'localhost' || location.protocol === 'http:';
  return `${name}=${value}; ${options.expires ? `expires=${options.expires.toUTCString()}; ` : ''}Path=${options.path || '/'}; ${
    insecure ? 'SameSite=Lax' : 'SameSite=None; Secure'
  }`;
}

export function setCookie(name: string, value: string, options?: { expires?: Date; path?: string }): void {
  document.cookie = cookieString(name, value, options);
}

export function getCookie(name: string): string | null {
  for (const pair of document.cookie.split(';')) {
    const at = pair.indexOf('=');
    if (at > -1 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return null;
}

export function deleteCookie(name: string, path?: string): void {
  setCookie(name, '', { expires: new Date(0), path });
}

/** A date `hours` from now, for cookie lifetimes (§3.2: consent 100 years, USER_SECRET 4464 h). */
export const hoursFromNow = (hours: number): Date => new Date(Date.now() + hours * 36e5);

/** UUID v4 (§2.3 sessionId). crypto.randomUUID only exists in secure contexts, getRandomValues everywhere. */
export function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => (x + 256).toString(16).slice(1)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
