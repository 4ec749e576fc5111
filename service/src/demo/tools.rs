//! A dozen tools in the spirit of the 2022 pilot projects ("Zelfstandige zonder stress",
//! "Samen sterker ondernemen", "Icarius, j'entreprends mon bien-être"), at every stage of the
//! workflow, written the way caisses and partners describe their work.

use std::collections::BTreeSet;

use crate::{ServiceError, tools};
use commons_domain::identity::{Actor, Role};
use commons_domain::lang::Lang;
use commons_domain::organisation::{Organisation, OrganisationKind};
use commons_domain::tool::{
    Audience as A, Decision, DeliveryFormat as F, DeliveryMode as M, QualityDocumentation,
    Scope as S, ServiceCategory as C, ToolDraft, ToolKind as K, Translation, Visibility as V,
};

/// Where a demo tool ends up.
#[derive(Clone, Copy)]
enum Fate {
    Draft,
    InReview,
    ChangesRequested(&'static str),
    Rejected(&'static str),
    Published,
    /// Published, with a newer revision waiting for review.
    PublishedWithRevisionInReview,
    Archived,
}

struct DemoTool {
    owner: &'static str,
    kind: K,
    categories: &'static [C],
    texts: &'static [(Lang, &'static str, &'static str, &'static str)],
    audiences: &'static [A],
    modes: &'static [M],
    formats: &'static [F],
    scopes: &'static [S],
    duration: Option<&'static str>,
    cost_eur: Option<&'static str>,
    licence: &'static str,
    tags: &'static [&'static str],
    visibility: V,
    scientific_basis: Option<&'static str>,
    demand_driven: Option<&'static str>,
    fate: Fate,
}

