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
