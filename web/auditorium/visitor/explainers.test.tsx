// @vitest-environment happy-dom
// Explainers of the visitor view (dashboard.md §5.3): icon buttons with aria-expanded / aria-controls, one open
// at a time, a table tab's explainer closes when the tab changes, links into the Basic Terms glossary.
import { useState } from 'preact/hooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { TableKey } from '../dashboard/index.ts';
import type { ScreenDefinition } from '../routes.tsx';
import type { Route } from '../router.ts';
import { EXPLAINERS, useExplainers } from './explainers.tsx';
import { BasicTerms } from './glossary.tsx';
import { click, mountApp, scriptedVault, unmount } from './test-support.tsx';

let switchTab: (key: TableKey) => void = () => undefined;

/** Stands in for the panels: it calls the render prop like contract 1 says they do. */
function Panels() {
  const { render } = useExplainers();
  const [tab, setTab] = useState<TableKey>('pages');
  switchTab = setTab;
  return (
    <>
      <h2>Chart {render('chart')}</h2>
      <div>Bounce rate {render('metric:bounceRate')}</div>
      <div data-testid="operator-only">{render('metric:uniqueUsers')}</div>
      <div data-testid="tab">{render(`table:${tab}`)}</div>
      <BasicTerms />
    </>
  );
}

const routes: ReadonlyArray<Route<ScreenDefinition>> = [{ path: '*', component: { screen: Panels, title: () => 'test' } }];

async function mount() {
  const { host } = await mountApp('/auditorium/', scriptedVault({}).vault, routes);
  const icon = (key: string) => host.querySelector<HTMLButtonElement>(`button[data-explainer="${key}"]`)!;
  const box = (key: string) => host.querySelector<HTMLElement>(`#${CSS.escape(icon(key).getAttribute('aria-controls')!)}`)!;
  return { host, icon, box };
}

afterEach(unmount);

describe('explainers', () => {
  it('every key the visitor sees has a text; operator-only metrics get no icon', async () => {
    const { host, icon, box } = await mount();
    expect(Object.keys(EXPLAINERS)).toHaveLength(18);
    expect(host.querySelector('[data-testid="operator-only"]')?.children).toHaveLength(0);
    expect(icon('chart').textContent).toBe('e');
    expect(icon('chart').getAttribute('aria-label')).toBe('Explain: Page views and websites');
    expect(icon('chart').getAttribute('aria-expanded')).toBe('false');
    expect(box('chart').hidden).toBe(true);
  });

  it('opens one explainer at a time and closes it on a second click', async () => {
    const { icon, box } = await mount();
    await click(icon('chart'));
    expect(icon('chart').getAttribute('aria-expanded')).toBe('true');
    expect(box('chart').hidden).toBe(false);
    expect(box('chart').textContent).toContain('dark part is the number of different websites');
    await click(icon('metric:bounceRate'));
    expect(icon('metric:bounceRate').getAttribute('aria-expanded')).toBe('true');
    expect(icon('chart').getAttribute('aria-expanded')).toBe('false');
    expect(box('chart').hidden).toBe(true);
    await click(icon('metric:bounceRate'));
    expect(icon('metric:bounceRate').getAttribute('aria-expanded')).toBe('false');
  });

  it('closes a table explainer when the tab changes', async () => {
    const { icon } = await mount();
    await click(icon('table:pages'));
    expect(icon('table:pages').getAttribute('aria-expanded')).toBe('true');
    const { act } = await import('preact/test-utils');
    await act(() => switchTab('geo'));
    await act(() => switchTab('pages'));
    expect(icon('table:pages').getAttribute('aria-expanded')).toBe('false');
  });

  it('links to the glossary entries and moves the focus there', async () => {
    const { host, icon, box } = await mount();
    await click(icon('metric:bounceRate'));
    const link = box('metric:bounceRate').querySelector('a')!;
    expect(link.getAttribute('href')).toBe('#term-unique-session');
    expect(link.textContent).toBe('Unique session');
    await click(link);
    expect(document.activeElement).toBe(host.querySelector('#term-unique-session'));
  });
});