const TOOLS: &[DemoTool] = &[
    DemoTool {
        owner: "acerta",
        kind: K::SelfScan,
        categories: &[C::EarlyDetection, C::AwarenessPromotion],
        texts: &[
            (
                Lang::Nl,
                "Stresstest voor zelfstandigen",
                "Tien minuten om je stressniveau en je risico op uitputting in te schatten, met advies op maat.",
                "## Hoe werkt het?\n\nDe zelfstandige beantwoordt 24 vragen over werkdruk, slaap, financiële zorgen en steun uit de omgeving. Het resultaat toont een stressprofiel (groen, oranje, rood) en verwijst bij oranje en rood naar een gratis gesprek met een psycholoog.\n\n## Ontstaan\n\nOntwikkeld binnen het proefproject *Zelfstandige zonder stress* (2022), getest met 1 200 aangeslotenen.",
            ),
            (
                Lang::Fr,
                "Test de stress pour indépendants",
                "Dix minutes pour évaluer son niveau de stress et son risque d'épuisement, avec des conseils personnalisés.",
                "## Fonctionnement\n\nL'indépendant répond à 24 questions sur la charge de travail, le sommeil, les soucis financiers et le soutien de l'entourage. Le résultat (vert, orange, rouge) oriente vers un entretien gratuit avec un psychologue.",
            ),
        ],
        audiences: &[A::AllSelfEmployed, A::PrimoStarters],
        modes: &[M::Individual],
        formats: &[F::Online],
        scopes: &[S::National],
        duration: Some("10 minutes"),
        cost_eur: None,
        licence: "CC-BY-4.0",
        tags: &["stress", "burn-out", "zelftest"],
        visibility: V::Public,
        scientific_basis: Some(
            "Gebaseerd op de Perceived Stress Scale (Cohen, 1983) en de Utrechtse Burnout Schaal, gevalideerd voor zelfstandigen met de KU Leuven.",
        ),
        demand_driven: Some(
            "Vragenlijst samengesteld na focusgroepen met 40 zelfstandigen uit de bouw, horeca en vrije beroepen.",
        ),
        fate: Fate::Published,
    },
    DemoTool {
        owner: "liantis",
        kind: K::PeerGroup,
        categories: &[C::SecondaryPrevention, C::OrientationSupport],
        texts: &[(
            Lang::Nl,
            "Samen sterker ondernemen: lotgenotengroepen",
            "Kleine groepen van zes tot acht ondernemers die elkaar maandelijks ontmoeten onder begeleiding van een coach.",
            "## Opzet\n\nZes bijeenkomsten van twee uur, in een vaste groep. Thema's: grenzen stellen, omgaan met tegenslag, werk en gezin. Een ervaren coach begeleidt; de groep bepaalt de agenda.\n\n## Resultaten van het proefproject\n\n82 % van de deelnemers voelt zich na zes sessies minder alleen met zijn zorgen.",
        )],
        audiences: &[A::AllSelfEmployed, A::HelpingSpouses],
        modes: &[M::PeerNetwork, M::Group],
        formats: &[F::InPerson, F::Hybrid],
        scopes: &[S::Regional],
        duration: Some("6 × 2 uur"),
        cost_eur: None,
        licence: "CC-BY-SA-4.0",
        tags: &["lotgenoten", "peer support", "eenzaamheid"],
        visibility: V::Network,
        scientific_basis: Some(
            "Peer support-model volgens Mead (2001); evaluatie door UGent, vakgroep klinische psychologie.",
        ),
        demand_driven: None,
        fate: Fate::Published,
    },
    DemoTool {
        owner: "ucm",
        kind: K::CoachingProgramme,
        categories: &[C::OrientationSupport, C::EarlyDetection],
        texts: &[
            (
                Lang::Fr,
                "Icarius, j'entreprends mon bien-être",
                "Un parcours d'accompagnement individuel pour les indépendants en perte d'équilibre, du premier signal à l'aide adaptée.",
                "## Le parcours\n\n1. Un premier contact téléphonique dans les 48 heures.\n2. Trois entretiens avec un coach formé à la santé mentale.\n3. Une orientation vers un psychologue, un médiateur de dettes ou un service social si nécessaire.\n\nIssu du projet pilote *Icarius* (2022).",
            ),
            (
                Lang::De,
                "Icarius, ich unternehme mein Wohlbefinden",
                "Eine individuelle Begleitung für Selbständige, die aus dem Gleichgewicht geraten, vom ersten Signal bis zur passenden Hilfe.",
                "## Der Ablauf\n\nErstkontakt innerhalb von 48 Stunden, drei Gespräche mit einem Coach, danach Weiterleitung an spezialisierte Hilfe.",
            ),
        ],
        audiences: &[A::AllSelfEmployed],
        modes: &[M::Individual],
        formats: &[F::Hybrid],
        scopes: &[S::Regional],
        duration: Some("3 entretiens sur 6 semaines"),
        cost_eur: None,
        licence: "ON_REQUEST",
        tags: &["accompagnement", "coaching", "orientation"],
        visibility: V::Public,
        scientific_basis: None,
        demand_driven: Some(
            "Les indépendants s'inscrivent eux-mêmes ou sont signalés par leur gestionnaire de dossier avec leur accord.",
        ),
        fate: Fate::PublishedWithRevisionInReview,
    },
    DemoTool {
        owner: "xerius",
        kind: K::WorkshopFormat,
        categories: &[C::AwarenessPromotion, C::SecondaryPrevention],
        texts: &[
            (
                Lang::Nl,
                "Workshop burn-outpreventie voor zelfstandigen",
                "Een draaiboek voor een workshop van een halve dag: signalen van burn-out herkennen en een eigen herstelplan opstellen.",
                "## Draaiboek\n\n- Opening en kennismaking (20 min)\n- De stressemmer: wat vult, wat loopt weg? (45 min)\n- Signalen herkennen bij jezelf en anderen (45 min)\n- Mijn herstelplan (60 min)\n\nInclusief slides, werkbladen en een evaluatieformulier.",
            ),
            (
                Lang::En,
                "Burn-out prevention workshop for the self-employed",
                "A facilitator's guide for a half-day workshop: recognising the signs of burn-out and drawing up one's own recovery plan.",
                "## Outline\n\nOpening, the stress bucket, recognising signals, my recovery plan. Slides, worksheets and an evaluation form included.",
            ),
        ],
        audiences: &[A::AllSelfEmployed, A::SecondaryActivity],
        modes: &[M::Group],
        formats: &[F::InPerson],
        scopes: &[S::Local],
        duration: Some("halve dag"),
        cost_eur: Some("25"),
        licence: "CC-BY-NC-4.0",
        tags: &["burn-out", "workshop", "herstel"],
        visibility: V::Public,
        scientific_basis: Some(
            "Gebaseerd op het stressemmermodel en de richtlijn burn-out van Domus Medica.",
        ),
        demand_driven: None,
        fate: Fate::InReview,
    },
    DemoTool {
        owner: "partena",
        kind: K::WorkshopFormat,
        categories: &[C::AwarenessPromotion],
        texts: &[(
            Lang::Fr,
            "Atelier « Prévenir l'épuisement professionnel »",
            "Un atelier de trois heures pour reconnaître les signes d'épuisement et trouver des appuis, animé par un psychologue.",
            "## Déroulé\n\nÉchanges en petit groupe, exercices de respiration, présentation des aides disponibles auprès de la caisse.",
        )],
        audiences: &[A::AllSelfEmployed],
        modes: &[M::Group],
        formats: &[F::InPerson, F::Online],
        scopes: &[S::Regional],
        duration: Some("3 heures"),
        cost_eur: None,
        licence: "CC-BY-4.0",
        tags: &["épuisement", "atelier"],
        visibility: V::Network,
        scientific_basis: None,
        demand_driven: None,
        fate: Fate::ChangesRequested(
            "Merci de documenter la base scientifique et les résultats d'évaluation de l'atelier (critère 5 de la loi) avant publication.",
        ),
    },
    DemoTool {
        owner: "ifapme",
        kind: K::TrainingModule,
        categories: &[C::FrontlineTraining],
        texts: &[
            (
                Lang::Fr,
                "Former les conseillers de première ligne à repérer la détresse",
                "Un module de formation d'une journée pour les gestionnaires de dossiers des caisses : repérer, écouter, orienter.",
                "## Objectifs\n\nÀ l'issue de la journée, le conseiller sait reconnaître les signaux de détresse au téléphone ou au guichet, mener un premier entretien bienveillant et orienter vers l'aide adaptée.\n\n## Méthodes\n\nJeux de rôle, études de cas réels anonymisés, fiche réflexe.",
            ),
            (
                Lang::En,
                "Training front-line advisers to spot distress",
                "A one-day training module for caisse case handlers: spot, listen, refer.",
                "## Goals\n\nRecognise distress signals on the phone or at the desk, hold a first supportive conversation, refer to the right help. Role plays and real, anonymised cases.",
            ),
        ],
        // Front-line training is a means for the caisse's own staff.
        audiences: &[A::CaisseStaff],
        modes: &[M::Group],
        formats: &[F::InPerson],
        scopes: &[S::National],
        duration: Some("1 jour"),
        cost_eur: Some("120"),
        licence: "ON_REQUEST",
        tags: &["formation", "première ligne", "gatekeeper"],
        visibility: V::Network,
        scientific_basis: Some(
            "Inspiré des formations gatekeeper en prévention du suicide (QPR, Quinnett 1995).",
        ),
        demand_driven: None,
        fate: Fate::Published,
    },
    DemoTool {
        owner: "un-pass-dans-limpasse",
        kind: K::Guide,
        categories: &[C::OrientationSupport, C::SecondaryPrevention],
        texts: &[(
            Lang::Fr,
            "Ligne d'écoute et accompagnement psychologique des indépendants",
            "Un numéro gratuit et jusqu'à huit séances avec un psychologue pour les indépendants en détresse, en Wallonie et à Bruxelles.",
            "## Comment orienter un affilié\n\nLe conseiller de la caisse propose l'appel, avec l'accord de l'indépendant. Un psychologue rappelle dans les 24 heures ouvrables. L'accompagnement est gratuit et confidentiel.",
        )],
        audiences: &[A::AllSelfEmployed, A::HelpingSpouses],
        modes: &[M::Individual],
        formats: &[F::Hybrid],
        scopes: &[S::Regional],
        duration: Some("jusqu'à 8 séances"),
        cost_eur: None,
        licence: "CC-BY-4.0",
        tags: &["écoute", "psychologue", "détresse", "suicide"],
        visibility: V::Public,
        scientific_basis: None,
        demand_driven: Some(
            "L'indépendant garde la main : il décide de l'appel et du rythme des séances.",
        ),
        fate: Fate::Published,
    },
    DemoTool {
        owner: "unizo",
        kind: K::ELearning,
        categories: &[C::AwarenessPromotion],
        texts: &[(
            Lang::Nl,
            "Mentale veerkracht: e-learning voor ondernemers",
            "Vijf korte lessen van tien minuten over veerkracht, slaap, piekeren en hulp vragen.",
            "## Lessen\n\n1. Wat is veerkracht?\n2. Slaap als fundament\n3. Piekeren temmen\n4. Nee zeggen tegen klanten\n5. Hulp vragen is ondernemen",
        )],
        audiences: &[A::AllSelfEmployed, A::PrimoStarters],
        modes: &[M::Individual],
        formats: &[F::Online],
        scopes: &[S::National],
        duration: Some("5 × 10 minuten"),
        cost_eur: None,
        licence: "CC-BY-4.0",
        tags: &["veerkracht", "e-learning"],
        visibility: V::Public,
        scientific_basis: None,
        demand_driven: None,
        fate: Fate::Draft,
    },
    DemoTool {
        owner: "securex",
        kind: K::SurveyBarometer,
        categories: &[C::AwarenessPromotion],
        texts: &[
            (
                Lang::Nl,
                "Welzijnsbarometer zelfstandigen 2023",
                "Jaarlijkse bevraging van 2 000 zelfstandigen over stress, werkuren en mentaal welzijn.",
                "## Kerncijfers\n\nEén op drie zelfstandigen rapporteert hoge stress; starters en zelfstandigen in de horeca het vaakst.",
            ),
            (
                Lang::Fr,
                "Baromètre du bien-être des indépendants 2023",
                "Enquête annuelle auprès de 2 000 indépendants sur le stress, les heures de travail et le bien-être mental.",
                "## Chiffres clés\n\nUn indépendant sur trois déclare un stress élevé.",
            ),
        ],
        audiences: &[A::AllSelfEmployed],
        modes: &[M::Individual],
        formats: &[F::Online],
        scopes: &[S::National],
        duration: None,
        cost_eur: None,
        licence: "CC-BY-4.0",
        tags: &["barometer", "enquête", "cijfers"],
        visibility: V::Public,
        scientific_basis: Some("Representatieve steekproef, gewogen naar sector en gewest."),
        demand_driven: None,
        fate: Fate::Archived,
    },
    DemoTool {
        owner: "group-s",
        kind: K::Guide,
        categories: &[C::OrientationSupport],
        texts: &[
            (
                Lang::Fr,
                "Guide : trouver de l'aide quand ça ne va plus",
                "Qui appeler, où aller, combien ça coûte : le guide des aides psychologiques pour indépendants.",
                "## Au sommaire\n\nPsychologues de première ligne conventionnés, centres de santé mentale, lignes d'écoute, aides de la caisse.",
            ),
            (
                Lang::Nl,
                "Gids: hulp vinden als het niet meer gaat",
                "Wie bellen, waar naartoe, wat kost het: de gids voor psychologische hulp voor zelfstandigen.",
                "## Inhoud\n\nEerstelijnspsychologen, centra voor geestelijke gezondheidszorg, hulplijnen, steun van het fonds.",
            ),
            (
                Lang::De,
                "Leitfaden: Hilfe finden, wenn nichts mehr geht",
                "Wen anrufen, wohin gehen, was kostet es: der Leitfaden zu psychologischer Hilfe für Selbständige.",
                "## Inhalt\n\nPsychologen der ersten Linie, Zentren für geistige Gesundheit, Hilfetelefone, Unterstützung der Kasse.",
            ),
        ],
        audiences: &[A::AllSelfEmployed, A::HelpingSpouses, A::SecondaryActivity],
        modes: &[M::Individual],
        formats: &[F::Online],
        scopes: &[S::National],
        duration: None,
        cost_eur: None,
        licence: "CC-BY-4.0",
        tags: &["orientation", "psychologue", "hulplijn"],
        visibility: V::Public,
        scientific_basis: None,
        demand_driven: None,
        fate: Fate::Published,
    },
    DemoTool {
        owner: "avixi",
        kind: K::WorkshopFormat,
        categories: &[C::AwarenessPromotion],
        texts: &[(
            Lang::Nl,
            "Workshop slaap en herstel",
            "Werkversie: een avondworkshop over slaap, schermen en herstel na drukke periodes.",
            "## Nog uit te werken\n\nDraaiboek en evaluatie volgen.",
        )],
        audiences: &[A::AllSelfEmployed],
        modes: &[M::Group],
        formats: &[F::InPerson],
        scopes: &[S::Local],
        duration: Some("2 uur"),
        cost_eur: None,
        licence: "ON_REQUEST",
        tags: &["slaap"],
        visibility: V::Organisation,
        scientific_basis: None,
        demand_driven: None,
        fate: Fate::Draft,
    },
    DemoTool {
        owner: "acerta",
        kind: K::Conference,
        categories: &[C::AwarenessPromotion],
        texts: &[
            (
                Lang::Nl,
                "Webinar: omgaan met financiële stress",
                "Een webinar van een uur met een schuldbemiddelaar en een psycholoog.",
                "## Programma\n\nFinanciële signalen, praktische stappen, waar vind je hulp.",
            ),
            (
                Lang::En,
                "Webinar: coping with financial stress",
                "A one-hour webinar with a debt counsellor and a psychologist.",
                "## Programme\n\nFinancial warning signs, practical steps, where to find help.",
            ),
        ],
        audiences: &[A::AllSelfEmployed],
        modes: &[M::Group],
        formats: &[F::Online],
        scopes: &[S::National],
        duration: Some("1 uur"),
        cost_eur: None,
        licence: "CC-BY-4.0",
        tags: &["financiën", "webinar"],
        visibility: V::Network,
        scientific_basis: None,
        demand_driven: None,
        fate: Fate::Rejected(
            "A one-off event recording rather than a reusable tool; share the format as a workshop instead.",
        ),
    },
    DemoTool {
        owner: "hulpkas",
        kind: K::Other,
        categories: &[C::EarlyDetection],
        texts: &[
            (
                Lang::Fr,
                "Signaux d'alerte dans le dossier d'un affilié",
                "Une liste de signaux (retards de cotisations, demande de dispense, cessation) qui invitent le gestionnaire à proposer un contact.",
                "## Les signaux\n\nRetards répétés, demande de dispense de cotisations, demande de droit passerelle, cessation d'activité. Chaque signal déclenche une proposition de contact, jamais une démarche sans accord.",
            ),
            (
                Lang::De,
                "Warnsignale in der Akte eines Mitglieds",
                "Eine Liste von Signalen, bei denen der Sachbearbeiter einen Kontakt anbieten sollte.",
                "## Die Signale\n\nWiederholte Zahlungsverzüge, Antrag auf Beitragsbefreiung, Überbrückungsrecht, Einstellung der Tätigkeit.",
            ),
        ],
        audiences: &[A::AllSelfEmployed],
        modes: &[M::Individual],
        formats: &[F::InPerson],
        scopes: &[S::National],
        duration: None,
        cost_eur: None,
        licence: "CC0-1.0",
        tags: &["détection précoce", "dossier", "signaux"],
        visibility: V::Network,
        scientific_basis: None,
        demand_driven: None,
        fate: Fate::InReview,
    },
];

