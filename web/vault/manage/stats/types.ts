// The metrics part of the QUERY result (dashboard.md §2). Field names follow the upstream result the
// auditorium reads (uniqueUsers, pageviews, retentionMatrix, empty, onboardingStats, …); every value is plain
// data, so it survives postMessage and structured clone.
import type { Filter } from './filters.ts';
import type { PresetId, Resolution } from './ranges.ts';

/** One table row. `key` is what the row shows and also its filter value (§3.3). */
export interface TableRow {
  key: string;
  /** Page views (Top pages), landings, exits, sessions (Referrers, Campaigns, Sources, Location) or visitors (Active pages). */
  count: number;
  /** Events of the row's sessions ÷ its sessions (§2.9); only on Referrers, Campaigns, Sources and Location. */
  pageDepth?: number;
}

/** A Top-pages row; pages are counted per account (§2.3), which matters in the visitor's multi-site view. */
export interface PageRow extends TableRow {
  accountId: string;
}

/** One chart bar (§2.2, §2.12). */
export interface ChartBucket {
  /** First instant of the bucket, ISO 8601 UTC. */
  date: string;
  pageviews: number;
  /** Distinct users (operator chart). */
  visitors: number;
  /** Distinct accounts (visitor chart, "websites"). */
  accounts: number;
  /** The bucket start on the viewer's wall clock, for the labels of §2.12 (month 1–12, weekday 0 = Monday). */
  local: { year: number; month: number; day: number; hour: number; weekday: number; isoWeek: number };
}

/** §2.13 (visitor only): the most recent event overall. */
export interface OnboardingStats {
  domain: string;
  url: string | null;
  referrer: string | null;
  numVisits: number;
  isMobile: boolean;
  geo: string | null;
}

/** The window the metrics cover, as computed (§3.1, §3.2). */
export interface StatsWindow {
  from: string;
  /** Last millisecond, inclusive. */
  to: string;
  resolution: Resolution;
  preset: PresetId | null;
  custom: boolean;
  /** False when the retention setting rules the preset out (§3.1). */
  available: boolean;
  timeZone: string;
}

export interface DashboardStats {
  resolution: Resolution;
  window: StatsWindow;
  /** The filter applied, or null (an unreadable filter is dropped). */
  filter: Filter | null;
  // §2.1 key metrics. Rates are fractions (0.4 = 40 %); null is the "empty value" the UI formats.
  uniqueUsers: number;
  uniqueAccounts: number;
  uniqueSessions: number;
  avgPageDepth: number | null;
  bounceRate: number;
  /** null on the 6-months preset: D9 shows "–" there, not 0 %. */
  returningUsers: number | null;
  mobileShare: number | null;
  /** ms */
  avgPageload: number | null;
  /** §2.2 chart data, ascending. */
  pageviews: ChartBucket[];
  /** §2.3–2.8 tables, complete and sorted; the UI shows the top 10. */
  pages: PageRow[];
  landingPages: TableRow[];
  exitPages: TableRow[];
  referrers: TableRow[];
  campaigns: TableRow[];
  sources: TableRow[];
  geo: TableRow[];
  /** §2.10 real time (last 15 minutes). */
  liveUsers: number;
  livePages: TableRow[];
  /** §2.11: rows of 4, 3, 2 and 1 fractions, oldest cohort first. */
  retentionMatrix: number[][];
  /** §2.13 */
  empty: boolean;
  onboardingStats: OnboardingStats | null;
}
