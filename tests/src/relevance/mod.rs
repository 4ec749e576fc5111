//! The relevance set: 348 tools of the field in French, Dutch, German and English, and judged
//! queries written the way people type them (function words, accents dropped, plurals and
//! conjugations, typos, hyphen and compound variants, one-language and cross-language queries,
//! phrases, exclusions, a word no tool holds next to words that match, whole sentences).
//!
//! Each tool is about one subject ([`topics`]) in one format and one language; three formats
//! per subject and language. Every tool also carries two sentences of the field's common
//! vocabulary (stress, sleep, workshops, the caisse …), so that most words of a query are held
//! by tools it is not about: the distractors. A query is judged by what it is about — a subject,
//! a format, languages — so its relevant tools follow from the set, not from a list typed by
//! hand that could drift from it.
//!
//! A second set, [`outside`], was written by an evaluator who saw neither this set nor the
//! engine's tables: real-sounding tools and the queries people type, judged tool by tool.
//!
//! Used by the test that asserts the floors (`tests/relevance_set.rs`) and by the bench that
//! compares Commons with SQLite FTS5 (`bench-relevance`).

pub mod outside;
pub mod topics;

use std::collections::{BTreeMap, BTreeSet};

use commons_indexer::{Lang, LangText, ToolDocument, Variant};