fn draft(t: &DemoTool) -> ToolDraft {
    ToolDraft {
        kind: Some(t.kind),
        categories: t.categories.to_vec(),
        translations: t
            .texts
            .iter()
            .map(|(lang, title, summary, body)| Translation {
                lang: *lang,
                title: (*title).to_owned(),
                summary: (*summary).to_owned(),
                body: (*body).to_owned(),
            })
            .collect(),
        audiences: t.audiences.to_vec(),
        sectors: Vec::new(),
        delivery_modes: t.modes.to_vec(),
        delivery_formats: t.formats.to_vec(),
        scopes: t.scopes.to_vec(),
        duration: t.duration.map(str::to_owned),
        cost_eur: t.cost_eur.map(str::to_owned),
        quality: QualityDocumentation {
            scientific_basis: t.scientific_basis.map(str::to_owned),
            demand_driven: t.demand_driven.map(str::to_owned),
            ..QualityDocumentation::default()
        },
        licence: t.licence.to_owned(),
        contact: None,
        tags: t.tags.iter().map(|s| (*s).to_owned()).collect(),
        visibility: Some(t.visibility),
    }
}

/// A demo person of an organisation, recorded as a user like anyone signing in.
pub(super) async fn demo_actor(
    ctx: &crate::Context,
    org: &Organisation,
    role: Role,
    name: &str,
) -> Result<Actor, ServiceError> {
    let subject = format!(
        "demo-{}-{}",
        org.slug,
        role.as_str().to_lowercase().replace('_', "-")
    );
    let user = commons_store::users::record(&ctx.db, org.id, &subject, Some(name), None, ctx.now())
        .await?;
    Ok(Actor {
        user_id: user.id,
        organisation_id: org.id,
        organisation_kind: org.kind,
        roles: BTreeSet::from([role]),
    })
}

