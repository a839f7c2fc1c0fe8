import type { Strings } from './types.ts';

export const strings: Strings = {
  locale: 'en',
  banner: {
    consent: 'We only access usage data with your consent.',
    optOut: 'You can opt out and delete any time.',
    learnMore: 'Learn more',
    allow: 'I allow',
    deny: "I don't allow",
    thanks: 'Thanks for your help to make this website better.',
    manageBefore: 'To manage your usage data ',
    manageLink: 'open the Auditorium',
    manageAfter: '.',
    continue: 'Continue',
    label: 'Consent to usage data',
  },
};