use topics::{TOPICS, Topic};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    Workshop,
    Training,
    Guide,
    SelfScan,
    Helpline,
    Coaching,
    Circle,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Workshop,
        Format::Training,
        Format::Guide,
        Format::SelfScan,
        Format::Helpline,
        Format::Coaching,
        Format::Circle,
    ];

    fn kind(self) -> &'static str {
        match self {
            Format::Workshop => "WORKSHOP_FORMAT",
            Format::Training => "TRAINING_MODULE",
            Format::Guide => "GUIDE",
            Format::SelfScan => "SELF_SCAN",
            Format::Helpline => "OTHER",
            Format::Coaching => "COACHING_PROGRAMME",
            Format::Circle => "PEER_GROUP",
        }
    }

    /// The title, summary and body sentence of this format in a language; `{}` is the
    /// subject's name. `alt` picks a second spelling where the field writes two
    /// (zelfscan / zelf-scan, self-scan / selfscan, well-being / wellbeing).
    fn text(self, lang: Lang, alt: bool) -> (&'static str, &'static str, &'static str) {
        use Format::*;
        match (lang, self) {
            (Lang::Fr, Workshop) => (
                "Atelier : {}",
                "Un atelier de deux heures en petit groupe, animé par un psychologue.",
                "Les participants repartent avec des outils concrets à appliquer dans leur activité.",
            ),
            (Lang::Fr, Training) => (
                "Formation en ligne : {}",
                "Un module de formation en ligne à suivre à son rythme.",
                "Six leçons courtes avec des vidéos, des exercices et un test final.",
            ),
            (Lang::Fr, Guide) => (
                "{} : guide pratique",
                "Une brochure pratique avec des conseils et des adresses utiles.",
                "Le guide se télécharge en PDF et se lit en vingt minutes.",
            ),
            (Lang::Fr, SelfScan) => (
                "Autotest : {}",
                "Un questionnaire en ligne pour évaluer sa situation en dix minutes.",
                "Le résultat est confidentiel et propose une orientation selon le score obtenu.",
            ),
            (Lang::Fr, Helpline) => (
                "Ligne d'écoute : {}",
                "Une ligne téléphonique gratuite et anonyme, tenue par des professionnels.",
                "Appelez du lundi au vendredi ; un rappel est possible le soir.",
            ),
            (Lang::Fr, Coaching) => (
                "Coaching individuel : {}",
                "Un parcours de coaching individuel en cinq séances.",
                "Le coach aide à fixer des objectifs réalistes et à les suivre semaine après semaine.",
            ),
            (Lang::Fr, Circle) => (
                "Cercle d'échange : {}",
                "Des rencontres mensuelles entre indépendants, animées par un modérateur.",
                "Chaque cercle réunit huit personnes au maximum dans un lieu neutre.",
            ),
            (Lang::Nl, Workshop) => (
                "Workshop: {}",
                "Een workshop van twee uur in kleine groep, begeleid door een psycholoog.",
                "De deelnemers gaan naar huis met concrete hulpmiddelen voor hun zaak.",
            ),
            (Lang::Nl, Training) => (
                "Online opleiding: {}",
                "Een online opleidingsmodule die je in je eigen tempo volgt.",
                "Zes korte lessen met video's, oefeningen en een eindtest.",
            ),
            (Lang::Nl, Guide) => (
                "{}: praktische gids",
                "Een praktische brochure met tips en nuttige adressen.",
                "De gids is als pdf te downloaden en leest in twintig minuten.",
            ),
            (Lang::Nl, SelfScan) => (
                if alt { "Zelf-scan: {}" } else { "Zelfscan: {}" },
                "Een online vragenlijst om in tien minuten je situatie in te schatten.",
                "Het resultaat is vertrouwelijk en geeft een doorverwijzing volgens je score.",
            ),
            (Lang::Nl, Helpline) => (
                "Luisterlijn: {}",
                "Een gratis en anonieme telefoonlijn, bemand door professionals.",
                "Bel van maandag tot vrijdag; 's avonds terugbellen kan ook.",
            ),
            (Lang::Nl, Coaching) => (
                "Individuele coaching: {}",
                "Een individueel coachingtraject in vijf sessies.",
                "De coach helpt realistische doelen te stellen en ze week na week op te volgen.",
            ),
            (Lang::Nl, Circle) => (
                "Ontmoetingskring: {}",
                "Maandelijkse ontmoetingen tussen zelfstandigen, geleid door een moderator.",
                "Elke kring brengt hoogstens acht mensen samen op een neutrale plek.",
            ),
            (Lang::De, Workshop) => (
                "Workshop: {}",
                "Ein zweistündiger Workshop in kleiner Gruppe, geleitet von einer Psychologin.",
                "Die Teilnehmenden nehmen konkrete Werkzeuge für ihren Betrieb mit.",
            ),
            (Lang::De, Training) => (
                "Online-Schulung: {}",
                "Ein Online-Schulungsmodul im eigenen Tempo.",
                "Sechs kurze Lektionen mit Videos, Übungen und einem Abschlusstest.",
            ),
            (Lang::De, Guide) => (
                "{}: ein Leitfaden",
                "Eine praktische Broschüre mit Tipps und nützlichen Adressen.",
                "Der Leitfaden steht als PDF bereit und ist in zwanzig Minuten gelesen.",
            ),
            (Lang::De, SelfScan) => (
                "Selbsttest: {}",
                "Ein Online-Fragebogen, um die eigene Lage in zehn Minuten einzuschätzen.",
                "Das Ergebnis ist vertraulich und empfiehlt je nach Punktzahl passende Hilfe.",
            ),
            (Lang::De, Helpline) => (
                "Sorgentelefon: {}",
                "Eine kostenlose und anonyme Telefonlinie, besetzt mit Fachleuten.",
                "Anrufe von Montag bis Freitag; abends ist ein Rückruf möglich.",
            ),
            (Lang::De, Coaching) => (
                "Einzelcoaching: {}",
                "Ein Einzelcoaching in fünf Sitzungen.",
                "Der Coach hilft, realistische Ziele zu setzen und sie Woche für Woche zu verfolgen.",
            ),
            (Lang::De, Circle) => (
                "Gesprächskreis: {}",
                "Monatliche Treffen unter Selbständigen, geleitet von einer Moderatorin.",
                "Jeder Kreis bringt höchstens acht Personen an einem neutralen Ort zusammen.",
            ),
            (Lang::En, Workshop) => (
                "Workshop: {}",
                "A two-hour workshop in a small group, led by a psychologist.",
                "Participants leave with practical tools to use in their business.",
            ),
            (Lang::En, Training) => (
                "Online training: {}",
                "An online training module to follow at your own pace.",
                "Six short lessons with videos, exercises and a final test.",
            ),
            (Lang::En, Guide) => (
                "{}: a practical guide",
                "A practical booklet with tips and useful addresses.",
                "The guide downloads as a PDF and takes twenty minutes to read.",
            ),
            (Lang::En, SelfScan) => (
                if alt { "Selfscan: {}" } else { "Self-scan: {}" },
                if alt {
                    "An online questionnaire on your wellbeing that takes ten minutes."
                } else {
                    "An online questionnaire on your well-being that takes ten minutes."
                },
                "The result is confidential and suggests where to turn according to your score.",
            ),
            (Lang::En, Helpline) => (
                "Helpline: {}",
                "A free and anonymous phone line staffed by professionals.",
                "Call Monday to Friday; a call back in the evening is possible.",
            ),
            (Lang::En, Coaching) => (
                "One-to-one coaching: {}",
                "A one-to-one coaching programme in five sessions.",
                "The coach helps to set realistic goals and to follow them up week after week.",
            ),
            (Lang::En, Circle) => (
                "Support circle: {}",
                "Monthly meetings between self-employed people, led by a facilitator.",
                "Each circle brings together eight people at most in a neutral place.",
            ),
        }
    }
}

