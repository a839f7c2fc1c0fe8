// The visitor screens' strings: top-level sections merged into AuditoriumStrings (../types.ts), kept in their
// own files so that each part of the auditorium owns its text. Every section is a flat object of strings.
// `{name}` marks a value filled in by format() (or formatNodes() where the value is emphasised).

/** `/`, the visitor landing page (dashboard.md §1.1). */
export interface LandingPageStrings {
  checking: string;
  optedIn: string;
  optedOut: string;
  cookiesBlocked: string;
  headerHeading: string;
  blockedText: string;
  manage: string;
  openAuditorium: string;
  explanation: string;
  optIn: string;
  optOut: string;
}

/** The FAQ of the landing page (§1.1, seven questions) and of the User Auditorium (§5.3, the last six). */
export interface FaqStrings {
  heading: string;
  reviewQuestion: string;
  reviewOptedInBefore: string;
  reviewOptedInLink: string;
  reviewOptedInAfter: string;
  reviewNotOptedIn: string;
  collectedQuestion: string;
  collectedAnswer: string;
  notCollectedQuestion: string;
  notCollectedAnswer: string;
  handlingQuestion: string;
  handlingAnswer: string;
  whyQuestion: string;
  whyAnswer: string;
  cookiesQuestion: string;
  cookiesAnswer: string;
  howQuestion: string;
  howAnswer: string;
}

/** `/auditorium/` (§1.10, §5.3): loading states, intro, empty state. */
export interface UserAuditoriumStrings {
  heading: string;
  checking: string;
  fetching: string;
  intro: string;
  empty: string;
}

/** The privacy panel of the User Auditorium (§5.3). */
export interface PrivacyStrings {
  heading: string;
  optedIn: string;
  notOptedIn: string;
  optOut: string;
  purge: string;
  optIn: string;
  purged: string;
  bookmark: string;
}

/** "Download my data" (spec README: visitors can download their own data as JSON). */
export interface DownloadStrings {
  button: string;
  hint: string;
}

/** The 3-slide onboarding (§5.3). */
export interface OnboardingStrings {
  label: string;
  slide1Title: string;
  visits: string;
  firstVisit: string;
  referrer: string;
  location: string;
  mobile: string;
  desktop: string;
  slide2Title: string;
  slide2Text: string;
  slide2Explainer: string;
  slide3Title: string;
  slide3Text: string;
  skip: string;
  next: string;
  open: string;
  slides: string;
  slideOf: string;
}

/** The explainers of the visitor view (§5.3): a title and a text per ExplainerKey the visitor sees. */
export interface ExplainerStrings {
  iconLabel: string;
  related: string;
  rangeTitle: string;
  range: string;
  chartTitle: string;
  chart: string;
  metricsTitle: string;
  metrics: string;
  uniqueAccountsTitle: string;
  uniqueAccounts: string;
  uniqueSessionsTitle: string;
  uniqueSessions: string;
  avgPageDepthTitle: string;
  avgPageDepth: string;
  bounceRateTitle: string;
  bounceRate: string;
  mobileShareTitle: string;
  mobileShare: string;
  avgPageloadTitle: string;
  avgPageload: string;
  tablesTitle: string;
  tables: string;
  pagesTitle: string;
  pages: string;
  geoTitle: string;
  geo: string;
  referrersTitle: string;
  referrers: string;
  campaignsTitle: string;
  campaigns: string;
  sourcesTitle: string;
  sources: string;
  landingPagesTitle: string;
  landingPages: string;
  exitPagesTitle: string;
  exitPages: string;
  retentionTitle: string;
  retention: string;
}

/** The Basic Terms glossary (§5.3), anchored and linked from the explainers. */
export interface GlossaryStrings {
  heading: string;
  auditorium: string;
  auditoriumText: string;
  installation: string;
  installationText: string;
  cookies: string;
  cookiesText: string;
  operator: string;
  operatorText: string;
  uniqueUser: string;
  uniqueUserText: string;
  uniqueSession: string;
  uniqueSessionText: string;
  uuid: string;
  uuidText: string;
}

export interface VisitorSections {
  landingPage: LandingPageStrings;
  faq: FaqStrings;
  userAuditorium: UserAuditoriumStrings;
  privacy: PrivacyStrings;
  download: DownloadStrings;
  onboarding: OnboardingStrings;
  explainers: ExplainerStrings;
  glossary: GlossaryStrings;
}
