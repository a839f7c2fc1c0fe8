import type { Strings } from './types.ts';

export const strings: Strings = {
  locale: 'fr',
  banner: {
    consent: "Nous n'accédons aux données d'utilisation qu'avec votre consentement.",
    optOut: 'Vous pouvez vous désinscrire et tout supprimer à tout moment.',
    learnMore: 'En savoir plus',
    allow: "J'accepte",
    deny: "Je n'accepte pas",
    thanks: "Merci de nous aider à améliorer ce site web.",
    manageBefore: "Pour gérer vos données d'utilisation, ",
    manageLink: "ouvrez l'Auditorium",
    manageAfter: '.',
    continue: 'Continuer',
    label: "Consentement aux données d'utilisation",
  },
};