/// The field's common words, shared by tools that are not about them.
fn common_sentences(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Fr => &[
            "Les indépendants font souvent face au stress et à la fatigue.",
            "Ce service est proposé gratuitement par votre caisse d'assurances sociales.",
            "Un atelier de suivi peut être organisé à la demande.",
            "Le bien-être mental des entrepreneurs est au cœur de notre mission.",
            "Inscription en ligne ou par téléphone auprès de votre conseiller.",
            "Les nuits courtes et le manque de sommeil reviennent souvent dans les témoignages.",
            "Parlez-en à votre médecin traitant si les difficultés persistent.",
            "Accessible aux indépendants à titre principal et complémentaire.",
        ],
        Lang::Nl => &[
            "Zelfstandigen krijgen vaak te maken met stress en vermoeidheid.",
            "Deze dienst wordt gratis aangeboden door uw sociaal verzekeringsfonds.",
            "Op vraag kan een opvolgworkshop georganiseerd worden.",
            "Het mentale welzijn van ondernemers staat centraal in onze opdracht.",
            "Inschrijven kan online of telefonisch bij uw adviseur.",
            "Korte nachten en te weinig slaap komen vaak terug in de getuigenissen.",
            "Spreek er met uw huisarts over als de moeilijkheden aanhouden.",
            "Toegankelijk voor zelfstandigen in hoofdberoep en bijberoep.",
        ],
        Lang::De => &[
            "Selbständige haben oft mit Stress und Müdigkeit zu tun.",
            "Dieser Dienst wird kostenlos von Ihrer Sozialversicherungskasse angeboten.",
            "Auf Wunsch kann ein Folgeworkshop organisiert werden.",
            "Das psychische Wohlbefinden von Unternehmern steht im Mittelpunkt unseres Auftrags.",
            "Anmeldung online oder telefonisch bei Ihrem Berater.",
            "Kurze Nächte und zu wenig Schlaf kommen in den Berichten oft vor.",
            "Sprechen Sie mit Ihrem Hausarzt, wenn die Schwierigkeiten anhalten.",
            "Offen für Selbständige im Haupt- und Nebenberuf.",
        ],
        Lang::En => &[
            "Self-employed people often face stress and fatigue.",
            "This service is offered free of charge by your social insurance fund.",
            "A follow-up workshop can be organised on request.",
            "The mental well-being of entrepreneurs is at the heart of our mission.",
            "Sign up online or by phone with your adviser.",
            "Short nights and too little sleep often come up in testimonies.",
            "Talk to your GP if the difficulties persist.",
            "Open to self-employed people in main and secondary occupation.",
        ],
    }
}

#[derive(Clone, Debug)]
pub struct Tool {
    pub id: u64,
    pub topic: &'static str,
    pub format: Format,
    pub lang: Lang,
    pub title: String,
    pub summary: String,
    pub body: String,
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn lang_index(lang: Lang) -> usize {
    Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0)
}

fn formats_of(topic_index: usize) -> [Format; 3] {
    [0, 1, 2].map(|k| Format::ALL[(topic_index * 3 + k) % Format::ALL.len()])
}

