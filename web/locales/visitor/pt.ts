import type { VisitorSections } from './types.ts';

export const visitor: VisitorSections = {
  landingPage: {
    checking: 'A verificar o seu estado de consentimento…',
    optedIn: 'Deu o seu consentimento.',
    optedOut: 'Recusou o consentimento.',
    cookiesBlocked: 'Parece que o seu navegador está a bloquear cookies.',
    headerHeading: 'Os seus dados de utilização',
    blockedText:
      'O Offen Fair Web Analytics precisa de cookies para se lembrar da sua decisão e lhe mostrar os seus próprios dados. Permita cookies para este site nas definições do navegador se quiser dar o seu consentimento.',
    manage: 'Gira os dados de utilização que este site recolheu sobre si.',
    openAuditorium: 'Abrir o Auditorium',
    explanation:
      'Este site usa o Offen Fair Web Analytics para perceber como é utilizado. Os dados de utilização só são acedidos com o seu consentimento, e pode consultá-los ou apagá-los a qualquer momento.',
    optIn: 'Eu aceito',
    optOut: 'Não aceito',
  },
  faq: {
    heading: 'Perguntas frequentes',
    reviewQuestion: 'Como posso consultar e apagar os meus dados de utilização (ou retirar o consentimento)?',
    reviewOptedInBefore: 'Pode ',
    reviewOptedInLink: 'abrir o Auditorium',
    reviewOptedInAfter: ' para consultar os seus dados de utilização, apagá-los ou retirar o consentimento a qualquer momento.',
    reviewNotOptedIn:
      'Nada é recolhido antes de dar o seu consentimento com os botões no topo desta página. Depois, esta página leva-o ao Auditorium, onde pode consultar e apagar os seus dados ou retirar o consentimento.',
    collectedQuestion: 'Que dados são recolhidos?',
    collectedAnswer:
      'As páginas que visita e quando, a página que o trouxe até aqui, quanto tempo a primeira página demorou a carregar, se o seu dispositivo é móvel e o país deduzido do seu fuso horário.',
    notCollectedQuestion: 'Que dados não são recolhidos?',
    notCollectedAnswer:
      'Nenhum endereço IP, nenhum user agent, nenhuma impressão digital do navegador, nenhum tamanho de ecrã, nenhum clique ou texto escrito, e nada antes de dar o seu consentimento.',
    handlingQuestion: 'Como são tratados os meus dados?',
    handlingAnswer:
      'Os seus dados de utilização são cifrados no seu navegador antes de serem enviados, ou seja, cifrados de ponta a ponta: só o utilizador e o operador do site os podem ler. São apagados automaticamente ao fim de 6 meses no máximo, e pode apagá-los a qualquer momento.',
    whyQuestion: 'Porquê aceitar ou recusar?',
    whyAnswer:
      'O seu consentimento ajuda o operador a perceber como o site é usado e a melhorá-lo, enquanto os seus dados continuam privados e sob o seu controlo. Se recusar, nada é recolhido sobre si e o site funciona da mesma forma.',
    cookiesQuestion: 'Usam cookies?',
    cookiesAnswer:
      'Sim, apenas para lembrar a sua decisão e, se aceitar, um ID aleatório que liga as suas visualizações de página e lhe dá acesso aos seus próprios dados. Sem cookies nada é recolhido.',
    howQuestion: 'Como funciona tudo isto?',
    howAnswer:
      'O Offen funciona numa pequena moldura invisível no site. Com o seu consentimento, regista cada visualização de página, cifra-a no seu navegador e envia-a para o servidor. No Auditorium, o seu navegador descarrega e decifra os seus próprios dados; o servidor nunca os vê em texto simples.',
  },
  userAuditorium: {
    heading: 'Auditorium do utilizador',
    checking: 'A verificar o seu estado de consentimento…',
    fetching: 'A obter e a decifrar os dados mais recentes…',
    intro:
      'Estes são os dados de utilização que os sites desta instalação do Offen recolheram sobre si, decifrados no seu navegador. Só o utilizador pode ver esta página.',
    empty:
      'Não há dados de utilização sobre si neste navegador. Os dados aparecem aqui depois de dar o seu consentimento e visitar um site que use esta instalação do Offen.',
  },
  privacy: {
    heading: 'Privacidade',
    optedIn: 'Deu o seu consentimento: os sites desta instalação do Offen podem recolher os seus dados de utilização.',
    notOptedIn: 'Não deu o seu consentimento: não são recolhidos dados de utilização sobre si.',
    optOut: 'Retirar o consentimento e apagar os dados de utilização',
    purge: 'Manter o consentimento, apagar só os dados de utilização',
    optIn: 'Dar o consentimento e o acesso aos seus dados de utilização',
    purged: 'Os seus dados de utilização foram apagados.',
    bookmark: 'Para consultar os seus dados ao longo do tempo, adicione esta página aos marcadores.',
  },
  download: {
    button: 'Descarregar os meus dados',
    hint: 'Um ficheiro JSON com todas as visualizações de página registadas sobre si, decifradas neste navegador.',
  },
  onboarding: {
    label: 'Introdução ao Auditorium',
    slide1Title: 'O que {domain} sabe sobre si',
    visits: 'Visitou {domain} {count} vezes.',
    firstVisit: 'Provavelmente é a primeira vez que visita {domain}.',
    referrer: 'Chegou através de {referrer}.',
    location: 'Provavelmente encontra-se em {country}.',
    mobile: 'O mais provável é estar num dispositivo móvel.',
    desktop: 'O mais provável é estar num computador de secretária.',
    slide2Title: 'Os seus dados são sempre seus',
    slide2Text:
      'Os seus dados de utilização são cifrados no seu navegador antes de serem enviados. Só o utilizador e o operador do site os podem ler, e pode apagá-los a qualquer momento.',
    slide2Explainer: 'Onde vir o ícone amarelo «e», selecione-o para ler o que significa um número.',
    slide3Title: 'Adicione esta página aos marcadores',
    slide3Text: 'Volte quando quiser para consultar ou apagar os seus dados de utilização. Com um marcador encontra esta página outra vez.',
    skip: 'Saltar',
    next: 'Seguinte',
    open: 'Abrir o Auditorium',
    slides: 'Diapositivos',
    slideOf: 'Diapositivo {current} de {total}',
  },
  explainers: {
    iconLabel: 'Explicação: {topic}',
    related: 'Termos relacionados:',
    rangeTitle: 'Período',
    range: 'Escolha o período para o qual os números abaixo são calculados. As horas são mostradas no seu próprio fuso horário. Os dados são guardados durante 6 meses no máximo.',
    chartTitle: 'Visualizações de página e sites',
    chart:
      'Cada barra mostra quantas páginas viu nesse intervalo. A parte escura é o número de sites diferentes que visitou; a parte clara por cima completa o resto das suas visualizações de página.',
    metricsTitle: 'Métricas principais',
    metrics: 'Os números principais das suas visitas no período escolhido, calculados no seu navegador apenas a partir dos seus próprios dados.',
    uniqueAccountsTitle: 'Sites únicos',
    uniqueAccounts: 'Quantos sites diferentes desta instalação do Offen visitou no período escolhido.',
    uniqueSessionsTitle: 'Sessões únicas',
    uniqueSessions: 'Quantas visitas separadas fez. Uma sessão dura até fechar o navegador, e cada site conta as suas.',
    avgPageDepthTitle: 'Profundidade média de página',
    avgPageDepth: 'Quantas páginas viu em média por sessão.',
    bounceRateTitle: 'Taxa de rejeição',
    bounceRate: 'A proporção das suas sessões em que viu apenas uma página. Quanto tempo ficou não é medido.',
    mobileShareTitle: 'Utilizador móvel',
    mobileShare:
      'Sim, se alguma das suas visualizações de página no período escolhido veio de um dispositivo móvel. Isto é detetado por uma funcionalidade do navegador, não pelo seu user agent.',
    avgPageloadTitle: 'Tempo médio de carregamento',
    avgPageload:
      'Quanto tempo as páginas que abriu demoraram em média a carregar. Só a primeira página de uma visita é medida; páginas que mudam sem recarregar ficam de fora.',
    tablesTitle: 'Páginas principais',
    tables: 'As suas visualizações de página divididas por página, país, referenciador e campanha. Use os separadores para mudar de tabela.',
    pagesTitle: 'Páginas',
    pages: 'As páginas que mais viu, contadas por visualização. Parâmetros de consulta e #fragmentos são retirados do endereço.',
    geoTitle: 'Localização',
    geo: 'O país onde provavelmente estava, deduzido do fuso horário do seu navegador e não do seu endereço IP. Contado por sessão.',
    referrersTitle: 'Referenciadores',
    referrers:
      'Os sites que o levaram a uma página, contados por sessão. Só conta a primeira página de uma sessão, e as ligações dentro do mesmo site não são referenciadores.',
    campaignsTitle: 'Campanhas',
    campaigns: 'Sessões que começaram com uma ligação marcada com utm_campaign, agrupadas pelo seu valor.',
    sourcesTitle: 'Fontes',
    sources: 'Sessões que começaram com uma ligação marcada com utm_source, agrupadas pelo seu valor.',
    landingPagesTitle: 'Páginas de entrada',
    landingPages: 'A primeira página de cada uma das suas sessões.',
    exitPagesTitle: 'Páginas de saída',
    exitPages: 'A última página de cada sessão em que viu pelo menos duas páginas.',
    retentionTitle: 'Retenção semanal',
    retention:
      'Se voltou: cada linha começa com uma semana em que esteve ativo e mostra se voltou nas semanas seguintes. As quatro semanas terminam sempre hoje, seja qual for o período escolhido.',
  },
  glossary: {
    heading: 'Termos básicos',
    auditorium: 'Auditorium (a sua vista de dados)',
    auditoriumText:
      'O local onde pode consultar, descarregar e apagar os dados de utilização que os sites desta instalação do Offen recolheram sobre si.',
    installation: 'Instalação do Offen',
    installationText: 'Um servidor que executa o Offen Fair Web Analytics. Pode servir vários sites; este Auditorium mostra os seus dados de todos eles.',
    cookies: 'Cookies (testemunhos)',
    cookiesText:
      'Pequenos pedaços de texto que o seu navegador guarda para um site. O Offen só os usa para lembrar a sua decisão e o ID aleatório que liga as suas visualizações de página.',
    operator: 'Operador',
    operatorText: 'A pessoa ou organização que gere um site que usa o Offen. Os operadores veem os dados de utilização pseudónimos de todas as pessoas que aceitaram.',
    uniqueUser: 'Utilizador único',
    uniqueUserText:
      'Cada visitante é contado uma vez por site, através de um ID aleatório guardado num cookie. Se apagar os seus cookies, conta como um novo utilizador.',
    uniqueSession: 'Sessão única',
    uniqueSessionText: 'Todas as visualizações de página num site, da primeira até fechar o navegador.',
    uuid: 'Identificador (UUID v4)',
    uuidText:
      'Um identificador aleatório como 0f8fad5b-d9cb-469f-a165-70867728950e. Não revela nada sobre si; o Offen usa estes identificadores para utilizadores e sessões.',
  },
};
