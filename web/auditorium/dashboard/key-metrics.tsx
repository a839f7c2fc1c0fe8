// Key metrics (dashboard.md §2.1): a vertical list on the operator dashboard (§1.3 item 6), a horizontal row in
// the User Auditorium (§1.10: websites instead of users, no returning users, mobile as Yes/No).
import type { DashboardStats } from '../../vault/manage/stats/types.ts';
import type { AuditoriumStrings } from '../../locales/types.ts';
import { useApp } from '../context.ts';
import { formatCount, formatDecimal, formatPageload, formatPercent, intlLocale } from './format.ts';
import { PanelSection } from './section.tsx';
import type { MetricKey, PanelProps, Variant } from './types.ts';

const OPERATOR: readonly MetricKey[] = ['uniqueUsers', 'uniqueSessions', 'avgPageDepth', 'bounceRate', 'returningUsers', 'mobileShare', 'avgPageload'];
const VISITOR: readonly MetricKey[] = ['uniqueAccounts', 'uniqueSessions', 'avgPageDepth', 'bounceRate', 'mobileShare', 'avgPageload'];

export interface MetricValue {
  key: MetricKey;
  label: string;
  text: string;
  /** The exact value when `text` is shortened ("1.2k"), for the tooltip (§2.1). */
  exact: string | null;
}

/** The metrics of a variant, labelled and formatted with the page locale. */
export function metricValues(stats: DashboardStats, variant: Variant, s: AuditoriumStrings, uiLocale: string): MetricValue[] {
  const locale = intlLocale(uiLocale);
  const m = s.metrics;
  return (variant === 'operator' ? OPERATOR : VISITOR).map((key) => {
    const plain = (text: string) => ({ key, label: m[key === 'mobileShare' && variant === 'visitor' ? 'mobileUser' : key], text, exact: null });
    switch (key) {
      case 'uniqueUsers':
      case 'uniqueAccounts':
      case 'uniqueSessions':
        return { key, label: m[key], ...formatCount(stats[key], locale) };
      case 'avgPageDepth':
        return plain(formatDecimal(stats.avgPageDepth, locale));
      case 'bounceRate':
        return plain(formatPercent(stats.bounceRate, locale));
      case 'returningUsers':
        // D9: null on the 6-months preset, shown as "–".
        return plain(formatPercent(stats.returningUsers, locale));
      case 'mobileShare':
        // §2.1: the visitor sees Yes when any of their page views was on a mobile device.
        return plain(variant === 'visitor' ? ((stats.mobileShare ?? 0) > 0 ? m.yes : m.no) : formatPercent(stats.mobileShare, locale));
      case 'avgPageload':
        return plain(formatPageload(stats.avgPageload, locale));
    }
  });
}

export function KeyMetrics({ stats, variant, explainer }: PanelProps) {
  const { s, uiLocale } = useApp();
  const values = metricValues(stats, variant, s, uiLocale);
  const horizontal = variant === 'visitor';
  return (
    <PanelSection title={s.metrics.heading} explainer={explainer?.('metrics')} testid="dashboard/metrics">
      <dl class={`ma0 ${horizontal ? 'flex flex-wrap' : ''}`}>
        {values.map((metric) => (
          <div key={metric.key} class={horizontal ? 'w-50 w-third-m w-auto-l mr4-l mb3' : 'mb3'} data-metric={metric.key}>
            <dt class="f6 mid-gray flex items-center">
              {metric.label}
              {explainer ? <span class="ml1">{explainer(`metric:${metric.key}`)}</span> : null}
            </dt>
            <dd class="ma0 f3 fw6 dark-green" title={metric.exact ?? undefined}>
              {metric.text}
            </dd>
          </div>
        ))}
      </dl>
    </PanelSection>
  );
}