/// Every tool of the set, in a fixed order with ids from 1.
pub fn tools() -> Vec<Tool> {
    let mut out = Vec::new();
    for (ti, topic) in TOPICS.iter().enumerate() {
        for (fi, format) in formats_of(ti).into_iter().enumerate() {
            for lang in Lang::ALL {
                let id = out.len() as u64 + 1;
                let text = &topic.texts[lang_index(lang)];
                let (title, summary, body) = format.text(lang, (ti + fi) % 2 == 1);
                let title = if title.starts_with("{}") {
                    title.replace("{}", &capitalised(text.name))
                } else {
                    title.replace("{}", text.name)
                };
                let common = common_sentences(lang);
                let a = common[(ti * 7 + fi * 3) % common.len()];
                let b = common[(ti * 5 + fi * 2 + 1) % common.len()];
                out.push(Tool {
                    id,
                    topic: topic.key,
                    format,
                    lang,
                    title,
                    summary: format!("{} {summary}", text.summary),
                    body: format!("{} {body} {a} {b}", text.body),
                });
            }
        }
    }
    out
}

/// The tools of the set as the index holds them: public, published, one organisation.
pub fn documents(tools: &[Tool]) -> Vec<ToolDocument> {
    tools
        .iter()
        .map(|t| ToolDocument {
            tool_id: t.id,
            variant: Variant::Published,
            owner_id: 1,
            owner_name: "Caisse".into(),
            kind: t.format.kind().into(),
            categories: vec!["AWARENESS_PROMOTION".into()],
            audiences: vec!["ALL_SELF_EMPLOYED".into()],
            texts: vec![LangText {
                lang: t.lang,
                title: t.title.clone(),
                summary: t.summary.clone(),
                body: t.body.clone(),
            }],
            tags: vec![],
            attachments: vec![],
            latest_visibility: "PUBLIC".into(),
            published_visibility: Some("PUBLIC".into()),
            lifecycle: "ACTIVE".into(),
            updated_at: 1_700_000_000 + t.id as i64,
            adoptions: 0,
            reviewed_at: commons_indexer::NEVER_DUE,
        })
        .collect()
}

/// What a query is about: its relevant tools are those of this subject (if named), this
/// format (if named), not that format in that language, and in these languages.
#[derive(Clone, Debug)]
pub struct About {
    pub topic: Option<&'static str>,
    pub format: Option<Format>,
    pub langs: &'static [Lang],
    pub except: Option<(Format, Lang)>,
}

/// A judged set: its tools, and each query with the tools it should find.
pub struct JudgedSet {
    pub name: &'static str,
    pub tools: Vec<Tool>,
    pub cases: Vec<Case>,
}

/// One judged query: its trait, what is typed, the ids of the tools it is about.
pub struct Case {
    pub traits: String,
    pub query: String,
    pub relevant: BTreeSet<u64>,
}

/// The set built here from its subjects and formats.
pub fn first_set() -> JudgedSet {
    let tools = tools();
    let cases = queries()
        .into_iter()
        .map(|j| Case {
            traits: j.traits.to_owned(),
            query: j.query.to_owned(),
            relevant: relevant(&tools, &j.about),
        })
        .collect();
    JudgedSet {
        name: "the in-repo set",
        tools,
        cases,
    }
}

pub struct Judged {
    pub traits: &'static str,
    pub query: &'static str,
    pub about: About,
}

const ALL: &[Lang] = &[Lang::Fr, Lang::Nl, Lang::De, Lang::En];
const FR: &[Lang] = &[Lang::Fr];
const NL: &[Lang] = &[Lang::Nl];
const DE: &[Lang] = &[Lang::De];
const EN: &[Lang] = &[Lang::En];

fn on(topic: &'static str, langs: &'static [Lang]) -> About {
    About {
        topic: Some(topic),
        format: None,
        langs,
        except: None,
    }
}

fn format(format: Format, langs: &'static [Lang]) -> About {
    About {
        topic: None,
        format: Some(format),
        langs,
        except: None,
    }
}

fn except(topic: &'static str, f: Format, lang: Lang) -> About {
    About {
        topic: Some(topic),
        format: None,
        langs: match lang {
            Lang::Fr => FR,
            Lang::Nl => NL,
            Lang::De => DE,
            Lang::En => EN,
        },
        except: Some((f, lang)),
    }
}

