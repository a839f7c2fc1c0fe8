// @vitest-environment happy-dom
// clients-and-crypto.md §4.6: lazy bundles are injected once, with SRI and crossorigin.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.stubGlobal('__OFFEN_LAZY__', {
  userland: { src: '/vault/userland-0123456789.js', integrity: 'sha384-user' },
  manage: { src: '/vault/manage-0123456789.js', integrity: 'sha384-manage' },
});

const { isAuditoriumVault, loadLazy } = await import('./lazy.ts');

// Keep the injected scripts out of happy-dom's loader so the test decides when they load or fail.
const appended: HTMLScriptElement[] = [];
beforeAll(() => {
  vi.spyOn(document.head, 'appendChild').mockImplementation(<T extends Node>(node: T) => {
    appended.push(node as unknown as HTMLScriptElement);
    return node;
  });
});
afterAll(() => vi.restoreAllMocks());
const scripts = (name: string) => appended.filter((script) => script.src.endsWith(`/vault/${name}-0123456789.js`));

describe('loadLazy', () => {
  it('injects one script with integrity and crossorigin and resolves on load', async () => {
    const first = loadLazy('manage');
    const second = loadLazy('manage');
    expect(scripts('manage')).toHaveLength(1);
    const [script] = scripts('manage');
    expect(script.tagName).toBe('SCRIPT');
    expect(script.getAttribute('integrity')).toBe('sha384-manage');
    expect(script.getAttribute('crossorigin')).toBe('anonymous');
    script.dispatchEvent(new Event('load'));
    await expect(first).resolves.toBeUndefined();
    expect(second).toBe(first);
    await loadLazy('manage');
    expect(scripts('manage')).toHaveLength(1);
  });

  it('rejects on error and injects again on the next call', async () => {
    const failing = loadLazy('userland');
    scripts('userland')[0].dispatchEvent(new Event('error'));
    await expect(failing).rejects.toThrow('Could not load the userland bundle');
    const retry = loadLazy('userland');
    expect(retry).not.toBe(failing);
    expect(scripts('userland')).toHaveLength(2);
    scripts('userland')[1].dispatchEvent(new Event('load'));
    await expect(retry).resolves.toBeUndefined();
  });
});

describe('isAuditoriumVault', () => {
  const at = (href: string) => ({ origin: new URL(href).origin, search: new URL(href).search });
  const framed = (parent: unknown, href: string) => ({ parent, location: at(href) }) as unknown as Window;

  it("is the vault a page of its own origin frames without an accountId", () => {
    const parent = { location: at('https://offen.example/auditorium/') };
    expect(isAuditoriumVault(framed(parent, 'https://offen.example/vault'))).toBe(true);
    expect(isAuditoriumVault(framed(parent, 'https://offen.example/vault?locale=de'))).toBe(true);
  });

  it("is not a tracked page's vault, nor one that is not framed", () => {
    // The tracking script always passes the account; a page of the same origin (the root account) too.
    expect(isAuditoriumVault(framed({ location: at('https://offen.example/') }, 'https://offen.example/vault?accountId=a'))).toBe(false);
    // A parent of another origin throws on reading its location.
    const foreign = {
      get location(): never {
        throw new DOMException('Blocked a frame', 'SecurityError');
      },
    };
    expect(isAuditoriumVault(framed(foreign, 'https://offen.example/vault'))).toBe(false);
    expect(isAuditoriumVault(framed({ location: at('https://site.example/') }, 'https://offen.example/vault'))).toBe(false);
    const top = { location: at('https://offen.example/vault') } as { parent?: unknown; location: unknown };
    top.parent = top;
    expect(isAuditoriumVault(top as unknown as Window)).toBe(false);
  });
});
