import type { Strings } from './types.ts';

export const strings: Strings = {
  locale: 'de',
  banner: {
    consent: 'Wir greifen nur mit Ihrer Zustimmung auf Nutzungsdaten zu.',
    optOut: 'Sie können jederzeit widerrufen und Ihre Daten löschen.',
    learnMore: 'Mehr erfahren',
    allow: 'Ich stimme zu',
    deny: 'Ich stimme nicht zu',
    thanks: 'Danke, dass Sie helfen, diese Website zu verbessern.',
    manageBefore: 'Um Ihre Nutzungsdaten zu verwalten, ',
    manageLink: 'öffnen Sie das Auditorium',
    manageAfter: '.',
    continue: 'Weiter',
    label: 'Zustimmung zu Nutzungsdaten',
  },
};
