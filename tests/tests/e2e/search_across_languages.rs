//! Search beyond the words the engine was taught: what dictionaries know of a word is indexed
//! with each tool, so a search finds a compound by its parts, a derived form by its root, a tool
//! in another language by a translation and an institution by its name in another language; a
//! rare word outweighs common ones, and the words of a question do not decide. Every word
//! below is in no concept table.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::tools::published_tool_in;
use commons_tests::{TestApp, spawn_app};
use serde_json::{Value, json};

const SEARCH: &str = "query($q: String) {
  searchTools(query: $q, first: 20) {
    totalCount unmatchedWords
    edges { node { tool { title } } }
  }
}";

async fn search(app: &TestApp, q: &str) -> Value {
    let body = app.graphql(SEARCH, json!({ "q": q })).await;
    assert!(body.get("errors").is_none(), "{q}: {body}");
    body["data"]["searchTools"].clone()
}

/// Titles in the order found, for an anonymous caller searching all languages.
async fn titles(app: &TestApp, q: &str) -> Vec<String> {
    search(app, q).await["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["tool"]["title"].as_str().unwrap().to_owned())
        .collect()
}

async fn app_with(tools: &[(&str, &str, &str)]) -> TestApp {
    let app = spawn_app().await.with_organisations().await;
    for (lang, title, body) in tools {
        let text = json!([{ "lang": lang, "title": title, "summary": "…", "body": body }]);
        published_tool_in(&app, "acerta", text).await;
    }
    app.wait_for_index().await;
    app
}

#[tokio::test]
async fn a_tool_in_another_language_is_found_through_a_dictionary() {
    let app = app_with(&[
        (
            "NL",
            "Slapen als bakker",
            "Nachtwerk in de bakkerij en een gezond ritme.",
        ),
        (
            "DE",
            "Verzweiflung im Betrieb",
            "Ein Gespräch, wenn nichts mehr geht.",
        ),
        (
            "FR",
            "Tenir sa comptabilité",
            "Un logiciel pour les commerçants.",
        ),
    ])
    .await;
    assert_eq!(titles(&app, "boulanger").await, ["Slapen als bakker"]);
    assert_eq!(titles(&app, "désespoir").await, ["Verzweiflung im Betrieb"]);
    assert_eq!(titles(&app, "wanhoop").await, ["Verzweiflung im Betrieb"]);
    // Found by a translation, the word matched: it is not reported as unmatched.
    assert_eq!(search(&app, "boulanger").await["unmatchedWords"], json!([]));
}

#[tokio::test]
async fn a_tool_holding_the_word_as_typed_comes_before_one_holding_a_translation() {
    let app = app_with(&[
        ("NL", "Slapen als bakker", "Nachtwerk en een gezond ritme."),
        (
            "FR",
            "Le sommeil du boulanger",
            "Travail de nuit et rythme sain.",
        ),
    ])
    .await;
    assert_eq!(
        titles(&app, "boulanger").await,
        ["Le sommeil du boulanger", "Slapen als bakker"]
    );
    assert_eq!(
        titles(&app, "bakker").await,
        ["Slapen als bakker", "Le sommeil du boulanger"]
    );
}

#[tokio::test]
async fn a_compound_finds_its_parts_and_the_parts_find_the_compound() {
    let app = app_with(&[
        (
            "NL",
            "Agressie van klanten",
            "Wat je doet als een klant dreigt.",
        ),
        (
            "DE",
            "Schlafmangel bei Bäckern",
            "Nachtarbeit und ihre Folgen.",
        ),
        ("NL", "Klantenbeheer in de kassa", "Een programma."),
    ])
    .await;
    assert_eq!(
        titles(&app, "klantenagressie").await[0],
        "Agressie van klanten"
    );
    assert_eq!(
        titles(&app, "Mangel an Schlaf").await,
        ["Schlafmangel bei Bäckern"]
    );
}

/// German and Dutch compounds borrow English words (`Stalkingberatung`, `burnoutpreventie`):
/// the compound is cut where its head is an English word, and a part other languages write the
/// same finds their tools too. A tool holding one part is half a match: it comes after the one
/// holding both.
#[tokio::test]
async fn a_compound_borrowing_an_english_word_finds_each_part_in_every_language() {
    let app = app_with(&[
        ("DE", "Beratung bei Stalking", "Wenn jemand Sie verfolgt."),
        (
            "EN",
            "Stalking by a former client",
            "What to do when someone follows you.",
        ),
        ("DE", "Beratung zur Buchhaltung", "Ein Programm."),
        ("NL", "Werk zoeken", "Vacatures."),
    ])
    .await;
    let found = titles(&app, "Stalkingberatung").await;
    assert_eq!(found[0], "Beratung bei Stalking", "{found:?}");
    assert!(
        found.contains(&"Stalking by a former client".to_owned()),
        "{found:?}"
    );
    assert!(
        found.contains(&"Beratung zur Buchhaltung".to_owned()),
        "{found:?}"
    );
    assert!(!found.contains(&"Werk zoeken".to_owned()), "{found:?}");
}

#[tokio::test]
async fn a_derived_form_finds_its_root_and_the_root_the_derived_form() {
    let app = app_with(&[
        (
            "NL",
            "Lusteloosheid bij ondernemers",
            "Herken de signalen op tijd.",
        ),
        (
            "DE",
            "Überforderung im Alltag",
            "Wenn die Arbeit zu viel wird.",
        ),
    ])
    .await;
    assert_eq!(
        titles(&app, "lusteloos").await,
        ["Lusteloosheid bij ondernemers"]
    );
    assert_eq!(
        titles(&app, "überfordert").await,
        ["Überforderung im Alltag"]
    );
}

#[tokio::test]
async fn an_institution_is_found_by_its_name_in_another_language() {
    let app = app_with(&[
        (
            "FR",
            "Le CPAS vous aide avec vos dettes",
            "Une médiation de dettes pour les indépendants.",
        ),
        ("NL", "Schulden bij leveranciers", "Een gids."),
    ])
    .await;
    assert_eq!(
        titles(&app, "OCMW").await,
        ["Le CPAS vous aide avec vos dettes"]
    );
    assert_eq!(
        titles(&app, "ocmw schulden").await[0],
        "Le CPAS vous aide avec vos dettes"
    );
}

#[tokio::test]
async fn a_rare_word_outweighs_two_common_ones() {
    let mut tools = vec![(
        "FR",
        "Le sommeil du boulanger",
        "Un guide pour le travail de nuit.",
    )];
    let common = [
        "Atelier stress et respiration",
        "Atelier stress pour commerçants",
        "Atelier stress en ligne",
        "Atelier stress et sommeil",
        "Atelier stress du lundi",
    ];
    for title in common {
        tools.push(("FR", title, "Un atelier sur le stress."));
    }
    let app = app_with(&tools).await;
    assert_eq!(
        titles(&app, "atelier stress boulanger").await[0],
        "Le sommeil du boulanger"
    );
}

/// Common words a tool only mentions in passing, in its body, say less of what it is about than
/// the same words in the title of a tool in another language: the Dutch tool about a baker's
/// night comes before the French ones that name bakers and nights on the way to something else.
/// A rare word keeps its worth wherever it is.
#[tokio::test]
async fn words_a_tool_only_mentions_in_passing_count_less_than_words_it_is_about() {
    let mut tools = vec![("NL", "De nacht van de bakker", "Een gezond ritme.")];
    let passing = [
        "Tenir sa comptabilité",
        "Choisir un logiciel de caisse",
        "Assurer son véhicule",
        "Déclarer ses revenus",
        "Recruter un premier salarié",
    ];
    for title in passing {
        tools.push((
            "FR",
            title,
            "Pour tous les métiers : le boulanger, le boucher, ouvert la nuit comme le jour.",
        ));
    }
    tools.push((
        "FR",
        "Payer ses cotisations",
        "Le boulanger qui travaille la nuit et paie en quinconce.",
    ));
    let app = app_with(&tools).await;
    let found = titles(&app, "boulanger nuit").await;
    assert_eq!(found[0], "De nacht van de bakker", "{found:?}");
    assert_eq!(found.len(), 7, "{found:?}");
    // `quinconce` is held by one tool, in passing: it is what the search is about.
    assert_eq!(
        titles(&app, "boulanger nuit quinconce").await[0],
        "Payer ses cotisations"
    );
}

#[tokio::test]
async fn the_words_of_a_question_do_not_decide() {
    let app = app_with(&[
        (
            "FR",
            "Parler de la culpabilité",
            "Un groupe pour en parler sans jugement.",
        ),
        (
            "FR",
            "Que faire quand un client ne paie pas ?",
            "Comment faire, à qui s'adresser, quand agir.",
        ),
        (
            "NL",
            "Wat te doen als je zaak stilvalt?",
            "Hoe je verder kan, wie je helpt, wanneer je moet handelen.",
        ),
        ("NL", "Over schuldgevoel praten", "Een gespreksgroep."),
    ])
    .await;
    assert_eq!(
        titles(&app, "comment faire quand on a de la culpabilité").await,
        ["Parler de la culpabilité"]
    );
    assert_eq!(
        titles(&app, "wat moet ik doen als ik schuldgevoel heb").await[0],
        "Over schuldgevoel praten"
    );
}

#[tokio::test]
async fn a_misspelt_word_crosses_the_language_border_as_its_correction_would() {
    let app = app_with(&[
        (
            "FR",
            "Le désespoir au comptoir",
            "Quand un commerçant perd pied.",
        ),
        (
            "DE",
            "Verzweiflung im Betrieb",
            "Ein Gespräch, wenn nichts mehr geht.",
        ),
        ("NL", "Slapen als bakker", "Nachtwerk en een gezond ritme."),
    ])
    .await;
    // `désepsoir`: two letters swapped. The French tool holds the word it stands for; the
    // German one holds its translation, found as `désespoir` finds it, below the literal one.
    assert_eq!(
        titles(&app, "désepsoir").await,
        ["Le désespoir au comptoir", "Verzweiflung im Betrieb"]
    );
    // The other way round: a misspelt German word finds the French tool through the German
    // tool's word.
    assert_eq!(
        titles(&app, "Verzweiflnug").await,
        ["Verzweiflung im Betrieb", "Le désespoir au comptoir"]
    );
    // A word nobody's tool comes close to is still named unmatched, and corrected into nothing.
    let nothing = search(&app, "qwxzvbnm").await;
    assert_eq!(nothing["totalCount"], 0);
    assert_eq!(nothing["unmatchedWords"], json!(["qwxzvbnm"]));
}

/// No tool holds a word near `désepsoir` here: the German tool holds only its translation. The
/// word is corrected from the dictionaries, so the typo still crosses the border.
#[tokio::test]
async fn a_misspelt_word_no_tool_holds_is_corrected_from_the_dictionaries() {
    let app = app_with(&[
        (
            "DE",
            "Verzweiflung im Betrieb",
            "Ein Gespräch, wenn nichts mehr geht.",
        ),
        ("NL", "Slapen als bakker", "Nachtwerk en een gezond ritme."),
    ])
    .await;
    assert_eq!(titles(&app, "désepsoir").await, ["Verzweiflung im Betrieb"]);
    assert_eq!(search(&app, "désepsoir").await["unmatchedWords"], json!([]));
}

/// A Dutch plural is spelt otherwise than its singular (`problemen`, `probleem`): a compound
/// ending in one is still cut into words, so it finds a tool holding its parts apart, also
/// when one of them is misspelt inside it.
#[tokio::test]
async fn a_compound_ending_in_a_dutch_plural_finds_its_parts_even_misspelt() {
    let app = app_with(&[
        (
            "NL",
            "Moeite met slapen",
            "Problemen met slapen door de drukte van de zaak.",
        ),
        (
            "NL",
            "Problemen met de boekhouding",
            "Facturen, btw en een kasboek.",
        ),
    ])
    .await;
    for q in ["slaapproblemen", "slaapprobelmen"] {
        let found = titles(&app, q).await;
        assert_eq!(
            found.first().map(String::as_str),
            Some("Moeite met slapen"),
            "{q}: {found:?}"
        );
    }
}

/// `peur` and `crainte` are not translations of each other, but both dictionaries give German
/// `Angst` and `Furcht` for each: a word finds a tool holding a word of the same meaning,
/// through a third language, in its own language as in another.
#[tokio::test]
async fn a_word_finds_a_word_of_the_same_meaning_through_a_third_language() {
    let app = app_with(&[
        (
            "FR",
            "Surmonter la crainte de l'échec",
            "Un atelier pour les commerçants qui se lancent.",
        ),
        (
            "FR",
            "Tenir sa comptabilité",
            "Un logiciel pour les commerçants.",
        ),
    ])
    .await;
    assert_eq!(
        titles(&app, "peur").await,
        ["Surmonter la crainte de l'échec"]
    );
}
