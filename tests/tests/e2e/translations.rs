//! Translations by peers end to end: a tool asks for translations into the languages it lacks;
//! caisses see those requests in their language; another organisation offers one; the owner
//! accepts it (a new revision, sent to moderation, published as any other) or declines it; the
//! translator is credited and it counts in its activity report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Datelike;
use commons_tests::tools::{DECIDE, outcome, published_tool, tool_in_review};
use commons_tests::web::{WebSession, page, post_form_as, sign_in};
use commons_tests::{TestApp, error_code, spawn_app};
use reqwest::header::LOCATION;
use serde_json::{Value, json};

const WANT: &str =
    "mutation($input: SetTranslationsWantedInput!) { setTranslationsWanted(input: $input) {
  langs userErrors { field code message } } }";
const OFFER: &str = "mutation($input: OfferTranslationInput!) { offerTranslation(input: $input) {
  offer { id lang status } userErrors { field code message } } }";
const ANSWER: &str =
    "mutation($input: AnswerTranslationOfferInput!) { answerTranslationOffer(input: $input) {
  offer { id status revision note } userErrors { field code message } } }";
const WANTED: &str = "query($lang: Lang!) { translationsWanted(lang: $lang) { id title } }";
const TOOL: &str = "query($id: ID!) { node(id: $id) { ... on Tool { status translationsWanted
  viewerCan { offerTranslation } latest { number status languages }
  published { number languages title(lang: NL) }
  translationOffers { id lang status note translatorOrganisation { slug } }
  translationCredits { lang translatorOrganisation { slug } } } } }";
const NOTIFICATIONS: &str = "{ viewer { notifications(first: 50) { nodes { kind details } } } }";

async fn run(app: &TestApp, token: Option<&str>, query: &str, variables: Value) -> Value {
    match token {
        Some(t) => app.graphql_as(t, query, variables).await,
        None => app.graphql(query, variables).await,
    }
}

async fn tool(app: &TestApp, token: &str, id: &str) -> Value {
    let body = app.graphql_as(token, TOOL, json!({ "id": id })).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["node"].clone()
}

fn offer_input(tool: &str, lang: &str, title: &str) -> Value {
    json!({ "input": { "toolId": tool, "lang": lang, "title": title,
        "summary": "Een korte zelftest over stress.", "body": "Tien vragen." } })
}

async fn kinds(app: &TestApp, token: &str, kind: &str) -> Vec<Value> {
    let body = app.graphql_as(token, NOTIFICATIONS, json!({})).await;
    body["data"]["viewer"]["notifications"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == kind)
        .map(|n| serde_json::from_str(n["details"].as_str().unwrap()).unwrap())
        .collect()
}

