// The shared vocabulary of the dashboard panels (contract 1 of issue 4): the operator dashboard and the User
// Auditorium render the same panels from the QUERY result's metrics, in two wordings (dashboard.md §1.3, §1.10).
import type { ComponentChildren } from 'preact';
import type { DashboardStats } from '../../vault/manage/stats/types.ts';

export type Variant = 'operator' | 'visitor';

export type MetricKey =
  | 'uniqueUsers'
  | 'uniqueAccounts'
  | 'uniqueSessions'
  | 'avgPageDepth'
  | 'bounceRate'
  | 'returningUsers'
  | 'mobileShare'
  | 'avgPageload';

export type TableKey = 'pages' | 'geo' | 'referrers' | 'campaigns' | 'sources' | 'landingPages' | 'exitPages';

export type ExplainerKey = 'range' | 'chart' | 'metrics' | `metric:${MetricKey}` | 'tables' | `table:${TableKey}` | 'retention';

/** Renders the explainer icon/box for a key, or nothing (the visitor screen supplies it; operator omits). */
export type RenderExplainer = (key: ExplainerKey) => ComponentChildren;

export interface PanelProps {
  stats: DashboardStats;
  variant: Variant;
  explainer?: RenderExplainer;
}
