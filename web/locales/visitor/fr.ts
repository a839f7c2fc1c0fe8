import type { VisitorSections } from './types.ts';

export const visitor: VisitorSections = {
  landingPage: {
    checking: 'Vérification de votre consentement…',
    optedIn: 'Vous avez donné votre accord.',
    optedOut: 'Vous avez refusé.',
    cookiesBlocked: 'Il semble que votre navigateur bloque les cookies.',
    headerHeading: 'Vos données d’utilisation',
    blockedText:
      'Offen Fair Web Analytics a besoin de cookies pour retenir votre décision et vous montrer vos propres données. Autorisez les cookies pour ce site dans les réglages de votre navigateur si vous souhaitez donner votre accord.',
    manage: 'Gérez les données d’utilisation que ce site a collectées à votre sujet.',
    openAuditorium: 'Ouvrir l’Auditorium',
    explanation:
      'Ce site utilise Offen Fair Web Analytics pour comprendre comment il est utilisé. Les données d’utilisation ne sont consultées qu’avec votre accord, et vous pouvez les consulter ou les supprimer à tout moment.',
    optIn: "J'accepte",
    optOut: "Je n'accepte pas",
  },
  faq: {
    heading: 'Questions fréquentes',
    reviewQuestion: 'Comment consulter et supprimer mes données d’utilisation (ou retirer mon accord) ?',
    reviewOptedInBefore: 'Vous pouvez ',
    reviewOptedInLink: 'ouvrir l’Auditorium',
    reviewOptedInAfter: ' pour consulter vos données d’utilisation, les supprimer ou retirer votre accord à tout moment.',
    reviewNotOptedIn:
      'Rien n’est collecté avant que vous donniez votre accord avec les boutons en haut de cette page. Ensuite, cette page vous mène à l’Auditorium, où vous pouvez consulter et supprimer vos données ou retirer votre accord.',
    collectedQuestion: 'Quelles données sont collectées ?',
    collectedAnswer:
      'Les pages que vous consultez et à quel moment, la page qui vous a amené ici, le temps de chargement de la première page, si votre appareil est mobile, et le pays déduit de votre fuseau horaire.',
    notCollectedQuestion: 'Quelles données ne sont pas collectées ?',
    notCollectedAnswer:
      'Aucune adresse IP, aucun user agent, aucune empreinte du navigateur, aucune taille d’écran, aucun clic ni saisie, et rien du tout avant votre accord.',
    handlingQuestion: 'Comment mes données sont-elles traitées ?',
    handlingAnswer:
      'Vos données d’utilisation sont chiffrées dans votre navigateur avant d’être envoyées ; elles sont donc chiffrées de bout en bout : seuls vous et l’opérateur du site pouvez les lire. Elles sont supprimées automatiquement après 6 mois au plus, et vous pouvez les supprimer vous-même à tout moment.',
    whyQuestion: 'Pourquoi accepter ou refuser ?',
    whyAnswer:
      'Votre accord aide l’opérateur à comprendre comment le site est utilisé et à l’améliorer, tandis que vos données restent privées et sous votre contrôle. Si vous refusez, rien n’est collecté à votre sujet et le site fonctionne de la même façon.',
    cookiesQuestion: 'Utilisez-vous des cookies ?',
    cookiesAnswer:
      'Oui, uniquement pour retenir votre décision et, si vous acceptez, un identifiant aléatoire qui relie vos pages vues et vous donne accès à vos propres données. Sans cookies, rien n’est collecté.',
    howQuestion: 'Comment tout cela fonctionne-t-il ?',
    howAnswer:
      'Offen fonctionne dans un petit cadre invisible sur le site. Avec votre accord, il enregistre chaque page vue, la chiffre dans votre navigateur et l’envoie au serveur. Dans l’Auditorium, votre navigateur télécharge et déchiffre vos propres données ; le serveur ne les voit jamais en clair.',
  },
  userAuditorium: {
    heading: 'Auditorium utilisateur',
    checking: 'Vérification de votre consentement…',
    fetching: 'Récupération et déchiffrement des dernières données…',
    intro:
      'Voici les données d’utilisation que les sites de cette installation Offen ont collectées à votre sujet, déchiffrées dans votre navigateur. Vous seul pouvez voir cette page.',
    empty:
      'Ce navigateur ne contient aucune donnée d’utilisation à votre sujet. Des données apparaîtront ici dès que vous aurez donné votre accord et visité un site qui utilise cette installation Offen.',
  },
  privacy: {
    heading: 'Confidentialité',
    optedIn: 'Vous avez donné votre accord : les sites de cette installation Offen peuvent collecter vos données d’utilisation.',
    notOptedIn: 'Vous n’avez pas donné votre accord : aucune donnée d’utilisation n’est collectée à votre sujet.',
    optOut: 'Retirer mon accord et supprimer les données',
    purge: 'Garder mon accord, supprimer seulement les données',
    optIn: 'Donner mon accord et l’accès à mes données d’utilisation',
    purged: 'Vos données d’utilisation ont été supprimées.',
    bookmark: 'Pour suivre vos données au fil du temps, ajoutez cette page à vos favoris.',
  },
  download: {
    button: 'Télécharger mes données',
    hint: 'Un fichier JSON contenant chaque page vue enregistrée à votre sujet, déchiffrée dans ce navigateur.',
  },
  onboarding: {
    label: 'Présentation de l’Auditorium',
    slide1Title: 'Ce que {domain} sait de vous',
    visits: 'Vous avez visité {domain} {count} fois.',
    firstVisit: 'C’est probablement votre première visite sur {domain}.',
    referrer: 'Vous êtes arrivé via {referrer}.',
    location: 'Vous êtes probablement situé dans ce pays : {country}.',
    mobile: 'Vous utilisez très probablement un appareil mobile.',
    desktop: 'Vous utilisez très probablement un ordinateur de bureau.',
    slide2Title: 'Vos données restent toujours les vôtres',
    slide2Text:
      'Vos données d’utilisation sont chiffrées dans votre navigateur avant d’être envoyées. Seuls vous et l’opérateur du site pouvez les lire, et vous pouvez les supprimer à tout moment.',
    slide2Explainer: 'Partout où vous voyez l’icône jaune « e », sélectionnez-la pour lire ce que signifie un chiffre.',
    slide3Title: 'Ajoutez cette page à vos favoris',
    slide3Text: 'Revenez à tout moment pour consulter ou supprimer vos données d’utilisation. Un favori vous permet de retrouver cette page.',
    skip: 'Passer',
    next: 'Suivant',
    open: 'Ouvrir l’Auditorium',
    slides: 'Diapositives',
    slideOf: 'Diapositive {current} sur {total}',
  },
  explainers: {
    iconLabel: 'Explication : {topic}',
    related: 'Termes associés :',
    rangeTitle: 'Période',
    range:
      'Choisissez la période pour laquelle les chiffres ci-dessous sont calculés. Les heures sont affichées dans votre propre fuseau horaire. Les données sont conservées 6 mois au plus.',
    chartTitle: 'Pages vues et sites',
    chart:
      'Chaque barre indique combien de pages vous avez consultées pendant cet intervalle. La partie foncée est le nombre de sites différents que vous avez visités ; la partie claire au-dessus complète le reste de vos pages vues.',
    metricsTitle: 'Indicateurs clés',
    metrics: 'Les chiffres clés de vos visites pendant la période choisie, calculés dans votre navigateur à partir de vos seules données.',
    uniqueAccountsTitle: 'Sites uniques',
    uniqueAccounts: 'Le nombre de sites différents de cette installation Offen que vous avez visités pendant la période choisie.',
    uniqueSessionsTitle: 'Sessions uniques',
    uniqueSessions: 'Le nombre de visites distinctes que vous avez faites. Une session dure jusqu’à la fermeture de votre navigateur, et chaque site compte les siennes.',
    avgPageDepthTitle: 'Profondeur de page moy.',
    avgPageDepth: 'Le nombre moyen de pages que vous avez consultées par session.',
    bounceRateTitle: 'Taux de rebond',
    bounceRate: 'La part de vos sessions où vous n’avez consulté qu’une seule page. La durée de votre visite n’est pas mesurée.',
    mobileShareTitle: 'Utilisateur mobile',
    mobileShare:
      'Oui si l’une de vos pages vues de la période choisie provenait d’un appareil mobile. Cela est détecté par une fonction du navigateur, pas par votre user agent.',
    avgPageloadTitle: 'Temps de chargement moy.',
    avgPageload:
      'Le temps moyen de chargement des pages que vous avez ouvertes. Seule la première page d’une visite est mesurée ; les pages qui changent sans rechargement sont ignorées.',
    tablesTitle: 'Pages principales',
    tables: 'Vos pages vues réparties par page, pays, référent et campagne. Utilisez les onglets pour passer d’un tableau à l’autre.',
    pagesTitle: 'Pages consultées',
    pages: 'Les pages que vous avez le plus consultées, comptées par page vue. Les paramètres de requête et les #fragments sont retirés de l’adresse.',
    geoTitle: 'Localisation',
    geo: 'Le pays où vous vous trouviez probablement, déduit du fuseau horaire de votre navigateur et non de votre adresse IP. Compté par session.',
    referrersTitle: 'Référents',
    referrers:
      'Les sites qui vous ont mené à une page, comptés par session. Seule la première page d’une session compte, et les liens au sein du même site ne sont pas des référents.',
    campaignsTitle: 'Campagnes',
    campaigns: 'Les sessions commencées par un lien marqué utm_campaign, regroupées par sa valeur.',
    sourcesTitle: 'Origines',
    sources: 'Les sessions commencées par un lien marqué utm_source, regroupées par sa valeur.',
    landingPagesTitle: 'Pages d’entrée',
    landingPages: 'La première page de chacune de vos sessions.',
    exitPagesTitle: 'Pages de sortie',
    exitPages: 'La dernière page de chaque session où vous avez consulté au moins deux pages.',
    retentionTitle: 'Fidélité hebdomadaire',
    retention:
      'Si vous êtes revenu : chaque ligne commence par une semaine où vous étiez actif et montre si vous êtes revenu les semaines suivantes. Les quatre semaines se terminent toujours aujourd’hui, quelle que soit la période choisie.',
  },
  glossary: {
    heading: 'Notions de base',
    auditorium: 'Auditorium (votre espace de données)',
    auditoriumText:
      'L’endroit où vous pouvez consulter, télécharger et supprimer les données d’utilisation que les sites de cette installation Offen ont collectées à votre sujet.',
    installation: 'Installation Offen',
    installationText: 'Un serveur qui fait tourner Offen Fair Web Analytics. Il peut servir plusieurs sites ; cet Auditorium affiche vos données pour tous.',
    cookies: 'Témoins (cookies)',
    cookiesText:
      'De petits morceaux de texte que votre navigateur conserve pour un site. Offen ne s’en sert que pour retenir votre décision et l’identifiant aléatoire qui relie vos pages vues.',
    operator: 'Opérateur',
    operatorText: 'La personne ou l’organisation qui gère un site utilisant Offen. Les opérateurs voient les données d’utilisation pseudonymes de toutes les personnes ayant accepté.',
    uniqueUser: 'Utilisateur unique',
    uniqueUserText:
      'Chaque visiteur est compté une fois par site, grâce à un identifiant aléatoire gardé dans un cookie. Si vous supprimez vos cookies, vous comptez comme un nouvel utilisateur.',
    uniqueSession: 'Session unique',
    uniqueSessionText: 'Toutes les pages vues sur un site, de la première jusqu’à la fermeture de votre navigateur.',
    uuid: 'Identifiant (UUID v4)',
    uuidText:
      'Un identifiant aléatoire comme 0f8fad5b-d9cb-469f-a165-70867728950e. Il ne révèle rien sur vous ; Offen utilise de tels identifiants pour les utilisateurs et les sessions.',
  },
};
