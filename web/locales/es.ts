import type { Strings } from './types.ts';

export const strings: Strings = {
  locale: 'es',
  banner: {
    consent: 'Solo accedemos a los datos de uso con su consentimiento.',
    optOut: 'Puede retirarlo y borrar sus datos en cualquier momento.',
    learnMore: 'Más información',
    allow: 'Acepto',
    deny: 'No acepto',
    thanks: 'Gracias por ayudarnos a mejorar este sitio web.',
    manageBefore: 'Para gestionar sus datos de uso, ',
    manageLink: 'abra el Auditorium',
    manageAfter: '.',
    continue: 'Continuar',
    label: 'Consentimiento para los datos de uso',
  },
};