#[tokio::test]
async fn a_tool_asks_for_a_translation_a_peer_offers_it_and_the_owner_accepts_it_into_moderation() {
    let app = spawn_app().await.with_organisations().await;
    let owner = app.login_as("acerta", "STAFF");
    let translator = app.login_as("ucm", "STAFF");
    let scan = published_tool(&app, "acerta", "Self-scan stress", "PUBLIC").await;
    // The demo tool is written in French (the test content's language).
    let t = tool(&app, &owner, &scan).await;
    assert_eq!(t["published"]["languages"], json!(["FR"]), "{t}");

    // Asking: the owner only, languages the tool lacks.
    let refused = run(
        &app,
        Some(&translator),
        WANT,
        json!({ "input": { "toolId": scan, "langs": ["NL"] } }),
    )
    .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let has = run(
        &app,
        Some(&owner),
        WANT,
        json!({ "input": { "toolId": scan, "langs": ["FR"] } }),
    )
    .await;
    assert_eq!(
        outcome(&has, "setTranslationsWanted"),
        "INVALID_STATE",
        "{has}"
    );
    let asked = run(
        &app,
        Some(&owner),
        WANT,
        json!({ "input": { "toolId": scan, "langs": ["NL", "DE", "NL"] } }),
    )
    .await;
    assert_eq!(outcome(&asked, "setTranslationsWanted"), "OK", "{asked}");
    assert_eq!(
        asked["data"]["setTranslationsWanted"]["langs"],
        json!(["DE", "NL"])
    );
    // Caisses see the requests in their language; anyone may, for a public tool.
    let wanted = run(&app, None, WANTED, json!({ "lang": "NL" })).await;
    assert_eq!(
        wanted["data"]["translationsWanted"][0]["id"],
        json!(scan),
        "{wanted}"
    );
    let none = run(&app, None, WANTED, json!({ "lang": "EN" })).await;
    assert_eq!(none["data"]["translationsWanted"], json!([]));

    // Offering: another organisation's staff; not the owner, not INASTI's auditor.
    assert_eq!(
        tool(&app, &translator, &scan).await["viewerCan"]["offerTranslation"],
        true
    );
    assert_eq!(
        tool(&app, &owner, &scan).await["viewerCan"]["offerTranslation"],
        false
    );
    for (token, code) in [
        (owner.clone(), "FORBIDDEN"),
        (app.login_as("inasti", "AUDITOR"), "FORBIDDEN"),
    ] {
        let body = run(
            &app,
            Some(&token),
            OFFER,
            offer_input(&scan, "NL", "Zelftest stress"),
        )
        .await;
        assert_eq!(error_code(&body), Some(code), "{body}");
    }
    let anonymous = run(
        &app,
        None,
        OFFER,
        offer_input(&scan, "NL", "Zelftest stress"),
    )
    .await;
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"));
    // Bad input, nothing written: a language it has, an empty title, one too long.
    let body = run(
        &app,
        Some(&translator),
        OFFER,
        offer_input(&scan, "FR", "Autotest"),
    )
    .await;
    assert_eq!(
        outcome(&body, "offerTranslation"),
        "INVALID_STATE",
        "{body}"
    );
    let body = run(
        &app,
        Some(&translator),
        OFFER,
        offer_input(&scan, "NL", " "),
    )
    .await;
    assert_eq!(outcome(&body, "offerTranslation"), "REQUIRED", "{body}");
    let body = run(
        &app,
        Some(&translator),
        OFFER,
        offer_input(&scan, "NL", &"x".repeat(201)),
    )
    .await;
    assert_eq!(outcome(&body, "offerTranslation"), "TOO_LONG", "{body}");
    assert_eq!(
        tool(&app, &owner, &scan).await["translationOffers"],
        json!([])
    );
    // An unpublished tool is not translated: it does not even exist for another caisse.
    let draft = tool_in_review(&app, "acerta", "Brouillon", "NETWORK").await;
    let body = run(
        &app,
        Some(&translator),
        OFFER,
        offer_input(&draft, "NL", "Concept"),
    )
    .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");

    let offered = run(
        &app,
        Some(&translator),
        OFFER,
        offer_input(&scan, "NL", "Zelftest stress"),
    )
    .await;
    assert_eq!(outcome(&offered, "offerTranslation"), "OK", "{offered}");
    let offer = offered["data"]["offerTranslation"]["offer"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let again = run(
        &app,
        Some(&app.login_as("ucm", "ORG_ADMIN")),
        OFFER,
        offer_input(&scan, "NL", "Nog eens"),
    )
    .await;
    assert_eq!(
        outcome(&again, "offerTranslation"),
        "INVALID_STATE",
        "one open offer per organisation: {again}"
    );
    // Its organisation's people known to Commons are told.
    let told = kinds(&app, &owner, "TRANSLATION_OFFERED").await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0]["lang"], "nl");
    // The owner reads the offer, a third organisation does not (nothing accepted yet).
    assert_eq!(
        tool(&app, &owner, &scan).await["translationOffers"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        tool(&app, &app.login_as("liantis", "STAFF"), &scan).await["translationOffers"],
        json!([])
    );

    // Answering: the owner only.
    let body = run(
        &app,
        Some(&translator),
        ANSWER,
        json!({ "input": { "offerId": offer, "accept": true } }),
    )
    .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let body = run(
        &app,
        Some(&owner),
        ANSWER,
        json!({ "input": { "offerId": offer, "accept": true, "note": "Merci UCM" } }),
    )
    .await;
    assert_eq!(outcome(&body, "answerTranslationOffer"), "OK", "{body}");
    assert_eq!(
        body["data"]["answerTranslationOffer"]["offer"]["status"],
        "ACCEPTED"
    );
    assert_eq!(
        body["data"]["answerTranslationOffer"]["offer"]["revision"],
        2
    );
    let t = tool(&app, &owner, &scan).await;
    assert_eq!(
        t["latest"],
        json!({ "number": 2, "status": "IN_REVIEW", "languages": ["FR", "NL"] }),
        "{t}"
    );
    assert_eq!(
        t["translationsWanted"],
        json!(["DE"]),
        "NL is on its way: {t}"
    );
    let again = run(
        &app,
        Some(&owner),
        ANSWER,
        json!({ "input": { "offerId": offer, "accept": false } }),
    )
    .await;
    assert_eq!(
        outcome(&again, "answerTranslationOffer"),
        "INVALID_STATE",
        "{again}"
    );
    let told = kinds(&app, &translator, "TRANSLATION_ANSWERED").await;
    assert_eq!(told[0]["status"], "ACCEPTED");

    // Accepted but not yet published, it counts for nobody yet.
    assert_eq!(translation_figures(&app, "ucm").await, (0, 0));
    // Moderation as usual; once published, the translator is credited for everyone.
    let approved = app
        .graphql_as(
            &app.login_as("inasti", "MODERATOR"),
            DECIDE,
            json!({ "input": { "toolId": scan, "revision": 2, "decision": "APPROVE" } }),
        )
        .await;
    assert_eq!(outcome(&approved, "decideOnTool"), "OK", "{approved}");
    let seen = tool(&app, &app.login_as("liantis", "STAFF"), &scan).await;
    assert_eq!(seen["published"]["title"], "Zelftest stress", "{seen}");
    assert_eq!(
        seen["translationOffers"],
        json!([{ "id": offer, "lang": "NL", "status": "ACCEPTED", "note": null, "translatorOrganisation": { "slug": "ucm" } }]),
        "the owner's note is for the two organisations"
    );
    assert_eq!(
        seen["translationCredits"],
        json!([{ "lang": "NL", "translatorOrganisation": { "slug": "ucm" } }])
    );
    let theirs = tool(&app, &translator, &scan).await;
    assert_eq!(theirs["translationOffers"][0]["note"], "Merci UCM");

    // It counts in both caisses' activity reports of the year, once published.
    assert_eq!(translation_figures(&app, "ucm").await, (1, 0));
    assert_eq!(translation_figures(&app, "acerta").await, (0, 1));
}

