import type { VisitorSections } from './types.ts';

export const visitor: VisitorSections = {
  landingPage: {
    checking: 'Ihr Zustimmungsstatus wird geprüft…',
    optedIn: 'Sie haben zugestimmt.',
    optedOut: 'Sie haben nicht zugestimmt.',
    cookiesBlocked: 'Ihr Browser scheint Cookies zu blockieren.',
    headerHeading: 'Ihre Nutzungsdaten',
    blockedText:
      'Offen Fair Web Analytics braucht Cookies, um sich Ihre Entscheidung zu merken und Ihnen Ihre eigenen Daten zu zeigen. Erlauben Sie Cookies für diese Seite in den Einstellungen Ihres Browsers, wenn Sie zustimmen möchten.',
    manage: 'Verwalten Sie die Nutzungsdaten, die diese Website über Sie gesammelt hat.',
    openAuditorium: 'Auditorium öffnen',
    explanation:
      'Diese Website nutzt Offen Fair Web Analytics, um zu verstehen, wie sie genutzt wird. Auf Nutzungsdaten wird nur mit Ihrer Zustimmung zugegriffen, und Sie können sie jederzeit einsehen oder löschen.',
    optIn: 'Ich stimme zu',
    optOut: 'Ich stimme nicht zu',
  },
  faq: {
    heading: 'Häufig gestellte Fragen',
    reviewQuestion: 'Wie kann ich meine Nutzungsdaten einsehen und löschen (oder widersprechen)?',
    reviewOptedInBefore: 'Sie können ',
    reviewOptedInLink: 'im Auditorium',
    reviewOptedInAfter: ' Ihre Nutzungsdaten einsehen, löschen oder Ihre Zustimmung jederzeit widerrufen.',
    reviewNotOptedIn:
      'Es wird nichts gesammelt, bevor Sie mit den Schaltflächen oben auf dieser Seite zustimmen. Danach führt diese Seite Sie zum Auditorium, wo Sie Ihre Daten einsehen, löschen oder Ihre Zustimmung widerrufen können.',
    collectedQuestion: 'Welche Daten werden gesammelt?',
    collectedAnswer:
      'Die Seiten, die Sie aufrufen, und wann, die Seite, über die Sie gekommen sind, die Ladezeit der ersten Seite, ob Ihr Gerät ein Mobilgerät ist, und das Land, das sich aus Ihrer Zeitzone ergibt.',
    notCollectedQuestion: 'Welche Daten werden nicht gesammelt?',
    notCollectedAnswer:
      'Keine IP-Adresse, kein User-Agent, kein Browser-Fingerabdruck, keine Bildschirmgröße, keine Klicks oder Eingaben, und gar nichts, bevor Sie zustimmen.',
    handlingQuestion: 'Wie wird mit meinen Daten umgegangen?',
    handlingAnswer:
      'Ihre Nutzungsdaten werden in Ihrem Browser verschlüsselt, bevor sie gesendet werden, also Ende-zu-Ende-verschlüsselt: Nur Sie und der Betreiber der Website können sie lesen. Sie werden nach höchstens 6 Monaten automatisch gelöscht, und Sie können sie jederzeit selbst löschen.',
    whyQuestion: 'Warum zustimmen oder nicht?',
    whyAnswer:
      'Ihre Zustimmung hilft dem Betreiber zu verstehen, wie die Website genutzt wird, und sie zu verbessern, während Ihre Daten privat und unter Ihrer Kontrolle bleiben. Stimmen Sie nicht zu, wird nichts über Sie gesammelt, und die Website funktioniert genauso.',
    cookiesQuestion: 'Verwenden Sie Cookies?',
    cookiesAnswer:
      'Ja, nur um sich Ihre Entscheidung zu merken und, wenn Sie zustimmen, eine zufällige ID, die Ihre Seitenaufrufe verbindet und Ihnen Zugriff auf Ihre eigenen Daten gibt. Ohne Cookies wird nichts gesammelt.',
    howQuestion: 'Wie funktioniert das Ganze?',
    howAnswer:
      'Offen läuft in einem kleinen, unsichtbaren Rahmen auf der Website. Mit Ihrer Zustimmung erfasst es jeden Seitenaufruf, verschlüsselt ihn in Ihrem Browser und sendet ihn an den Server. Im Auditorium lädt Ihr Browser Ihre eigenen Daten herunter und entschlüsselt sie; der Server sieht sie nie im Klartext.',
  },
  userAuditorium: {
    heading: 'Nutzer-Auditorium',
    checking: 'Ihr Zustimmungsstatus wird geprüft…',
    fetching: 'Die neuesten Daten werden abgerufen und entschlüsselt…',
    intro:
      'Dies sind die Nutzungsdaten, die die Websites dieser Offen-Installation über Sie gesammelt haben, entschlüsselt in Ihrem Browser. Nur Sie können diese Ansicht sehen.',
    empty:
      'In diesem Browser gibt es keine Nutzungsdaten über Sie. Daten erscheinen hier, sobald Sie zugestimmt und eine Website besucht haben, die diese Offen-Installation nutzt.',
  },
  privacy: {
    heading: 'Datenschutz',
    optedIn: 'Sie haben zugestimmt: Die Websites dieser Offen-Installation dürfen Ihre Nutzungsdaten sammeln.',
    notOptedIn: 'Sie haben nicht zugestimmt: Es werden keine Nutzungsdaten über Sie gesammelt.',
    optOut: 'Zustimmung widerrufen und Nutzungsdaten löschen',
    purge: 'Zustimmung behalten, nur Nutzungsdaten löschen',
    optIn: 'Zustimmen und Zugriff auf Ihre Nutzungsdaten gewähren',
    purged: 'Ihre Nutzungsdaten wurden gelöscht.',
    bookmark: 'Setzen Sie ein Lesezeichen für diese Seite, um Ihre Daten im Lauf der Zeit einzusehen.',
  },
  download: {
    button: 'Meine Daten herunterladen',
    hint: 'Eine JSON-Datei mit allen über Sie erfassten Seitenaufrufen, entschlüsselt in diesem Browser.',
  },
  onboarding: {
    label: 'Einführung in das Auditorium',
    slide1Title: 'Was {domain} über Sie weiß',
    visits: 'Sie haben {domain} {count}-mal besucht.',
    firstVisit: 'Sie besuchen {domain} vermutlich zum ersten Mal.',
    referrer: 'Sie kamen über {referrer}.',
    location: 'Sie befinden sich vermutlich in {country}.',
    mobile: 'Sie nutzen höchstwahrscheinlich ein Mobilgerät.',
    desktop: 'Sie nutzen höchstwahrscheinlich einen Desktop-Computer.',
    slide2Title: 'Ihre Daten bleiben immer Ihre',
    slide2Text:
      'Ihre Nutzungsdaten werden in Ihrem Browser verschlüsselt, bevor sie gesendet werden. Nur Sie und der Betreiber der Website können sie lesen, und Sie können sie jederzeit löschen.',
    slide2Explainer: 'Wo Sie das gelbe „e“ sehen, wählen Sie es aus, um zu lesen, was eine Zahl bedeutet.',
    slide3Title: 'Setzen Sie ein Lesezeichen',
    slide3Text: 'Kommen Sie jederzeit zurück, um Ihre Nutzungsdaten einzusehen oder zu löschen. Mit einem Lesezeichen finden Sie diese Seite wieder.',
    skip: 'Überspringen',
    next: 'Weiter',
    open: 'Auditorium öffnen',
    slides: 'Folien',
    slideOf: 'Folie {current} von {total}',
  },
  explainers: {
    iconLabel: 'Erklärung: {topic}',
    related: 'Verwandte Begriffe:',
    rangeTitle: 'Zeitraum',
    range: 'Wählen Sie den Zeitraum, für den die Zahlen unten berechnet werden. Zeiten werden in Ihrer eigenen Zeitzone angezeigt. Daten werden höchstens 6 Monate lang aufbewahrt.',
    chartTitle: 'Seitenaufrufe und Websites',
    chart:
      'Jeder Balken zeigt, wie viele Seiten Sie in diesem Intervall aufgerufen haben. Der dunkle Teil ist die Zahl der verschiedenen Websites, die Sie besucht haben; der helle Teil darüber ergänzt den Rest Ihrer Seitenaufrufe.',
    metricsTitle: 'Kennzahlen',
    metrics: 'Die wichtigsten Zahlen zu Ihren Besuchen im gewählten Zeitraum, in Ihrem Browser nur aus Ihren eigenen Daten berechnet.',
    uniqueAccountsTitle: 'Eindeutige Websites',
    uniqueAccounts: 'Wie viele verschiedene Websites dieser Offen-Installation Sie im gewählten Zeitraum besucht haben.',
    uniqueSessionsTitle: 'Eindeutige Sitzungen',
    uniqueSessions: 'Wie viele getrennte Besuche Sie gemacht haben. Eine Sitzung dauert, bis Sie Ihren Browser schließen, und jede Website zählt ihre eigenen.',
    avgPageDepthTitle: 'Durchschn. Seitentiefe',
    avgPageDepth: 'Wie viele Seiten Sie im Durchschnitt pro Sitzung aufgerufen haben.',
    bounceRateTitle: 'Absprungrate',
    bounceRate: 'Der Anteil Ihrer Sitzungen, in denen Sie nur eine Seite aufgerufen haben. Wie lange Sie geblieben sind, wird nicht gemessen.',
    mobileShareTitle: 'Mobilnutzer',
    mobileShare:
      'Ja, wenn einer Ihrer Seitenaufrufe im gewählten Zeitraum von einem Mobilgerät kam. Das wird an einer Browser-Funktion erkannt, nicht an Ihrem User-Agent.',
    avgPageloadTitle: 'Durchschn. Ladezeit',
    avgPageload:
      'Wie lange die aufgerufenen Seiten im Durchschnitt zum Laden brauchten. Nur die erste Seite eines Besuchs wird gemessen; Seiten, die ohne Neuladen wechseln, zählen nicht.',
    tablesTitle: 'Top-Seiten',
    tables: 'Ihre Seitenaufrufe nach Seite, Land, Verweis und Kampagne aufgeschlüsselt. Mit den Reitern wechseln Sie zwischen den Tabellen.',
    pagesTitle: 'Seiten',
    pages: 'Die Seiten, die Sie am häufigsten aufgerufen haben, gezählt pro Seitenaufruf. Query-Strings und #Fragmente werden aus der Adresse entfernt.',
    geoTitle: 'Standort',
    geo: 'Das Land, in dem Sie sich vermutlich befanden, abgeleitet aus der Zeitzone Ihres Browsers und nicht aus Ihrer IP-Adresse. Gezählt pro Sitzung.',
    referrersTitle: 'Verweise',
    referrers:
      'Die Websites, die Sie auf eine Seite verwiesen haben, gezählt pro Sitzung. Nur die erste Seite einer Sitzung zählt, und Links innerhalb derselben Website sind keine Verweise.',
    campaignsTitle: 'Kampagnen',
    campaigns: 'Sitzungen, die über einen mit utm_campaign markierten Link begannen, gruppiert nach dessen Wert.',
    sourcesTitle: 'Quellen',
    sources: 'Sitzungen, die über einen mit utm_source markierten Link begannen, gruppiert nach dessen Wert.',
    landingPagesTitle: 'Einstiegsseiten',
    landingPages: 'Die erste Seite jeder Ihrer Sitzungen.',
    exitPagesTitle: 'Ausstiegsseiten',
    exitPages: 'Die letzte Seite jeder Sitzung, in der Sie mindestens zwei Seiten aufgerufen haben.',
    retentionTitle: 'Wöchentliche Wiederkehr',
    retention:
      'Ob Sie wiedergekommen sind: Jede Zeile beginnt mit einer Woche, in der Sie aktiv waren, und zeigt, ob Sie in den folgenden Wochen zurückkamen. Die vier Wochen enden immer heute, unabhängig vom gewählten Zeitraum.',
  },
  glossary: {
    heading: 'Grundbegriffe',
    auditorium: 'Auditorium (Ihre Datenansicht)',
    auditoriumText:
      'Der Ort, an dem Sie die Nutzungsdaten einsehen, herunterladen und löschen können, die die Websites dieser Offen-Installation über Sie gesammelt haben.',
    installation: 'Offen-Installation',
    installationText: 'Ein Server, auf dem Offen Fair Web Analytics läuft. Er kann mehrere Websites bedienen; dieses Auditorium zeigt Ihre Daten für alle.',
    cookies: 'Cookies (Browserdaten)',
    cookiesText:
      'Kleine Textstücke, die Ihr Browser für eine Website speichert. Offen nutzt sie nur, um sich Ihre Entscheidung und die zufällige ID zu merken, die Ihre Seitenaufrufe verbindet.',
    operator: 'Betreiber',
    operatorText: 'Die Person oder Organisation, die eine Website mit Offen betreibt. Betreiber sehen die pseudonymen Nutzungsdaten aller, die zugestimmt haben.',
    uniqueUser: 'Eindeutiger Nutzer',
    uniqueUserText:
      'Jeder Besucher wird pro Website einmal gezählt, anhand einer zufälligen ID in einem Cookie. Löschen Sie Ihre Cookies, zählen Sie als neuer Nutzer.',
    uniqueSession: 'Eindeutige Sitzung',
    uniqueSessionText: 'Alle Seitenaufrufe auf einer Website von Ihrem ersten bis zum Schließen Ihres Browsers.',
    uuid: 'Kennung (UUID v4)',
    uuidText:
      'Eine zufällige Kennung wie 0f8fad5b-d9cb-469f-a165-70867728950e. Sie verrät nichts über Sie; Offen nutzt solche IDs für Nutzer und Sitzungen.',
  },
};
