// "Page views and users" / "Page views and websites" (dashboard.md §2.12): stacked SVG bars per bucket, dark =
// users (operator) or websites (visitor), bright = page views minus that, so the whole bar is the page views.
import { useState } from 'preact/hooks';
import type { ChartBucket } from '../../vault/manage/stats/types.ts';
import type { Resolution } from '../../vault/manage/stats/ranges.ts';
import { useApp } from '../context.ts';
import { format } from '../locale.ts';
import { intlLocale } from './format.ts';
import { PanelSection } from './section.tsx';
import type { PanelProps } from './types.ts';

export const DARK = '#0b533d';
export const BRIGHT = '#19A974';

/** Chart geometry in viewBox units; the SVG scales to the panel's width. */
const WIDTH = 800;
const HEIGHT = 260;
const LEFT = 44;
const BOTTOM = 28;
const TOP = 8;
const PLOT = HEIGHT - TOP - BOTTOM;

/** §2.12: integer y ticks, at most 5 (0 included), on a 1/2/5 × 10^k step. */
export function yTicks(max: number): number[] {
  if (max <= 0) return [0];
  let step = 1;
  for (let magnitude = 1; ; magnitude *= 10) {
    const candidate = [1, 2, 5].map((m) => m * magnitude).find((s) => Math.ceil(max / s) <= 4);
    if (candidate) {
      step = candidate;
      break;
    }
  }
  const ticks: number[] = [];
  for (let value = 0; value < max + step; value += step) ticks.push(value);
  return ticks;
}

export interface BarLabel {
  text: string;
  weekend: boolean;
}

/** §2.12 x labels by resolution, from the bucket's wall clock in the viewer's zone. */
export function barLabel(bucket: ChartBucket, resolution: Resolution, first: boolean, locale: string): BarLabel {
  const { year, month, day, hour, weekday, isoWeek } = bucket.local;
  const monthName = () => new Intl.DateTimeFormat(locale, { month: 'short', timeZone: 'UTC' }).format(Date.UTC(year, month - 1, 1));
  switch (resolution) {
    case 'hours':
      return { text: `${String(hour).padStart(2, '0')}:00`, weekend: false };
    case 'weeks':
      return { text: `W${isoWeek}`, weekend: false };
    case 'months':
      return { text: monthName(), weekend: false };
    case 'days':
      return {
        // The first bar and every 1st of the month name the month, so the axis can be read without a legend.
        text: first || day === 1 ? new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(Date.UTC(year, month - 1, day)) : String(day),
        // weekday 0 = Monday, so 5 and 6 are Saturday and Sunday.
        weekend: weekday >= 5,
      };
  }
}

/** A readable date for the tooltip / table: the bucket start on the viewer's wall clock. */
function bucketDate(bucket: ChartBucket, resolution: Resolution, locale: string): string {
  const { year, month, day, hour } = bucket.local;
  const at = Date.UTC(year, month - 1, day, hour);
  const options: Intl.DateTimeFormatOptions =
    resolution === 'hours'
      ? { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }
      : resolution === 'months'
        ? { month: 'long', year: 'numeric', timeZone: 'UTC' }
        : { dateStyle: 'medium', timeZone: 'UTC' };
  const text = new Intl.DateTimeFormat(locale, options).format(at);
  return resolution === 'weeks' ? `W${bucket.local.isoWeek} (${text})` : text;
}