/// Files attached to demo tools while they are drafts: (first title, file name, title, language,
/// content). The words in them are found by search.
const FILES: &[(&str, &str, &str, Lang, &str)] = &[
    (
        "Stresstest voor zelfstandigen",
        "handleiding-stresstest.md",
        "Handleiding voor de begeleider",
        Lang::Nl,
        "# Handleiding\n\nBespreek het stressprofiel binnen de week. Bij een rood profiel: \
         stel een gesprek met een psycholoog voor en noteer de doorverwijzing. Let op \
         slaapproblemen, piekeren en terugtrekking uit het sociale leven.\n",
    ),
    (
        "Atelier « Prévenir l'épuisement professionnel »",
        "deroule-atelier.md",
        "Déroulé de l'atelier pour l'animateur",
        Lang::Fr,
        "# Déroulé (3 heures)\n\n1. Accueil et tour de table.\n2. Les signaux d'alerte : \
         irritabilité, insomnie, perte de sens.\n3. Exercice de cohérence cardiaque.\n\
         4. Plan d'action personnel et ressources (ligne d'écoute, médecin traitant).\n",
    ),
];

async fn attach_demo_files(
    ctx: &crate::Context,
    author: &Actor,
    tool_id: i64,
    first_title: &str,
) -> Result<(), ServiceError> {
    use std::io::Write;
    for (_, name, title, lang, text) in FILES.iter().filter(|f| f.0 == first_title) {
        let mut content = tempfile::tempfile().map_err(|e| ServiceError::Files(e.to_string()))?;
        content
            .write_all(text.as_bytes())
            .map_err(|e| ServiceError::Files(e.to_string()))?;
        let upload = crate::attachments::Upload {
            file_name: (*name).to_owned(),
            content,
        };
        crate::attachments::add(ctx, Some(author), tool_id, upload, title, *lang).await?;
    }
    Ok(())
}