/// The judged queries.
pub fn queries() -> Vec<Judged> {
    let q = |traits: &'static str, query: &'static str, about: About| Judged {
        traits,
        query,
        about,
    };
    vec![
        // Function words, which one language's analyser drops and the others keep.
        q("function words", "gérer le stress", on("stress", FR)),
        q("function words", "troubles du sommeil", on("sleep", FR)),
        q("function words", "groupes de parole", on("peers", FR)),
        q(
            "function words",
            "the stress of running a business",
            on("stress", EN),
        ),
        q("function words", "de stress van de zaak", on("stress", NL)),
        q("function words", "der Stress im Betrieb", on("stress", DE)),
        q(
            "function words",
            "la solitude des indépendants",
            on("loneliness", FR),
        ),
        q(
            "function words",
            "het evenwicht tussen werk en gezin",
            on("balance", NL),
        ),
        q(
            "function words",
            "what to do after a bankruptcy",
            on("bankruptcy", EN),
        ),
        q(
            "function words",
            "comment parler de ses dettes",
            on("debt", FR),
        ),
        q("function words", "confiance en soi", on("confidence", FR)),
        q(
            "function words",
            "die Vereinbarkeit von Beruf und Familie",
            on("balance", DE),
        ),
        // Accents left out.
        q(
            "accents dropped",
            "epuisement professionnel",
            on("burnout", FR),
        ),
        q(
            "accents dropped",
            "detresse agriculteurs",
            on("farmers", FR),
        ),
        q("accents dropped", "stressbewaltigung", on("stress", DE)),
        q(
            "accents dropped",
            "mudigkeit erschopfung",
            on("burnout", DE),
        ),
        q(
            "accents dropped",
            "prevention du suicide",
            on("suicide", FR),
        ),
        q("accents dropped", "Schuldnerberatung", on("debt", DE)),
        q("accents dropped", "deces et deuil", on("grief", FR)),
        // Plurals and conjugations.
        q("inflection", "dormir", on("sleep", FR)),
        q("inflection", "slapen", on("sleep", NL)),
        q("inflection", "schulden van zelfstandigen", on("debt", NL)),
        q("inflection", "landbouwer", on("farmers", NL)),
        q("inflection", "panic attack", on("anxiety", EN)),
        q("inflection", "déléguer les tâches", on("workload", FR)),
        q("inflection", "Gründer", on("starters", DE)),
        q("inflection", "helping spouse", on("spouse", EN)),
        q("inflection", "meewerkende echtgenote", on("spouse", NL)),
        q(
            "inflection",
            "entrepreneur seul face aux décisions",
            on("loneliness", FR),
        ),
        // Typos.
        q("typo", "gestion du strees", on("stress", FR)),
        q("typo", "sommiel", on("sleep", FR)),
        q("typo", "faillisement", on("bankruptcy", NL)),
        q("typo", "Einsamkiet", on("loneliness", DE)),
        q("typo", "lonelyness", on("loneliness", EN)),
        q(
            "typo",
            "mindfullness",
            on("mindfulness", &[Lang::Nl, Lang::En]),
        ),
        q(
            "typo",
            "resilliance",
            on("resilience", &[Lang::Fr, Lang::En]),
        ),
        q("typo", "zelfvertrouwn", on("confidence", NL)),
        q("typo", "Zeitmanagment", on("time", DE)),
        q("typo", "psycholgue", on("psychologist", FR)),
        // Hyphens and compounds, both ways.
        q("compound", "burnout", on("burnout", ALL)),
        q("compound", "burn-out", on("burnout", ALL)),
        q("compound", "burn out", on("burnout", ALL)),
        q("compound", "zelfscan", format(Format::SelfScan, NL)),
        q("compound", "zelf-scan", format(Format::SelfScan, NL)),
        q("compound", "self scan", format(Format::SelfScan, EN)),
        q("compound", "selfscan", format(Format::SelfScan, EN)),
        q("compound", "stress beheersing", on("stress", NL)),
        q("compound", "Stress Bewältigung", on("stress", DE)),
        q("compound", "werk druk", on("workload", NL)),
        q("compound", "zelfmoord preventie", on("suicide", NL)),
        q("compound", "Schlaf", on("sleep", DE)),
        q("compound", "beheersing", on("stress", NL)),
        q("compound", "Nachfolge", on("succession", DE)),
        q(
            "compound",
            "time-management",
            on("time", &[Lang::Nl, Lang::En]),
        ),
        q("compound", "Arbeits Belastung", on("workload", DE)),
        // One concept across languages.
        q(
            "cross-language",
            "épuisement professionnel",
            on("burnout", ALL),
        ),
        q("cross-language", "bankruptcy", on("bankruptcy", ALL)),
        q("cross-language", "slaap", on("sleep", ALL)),
        q("cross-language", "Einsamkeit", on("loneliness", ALL)),
        q("cross-language", "peer group", on("peers", ALL)),
        q("cross-language", "conjoint aidant", on("spouse", ALL)),
        q("cross-language", "mindfulness", on("mindfulness", ALL)),
        q("cross-language", "Schulden", on("debt", ALL)),
        q("cross-language", "deuil", on("grief", ALL)),
        q("cross-language", "psychologist", on("psychologist", ALL)),
        q("cross-language", "suicide prevention", on("suicide", ALL)),
        q("cross-language", "faillite", on("bankruptcy", ALL)),
        // Quoted phrases.
        q("phrase", "\"gestion du temps\"", on("time", FR)),
        q("phrase", "\"time management\"", on("time", EN)),
        q(
            "phrase",
            "\"conflits avec les clients\"",
            on("conflict", FR),
        ),
        q("phrase", "\"werk en privé\"", on("balance", NL)),
        q("phrase", "\"Beruf und Familie\"", on("balance", DE)),
        q("phrase", "\"groupe de parole\"", on("peers", FR)),
        q("phrase", "\"Angst und Panikattacke\"", on("anxiety", DE)),
        // Exclusions.
        q(
            "exclusion",
            "gestion du stress -atelier",
            except("stress", Format::Workshop, Lang::Fr),
        ),
        q(
            "exclusion",
            "sommeil -formation",
            except("sleep", Format::Training, Lang::Fr),
        ),
        q(
            "exclusion",
            "slaapproblemen -workshop",
            except("sleep", Format::Workshop, Lang::Nl),
        ),
        q(
            "exclusion",
            "sommeil -formations",
            except("sleep", Format::Training, Lang::Fr),
        ),
        q(
            "exclusion",
            "Schlafstörungen -Workshops",
            except("sleep", Format::Workshop, Lang::De),
        ),
        // A word no tool holds next to words that match.
        q(
            "unknown word",
            "gestion du stress xylophone",
            on("stress", FR),
        ),
        q("unknown word", "slaapproblemen zeppelin", on("sleep", NL)),
        q("unknown word", "Schulden Quastenflosser", on("debt", DE)),
        q("unknown word", "bankruptcy wombat", on("bankruptcy", EN)),
        q("unknown word", "kiwifruit anxiety", on("anxiety", EN)),
        // Whole sentences, as people type them.
        q("sentence", "je n'arrive plus à dormir", on("sleep", FR)),
        q(
            "sentence",
            "comment gérer mon stress au travail",
            on("stress", FR),
        ),
        q(
            "sentence",
            "hulp bij schulden als zelfstandige",
            on("debt", NL),
        ),
        q("sentence", "ich bin total erschöpft", on("burnout", DE)),
        q(
            "sentence",
            "I can't sleep because of my business",
            on("sleep", EN),
        ),
        q("sentence", "ik voel me alleen", on("loneliness", NL)),
        q("sentence", "Hilfe nach dem Konkurs", on("bankruptcy", DE)),
        q(
            "sentence",
            "aide psychologique pour les agriculteurs",
            on("farmers", FR),
        ),
        q(
            "sentence",
            "talking to someone about anxiety",
            on("anxiety", EN),
        ),
        q("sentence", "Konflikt mit einem Kunden", on("conflict", DE)),
        q("sentence", "werkdruk als zelfstandige", on("workload", NL)),
        q(
            "sentence",
            "digital detox",
            on("digital", &[Lang::Nl, Lang::En]),
        ),
        q("sentence", "aide après les inondations", on("floods", FR)),
        q("sentence", "Hochwasser", on("floods", DE)),
        q("sentence", "travailler en famille", on("family", FR)),
        q(
            "sentence",
            "how to get my confidence back",
            on("confidence", EN),
        ),
    ]
}

