import type { Strings } from './types.ts';

export const strings: Strings = {
  locale: 'pt',
  banner: {
    consent: 'Só acedemos aos dados de utilização com o seu consentimento.',
    optOut: 'Pode retirar o consentimento e apagar os dados a qualquer momento.',
    learnMore: 'Saber mais',
    allow: 'Eu aceito',
    deny: 'Não aceito',
    thanks: 'Obrigado por nos ajudar a melhorar este site.',
    manageBefore: 'Para gerir os seus dados de utilização, ',
    manageLink: 'abra o Auditorium',
    manageAfter: '.',
    continue: 'Continuar',
    label: 'Consentimento para dados de utilização',
  },
};
