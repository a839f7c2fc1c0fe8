// @vitest-environment happy-dom
// clients-and-crypto.md §4.6: lazy bundles are injected once, with SRI and crossorigin.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.stubGlobal('__OFFEN_LAZY__', {
  userland: { src: '/vault/userland-0123456789.js', integrity: 'sha384-user' },
  manage: { src: '/vault/manage-0123456789.js', integrity: 'sha384-manage' },
});

const { loadLazy } = await import('./lazy.ts');

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