export function Chart({ stats, variant, explainer }: PanelProps) {
  const { s, uiLocale } = useApp();
  const c = s.chart;
  const locale = intlLocale(uiLocale);
  const buckets = stats.pageviews;
  const [active, setActive] = useState<number | null>(null);
  const title = variant === 'operator' ? c.headingOperator : c.headingVisitor;
  const dark = (bucket: ChartBucket) => Math.min(bucket.pageviews, variant === 'operator' ? bucket.visitors : bucket.accounts);
  const numbers = new Intl.NumberFormat(locale);
  const describe = (bucket: ChartBucket) =>
    format(variant === 'operator' ? c.barOperator : c.barVisitor, {
      date: bucketDate(bucket, stats.resolution, locale),
      pageviews: numbers.format(bucket.pageviews),
      count: numbers.format(dark(bucket)),
    });

  if (buckets.every((bucket) => bucket.pageviews === 0)) {
    return (
      <PanelSection title={title} explainer={explainer?.('chart')} testid="dashboard/chart">
        <p class="f6 mid-gray tc pv4" data-testid="dashboard/chart-empty">
          {c.empty}
        </p>
      </PanelSection>
    );
  }

  const ticks = yTicks(Math.max(...buckets.map((bucket) => bucket.pageviews)));
  const top = ticks[ticks.length - 1]! || 1;
  const y = (value: number) => TOP + PLOT - (value / top) * PLOT;
  const slot = (WIDTH - LEFT) / buckets.length;
  const barWidth = Math.max(1, slot * 0.7);
  // Keep labels legible on long ranges: at most ~31 labels, evenly spread.
  const labelEvery = Math.ceil(buckets.length / 31);
  const onKey = (event: KeyboardEvent) => {
    const last = buckets.length - 1;
    const current = active ?? last;
    const next = event.key === 'ArrowLeft' ? current - 1 : event.key === 'ArrowRight' ? current + 1 : event.key === 'Home' ? 0 : event.key === 'End' ? last : null;
    if (next === null) return;
    event.preventDefault();
    setActive(Math.max(0, Math.min(last, next)));
  };
  return (
    <PanelSection title={title} explainer={explainer?.('chart')} testid="dashboard/chart">
      <p class="f6 mid-gray mt0 mb2" aria-live="polite" data-testid="dashboard/chart-readout">
        {active !== null && buckets[active] ? describe(buckets[active]!) : c.hint}
      </p>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-label={title}
        tabIndex={0}
        class="db"
        style={{ maxHeight: '20rem' }}
        onKeyDown={onKey}
        onFocus={() => setActive((current) => current ?? buckets.length - 1)}
        onBlur={() => setActive(null)}
        onMouseLeave={() => setActive(null)}
      >
        {ticks.map((tick) => (
          <g key={tick}>
            <line x1={LEFT} x2={WIDTH} y1={y(tick)} y2={y(tick)} stroke="#e5e5e5" stroke-width="1" />
            <text data-tick={tick} x={LEFT - 6} y={y(tick) + 4} text-anchor="end" font-size="12" fill="#555">
              {numbers.format(tick)}
            </text>
          </g>
        ))}
        {buckets.map((bucket, i) => {
          const x = LEFT + i * slot + (slot - barWidth) / 2;
          const own = dark(bucket);
          const label = barLabel(bucket, stats.resolution, i === 0, locale);
          return (
            <g key={bucket.date} data-bar={i} onMouseEnter={() => setActive(i)} opacity={active !== null && active !== i ? 0.6 : 1}>
              <rect data-segment="bright" x={x} y={y(bucket.pageviews)} width={barWidth} height={y(own) - y(bucket.pageviews)} fill={BRIGHT}>
                <title>{`${c.pageviews}: ${numbers.format(bucket.pageviews)}`}</title>
              </rect>
              <rect data-segment="dark" x={x} y={y(own)} width={barWidth} height={y(0) - y(own)} fill={DARK}>
                <title>{`${variant === 'operator' ? c.users : c.websites}: ${numbers.format(own)}`}</title>
              </rect>
              {i % labelEvery === 0 || (stats.resolution === 'days' && bucket.local.day === 1) ? (
                <text
                  data-label={i}
                  class={label.weekend ? 'weekend i' : undefined}
                  x={x + barWidth / 2}
                  y={HEIGHT - 8}
                  text-anchor="middle"
                  font-size={buckets.length > 14 ? 10 : 12}
                  font-style={label.weekend ? 'italic' : undefined}
                  fill={label.weekend ? '#767676' : '#333'}
                >
                  {label.text}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      {/* The numbers for screen readers: the SVG is one image, this table holds every bar. */}
      <table class="clip">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{c.date}</th>
            <th scope="col">{c.pageviews}</th>
            <th scope="col">{variant === 'operator' ? c.users : c.websites}</th>
          </tr>
        </thead>
        <tbody>
          {buckets.map((bucket) => (
            <tr key={bucket.date}>
              <th scope="row">{bucketDate(bucket, stats.resolution, locale)}</th>
              <td>{numbers.format(bucket.pageviews)}</td>
              <td>{numbers.format(dark(bucket))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </PanelSection>
  );
}
