import type { DashboardSections } from './dashboard/types.ts';
import type { VisitorSections } from './visitor/types.ts';

// The strings of one locale. vendor.js of each locale sets self.__OFFEN_STRINGS__ to one of these
// (build.mjs); the auditorium issue adds its own section.
export interface Strings {
  locale: string;
  banner: {
    /** Initial screen (clients-and-crypto.md §3.4). */
    consent: string;
    optOut: string;
    learnMore: string;
    allow: string;
    deny: string;
    /** Follow-up screen: thanks, then "<before><a>link</a><after>" pointing at the Auditorium. */
    thanks: string;
    manageBefore: string;
    manageLink: string;
    manageAfter: string;
    continue: string;
    /** Accessible name of the banner region. */
    label: string;
  };
}

/**
 * The auditorium's UI strings (dashboard.md §6: every UI string in all six locales). Kept as a separate export
 * (`auditorium` in locales/<L>.ts) rather than a member of Strings, so the vault's vendor.js, which imports
 * `strings` only, does not grow by the auditorium's text: esbuild drops the unused export there.
 * `{name}` marks a value filled in by format() (auditorium/locale.ts); every locale has the same placeholders.
 * Sentences with a link inside are split into `…Before`, `…Link`, `…After`.
 */
export interface AuditoriumStrings extends DashboardSections, VisitorSections {
  layout: {
    appName: string;
    homeLink: string;
    footerAbout: string;
    footerIssueBefore: string;
    footerIssueLink: string;
    footerIssueAfter: string;
    loading: string;
    notifications: string;
    dismiss: string;
  };
  titles: {
    landing: string;
    login: string;
    auditorium: string;
    console: string;
    setup: string;
    forgotPassword: string;
    resetPassword: string;
    join: string;
    notFound: string;
  };
  error: { heading: string; description: string; details: string; reload: string };
  notFound: { heading: string; description: string; home: string };
  forms: {
    email: string;
    password: string;
    currentPassword: string;
    newPassword: string;
    repeatNewPassword: string;
    repeatPassword: string;
    passwordsMismatch: string;
    passwordTooShort: string;
    passwordTooLong: string;
    passwordHint: string;
    strength: string;
    strengthWeak: string;
    strengthLow: string;
    strengthOk: string;
    strengthStrong: string;
    strengthVeryStrong: string;
    confirmHint: string;
    confirm: string;
    cancel: string;
    working: string;
  };
  auth: { required: string };
  login: {
    heading: string;
    submit: string;
    failure: string;
    forgot: string;
    notOperatorBefore: string;
    notOperatorLink: string;
    notOperatorAfter: string;
    notSetUp: string;
    setupLink: string;
  };
  setup: {
    heading: string;
    preparing: string;
    intro: string;
    accountName: string;
    email: string;
    password: string;
    submit: string;
    alreadySetUp: string;
    success: string;
    failure: string;
  };
  forgotPassword: { heading: string; intro: string; submit: string; success: string; failure: string };
  resetPassword: { heading: string; intro: string; submit: string; failure: string };
  join: { heading: string; intro: string; submit: string; success: string; failure: string };
  console: {
    heading: string;
    loggedIn: string;
    admin: string;
    regular: string;
    openAccount: string;
    noAccounts: string;
    accountsHeading: string;
    accountsIntro: string;
    yourCredentials: string;
  };
  embed: { heading: string; intro: string; copy: string; copied: string; copyFailed: string; domainHint: string; label: string };
  share: {
    headingOne: string;
    headingAll: string;
    introOne: string;
    introAll: string;
    invitee: string;
    grantAdmin: string;
    grantAdminHint: string;
    submit: string;
    self: string;
    success: string;
    failure: string;
  };
  createAccount: { heading: string; name: string; submit: string; success: string; failure: string };
  retire: {
    heading: string;
    intro: string;
    danger: string;
    submit: string;
    confirmLabel: string;
    success: string;
    failure: string;
  };
  changeEmail: { heading: string; newEmail: string; currentEmail: string; submit: string; success: string; failure: string };
  changePassword: { heading: string; submit: string; success: string; failure: string };
  logout: { heading: string; submit: string; success: string; failure: string };
  styles: {
    heading: string;
    intro: string;
    editorLabel: string;
    placeholder: string;
    preview: string;
    apply: string;
    previewInitial: string;
    previewFollowup: string;
    valid: string;
    invalid: string;
    applied: string;
    cacheHint: string;
  };
  operator: {
    viewing: string;
    loading: string;
    noAccess: string;
    chooseAccount: string;
    consoleHeadline: string;
    consoleIntro: string;
    consoleLink: string;
    /** Contract 4 of issue 4: first-load progress, "Decrypting {done} of {total}…". */
    progress: string;
    updating: string;
    refreshFailed: string;
  };
  /** dashboard.md §1.3 item 12: awareness widgets. `alt` is also the text in the widget SVGs (tools/widgets.mjs). */
  widgets: {
    heading: string;
    intro: string;
    linkLabel: string;
    copyLink: string;
    linkCopied: string;
    widgetLegend: string;
    bar: string;
    box: string;
    circle: string;
    preview: string;
    codeLabel: string;
    copyWidget: string;
    widgetCopied: string;
    copyFailed: string;
    alt: string;
  };
  landing: { heading: string; operatorHeading: string; operatorLogin: string };
  user: { heading: string };
}
