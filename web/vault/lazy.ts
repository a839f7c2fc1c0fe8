// Loads a lazily built bundle once, by <script src integrity crossorigin> (clients-and-crypto.md §4.6:
// the fallback is loaded with SRI). OWNER: vault-core helper.

const loading = new Map<string, Promise<void>>();

export function loadLazy(name: keyof typeof __OFFEN_LAZY__): Promise<void> {
  let pending = loading.get(name);
  if (!pending) {
    pending = new Promise<void>((resolve, reject) => {
      const { src, integrity } = __OFFEN_LAZY__[name];
      const script = document.createElement('script');
      script.src = src;
      script.integrity = integrity;
      script.crossOrigin = 'anonymous';
      script.onload = () => resolve();
      script.onerror = () => {
        // Forget the failure so a later message can try again (a network blip must not break the vault for good).
        loading.delete(name);
        script.remove();
        reject(new Error(`Could not load the ${name} bundle`));
      };
      document.head.appendChild(script);
    });
    loading.set(name, pending);
  }
  return pending;
}

/**
 * Whether this vault is the auditorium's (clients-and-crypto.md §1.1): framed by a page of its own origin and
 * opened without an accountId, which a tracked page's vault always carries. Its first message is then a
 * management one, so the `manage` bundle can load while the auditorium starts rather than after it asks.
 */
export function isAuditoriumVault(win: Pick<Window, 'parent' | 'location'>): boolean {
  try {
    return win.parent !== win && win.parent.location.origin === win.location.origin && !new URLSearchParams(win.location.search).has('accountId');
  } catch {
    // A parent of another origin cannot be read: a tracked page.
    return false;
  }
}