/// The ids of the tools a judged query is about.
pub fn relevant(tools: &[Tool], about: &About) -> BTreeSet<u64> {
    tools
        .iter()
        .filter(|t| about.topic.is_none_or(|topic| t.topic == topic))
        .filter(|t| about.format.is_none_or(|f| t.format == f))
        .filter(|t| about.langs.contains(&t.lang))
        .filter(|t| about.except != Some((t.format, t.lang)))
        .map(|t| t.id)
        .collect()
}

/// Recall at 10 and 3 (of what could fit), reciprocal rank of the first relevant tool.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scores {
    pub recall_10: f64,
    pub recall_3: f64,
    pub reciprocal_rank: f64,
}

pub fn score(ranked: &[u64], relevant: &BTreeSet<u64>) -> Scores {
    let found_in = |k: usize| {
        ranked
            .iter()
            .take(k)
            .filter(|id| relevant.contains(id))
            .count()
    };
    let recall = |k: usize| found_in(k) as f64 / relevant.len().min(k).max(1) as f64;
    let rank = ranked.iter().position(|id| relevant.contains(id));
    Scores {
        recall_10: recall(10),
        recall_3: recall(3),
        reciprocal_rank: rank.map_or(0.0, |r| 1.0 / (r as f64 + 1.0)),
    }
}

