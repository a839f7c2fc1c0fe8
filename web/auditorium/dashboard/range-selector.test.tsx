// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { RangeSelector } from './range-selector.tsx';
import { click, mount, sampleStats } from './testing.tsx';

afterEach(() => render(null, document.body));

const links = (host: HTMLElement) => [...host.querySelectorAll<HTMLAnchorElement>('nav a')];

describe('RangeSelector (dashboard.md §3.1, §3.2)', () => {
  it('links the presets with filter and locale kept, from/to dropped, and marks the active one', async () => {
    const { host } = await mount(<RangeSelector stats={sampleStats()} retentionPeriod="6months" />, {
      href: '/auditorium/acc/?filter=geo%3ADE&from=2024-01-01&to=2024-01-05&locale=de',
    });
    expect(host.querySelector('h2')?.textContent).toBe('Show data from');
    expect(links(host).map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['Yesterday', '/auditorium/acc/?filter=geo%3ADE&locale=de&range=yesterday&resolution=hours'],
      ['24 hours', '/auditorium/acc/?filter=geo%3ADE&locale=de&range=24&resolution=hours'],
      ['7 days', '/auditorium/acc/?filter=geo%3ADE&locale=de'],
      ['30 days', '/auditorium/acc/?filter=geo%3ADE&locale=de&range=30&resolution=days'],
      ['6 weeks', '/auditorium/acc/?filter=geo%3ADE&locale=de&range=6&resolution=weeks'],
      ['12 weeks', '/auditorium/acc/?filter=geo%3ADE&locale=de&range=12&resolution=weeks'],
      ['6 months', '/auditorium/acc/?filter=geo%3ADE&locale=de&range=6&resolution=months'],
    ]);
    const current = host.querySelectorAll('[aria-current]');
    expect(current).toHaveLength(1);
    expect(current[0]!.textContent).toBe('7 days');
    expect(current[0]!.getAttribute('aria-current')).toBe('time');
    // "Last" before the second group, shown on wide screens only.
    const last = host.querySelector('li.dn');
    expect(last?.textContent).toBe('Last');
    expect(last?.nextElementSibling?.textContent).toBe('24 hours');
    expect(host.textContent).toContain('Data is deleted after 6 months at most');
  });

  it('greys out the presets a 30-day retention rules out: no link, "Not available"', async () => {
    const { host } = await mount(<RangeSelector stats={sampleStats()} retentionPeriod="30days" />);
    expect(links(host).map((a) => a.textContent)).toEqual(['Yesterday', '24 hours', '7 days', '30 days']);
    const disabled = [...host.querySelectorAll('[aria-disabled="true"]')];
    expect(disabled.map((el) => [el.textContent, el.getAttribute('title'), el.tagName])).toEqual([
      ['6 weeks', 'Not available', 'SPAN'],
      ['12 weeks', 'Not available', 'SPAN'],
      ['6 months', 'Not available', 'SPAN'],
    ]);
  });

  it('marks no preset on a custom range and underlines the Custom toggle', async () => {
    const stats = sampleStats();
    const { host } = await mount(<RangeSelector stats={{ ...stats, window: { ...stats.window, preset: null, custom: true } }} />);
    expect(host.querySelector('[aria-current]')).toBeNull();
    expect(host.querySelector('[data-testid="dashboard/range-custom"]')?.className).toContain('b--dark-green');
  });

  it('opens two calendars limited by the look-back, summarises the dates and selects from/to', async () => {
    const { host, navigations } = await mount(<RangeSelector stats={sampleStats()} retentionPeriod="30days" />, {
      href: '/auditorium/acc/?range=30&resolution=days&filter=href%3Ahttps%3A%2F%2Fx.org%2F&now=2024-03-04T12%3A00%3A00Z',
    });
    const toggle = host.querySelector<HTMLButtonElement>('[data-testid="dashboard/range-custom"]')!;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(host.querySelector('[data-testid="dashboard/range-picker"]')).toBeNull();
    await click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const start = host.querySelector('[data-testid="dashboard/range-start"]')!;
    const end = host.querySelector('[data-testid="dashboard/range-end"]')!;
    expect(start.querySelector('h3')?.textContent).toBe('Start date');
    expect(start.textContent).toContain('February 2024');
    const day = (calendar: Element, label: string) => calendar.querySelector<HTMLButtonElement>(`button[aria-label="${label}"]`)!;
    // Today is 4 March 2024 (the `now` parameter, UTC); 30 days of look-back start on 3 February.
    expect(day(start, '2 February 2024').disabled).toBe(true);
    expect(day(start, '3 February 2024').disabled).toBe(false);
    expect(day(start, '27 February 2024').getAttribute('aria-pressed')).toBe('true');
    expect(end.textContent).toContain('March 2024');
    expect(day(end, '4 March 2024').getAttribute('aria-pressed')).toBe('true');
    expect(day(end, '5 March 2024').disabled).toBe(true);
    expect(day(end, '26 February 2024')).toBeNull(); // other month: not shown in the March calendar
    await click(day(start, '28 February 2024'));
    await click(day(end, '2 March 2024'));
    // The end calendar cannot go before the start.
    await click(end.querySelector('button[aria-label="Previous month"]'));
    expect(day(end, '27 February 2024').disabled).toBe(true);
    expect(day(end, '28 February 2024').disabled).toBe(false);
    expect(host.querySelector('[data-testid="dashboard/range-summary"]')?.textContent).toBe('From 28 February 2024 to 2 March 2024');
    await click([...host.querySelectorAll('button')].find((b) => b.textContent === 'Select')!);
    expect(navigations).toEqual(['/auditorium/acc/?filter=href%3Ahttps%3A%2F%2Fx.org%2F&now=2024-03-04T12%3A00%3A00Z&from=2024-02-28&to=2024-03-02']);
  });

  it('writes the summary in the page locale', async () => {
    const { host } = await mount(<RangeSelector stats={sampleStats()} />, { href: '/auditorium/?now=2024-03-04T12%3A00%3A00Z', uiLocale: 'de' });
    await click(host.querySelector('[data-testid="dashboard/range-custom"]'));
    expect(host.querySelector('[data-testid="dashboard/range-summary"]')?.textContent).toBe('From 27. Februar 2024 to 4. März 2024');
  });
});
