// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { BRIGHT, Chart, DARK, yTicks } from './chart.tsx';
import { bucket, mount, sampleStats } from './testing.tsx';

afterEach(() => render(null, document.body));

const labels = (host: HTMLElement) => [...host.querySelectorAll('svg text[data-label]')].map((t) => t.textContent);
const segment = (host: HTMLElement, bar: number, kind: 'dark' | 'bright') => host.querySelector(`[data-bar="${bar}"] [data-segment="${kind}"]`)!;
const height = (el: Element) => Number(el.getAttribute('height'));

describe('yTicks (dashboard.md §2.12: integer ticks, at most 5)', () => {
  it.each([
    [0, [0]],
    [3, [0, 1, 2, 3]],
    [4, [0, 1, 2, 3, 4]],
    [10, [0, 5, 10]],
    [7, [0, 2, 4, 6, 8]],
    [1234, [0, 500, 1000, 1500]],
  ])('max %i -> %j', (max, ticks) => {
    expect(yTicks(max)).toEqual(ticks);
  });
});

describe('Chart (dashboard.md §2.12)', () => {
  it('stacks users (dark) under page views minus users (bright), scaled to the top tick', async () => {
    const { host } = await mount(<Chart stats={sampleStats()} variant="operator" />);
    expect(host.querySelector('h2')?.textContent).toBe('Page views and users');
    expect(host.querySelector('svg')?.getAttribute('width')).toBe('100%');
    // Bar 0: 10 page views, 4 users; the ticks are 0, 5, 10, so the plot height (224) is 10 page views.
    expect(height(segment(host, 0, 'dark'))).toBeCloseTo((4 / 10) * 224);
    expect(height(segment(host, 0, 'bright'))).toBeCloseTo((6 / 10) * 224);
    expect(segment(host, 0, 'dark').getAttribute('fill')).toBe(DARK);
    expect(segment(host, 0, 'bright').getAttribute('fill')).toBe(BRIGHT);
    // Hover text: the dark segment shows its own count, the bright one the total page views.
    expect(segment(host, 0, 'dark').querySelector('title')?.textContent).toBe('Users: 4');
    expect(segment(host, 0, 'bright').querySelector('title')?.textContent).toBe('Page views: 10');
    expect([...host.querySelectorAll('svg text[data-tick]')].map((t) => t.textContent)).toEqual(['0', '5', '10']);
    // The accessible table lists every bar.
    expect(host.querySelectorAll('table tbody tr')).toHaveLength(7);
    expect(host.querySelector('table tbody tr')?.textContent).toBe('27 Feb 2024104');
  });

  it('uses websites (accounts) for the visitor', async () => {
    const { host } = await mount(<Chart stats={sampleStats()} variant="visitor" />);
    expect(host.querySelector('h2')?.textContent).toBe('Page views and websites');
    expect(height(segment(host, 0, 'dark'))).toBeCloseTo((2 / 10) * 224);
    expect(height(segment(host, 0, 'bright'))).toBeCloseTo((8 / 10) * 224);
    expect(segment(host, 0, 'dark').querySelector('title')?.textContent).toBe('Websites: 2');
  });

  it('labels days with the month on the first bar and each 1st, weekends grey italic', async () => {
    const { host } = await mount(<Chart stats={sampleStats()} variant="operator" />);
    expect(labels(host)).toEqual(['27 Feb', '28', '29', '1 Mar', '2', '3', '4']);
    const weekend = [...host.querySelectorAll('svg text[data-label]')].map((t) => t.getAttribute('class') === 'weekend i');
    expect(weekend).toEqual([false, false, false, false, true, true, false]);
    expect(host.querySelector('svg text[data-label="4"]')?.getAttribute('font-style')).toBe('italic');
  });

  it('labels hours, weeks and months', async () => {
    const hours = sampleStats({ resolution: 'hours', pageviews: [bucket('2024-03-04T13:00:00Z', 1, 1), bucket('2024-03-04T14:00:00Z', 2, 1)] });
    const { host, rerender } = await mount(<Chart stats={hours} variant="operator" />);
    expect(labels(host)).toEqual(['13:00', '14:00']);
    await rerender(<Chart stats={sampleStats({ resolution: 'weeks', pageviews: [bucket('2024-02-26T00:00:00Z', 1, 1), bucket('2024-03-04T00:00:00Z', 2, 1)] })} variant="operator" />);
    expect(labels(host)).toEqual(['W9', 'W10']);
    await rerender(<Chart stats={sampleStats({ resolution: 'months', pageviews: [bucket('2024-02-01T00:00:00Z', 1, 1), bucket('2024-03-01T00:00:00Z', 2, 1)] })} variant="operator" />);
    expect(labels(host)).toEqual(['Feb', 'Mar']);
  });

  it('month names follow the page locale', async () => {
    const { host } = await mount(<Chart stats={sampleStats()} variant="operator" />, { uiLocale: 'de' });
    expect(labels(host).slice(0, 4)).toEqual(['27. Feb.', '28', '29', '1. März']);
  });

  it('shows the counts of the bar under the keyboard focus', async () => {
    const { host } = await mount(<Chart stats={sampleStats()} variant="operator" />);
    const svg = host.querySelector('svg')!;
    const readout = host.querySelector('[data-testid="dashboard/chart-readout"]')!;
    await act(() => void svg.dispatchEvent(new FocusEvent('focus')));
    expect(readout.textContent).toBe('4 Mar 2024: 6 page views, 1 users');
    await act(() => void svg.dispatchEvent(new KeyboardEvent('keydown', { key: 'Home', bubbles: true })));
    expect(readout.textContent).toBe('27 Feb 2024: 10 page views, 4 users');
  });

  it('shows the empty state when every bucket is 0', async () => {
    const stats = sampleStats();
    const { host } = await mount(<Chart stats={{ ...stats, pageviews: stats.pageviews.map((b) => ({ ...b, pageviews: 0, visitors: 0, accounts: 0 })) }} variant="operator" />);
    expect(host.querySelector('svg')).toBeNull();
    expect(host.querySelector('[data-testid="dashboard/chart-empty"]')?.textContent).toBe('No data available for the selected time range.');
  });
});
