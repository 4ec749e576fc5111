//! The subjects of the relevance set: what the caisses' tools are about, written in each
//! language the way the field writes it. Each language gives the subject's name (used in
//! titles), a sentence for summaries and a sentence for bodies.

pub struct Text {
    pub name: &'static str,
    pub summary: &'static str,
    pub body: &'static str,
}

pub struct Topic {
    pub key: &'static str,
    /// French, Dutch, German, English.
    pub texts: [Text; 4],
}

const fn t(name: &'static str, summary: &'static str, body: &'static str) -> Text {
    Text {
        name,
        summary,
        body,
    }
}

pub const TOPICS: &[Topic] = &[
    Topic {
        key: "stress",
        texts: [
            t(
                "gestion du stress",
                "Apprendre à gérer le stress au quotidien quand on travaille seul.",
                "Des exercices de respiration et de relaxation aident à réduire les tensions avant qu'elles ne s'installent.",
            ),
            t(
                "stressbeheersing",
                "Leren omgaan met stress en spanning in de eigen zaak.",
                "Ademhalingsoefeningen en ontspanning helpen om de spanning te verminderen voor ze chronisch wordt.",
            ),
            t(
                "Stressbewältigung",
                "Mit Stress und Anspannung im eigenen Betrieb besser umgehen.",
                "Atemübungen und Entspannungstechniken helfen, Anspannung abzubauen, bevor sie chronisch wird.",
            ),
            t(
                "stress management",
                "Learning to cope with stress and tension when you run your own business.",
                "Breathing exercises and relaxation techniques help to reduce tension before it becomes chronic.",
            ),
        ],
    },
    Topic {
        key: "burnout",
        texts: [
            t(
                "prévenir le burn-out",
                "Reconnaître les signes de l'épuisement professionnel avant qu'il ne soit trop tard.",
                "Le burn-out touche de nombreux indépendants : fatigue persistante, cynisme, perte d'efficacité.",
            ),
            t(
                "burn-out voorkomen",
                "De signalen van uitputting herkennen voor het te laat is.",
                "Een burn-out treft veel zelfstandigen: aanhoudende vermoeidheid, cynisme en minder voldoening in het werk.",
            ),
            t(
                "Burnout vorbeugen",
                "Die Anzeichen von Erschöpfung erkennen, bevor man völlig erschöpft ist.",
                "Ein Burnout trifft viele Selbständige: anhaltende Müdigkeit, Zynismus und sinkende Leistungsfähigkeit.",
            ),
            t(
                "preventing burnout",
                "Recognising the signs of exhaustion before it is too late.",
                "Burnout affects many self-employed people: lasting fatigue, cynicism and a loss of effectiveness.",
            ),
        ],
    },
    Topic {
        key: "sleep",
        texts: [
            t(
                "troubles du sommeil",
                "Retrouver un sommeil réparateur malgré les soucis de l'entreprise.",
                "Quand on n'arrive plus à dormir, l'insomnie épuise et les nuits deviennent une source d'angoisse.",
            ),
            t(
                "slaapproblemen",
                "Opnieuw goed slapen ondanks de zorgen over de zaak.",
                "Wie niet meer kan slapen, raakt uitgeput: slapeloosheid maakt van elke nacht een bron van onrust.",
            ),
            t(
                "Schlafstörungen",
                "Wieder erholsam schlafen trotz der Sorgen um den Betrieb.",
                "Wer nicht mehr schlafen kann, ist erschöpft: Schlaflosigkeit macht jede Nacht zur Belastung.",
            ),
            t(
                "sleep problems",
                "Getting restful sleep again despite worries about the business.",
                "When you can no longer sleep, insomnia wears you down and every night becomes a source of worry.",
            ),
        ],
    },
    Topic {
        key: "bankruptcy",
        texts: [
            t(
                "rebondir après une faillite",
                "Un accompagnement pour les entrepreneurs confrontés à la faillite de leur entreprise.",
                "La faillite est un choc : honte, perte de revenus, démarches juridiques. On peut pourtant repartir.",
            ),
            t(
                "herstarten na een faillissement",
                "Begeleiding voor ondernemers die met het faillissement van hun zaak worden geconfronteerd.",
                "Een faillissement is een schok: schaamte, inkomensverlies en juridische stappen. Toch is een nieuwe start mogelijk.",
            ),
            t(
                "Neustart nach der Insolvenz",
                "Begleitung für Unternehmer, deren Betrieb in Konkurs gegangen ist.",
                "Eine Insolvenz ist ein Schock: Scham, Einkommensverlust, rechtliche Schritte. Ein Neuanfang ist dennoch möglich.",
            ),
            t(
                "bouncing back after bankruptcy",
                "Support for entrepreneurs facing the bankruptcy of their business.",
                "Bankruptcy is a shock: shame, lost income, legal steps. Starting again is still possible.",
            ),
        ],
    },
    Topic {
        key: "debt",
        texts: [
            t(
                "dettes et difficultés financières",
                "Faire le point sur ses dettes et trouver une aide en cas de surendettement.",
                "Les cotisations impayées et les dettes fiscales pèsent lourd ; un médiateur de dettes peut aider à établir un plan.",
            ),
            t(
                "schulden en financiële moeilijkheden",
                "Een overzicht van je schulden maken en hulp vinden bij een schuldenlast.",
                "Onbetaalde bijdragen en belastingschulden wegen zwaar; een schuldbemiddelaar helpt een afbetalingsplan op te stellen.",
            ),
            t(
                "Schulden und finanzielle Schwierigkeiten",
                "Einen Überblick über die eigenen Schulden gewinnen und Hilfe bei Überschuldung finden.",
                "Unbezahlte Beiträge und Steuerschulden belasten schwer; eine Schuldnerberatung hilft bei einem Tilgungsplan.",
            ),
            t(
                "debt and money worries",
                "Taking stock of your debts and finding help when they become too much.",
                "Unpaid contributions and tax debts weigh heavily; a debt counsellor helps to draw up a repayment plan.",
            ),
        ],
    },
    Topic {
        key: "peers",
        texts: [
            t(
                "échanger entre pairs",
                "Des indépendants se rencontrent en petit groupe pour partager leurs expériences.",
                "Les groupes de parole entre pairs brisent l'isolement : chacun raconte, écoute et repart avec des idées concrètes.",
            ),
            t(
                "lotgenotencontact",
                "Zelfstandigen ontmoeten elkaar in kleine groep om ervaringen te delen.",
                "Praatgroepen met lotgenoten doorbreken het isolement: iedereen vertelt, luistert en gaat naar huis met concrete ideeën.",
            ),
            t(
                "Austausch unter Gleichgesinnten",
                "Selbständige treffen sich in kleinen Gruppen, um Erfahrungen zu teilen.",
                "Selbsthilfegruppen durchbrechen die Isolation: Jeder erzählt, hört zu und nimmt konkrete Ideen mit.",
            ),
            t(
                "peer support",
                "Self-employed people meet in small groups to share their experiences.",
                "Peer groups break isolation: everyone talks, listens and leaves with practical ideas.",
            ),
        ],
    },
    Topic {
        key: "spouse",
        texts: [
            t(
                "le conjoint aidant",
                "Le conjoint aidant travaille dans l'entreprise familiale et porte aussi la charge mentale.",
                "Sous le maxi-statut, le conjoint aidant cotise comme indépendant ; son bien-être mérite une attention propre.",
            ),
            t(
                "de meewerkende echtgenoot",
                "De meewerkende echtgenoot werkt mee in de zaak en draagt ook de mentale last.",
                "Onder het maxistatuut betaalt de meewerkende partner bijdragen als zelfstandige; ook zijn of haar welzijn telt.",
            ),
            t(
                "mithelfende Ehepartner",
                "Mithelfende Ehepartner arbeiten im Betrieb mit und tragen die mentale Last mit.",
                "Im Maxi-Statut zahlen mithelfende Partner Beiträge als Selbständige; ihr Wohlbefinden verdient Aufmerksamkeit.",
            ),
            t(
                "helping spouses",
                "A helping spouse works in the family business and carries the mental load too.",
                "Under the maxi-status the helping partner pays contributions as self-employed; their well-being deserves attention.",
            ),
        ],
    },
    Topic {
        key: "starters",
        texts: [
            t(
                "bien démarrer son activité",
                "Pour les primo-starters : les premiers mois d'une activité indépendante sans s'épuiser.",
                "Lancer son entreprise demande beaucoup d'énergie ; fixer des limites dès le départ protège la santé mentale.",
            ),
            t(
                "goed starten als zelfstandige",
                "Voor starters: de eerste maanden als zelfstandige zonder jezelf voorbij te lopen.",
                "Een zaak opstarten vraagt veel energie; van bij het begin grenzen stellen beschermt de mentale gezondheid.",
            ),
            t(
                "gut in die Selbständigkeit starten",
                "Für Gründer: die ersten Monate der Selbständigkeit, ohne sich zu verausgaben.",
                "Eine Existenzgründung kostet viel Kraft; früh Grenzen zu setzen schützt die psychische Gesundheit.",
            ),
            t(
                "starting out as self-employed",
                "For starters: the first months of self-employment without wearing yourself out.",
                "Launching a business takes a lot of energy; setting limits from the start protects your mental health.",
            ),
        ],
    },
    Topic {
        key: "loneliness",
        texts: [
            t(
                "la solitude de l'entrepreneur",
                "Beaucoup d'indépendants se sentent seuls face aux décisions.",
                "La solitude pèse quand personne ne partage les responsabilités ; un réseau de soutien fait la différence.",
            ),
            t(
                "eenzaamheid bij ondernemers",
                "Veel zelfstandigen voelen zich alleen bij het nemen van beslissingen.",
                "Eenzaamheid weegt wanneer niemand de verantwoordelijkheid deelt; een steunend netwerk maakt het verschil.",
            ),
            t(
                "Einsamkeit von Unternehmern",
                "Viele Selbständige fühlen sich mit ihren Entscheidungen allein.",
                "Einsamkeit belastet, wenn niemand die Verantwortung teilt; ein unterstützendes Netzwerk macht den Unterschied.",
            ),
            t(
                "loneliness at the top",
                "Many self-employed people feel alone with their decisions.",
                "Loneliness weighs when nobody shares the responsibility; a supportive network makes the difference.",
            ),
        ],
    },
    Topic {
        key: "balance",
        texts: [
            t(
                "concilier vie professionnelle et vie privée",
                "Trouver un équilibre entre le travail, la famille et le temps pour soi.",
                "Poser des horaires, apprendre à dire non et protéger les week-ends : des gestes simples pour un meilleur équilibre.",
            ),
            t(
                "evenwicht tussen werk en privé",
                "Een balans vinden tussen werk, gezin en tijd voor jezelf.",
                "Vaste werkuren, leren nee zeggen en de weekends beschermen: eenvoudige stappen naar een betere werk-privébalans.",
            ),
            t(
                "Vereinbarkeit von Beruf und Familie",
                "Ein Gleichgewicht zwischen Arbeit, Familie und Zeit für sich finden.",
                "Feste Arbeitszeiten, Nein sagen lernen und Wochenenden schützen: einfache Schritte zu einer besseren Work-Life-Balance.",
            ),
            t(
                "work-life balance",
                "Finding a balance between work, family and time for yourself.",
                "Fixed hours, learning to say no and protecting weekends: simple steps towards a better balance.",
            ),
        ],
    },
    Topic {
        key: "farmers",
        texts: [
            t(
                "agriculteurs en difficulté",
                "Un soutien psychologique pour les agriculteurs et horticulteurs sous pression.",
                "Prix bas, météo, normes : la pression sur les exploitations agricoles est forte et la détresse souvent cachée.",
            ),
            t(
                "landbouwers onder druk",
                "Psychologische steun voor landbouwers en tuinders die het moeilijk hebben.",
                "Lage prijzen, het weer en regels: de druk op landbouwbedrijven is groot en de nood blijft vaak verborgen.",
            ),
            t(
                "Landwirte unter Druck",
                "Psychologische Unterstützung für Landwirte und Gärtner in schwierigen Zeiten.",
                "Niedrige Preise, Wetter und Vorschriften: Der Druck auf landwirtschaftliche Betriebe ist groß, die Not oft verborgen.",
            ),
            t(
                "farmers under pressure",
                "Psychological support for farmers and growers going through hard times.",
                "Low prices, weather and regulations: the pressure on farms is high and distress often stays hidden.",
            ),
        ],
    },
    Topic {
        key: "grief",
        texts: [
            t(
                "traverser un deuil",
                "Continuer à faire tourner l'entreprise après la perte d'un proche.",
                "Le deuil n'attend pas la fin de la saison ; s'accorder du temps et de l'aide est essentiel.",
            ),
            t(
                "omgaan met rouw",
                "De zaak draaiende houden na het verlies van een dierbare.",
                "Rouw wacht niet tot het einde van het seizoen; jezelf tijd en hulp gunnen is essentieel.",
            ),
            t(
                "mit Trauer umgehen",
                "Den Betrieb weiterführen nach dem Verlust eines nahestehenden Menschen.",
                "Trauer wartet nicht bis zum Saisonende; sich Zeit und Hilfe zu gönnen ist wesentlich.",
            ),
            t(
                "coping with grief",
                "Keeping the business running after losing someone close.",
                "Grief does not wait for the end of the season; allowing yourself time and help is essential.",
            ),
        ],
    },
    Topic {
        key: "anxiety",
        texts: [
            t(
                "anxiété et crises d'angoisse",
                "Comprendre l'anxiété et réagir face à une crise d'angoisse.",
                "Palpitations, souffle court, pensées qui s'emballent : l'angoisse se soigne, et en parler est un premier pas.",
            ),
            t(
                "angst en paniekaanvallen",
                "Angst begrijpen en weten wat te doen bij een paniekaanval.",
                "Hartkloppingen, kortademigheid, malende gedachten: angst is behandelbaar en erover praten is een eerste stap.",
            ),
            t(
                "Angst und Panikattacken",
                "Angst verstehen und bei einer Panikattacke richtig reagieren.",
                "Herzklopfen, Atemnot, kreisende Gedanken: Angst ist behandelbar, und darüber zu sprechen ist ein erster Schritt.",
            ),
            t(
                "anxiety and panic attacks",
                "Understanding anxiety and knowing what to do during a panic attack.",
                "Palpitations, shortness of breath, racing thoughts: anxiety can be treated and talking about it is a first step.",
            ),
        ],
    },
    Topic {
        key: "depression",
        texts: [
            t(
                "reconnaître la dépression",
                "Tristesse durable, perte d'intérêt : quand consulter pour une dépression.",
                "La dépression n'est pas une faiblesse ; un médecin ou un psychologue aide à retrouver l'envie d'avancer.",
            ),
            t(
                "depressie herkennen",
                "Aanhoudende somberheid en interesseverlies: wanneer hulp zoeken bij depressie.",
                "Depressie is geen zwakte; een arts of psycholoog helpt om weer zin te krijgen in de dingen.",
            ),
            t(
                "Depression erkennen",
                "Anhaltende Traurigkeit und Interesselosigkeit: wann man bei einer Depression Hilfe sucht.",
                "Eine Depression ist keine Schwäche; ein Arzt oder eine Psychologin hilft, wieder Antrieb zu finden.",
            ),
            t(
                "recognising depression",
                "Lasting sadness and loss of interest: when to seek help for depression.",
                "Depression is not a weakness; a doctor or psychologist helps you find your drive again.",
            ),
        ],
    },
    Topic {
        key: "suicide",
        texts: [
            t(
                "prévention du suicide",
                "Repérer les idées suicidaires et orienter vers une aide immédiate.",
                "Face à des pensées suicidaires, parler sauve des vies : la ligne de prévention du suicide répond jour et nuit.",
            ),
            t(
                "zelfmoordpreventie",
                "Zelfmoordgedachten herkennen en doorverwijzen naar onmiddellijke hulp.",
                "Bij gedachten aan zelfdoding redt praten levens: de zelfmoordlijn is dag en nacht bereikbaar.",
            ),
            t(
                "Suizidprävention",
                "Suizidgedanken erkennen und an sofortige Hilfe weitervermitteln.",
                "Bei Suizidgedanken rettet Reden Leben: die Telefonseelsorge ist Tag und Nacht erreichbar.",
            ),
            t(
                "suicide prevention",
                "Spotting suicidal thoughts and referring to immediate help.",
                "When someone has suicidal thoughts, talking saves lives: the prevention line answers day and night.",
            ),
        ],
    },
    Topic {
        key: "addiction",
        texts: [
            t(
                "alcool et addictions",
                "Quand l'alcool ou les médicaments deviennent une béquille pour tenir le coup.",
                "Une consommation qui augmente avec la pression au travail mérite d'être abordée sans jugement.",
            ),
            t(
                "alcohol en verslaving",
                "Wanneer alcohol of medicatie een kruk wordt om vol te houden.",
                "Gebruik dat toeneemt met de werkdruk verdient een gesprek zonder oordeel.",
            ),
            t(
                "Alkohol und Sucht",
                "Wenn Alkohol oder Medikamente zur Krücke werden, um durchzuhalten.",
                "Ein Konsum, der mit dem Arbeitsdruck steigt, verdient ein Gespräch ohne Urteil.",
            ),
            t(
                "alcohol and addiction",
                "When alcohol or medication becomes a crutch to keep going.",
                "Drinking that rises with pressure at work deserves a conversation without judgement.",
            ),
        ],
    },
    Topic {
        key: "signals",
        texts: [
            t(
                "repérer les signaux de détresse",
                "Pour les collaborateurs de première ligne des caisses : reconnaître un affilié en détresse au téléphone.",
                "Les conseillers apprennent à poser les bonnes questions et à orienter vers une aide adaptée.",
            ),
            t(
                "signalen van nood herkennen",
                "Voor eerstelijnsmedewerkers van de fondsen: een aangeslotene in nood herkennen aan de telefoon.",
                "Adviseurs leren de juiste vragen stellen en doorverwijzen naar gepaste hulp.",
            ),
            t(
                "Warnsignale erkennen",
                "Für Mitarbeiter an vorderster Front der Kassen: Mitglieder in Not am Telefon erkennen.",
                "Berater lernen, die richtigen Fragen zu stellen und an passende Hilfe weiterzuvermitteln.",
            ),
            t(
                "spotting signs of distress",
                "For front-line staff of the funds: recognising a member in distress on the phone.",
                "Advisers learn to ask the right questions and to refer people to suitable help.",
            ),
        ],
    },
    Topic {
        key: "resilience",
        texts: [
            t(
                "renforcer sa résilience",
                "Développer la résilience pour mieux traverser les périodes difficiles.",
                "Identifier ses ressources, cultiver l'optimisme réaliste et s'appuyer sur son entourage.",
            ),
            t(
                "veerkracht versterken",
                "Veerkracht opbouwen om moeilijke periodes beter door te komen.",
                "Je eigen krachtbronnen kennen, realistisch optimisme en steun zoeken bij je omgeving.",
            ),
            t(
                "Resilienz stärken",
                "Resilienz aufbauen, um schwierige Zeiten besser zu überstehen.",
                "Die eigenen Ressourcen kennen, realistischen Optimismus pflegen und sich auf das Umfeld stützen.",
            ),
            t(
                "building resilience",
                "Developing resilience to get through difficult periods.",
                "Knowing your resources, cultivating realistic optimism and leaning on the people around you.",
            ),
        ],
    },
    Topic {
        key: "mindfulness",
        texts: [
            t(
                "pleine conscience",
                "Initiation à la méditation de pleine conscience pour les indépendants pressés.",
                "Dix minutes de méditation par jour suffisent pour ralentir le flot des pensées.",
            ),
            t(
                "mindfulness",
                "Kennismaking met mindfulness en meditatie voor drukbezette zelfstandigen.",
                "Tien minuten meditatie per dag volstaan om de gedachtestroom te vertragen.",
            ),
            t(
                "Achtsamkeit",
                "Einführung in die Achtsamkeitsmeditation für vielbeschäftigte Selbständige.",
                "Zehn Minuten Meditation am Tag genügen, um den Gedankenstrom zu verlangsamen.",
            ),
            t(
                "mindfulness",
                "An introduction to mindfulness meditation for busy self-employed people.",
                "Ten minutes of meditation a day are enough to slow the stream of thoughts.",
            ),
        ],
    },
    Topic {
        key: "conflict",
        texts: [
            t(
                "conflits avec les clients",
                "Gérer les clients difficiles et les impayés sans y laisser sa santé.",
                "Un client agressif ou une facture contestée : des techniques de communication pour désamorcer le conflit.",
            ),
            t(
                "conflicten met klanten",
                "Omgaan met moeilijke klanten en onbetaalde facturen zonder je gezondheid te verliezen.",
                "Een agressieve klant of een betwiste factuur: communicatietechnieken om het conflict te ontmijnen.",
            ),
            t(
                "Konflikte mit Kunden",
                "Mit schwierigen Kunden und offenen Rechnungen umgehen, ohne die Gesundheit zu riskieren.",
                "Ein aggressiver Kunde oder eine bestrittene Rechnung: Kommunikationstechniken, um den Konflikt zu entschärfen.",
            ),
            t(
                "difficult clients",
                "Dealing with difficult clients and unpaid invoices without risking your health.",
                "An aggressive customer or a disputed invoice: communication techniques to defuse the conflict.",
            ),
        ],
    },
    Topic {
        key: "workload",
        texts: [
            t(
                "charge de travail",
                "Quand la charge de travail déborde : prioriser, déléguer, souffler.",
                "Des journées de douze heures ne sont pas une fatalité ; planifier et déléguer allège la pression.",
            ),
            t(
                "werkdruk verlagen",
                "Als de werkdruk te hoog wordt: prioriteiten stellen, delegeren, ademruimte maken.",
                "Werkdagen van twaalf uur zijn geen noodlot; plannen en delegeren verlaagt de druk.",
            ),
            t(
                "Arbeitsbelastung senken",
                "Wenn die Arbeitsbelastung überhandnimmt: Prioritäten setzen, delegieren, durchatmen.",
                "Zwölfstundentage sind kein Schicksal; planen und delegieren senkt den Druck.",
            ),
            t(
                "heavy workload",
                "When the workload gets too much: prioritise, delegate, take a breath.",
                "Twelve-hour days are not inevitable; planning and delegating relieve the pressure.",
            ),
        ],
    },
    Topic {
        key: "succession",
        texts: [
            t(
                "transmettre son entreprise",
                "Préparer la fin de carrière et la transmission de l'entreprise sereinement.",
                "Céder l'affaire de toute une vie remue beaucoup : identité, famille, argent. Mieux vaut s'y préparer tôt.",
            ),
            t(
                "bedrijfsoverdracht",
                "Het einde van de loopbaan en de overdracht van de zaak rustig voorbereiden.",
                "De zaak van een leven overdragen maakt veel los: identiteit, familie, geld. Tijdig voorbereiden helpt.",
            ),
            t(
                "Unternehmensnachfolge",
                "Das Ende der Laufbahn und die Übergabe des Betriebs gelassen vorbereiten.",
                "Das Lebenswerk zu übergeben wühlt auf: Identität, Familie, Geld. Frühzeitige Vorbereitung hilft.",
            ),
            t(
                "business succession",
                "Preparing for the end of your career and handing over the business calmly.",
                "Handing over a life's work stirs a lot up: identity, family, money. Preparing early helps.",
            ),
        ],
    },
    Topic {
        key: "exercise",
        texts: [
            t(
                "bouger pour sa santé",
                "L'activité physique comme levier de santé mentale pour les indépendants.",
                "Marcher, courir ou nager trois fois par semaine réduit l'anxiété et améliore l'humeur.",
            ),
            t(
                "bewegen voor je gezondheid",
                "Beweging als hefboom voor mentale gezondheid bij zelfstandigen.",
                "Drie keer per week wandelen, lopen of zwemmen vermindert angst en verbetert het humeur.",
            ),
            t(
                "Bewegung für die Gesundheit",
                "Körperliche Aktivität als Hebel für die psychische Gesundheit von Selbständigen.",
                "Dreimal pro Woche gehen, laufen oder schwimmen senkt Angst und hebt die Stimmung.",
            ),
            t(
                "exercise for health",
                "Physical activity as a lever for the mental health of the self-employed.",
                "Walking, running or swimming three times a week reduces anxiety and lifts the mood.",
            ),
        ],
    },
    Topic {
        key: "digital",
        texts: [
            t(
                "déconnexion numérique",
                "Couper les notifications et retrouver des moments sans écran.",
                "Le smartphone professionnel toujours allumé empêche de récupérer ; le droit à la déconnexion vaut aussi pour soi.",
            ),
            t(
                "digitale detox",
                "Meldingen uitzetten en opnieuw schermvrije momenten vinden.",
                "De zakelijke smartphone die altijd aan staat belet herstel; ook voor jezelf geldt het recht om offline te zijn.",
            ),
            t(
                "digitale Auszeit",
                "Benachrichtigungen abschalten und bildschirmfreie Zeiten zurückgewinnen.",
                "Das ständig eingeschaltete Diensthandy verhindert Erholung; das Recht auf Nichterreichbarkeit gilt auch für sich selbst.",
            ),
            t(
                "digital detox",
                "Switching off notifications and finding screen-free moments again.",
                "The work phone that is always on prevents recovery; the right to disconnect applies to yourself too.",
            ),
        ],
    },
    Topic {
        key: "floods",
        texts: [
            t(
                "après les inondations",
                "Soutien aux indépendants sinistrés après les inondations.",
                "Perdre son outil de travail dans une catastrophe naturelle laisse des traces ; un soutien psychologique existe.",
            ),
            t(
                "na de overstromingen",
                "Steun voor zelfstandigen die door de overstromingen getroffen zijn.",
                "Je werkinstrument verliezen bij een natuurramp laat sporen na; er bestaat psychologische ondersteuning.",
            ),
            t(
                "nach dem Hochwasser",
                "Unterstützung für Selbständige, die vom Hochwasser betroffen sind.",
                "Das eigene Arbeitsgerät in einer Naturkatastrophe zu verlieren hinterlässt Spuren; psychologische Hilfe ist möglich.",
            ),
            t(
                "after the floods",
                "Support for self-employed people hit by the floods.",
                "Losing your tools of the trade in a natural disaster leaves its mark; psychological support is available.",
            ),
        ],
    },
    Topic {
        key: "confidence",
        texts: [
            t(
                "confiance en soi",
                "Retrouver confiance en soi après un échec ou une période de doute.",
                "Le syndrome de l'imposteur guette aussi les entrepreneurs ; nommer ses réussites aide à le dépasser.",
            ),
            t(
                "zelfvertrouwen",
                "Opnieuw zelfvertrouwen vinden na een mislukking of een periode van twijfel.",
                "Het oplichterssyndroom loert ook bij ondernemers; je successen benoemen helpt om het te overwinnen.",
            ),
            t(
                "Selbstvertrauen",
                "Nach einem Misserfolg oder einer Phase des Zweifels wieder Selbstvertrauen finden.",
                "Das Hochstapler-Syndrom trifft auch Unternehmer; die eigenen Erfolge zu benennen hilft, es zu überwinden.",
            ),
            t(
                "self-confidence",
                "Regaining self-confidence after a failure or a period of doubt.",
                "Impostor syndrome also strikes entrepreneurs; naming your successes helps to overcome it.",
            ),
        ],
    },
    Topic {
        key: "time",
        texts: [
            t(
                "gestion du temps",
                "Organiser ses journées pour garder du temps pour l'essentiel.",
                "Planifier la semaine, bloquer des plages sans interruption et accepter de ne pas tout faire.",
            ),
            t(
                "timemanagement",
                "Je dagen zo organiseren dat er tijd overblijft voor het essentiële.",
                "De week plannen, ononderbroken blokken vastleggen en aanvaarden dat niet alles kan.",
            ),
            t(
                "Zeitmanagement",
                "Die eigenen Tage so organisieren, dass Zeit für das Wesentliche bleibt.",
                "Die Woche planen, ungestörte Zeitblöcke festlegen und akzeptieren, dass nicht alles geht.",
            ),
            t(
                "time management",
                "Organising your days so that time is left for what matters.",
                "Planning the week, blocking uninterrupted time and accepting that you cannot do everything.",
            ),
        ],
    },
    Topic {
        key: "psychologist",
        texts: [
            t(
                "consulter un psychologue",
                "Quelques séances chez un psychologue, prises en charge pour les indépendants.",
                "Le premier rendez-vous chez le psychologue est souvent le plus difficile ; la caisse rembourse plusieurs séances.",
            ),
            t(
                "naar de psycholoog",
                "Enkele sessies bij een psycholoog, terugbetaald voor zelfstandigen.",
                "De eerste afspraak bij de psycholoog is vaak de moeilijkste; het fonds betaalt meerdere sessies terug.",
            ),
            t(
                "psychologische Beratung",
                "Einige Sitzungen bei einer Psychologin, für Selbständige übernommen.",
                "Der erste Termin beim Psychologen ist oft der schwerste; die Kasse erstattet mehrere Sitzungen.",
            ),
            t(
                "seeing a psychologist",
                "A few sessions with a psychologist, covered for the self-employed.",
                "The first appointment with the psychologist is often the hardest; the fund reimburses several sessions.",
            ),
        ],
    },
    Topic {
        key: "family",
        texts: [
            t(
                "entreprise familiale",
                "Travailler en famille : préserver les relations quand l'entreprise et la maison se mélangent.",
                "Dans une entreprise familiale, les tensions du magasin rentrent à la maison ; des règles claires protègent tout le monde.",
            ),
            t(
                "familiebedrijf",
                "Samenwerken in familie: de relaties bewaren wanneer zaak en thuis door elkaar lopen.",
                "In een familiebedrijf gaan de spanningen van de winkel mee naar huis; duidelijke afspraken beschermen iedereen.",
            ),
            t(
                "Familienunternehmen",
                "Arbeiten in der Familie: Beziehungen schützen, wenn Betrieb und Zuhause verschwimmen.",
                "Im Familienunternehmen kommen die Spannungen aus dem Laden mit nach Hause; klare Regeln schützen alle.",
            ),
            t(
                "family business",
                "Working as a family: protecting relationships when business and home blur.",
                "In a family business the tensions of the shop come home; clear rules protect everyone.",
            ),
        ],
    },
];