/// Loads the demo tools that are not there yet (matched by owner and first title).
pub async fn load(ctx: &crate::Context) -> Result<usize, ServiceError> {
    let inasti = crate::organisations::by_slug(ctx, "inasti")
        .await?
        .ok_or(ServiceError::NotFound)?;
    let moderator = demo_actor(ctx, &inasti, Role::Moderator, "Demo INASTI moderator").await?;
    let mut loaded = 0;
    for t in TOOLS {
        let owner = crate::organisations::by_slug(ctx, t.owner)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let (_, first_title, ..) = t.texts[0];
        if commons_store::tools::owner_has_title(&ctx.db, owner.id, first_title).await? {
            continue;
        }
        debug_assert!(matches!(
            owner.kind,
            OrganisationKind::Caisse | OrganisationKind::Partner
        ));
        let author = demo_actor(
            ctx,
            &owner,
            Role::Staff,
            &format!("Demo staff of {}", owner.slug),
        )
        .await?;
        let (a, m) = (Some(&author), Some(&moderator));
        let created = tools::create(ctx, a, draft(t)).await?;
        let id = created.tool.id;
        attach_demo_files(ctx, &author, id, first_title).await?;
        let decide =
            |revision, decision, reason| tools::decide(ctx, m, id, revision, decision, reason);
        match t.fate {
            Fate::Draft => {}
            Fate::InReview => {
                tools::submit(ctx, a, id, 1).await?;
            }
            Fate::ChangesRequested(reason) => {
                tools::submit(ctx, a, id, 1).await?;
                decide(1, Decision::RequestChanges, Some(reason)).await?;
            }
            Fate::Rejected(reason) => {
                tools::submit(ctx, a, id, 1).await?;
                decide(1, Decision::Reject, Some(reason)).await?;
            }
            Fate::Published | Fate::Archived | Fate::PublishedWithRevisionInReview => {
                tools::submit(ctx, a, id, 1).await?;
                decide(1, Decision::Approve, None).await?;
                if let Fate::Archived = t.fate {
                    tools::archive(ctx, a, id).await?;
                }
                if let Fate::PublishedWithRevisionInReview = t.fate {
                    let mut next = draft(t);
                    next.tags.push("santé mentale".to_owned());
                    next.quality.evaluation_results = Some(
                        "Évaluation 2023 : 91 % des participants recommandent le parcours."
                            .to_owned(),
                    );
                    tools::update(ctx, a, id, 1, next).await?;
                    tools::submit(ctx, a, id, 2).await?;
                }
            }
        }
        loaded += 1;
    }
    Ok(loaded)
}
