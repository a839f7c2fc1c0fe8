import type { VisitorSections } from './types.ts';

export const visitor: VisitorSections = {
  landingPage: {
    checking: 'Comprobando tu estado de consentimiento…',
    optedIn: 'Has dado tu consentimiento.',
    optedOut: 'Has rechazado el consentimiento.',
    cookiesBlocked: 'Parece que tu navegador está bloqueando las cookies.',
    headerHeading: 'Tus datos de uso',
    blockedText:
      'Offen Fair Web Analytics necesita cookies para recordar tu decisión y mostrarte tus propios datos. Permite las cookies para este sitio en la configuración de tu navegador si quieres dar tu consentimiento.',
    manage: 'Gestiona los datos de uso que este sitio web ha recopilado sobre ti.',
    openAuditorium: 'Abrir el Auditorium',
    explanation:
      'Este sitio web usa Offen Fair Web Analytics para entender cómo se utiliza. Solo se accede a los datos de uso con tu consentimiento, y puedes revisarlos o eliminarlos en cualquier momento.',
    optIn: 'Acepto',
    optOut: 'No acepto',
  },
  faq: {
    heading: 'Preguntas frecuentes',
    reviewQuestion: '¿Cómo puedo revisar y eliminar mis datos de uso (o retirar mi consentimiento)?',
    reviewOptedInBefore: 'Puedes ',
    reviewOptedInLink: 'abrir el Auditorium',
    reviewOptedInAfter: ' para revisar tus datos de uso, eliminarlos o retirar tu consentimiento en cualquier momento.',
    reviewNotOptedIn:
      'No se recopila nada hasta que das tu consentimiento con los botones de la parte superior de esta página. Después, esta página te lleva al Auditorium, donde puedes revisar y eliminar tus datos o retirar tu consentimiento.',
    collectedQuestion: '¿Qué datos se recopilan?',
    collectedAnswer:
      'Las páginas que visitas y cuándo, la página que te trajo aquí, cuánto tardó en cargar la primera página, si tu dispositivo es móvil y el país que se deduce de tu zona horaria.',
    notCollectedQuestion: '¿Qué datos no se recopilan?',
    notCollectedAnswer:
      'Ninguna dirección IP, ningún user agent, ninguna huella del navegador, ningún tamaño de pantalla, ningún clic ni texto escrito, y nada en absoluto antes de que des tu consentimiento.',
    handlingQuestion: '¿Cómo se tratan mis datos?',
    handlingAnswer:
      'Tus datos de uso se cifran en tu navegador antes de enviarse, así que están cifrados de extremo a extremo: solo tú y el operador del sitio web podéis leerlos. Se eliminan automáticamente después de 6 meses como máximo, y puedes eliminarlos tú mismo en cualquier momento.',
    whyQuestion: '¿Por qué aceptar o rechazar?',
    whyAnswer:
      'Tu consentimiento ayuda al operador a entender cómo se usa el sitio web y a mejorarlo, mientras tus datos siguen siendo privados y bajo tu control. Si rechazas, no se recopila nada sobre ti y el sitio funciona igual.',
    cookiesQuestion: '¿Usáis cookies?',
    cookiesAnswer:
      'Sí, solo para recordar tu decisión y, si aceptas, un ID aleatorio que une tus páginas vistas y te da acceso a tus propios datos. Sin cookies no se recopila nada.',
    howQuestion: '¿Cómo funciona todo esto?',
    howAnswer:
      'Offen funciona en un pequeño marco invisible del sitio web. Con tu consentimiento, registra cada página vista, la cifra en tu navegador y la envía al servidor. En el Auditorium, tu navegador descarga y descifra tus propios datos; el servidor nunca los ve en texto claro.',
  },
  userAuditorium: {
    heading: 'Auditorium de usuario',
    checking: 'Comprobando tu estado de consentimiento…',
    fetching: 'Obteniendo y descifrando los datos más recientes…',
    intro:
      'Estos son los datos de uso que los sitios web de esta instalación de Offen han recopilado sobre ti, descifrados en tu navegador. Solo tú puedes ver esta vista.',
    empty:
      'En este navegador no hay datos de uso sobre ti. Aparecerán aquí cuando hayas dado tu consentimiento y visitado un sitio web que use esta instalación de Offen.',
  },
  privacy: {
    heading: 'Privacidad',
    optedIn: 'Has dado tu consentimiento: los sitios web de esta instalación de Offen pueden recopilar tus datos de uso.',
    notOptedIn: 'No has dado tu consentimiento: no se recopila ningún dato de uso sobre ti.',
    optOut: 'Retirar el consentimiento y eliminar los datos de uso',
    purge: 'Mantener el consentimiento, solo eliminar los datos de uso',
    optIn: 'Dar el consentimiento y el acceso a tus datos de uso',
    purged: 'Tus datos de uso se han eliminado.',
    bookmark: 'Para revisar tus datos a lo largo del tiempo, guarda esta página en tus marcadores.',
  },
  download: {
    button: 'Descargar mis datos',
    hint: 'Un archivo JSON con cada página vista registrada sobre ti, descifrada en este navegador.',
  },
  onboarding: {
    label: 'Introducción al Auditorium',
    slide1Title: 'Lo que {domain} sabe de ti',
    visits: 'Has visitado {domain} {count} veces.',
    firstVisit: 'Probablemente es la primera vez que visitas {domain}.',
    referrer: 'Llegaste a través de {referrer}.',
    location: 'Probablemente te encuentras en {country}.',
    mobile: 'Lo más probable es que uses un dispositivo móvil.',
    desktop: 'Lo más probable es que uses un ordenador de escritorio.',
    slide2Title: 'Tus datos siempre son tuyos',
    slide2Text:
      'Tus datos de uso se cifran en tu navegador antes de enviarse. Solo tú y el operador del sitio web podéis leerlos, y puedes eliminarlos en cualquier momento.',
    slide2Explainer: 'Donde veas el icono amarillo «e», selecciónalo para leer qué significa un número.',
    slide3Title: 'Guarda esta página en tus marcadores',
    slide3Text: 'Vuelve cuando quieras para revisar o eliminar tus datos de uso. Con un marcador encontrarás esta página de nuevo.',
    skip: 'Omitir',
    next: 'Siguiente',
    open: 'Abrir el Auditorium',
    slides: 'Diapositivas',
    slideOf: 'Diapositiva {current} de {total}',
  },
  explainers: {
    iconLabel: 'Explicación: {topic}',
    related: 'Términos relacionados:',
    rangeTitle: 'Periodo',
    range: 'Elige el periodo para el que se calculan las cifras de abajo. Las horas se muestran en tu propia zona horaria. Los datos se guardan como máximo 6 meses.',
    chartTitle: 'Páginas vistas y sitios web',
    chart:
      'Cada barra muestra cuántas páginas viste en ese intervalo. La parte oscura es el número de sitios web distintos que visitaste; la parte clara de encima completa el resto de tus páginas vistas.',
    metricsTitle: 'Métricas clave',
    metrics: 'Las cifras clave de tus visitas en el periodo elegido, calculadas en tu navegador solo a partir de tus propios datos.',
    uniqueAccountsTitle: 'Sitios web únicos',
    uniqueAccounts: 'Cuántos sitios web distintos de esta instalación de Offen visitaste en el periodo elegido.',
    uniqueSessionsTitle: 'Sesiones únicas',
    uniqueSessions: 'Cuántas visitas separadas hiciste. Una sesión dura hasta que cierras el navegador, y cada sitio web cuenta las suyas.',
    avgPageDepthTitle: 'Profundidad media de página',
    avgPageDepth: 'Cuántas páginas viste de media por sesión.',
    bounceRateTitle: 'Tasa de rebote',
    bounceRate: 'La proporción de tus sesiones en las que viste una sola página. No se mide cuánto tiempo te quedaste.',
    mobileShareTitle: 'Usuario móvil',
    mobileShare:
      'Sí, si alguna de tus páginas vistas del periodo elegido vino de un dispositivo móvil. Se detecta por una función del navegador, no por tu user agent.',
    avgPageloadTitle: 'Tiempo medio de carga',
    avgPageload:
      'Cuánto tardaron de media en cargar las páginas que abriste. Solo se mide la primera página de una visita; las páginas que cambian sin recargar no cuentan.',
    tablesTitle: 'Páginas principales',
    tables: 'Tus páginas vistas desglosadas por página, país, referente y campaña. Usa las pestañas para cambiar de tabla.',
    pagesTitle: 'Páginas',
    pages: 'Las páginas que más viste, contadas por página vista. Los parámetros de consulta y los #fragmentos se quitan de la dirección.',
    geoTitle: 'Ubicación',
    geo: 'El país en el que probablemente estabas, deducido de la zona horaria de tu navegador y no de tu dirección IP. Contado por sesión.',
    referrersTitle: 'Referentes',
    referrers:
      'Los sitios web que te enlazaron a una página, contados por sesión. Solo cuenta la primera página de una sesión, y los enlaces dentro del mismo sitio no son referentes.',
    campaignsTitle: 'Campañas',
    campaigns: 'Sesiones que empezaron con un enlace marcado con utm_campaign, agrupadas por su valor.',
    sourcesTitle: 'Fuentes',
    sources: 'Sesiones que empezaron con un enlace marcado con utm_source, agrupadas por su valor.',
    landingPagesTitle: 'Páginas de entrada',
    landingPages: 'La primera página de cada una de tus sesiones.',
    exitPagesTitle: 'Páginas de salida',
    exitPages: 'La última página de cada sesión en la que viste al menos dos páginas.',
    retentionTitle: 'Retención semanal',
    retention:
      'Si volviste: cada fila empieza con una semana en la que estuviste activo y muestra si volviste en las semanas siguientes. Las cuatro semanas siempre terminan hoy, sea cual sea el periodo elegido.',
  },
  glossary: {
    heading: 'Términos básicos',
    auditorium: 'Auditorium (tu vista de datos)',
    auditoriumText:
      'El lugar donde puedes revisar, descargar y eliminar los datos de uso que los sitios web de esta instalación de Offen han recopilado sobre ti.',
    installation: 'Instalación de Offen',
    installationText: 'Un servidor que ejecuta Offen Fair Web Analytics. Puede dar servicio a varios sitios web; este Auditorium muestra tus datos de todos ellos.',
    cookies: 'Cookies (galletas)',
    cookiesText:
      'Pequeños fragmentos de texto que tu navegador guarda para un sitio web. Offen solo los usa para recordar tu decisión y el ID aleatorio que une tus páginas vistas.',
    operator: 'Operador',
    operatorText: 'La persona u organización que gestiona un sitio web que usa Offen. Los operadores ven los datos de uso seudónimos de todas las personas que aceptaron.',
    uniqueUser: 'Usuario único',
    uniqueUserText:
      'Cada visitante se cuenta una vez por sitio web, mediante un ID aleatorio guardado en una cookie. Si borras tus cookies, cuentas como un usuario nuevo.',
    uniqueSession: 'Sesión única',
    uniqueSessionText: 'Todas las páginas vistas en un sitio web desde la primera hasta que cierras el navegador.',
    uuid: 'Identificador (UUID v4)',
    uuidText:
      'Un identificador aleatorio como 0f8fad5b-d9cb-469f-a165-70867728950e. No revela nada sobre ti; Offen usa estos identificadores para usuarios y sesiones.',
  },
};