/// Mean scores over the whole set and per trait.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub overall: Scores,
    pub queries: usize,
    pub by_trait: BTreeMap<String, (Scores, usize)>,
    /// Queries whose relevant tools were not all in the top 10, with what came first.
    pub misses: Vec<(String, Scores, Vec<u64>)>,
}

fn add(total: &mut Scores, s: Scores) {
    total.recall_10 += s.recall_10;
    total.recall_3 += s.recall_3;
    total.reciprocal_rank += s.reciprocal_rank;
}

fn mean(total: Scores, n: usize) -> Scores {
    let n = n.max(1) as f64;
    Scores {
        recall_10: total.recall_10 / n,
        recall_3: total.recall_3 / n,
        reciprocal_rank: total.reciprocal_rank / n,
    }
}

/// Runs every judged query of a set through `search` (ranked tool ids, best first) and scores
/// it.
pub fn evaluate(set: &JudgedSet, mut search: impl FnMut(&str) -> Vec<u64>) -> Report {
    let mut report = Report::default();
    let mut total = Scores::default();
    for case in &set.cases {
        let ranked = search(&case.query);
        let s = score(&ranked, &case.relevant);
        add(&mut total, s);
        let slot = report.by_trait.entry(case.traits.clone()).or_default();
        add(&mut slot.0, s);
        slot.1 += 1;
        if s.recall_10 < 1.0 || s.reciprocal_rank < 1.0 {
            report
                .misses
                .push((case.query.clone(), s, ranked.into_iter().take(5).collect()));
        }
    }
    report.queries = set.cases.len();
    report.overall = mean(total, set.cases.len());
    for (scores, n) in report.by_trait.values_mut() {
        *scores = mean(*scores, *n);
    }
    report
}

/// Searches a judged set with Commons as `searchTools` does (an anonymous caller, the shipped
/// concept table, the top 10) on an index built here, and scores it.
pub fn evaluate_commons(set: &JudgedSet) -> Report {
    let mut search = commons_search(set);
    evaluate(set, |q| search(q).iter().map(|(id, _)| *id).collect())
}

/// A search of the set as `searchTools` searches: the first ten tools and their scores.
pub fn commons_search(set: &JudgedSet) -> impl FnMut(&str) -> Vec<(u64, f32)> + use<> {
    let dir = tempfile::tempdir().unwrap();
    let index = commons_indexer::IndexHome::new(dir.path())
        .open()
        .unwrap()
        .index;
    for d in documents(&set.tools) {
        index.replace(d.tool_id, std::slice::from_ref(&d)).unwrap();
    }
    index.commit(1).unwrap();
    let thesaurus = std::sync::Arc::new(commons_indexer::Thesaurus::new(
        commons_indexer::Thesaurus::shipped(),
    ));
    move |q| {
        let _dir = &dir;
        let request = commons_indexer::SearchRequest {
            query: q.into(),
            limit: 10,
            scope: commons_indexer::Scope {
                published_visibilities: vec!["PUBLIC".into()],
                ..commons_indexer::Scope::default()
            },
            thesaurus: Some(thesaurus.clone()),
            ..commons_indexer::SearchRequest::default()
        };
        index
            .search(&request)
            .unwrap()
            .hits
            .iter()
            .map(|h| (h.tool_id, h.score))
            .collect()
    }
}

/// The subjects, for a reader of the set.
pub fn topics() -> &'static [Topic] {
    TOPICS
}