/// An organisation's translations given and received in its activity report of this year.
async fn translation_figures(app: &TestApp, slug: &str) -> (i64, i64) {
    let year = chrono::Utc::now().year();
    let figures = "query($c: ID!, $y: Int!) { activityReport(caisseId: $c, year: $y) { figures { translationsGiven translationsReceived } } }";
    let id = app.organisation_id(slug).await;
    let admin = app.login_as(slug, "ORG_ADMIN");
    let body = app
        .graphql_as(&admin, figures, json!({ "c": id, "y": year }))
        .await;
    let f = &body["data"]["activityReport"]["figures"];
    (
        f["translationsGiven"]
            .as_i64()
            .unwrap_or_else(|| panic!("{slug}: {body}")),
        f["translationsReceived"].as_i64().unwrap_or_default(),
    )
}

#[tokio::test]
async fn a_declined_offer_is_told_with_its_note_and_an_offer_waits_while_a_revision_is_in_review() {
    let app = spawn_app().await.with_organisations().await;
    let owner = app.login_as("acerta", "STAFF");
    let scan = published_tool(&app, "acerta", "Self-scan stress", "PUBLIC").await;
    let offered = run(
        &app,
        Some(&app.login_as("unizo", "STAFF")),
        OFFER,
        offer_input(&scan, "DE", "Stress-Selbsttest"),
    )
    .await;
    let offer = offered["data"]["offerTranslation"]["offer"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let long = "x".repeat(2_001);
    let body = run(
        &app,
        Some(&owner),
        ANSWER,
        json!({ "input": { "offerId": offer, "accept": false, "note": long } }),
    )
    .await;
    assert_eq!(
        outcome(&body, "answerTranslationOffer"),
        "TOO_LONG",
        "{body}"
    );
    let body = run(&app, Some(&owner), ANSWER, json!({ "input": { "offerId": offer, "accept": false, "note": "Nous préparons notre propre version" } })).await;
    assert_eq!(outcome(&body, "answerTranslationOffer"), "OK", "{body}");
    let told = kinds(
        &app,
        &app.login_as("unizo", "STAFF"),
        "TRANSLATION_ANSWERED",
    )
    .await;
    assert_eq!(
        (told[0]["status"].clone(), told[0]["note"].clone()),
        (
            json!("DECLINED"),
            json!("Nous préparons notre propre version")
        )
    );
    assert_eq!(
        tool(&app, &owner, &scan).await["latest"]["number"],
        1,
        "nothing revised"
    );

    // While a revision is in review, an offer cannot be accepted yet; declined ones stay
    // private to the two organisations.
    let offered = run(
        &app,
        Some(&app.login_as("ucm", "STAFF")),
        OFFER,
        offer_input(&scan, "NL", "Zelftest"),
    )
    .await;
    let offer = offered["data"]["offerTranslation"]["offer"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let first = run(
        &app,
        Some(&owner),
        ANSWER,
        json!({ "input": { "offerId": offer, "accept": true } }),
    )
    .await;
    assert_eq!(outcome(&first, "answerTranslationOffer"), "OK", "{first}");
    let offered = run(
        &app,
        Some(&app.login_as("liantis", "STAFF")),
        OFFER,
        offer_input(&scan, "EN", "Stress self-test"),
    )
    .await;
    let second = offered["data"]["offerTranslation"]["offer"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = run(
        &app,
        Some(&owner),
        ANSWER,
        json!({ "input": { "offerId": second, "accept": true } }),
    )
    .await;
    assert_eq!(
        outcome(&body, "answerTranslationOffer"),
        "INVALID_STATE",
        "{body}"
    );
    let seen = tool(&app, &app.login_as("liantis", "STAFF"), &scan).await;
    let langs: Vec<&str> = seen["translationOffers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["lang"].as_str().unwrap())
        .collect();
    assert_eq!(langs, ["EN"], "its own open offer only: {seen}");
}

async fn post_form(
    app: &TestApp,
    session: &WebSession,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    post_form_as(app, session, "fr", path, fields).await
}

fn location(response: &reqwest::Response) -> String {
    response.headers()[LOCATION].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn caisses_ask_offer_and_accept_translations_through_the_pages() {
    let app = spawn_app().await.with_organisations().await;
    let scan = published_tool(&app, "acerta", "Self-scan stress", "PUBLIC").await;
    let tool_path = format!("/tools/{scan}");

    // The owner asks for a Dutch translation.
    let owner = sign_in(&app, "acerta", "STAFF").await;
    let (_, html) = page(&app, &owner.cookie, &tool_path, Some("fr")).await;
    assert!(
        html.contains("Demander aux collègues une traduction en"),
        "{html}"
    );
    let asked = post_form(
        &app,
        &owner,
        &format!("{tool_path}/translations/wanted"),
        &[("csrf", &owner.csrf), ("lang", "NL")],
    )
    .await;
    assert_eq!(asked.status(), 303);
    let (_, html) = page(&app, &owner.cookie, &location(&asked), Some("fr")).await;
    assert!(
        html.contains("Les langues demandées sont enregistrées"),
        "{html}"
    );
    assert!(html.contains("Traduction demandée en"), "{html}");
    // A Flemish colleague finds it among the tools wanting a translation into Dutch.
    let (status, html) = page(&app, "", "/translations", Some("nl")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Self-scan stress"), "{html}");
    let (_, html) = page(&app, "", "/translations", Some("de")).await;
    assert!(
        !html.contains("Self-scan stress"),
        "not asked in German: {html}"
    );

    // UCM offers one; a missing title comes back beside its field, the rest kept.
    let translator = sign_in(&app, "ucm", "STAFF").await;
    let (_, html) = page(&app, &translator.cookie, &tool_path, Some("fr")).await;
    assert!(html.contains("Proposer une traduction"), "{html}");
    let action = format!("{tool_path}/translations/offer");
    let refused = post_form(
        &app,
        &translator,
        &action,
        &[
            ("csrf", &translator.csrf),
            ("lang", "NL"),
            ("title", " "),
            ("summary", "Een korte zelftest"),
            ("body", ""),
        ],
    )
    .await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"offer-title-error\""), "{html}");
    assert!(html.contains("Een korte zelftest"), "kept: {html}");
    assert!(
        html.contains("<details class=\"offer-form\" id=\"offer\" open>"),
        "{html}"
    );
    let sent = post_form(
        &app,
        &translator,
        &action,
        &[
            ("csrf", &translator.csrf),
            ("lang", "NL"),
            ("title", "Zelftest stress"),
            ("summary", "Een korte zelftest"),
            ("body", "Tien vragen."),
        ],
    )
    .await;
    assert_eq!(sent.status(), 303);
    let (_, html) = page(&app, &translator.cookie, &location(&sent), Some("fr")).await;
    assert!(
        html.contains("Merci : votre traduction est proposée"),
        "{html}"
    );

    // The owner accepts it: a new revision in moderation; the translator is told.
    let (_, html) = page(&app, &owner.cookie, &tool_path, Some("fr")).await;
    assert!(html.contains("Zelftest stress"), "{html}");
    let marker = "name=\"offer\" value=\"";
    let at = html.find(marker).unwrap() + marker.len();
    let offer = html[at..at + html[at..].find('"').unwrap()].to_owned();
    let accepted = post_form(
        &app,
        &owner,
        &format!("{tool_path}/translations/answer"),
        &[
            ("csrf", &owner.csrf),
            ("offer", &offer),
            ("answer", "accept"),
            ("note", ""),
        ],
    )
    .await;
    assert_eq!(accepted.status(), 303);
    let (_, html) = page(&app, &owner.cookie, &location(&accepted), Some("fr")).await;
    assert!(html.contains("La traduction est acceptée"), "{html}");
    let t = tool(&app, &app.login_as("acerta", "STAFF"), &scan).await;
    assert_eq!(t["latest"]["status"], "IN_REVIEW", "{t}");
    let (_, html) = page(&app, &translator.cookie, "/notifications", Some("fr")).await;
    assert!(
        html.contains("Votre traduction est acceptée et envoyée en modération"),
        "{html}"
    );
}
