// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyMetrics } from './key-metrics.tsx';
import { RealTime } from './real-time.tsx';
import { Retention, cellColors } from './retention.tsx';
import { mount, sampleStats } from './testing.tsx';
import type { ExplainerKey } from './types.ts';

afterEach(() => render(null, document.body));

const metrics = (host: HTMLElement) =>
  [...host.querySelectorAll('[data-metric]')].map((el) => [el.querySelector('dt')?.textContent, el.querySelector('dd')?.textContent]);

describe('KeyMetrics (dashboard.md §2.1, §1.3 item 6, §1.10)', () => {
  it('lists the operator metrics, formatted, with "–" for the returning users of 6 months (D9)', async () => {
    const { host } = await mount(<KeyMetrics stats={sampleStats()} variant="operator" />);
    expect(host.querySelector('h2')?.textContent).toBe('Key metrics');
    expect(metrics(host)).toEqual([
      ['Unique users', '1.2k'],
      ['Unique sessions', '5'],
      ['Avg. page depth', '2.3'],
      ['Bounce rate', '40.0%'],
      ['Returning users', '–'],
      ['Mobile users', '12.5%'],
      ['Avg. page load time', '123ms'],
    ]);
    // §2.1: a shortened count has its exact value as the tooltip.
    expect(host.querySelector('[data-metric="uniqueUsers"] dd')?.getAttribute('title')).toBe('1,234');
    expect(host.querySelector('[data-metric="uniqueSessions"] dd')?.getAttribute('title')).toBeNull();
  });

  it('formats with the page locale, seconds from 1000 ms and "–" for missing values', async () => {
    const stats = sampleStats({ returningUsers: 0.256, avgPageload: 1234, avgPageDepth: null, mobileShare: null, uniqueUsers: 2_500_000 });
    const { host } = await mount(<KeyMetrics stats={stats} variant="operator" />, { uiLocale: 'de' });
    expect(metrics(host).map(([, value]) => value)).toEqual(['2,5M', '5', '–', '40,0\u00a0%', '25,6\u00a0%', '–', '1,23s']);
    expect(host.querySelector('[data-metric="uniqueUsers"] dd')?.getAttribute('title')).toBe('2.500.000');
  });

  it('shows the visitor websites, no returning users, mobile as Yes/No, and explainers per metric', async () => {
    const asked: ExplainerKey[] = [];
    const explainer = (key: ExplainerKey) => {
      asked.push(key);
      return <button type="button">{`e:${key}`}</button>;
    };
    const { host, rerender } = await mount(<KeyMetrics stats={sampleStats()} variant="visitor" explainer={explainer} />);
    expect(metrics(host).map(([label, value]) => [label?.replace(/e:.*/, ''), value])).toEqual([
      ['Unique websites', '2'],
      ['Unique sessions', '5'],
      ['Avg. page depth', '2.3'],
      ['Bounce rate', '40.0%'],
      ['Mobile user', 'Yes'],
      ['Avg. page load time', '123ms'],
    ]);
    expect(asked).toContain('metrics');
    expect(asked).toContain('metric:uniqueAccounts');
    expect(host.querySelector('h2')?.nextElementSibling?.textContent).toBe('e:metrics');
    await rerender(<KeyMetrics stats={sampleStats({ mobileShare: 0 })} variant="visitor" />);
    expect(host.querySelector('[data-metric="mobileShare"] dd')?.textContent).toBe('No');
  });
});

describe('Retention (dashboard.md §2.11)', () => {
  it('draws the triangle with its labels and percentages, blank outside', async () => {
    const { host } = await mount(<Retention stats={sampleStats()} variant="operator" />);
    expect(host.querySelector('h2')?.textContent).toBe('Weekly retention');
    const rows = [...host.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((cell) => cell.textContent));
    expect([...host.querySelectorAll('thead th')].map((th) => th.textContent).slice(1)).toEqual(['Initial 7 days', '7 days later', '14 days later', '21 days later']);
    expect(rows).toEqual([
      ['21 days earlier', '100.0%', '50.0%', '25.0%', '0.0%'],
      ['14 days earlier', '', '100.0%', '50.0%', '0.0%'],
      ['7 days earlier', '', '', '0.0%', '0.0%'],
      ['Initial 7 days', '', '', '', '100.0%'],
    ]);
    expect(host.querySelectorAll('[data-cell]')).toHaveLength(10);
  });

  it('colours cells dark green by value, near-white at 0 %, with readable text', () => {
    expect(cellColors(1)).toEqual({ background: 'rgb(11, 83, 61)', color: '#fff' });
    expect(cellColors(0)).toEqual({ background: '#f4f4f4', color: '#111' });
    // 0.25 + 0.75 × 0.5 = 0.625 opacity over white.
    expect(cellColors(0.5).background).toBe('rgb(103, 148, 134)');
    expect(cellColors(0.5).color).toBe('#000');
  });
});

describe('RealTime (dashboard.md §2.10)', () => {
  it('shows the active users and the active pages, at most 5', async () => {
    const livePages = Array.from({ length: 6 }, (_, i) => ({ key: `https://x.org/${i}/`, count: 6 - i }));
    const { host } = await mount(<RealTime stats={sampleStats({ liveUsers: 21, livePages })} />);
    expect(host.querySelector('h2')?.textContent).toBe('Real time');
    expect(host.querySelector('[data-testid="dashboard/live-users"]')?.textContent).toBe('21');
    expect(host.textContent).toContain('Active users on site');
    expect([...host.querySelectorAll('thead th')].map((th) => th.textContent)).toEqual(['URL', 'Visitors']);
    expect([...host.querySelectorAll('tbody tr')].map((tr) => tr.textContent)).toEqual([
      'https://x.org/0/6',
      'https://x.org/1/5',
      'https://x.org/2/4',
      'https://x.org/3/3',
      'https://x.org/4/2',
    ]);
    expect(host.querySelector('button')).toBeNull();
  });

  it('says so when nobody is on the site', async () => {
    const { host } = await mount(<RealTime stats={sampleStats({ liveUsers: 0 })} />);
    expect(host.querySelector('table')).toBeNull();
    expect(host.textContent).toContain('Nobody is on the site right now.');
  });
});
