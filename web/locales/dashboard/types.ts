// The dashboard screens' strings: top-level sections merged into AuditoriumStrings (../types.ts), kept in their
// own files so that each part of the auditorium owns its text. Every section is a flat object of strings.
// These sections belong to the data panels (auditorium/dashboard/), shared by the operator dashboard and the
// User Auditorium; `…Visitor` keys are the visitor's wording (dashboard.md §5.3).
export interface DashboardSections {
  /** dashboard.md §3.1, §3.2 */
  range: {
    heading: string;
    presets: string;
    last: string;
    yesterday: string;
    hours24: string;
    days7: string;
    days30: string;
    weeks6: string;
    weeks12: string;
    months6: string;
    notAvailable: string;
    retentionHint: string;
    custom: string;
    startDate: string;
    endDate: string;
    previousMonth: string;
    nextMonth: string;
    summary: string;
    select: string;
  };
  /** dashboard.md §2.12 */
  chart: {
    headingOperator: string;
    headingVisitor: string;
    empty: string;
    date: string;
    pageviews: string;
    users: string;
    websites: string;
    barOperator: string;
    barVisitor: string;
    hint: string;
  };
  /** dashboard.md §2.1 */
  metrics: {
    heading: string;
    uniqueUsers: string;
    uniqueAccounts: string;
    uniqueSessions: string;
    avgPageDepth: string;
    bounceRate: string;
    returningUsers: string;
    mobileShare: string;
    mobileUser: string;
    avgPageload: string;
    yes: string;
    no: string;
  };
  /** dashboard.md §2.3–2.9, §3.3, §3.5 */
  tables: {
    heading: string;
    headingVisitor: string;
    pages: string;
    geo: string;
    referrers: string;
    campaigns: string;
    sources: string;
    landingPages: string;
    exitPages: string;
    url: string;
    host: string;
    country: string;
    campaign: string;
    source: string;
    pageviews: string;
    pageviewsVisitor: string;
    landings: string;
    landingsVisitor: string;
    exits: string;
    exitsVisitor: string;
    sessions: string;
    sessionsVisitor: string;
    pageDepth: string;
    showAll: string;
    showTop: string;
    empty: string;
    none: string;
    filterBy: string;
    removeFilter: string;
    filtered: string;
  };
  /** dashboard.md §2.11 */
  retention: {
    heading: string;
    cohort: string;
    initial: string;
    later7: string;
    later14: string;
    later21: string;
    earlier21: string;
    earlier14: string;
    earlier7: string;
  };
  /** dashboard.md §2.10 */
  live: {
    heading: string;
    activeUsers: string;
    activePages: string;
    url: string;
    visitors: string;
    empty: string;
  };
  /** Issue 4 item 5: CSV export of the events and of each table. */
  exportCsv: {
    events: string;
    /** Flash when the events to export could not be loaded. */
    eventsFailed: string;
    table: string;
    tableLabel: string;
  };
}
