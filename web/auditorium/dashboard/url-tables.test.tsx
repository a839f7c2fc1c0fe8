// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TableRow } from '../../vault/manage/stats/types.ts';
import { click, mount, sampleStats } from './testing.tsx';
import type { TableKey } from './types.ts';
import { UrlTables } from './url-tables.tsx';

afterEach(() => {
  render(null, document.body);
  vi.restoreAllMocks();
});

const panel = (host: HTMLElement, key: TableKey) => host.querySelector<HTMLElement>(`[role="tabpanel"][data-table="${key}"]`)!;
const tab = (host: HTMLElement, key: TableKey) => host.querySelector<HTMLButtonElement>(`[role="tab"][data-table-tab="${key}"]`)!;
const bodyRows = (el: Element) => [...el.querySelectorAll('tbody tr')];

describe('UrlTables (dashboard.md §2.3–2.9, §3.3, §3.5)', () => {
  it('groups the tables into accessible tabs with the columns of §2.3–2.9', async () => {
    const { host } = await mount(<UrlTables stats={sampleStats()} variant="operator" />);
    expect(host.querySelector('h2')?.textContent).toBe('Top pages');
    expect([...host.querySelectorAll('[role="tablist"]')].map((list) => [...list.querySelectorAll('[role="tab"]')].map((t) => t.textContent))).toEqual([
      ['Pages'],
      ['Location'],
      ['Referrers', 'Campaigns', 'Sources'],
      ['Landing pages', 'Exit pages'],
    ]);
    const heads = (key: TableKey) => [...panel(host, key).querySelectorAll('thead th')].map((th) => th.textContent);
    expect(heads('pages')).toEqual(['URL', 'Pageviews']);
    expect(heads('geo')).toEqual(['Country', 'Sessions', 'Page depth']);
    expect(heads('referrers')).toEqual(['Host', 'Sessions', 'Page depth']);
    expect(heads('landingPages')).toEqual(['URL', 'Landings']);
    // Tab wiring: the panel is labelled by its tab, only the selected tab is in the tab order.
    const referrers = tab(host, 'referrers');
    expect(referrers.getAttribute('aria-selected')).toBe('true');
    expect(panel(host, 'referrers').getAttribute('aria-labelledby')).toBe(referrers.id);
    expect(referrers.getAttribute('aria-controls')).toBe(panel(host, 'referrers').id);
    expect(tab(host, 'campaigns').tabIndex).toBe(-1);
    expect(panel(host, 'campaigns').hidden).toBe(true);
  });

  it('moves between tabs with the arrow keys (wrapping) and shows the empty text', async () => {
    const { host } = await mount(<UrlTables stats={sampleStats()} variant="operator" />);
    await act(() => void tab(host, 'referrers').dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true })));
    expect(tab(host, 'campaigns').getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(tab(host, 'campaigns'));
    expect(panel(host, 'campaigns').textContent).toBe('No data available for this view.');
    await act(() => void tab(host, 'campaigns').dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true })));
    await act(() => void tab(host, 'referrers').dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true })));
    expect(tab(host, 'sources').getAttribute('aria-selected')).toBe('true');
    expect(bodyRows(panel(host, 'sources')).map((tr) => tr.textContent)).toEqual(['Newsletter23.0']);
  });

  it('shows 10 rows, then all; only one table is expanded at a time', async () => {
    const many = Array.from({ length: 11 }, (_, i) => ({ key: `https://x.org/l${i}/`, count: 50 - i }));
    const { host } = await mount(<UrlTables stats={sampleStats({ landingPages: many })} variant="operator" />);
    const pages = panel(host, 'pages');
    expect(bodyRows(pages)).toHaveLength(10);
    const showAll = (el: Element) => [...el.querySelectorAll('button')].find((b) => b.getAttribute('aria-expanded') !== null)!;
    expect(showAll(pages).textContent).toBe('Show all entries');
    await click(showAll(pages));
    expect(bodyRows(pages)).toHaveLength(12);
    expect(showAll(pages).textContent).toBe('Show top 10 only');
    expect(showAll(pages).getAttribute('aria-expanded')).toBe('true');
    await click(showAll(panel(host, 'landingPages')));
    expect(bodyRows(panel(host, 'landingPages'))).toHaveLength(11);
    expect(bodyRows(pages)).toHaveLength(10);
    // A table with ≤ 10 rows has nothing to expand.
    expect(showAll(panel(host, 'geo'))).toBeUndefined();
  });

  it('makes every row key a filter link that keeps the other parameters and the locale', async () => {
    const { host } = await mount(<UrlTables stats={sampleStats()} variant="operator" />, { href: '/auditorium/acc/?range=30&resolution=days&locale=de' });
    const first = panel(host, 'pages').querySelector('tbody a')!;
    expect(first.textContent).toBe('https://x.org/p0/');
    expect(first.getAttribute('title')).toBe('https://x.org/p0/');
    expect(first.getAttribute('href')).toBe('/auditorium/acc/?range=30&resolution=days&locale=de&filter=href%3Ahttps%3A%2F%2Fx.org%2Fp0%2F');
    const none = bodyRows(panel(host, 'referrers'))[1]!.querySelector('a')!;
    expect(none.innerHTML).toBe('<em>None</em>');
    expect(none.getAttribute('href')).toBe('/auditorium/acc/?range=30&resolution=days&locale=de&filter=referrer%3A__NONE_REFERRER__');
    expect(panel(host, 'geo').querySelector('a')?.getAttribute('href')).toContain('filter=geo%3ADE');
  });

  it('shows the active filter as a green pill that removes it, and a funnel on the tab', async () => {
    const stats = sampleStats({ filter: { prop: 'geo', value: 'DE' } });
    const { host } = await mount(<UrlTables stats={stats} variant="operator" />, { href: '/auditorium/acc/?filter=geo%3ADE&locale=de' });
    const pill = panel(host, 'geo').querySelector('[data-filter-pill="active"]')!;
    expect(pill.textContent).toBe('Germany ✕');
    expect(pill.className).toContain('bg-dark-green');
    expect(pill.querySelector('svg')).not.toBeNull();
    expect(pill.getAttribute('href')).toBe('/auditorium/acc/?locale=de');
    expect(pill.getAttribute('title')).toBe('Remove the filter Germany');
    expect(tab(host, 'geo').querySelector('svg')).not.toBeNull();
    expect(tab(host, 'geo').textContent).toBe('Location (filtered)');
    expect(tab(host, 'pages').querySelector('svg')).toBeNull();
    // The other rows stay plain filter links.
    expect(bodyRows(panel(host, 'geo'))[1]!.querySelector('[data-filter-pill]')).toBeNull();
  });

  it('matches URL filters on the stripped URL', async () => {
    const stats = sampleStats({ filter: { prop: 'href', value: 'https://x.org/p1?utm=a' } });
    const { host } = await mount(<UrlTables stats={stats} variant="operator" />);
    expect(bodyRows(panel(host, 'pages'))[1]!.querySelector('[data-filter-pill="active"]')?.textContent).toBe('https://x.org/p1/ ✕');
  });

  it('shows a filtered table without rows as one red row with count 0, its tab selected', async () => {
    const stats = sampleStats({ filter: { prop: 'campaign', value: 'Spring' } });
    const { host } = await mount(<UrlTables stats={stats} variant="operator" />, { href: '/auditorium/acc/?filter=campaign%3ASpring' });
    expect(tab(host, 'campaigns').getAttribute('aria-selected')).toBe('true');
    const rows = bodyRows(panel(host, 'campaigns'));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.getAttribute('data-placeholder')).toBe('true');
    expect(rows[0]!.getAttribute('style')).toContain('color');
    expect([...rows[0]!.children].map((td) => td.textContent)).toEqual(['Spring ✕', '0', '']);
    expect(rows[0]!.querySelector('a')?.getAttribute('href')).toBe('/auditorium/acc/');
  });

  it('names countries in the page locale and shows "None" in italics', async () => {
    const { host } = await mount(<UrlTables stats={sampleStats()} variant="operator" />);
    const names = () => bodyRows(panel(host, 'geo')).map((tr) => tr.querySelector('a')!.getAttribute('title'));
    expect(names()).toEqual(['Germany', 'France', 'None']);
    expect(bodyRows(panel(host, 'geo'))[0]!.textContent).toBe('Germany32.0');
    render(null, document.body);
    const de = await mount(<UrlTables stats={sampleStats()} variant="operator" />, { uiLocale: 'de' });
    expect(bodyRows(panel(de.host, 'geo')).map((tr) => tr.querySelector('a')!.textContent)).toEqual(['Deutschland', 'Frankreich', 'None']);
    expect(bodyRows(panel(de.host, 'geo'))[1]!.textContent).toBe('Frankreich21,5');
  });

  it('words the visitor view for the visitor', async () => {
    const { host } = await mount(<UrlTables stats={sampleStats()} variant="visitor" />);
    expect(host.querySelector('h2')?.textContent).toBe('Pages you have visited');
    expect([...panel(host, 'pages').querySelectorAll('thead th')].map((th) => th.textContent)).toEqual(['URL', 'Your page views']);
    expect([...panel(host, 'geo').querySelectorAll('thead th')].map((th) => th.textContent)).toEqual(['Country', 'Your sessions', 'Page depth']);
  });

  it('exports a table through onExportTable, or downloads its CSV by default', async () => {
    const exported: Array<[TableKey, TableRow[]]> = [];
    const stats = sampleStats();
    const { host, rerender } = await mount(<UrlTables stats={stats} variant="operator" onExportTable={(key, rows) => void exported.push([key, rows])} />);
    const button = panel(host, 'pages').querySelector<HTMLButtonElement>('[data-export-table="pages"]')!;
    expect(button.textContent).toBe('Download CSV (Pages)');
    await click(button);
    expect(exported).toEqual([['pages', stats.pages]]);

    const blobs: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      blobs.push(blob as Blob);
      return 'blob:test';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    await rerender(<UrlTables stats={stats} variant="operator" />);
    await click(panel(host, 'geo').querySelector('[data-export-table="geo"]'));
    expect(await blobs[0]!.text()).toBe('Country,Sessions,Page depth\r\nDE,3,2\r\nFR,2,1.5\r\n__NONE_GEOLOCATION__,1,1\r\n');
  });
});
