//! Search finds what people type: function words never empty a result, tools holding every
//! word come first and words nothing holds are named, compounds and hyphens find each other,
//! a concept crosses languages (and INASTI's moderators edit the table), typos reveal nothing
//! of tools the caller may not read, and what costs too much is refused before any index work.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::tools::{CREATE, content, ok, published_tool_in};
use commons_tests::{TestApp, error_code, spawn_app};
use serde_json::{Value, json};

const SEARCH: &str = "query($q: String, $f: SearchFilter) {
  searchTools(query: $q, filter: $f, first: 20) {
    totalCount unmatchedWords
    edges { node { tool { id title } } }
  }
}";

async fn found(app: &TestApp, token: Option<&str>, q: &str, filter: Value) -> Value {
    let variables = json!({ "q": q, "f": filter });
    let body = match token {
        Some(t) => app.graphql_as(t, SEARCH, variables).await,
        None => app.graphql(SEARCH, variables).await,
    };
    assert!(body.get("errors").is_none(), "{q}: {body}");
    body["data"]["searchTools"].clone()
}

/// Titles in the order found, for an anonymous caller searching all languages.
async fn titles(app: &TestApp, q: &str) -> Vec<String> {
    titles_of(&found(app, None, q, json!(null)).await)
}

fn titles_of(found: &Value) -> Vec<String> {
    found["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["tool"]["title"].as_str().unwrap().to_owned())
        .collect()
}

fn text(lang: &str, title: &str, summary: &str, body: &str) -> Value {
    // A summary is required; an ellipsis holds no word.
    let summary = if summary.is_empty() { "…" } else { summary };
    json!([{ "lang": lang, "title": title, "summary": summary, "body": body }])
}

#[tokio::test]
async fn function_words_never_empty_a_result_in_any_language() {
    let app = spawn_app().await.with_organisations().await;
    let tools = [
        (
            "FR",
            "Gérer le stress au quotidien",
            "Un atelier pour les indépendants.",
        ),
        (
            "NL",
            "Omgaan met stress in de zaak",
            "Een workshop voor zelfstandigen.",
        ),
        (
            "DE",
            "Stress im Betrieb bewältigen",
            "Ein Workshop für Selbständige.",
        ),
        (
            "EN",
            "Coping with stress at work",
            "A workshop for the self-employed.",
        ),
    ];
    for (lang, title, summary) in tools {
        published_tool_in(&app, "acerta", text(lang, title, summary, "")).await;
    }
    app.wait_for_index().await;
    for (query, first) in [
        ("gérer le stress", "Gérer le stress au quotidien"),
        ("le stress au quotidien", "Gérer le stress au quotidien"),
        ("de stress van de zaak", "Omgaan met stress in de zaak"),
        ("der Stress im Betrieb", "Stress im Betrieb bewältigen"),
        ("the stress of work", "Coping with stress at work"),
    ] {
        let found = titles(&app, query).await;
        assert_eq!(
            found.first().map(String::as_str),
            Some(first),
            "{query}: {found:?}"
        );
        assert_eq!(
            found.len(),
            4,
            "{query}: every tool holds stress: {found:?}"
        );
    }
}

#[tokio::test]
async fn tools_holding_every_word_come_first_and_words_nothing_holds_are_named() {
    let app = spawn_app().await.with_organisations().await;
    published_tool_in(
        &app,
        "acerta",
        text("FR", "Sommeil réparateur", "Bien dormir.", ""),
    )
    .await;
    published_tool_in(
        &app,
        "acerta",
        text("FR", "Stress au travail", "Souffler.", ""),
    )
    .await;
    published_tool_in(
        &app,
        "acerta",
        text("FR", "Sommeil et stress", "Les deux.", ""),
    )
    .await;
    app.wait_for_index().await;

    let both = found(&app, None, "sommeil stress kiwifruit", json!(null)).await;
    let order = titles_of(&both);
    assert_eq!(order[0], "Sommeil et stress", "{order:?}");
    assert_eq!(order.len(), 3, "tools missing a word still come: {order:?}");
    assert_eq!(both["unmatchedWords"], json!(["kiwifruit"]));

    let all = found(&app, None, "sommeil stress", json!(null)).await;
    assert_eq!(all["unmatchedWords"], json!([]));
    let none = found(&app, None, "kiwifruit", json!(null)).await;
    assert_eq!(none["totalCount"], 0);
    assert_eq!(none["unmatchedWords"], json!(["kiwifruit"]));
}

#[tokio::test]
async fn compounds_and_hyphens_find_each_other_both_ways() {
    let app = spawn_app().await.with_organisations().await;
    for (lang, title) in [
        ("FR", "Prévenir le burn-out"),
        ("EN", "Preventing burnout"),
        ("NL", "Zelf-scan voor ondernemers"),
        ("NL", "Zelfscan voor starters"),
        ("NL", "Cursus stressbeheersing"),
        ("DE", "Stressbewältigung im Alltag"),
        ("EN", "Well-being at work"),
        ("EN", "A wellbeing check"),
        ("EN", "Burn out and bounce back"),
    ] {
        published_tool_in(&app, "acerta", text(lang, title, "", "")).await;
    }
    app.wait_for_index().await;
    let burnout = [
        "Burn out and bounce back",
        "Preventing burnout",
        "Prévenir le burn-out",
    ];
    for query in ["burnout", "burn-out", "burn out"] {
        let mut found = titles(&app, query).await;
        found.sort();
        assert_eq!(found, burnout, "{query}");
    }
    for query in ["zelfscan", "zelf-scan"] {
        let mut found = titles(&app, query).await;
        found.sort();
        assert_eq!(
            found,
            ["Zelf-scan voor ondernemers", "Zelfscan voor starters"],
            "{query}"
        );
    }
    for query in ["wellbeing", "well-being"] {
        let mut found = titles(&app, query).await;
        found.sort();
        assert_eq!(
            found,
            ["A wellbeing check", "Well-being at work"],
            "{query}"
        );
    }
    // A compound found by its parts, written apart or alone (a tool holding one part of
    // two comes after).
    for (query, title) in [
        ("stress beheersing", "Cursus stressbeheersing"),
        ("Stress Bewältigung", "Stressbewältigung im Alltag"),
        ("beheersing", "Cursus stressbeheersing"),
        ("Bewältigung", "Stressbewältigung im Alltag"),
    ] {
        let found = titles(&app, query).await;
        assert_eq!(
            found.first().map(String::as_str),
            Some(title),
            "{query}: {found:?}"
        );
    }
    assert_eq!(titles(&app, "beheersing").await.len(), 1);
}

const SYNONYMS: &str = "{ searchSynonyms { name terms { lang text } } }";
const SET_SYNONYMS: &str = "mutation($input: SetSearchSynonymsInput!) {
  setSearchSynonyms(input: $input) { concepts { name } userErrors { field code } } }";

#[tokio::test]
async fn a_concept_widens_a_search_across_languages_below_literal_matches() {
    let app = spawn_app().await.with_organisations().await;
    published_tool_in(
        &app,
        "acerta",
        text("NL", "Uitputting bij zelfstandigen", "", ""),
    )
    .await;
    published_tool_in(&app, "acerta", text("DE", "Erschöpfung vorbeugen", "", "")).await;
    published_tool_in(
        &app,
        "acerta",
        text(
            "FR",
            "Ateliers du soir",
            "Un atelier contre l'épuisement professionnel.",
            "",
        ),
    )
    .await;
    published_tool_in(&app, "acerta", text("EN", "Evening workshops", "", "")).await;
    app.wait_for_index().await;

    let found = titles(&app, "épuisement professionnel").await;
    assert_eq!(found.len(), 3, "{found:?}");
    // A tool holding the words as typed ranks above one holding the concept in another
    // language, field for field (here the summary against titles).
    assert_eq!(
        found[0], "Ateliers du soir",
        "the literal match first: {found:?}"
    );
    // Asked in French only, the concept does not widen into other languages.
    let french = found_in(
        &app,
        "épuisement professionnel",
        json!({ "languages": ["FR"] }),
    )
    .await;
    assert_eq!(french, ["Ateliers du soir"]);
}

async fn found_in(app: &TestApp, q: &str, filter: Value) -> Vec<String> {
    titles_of(&found(app, None, q, filter).await)
}

#[tokio::test]
async fn moderators_edit_the_concept_table_and_searches_use_it_at_once() {
    let app = spawn_app().await.with_organisations().await;
    published_tool_in(
        &app,
        "acerta",
        text("EN", "Zebra crossing workshop", "", ""),
    )
    .await;
    app.wait_for_index().await;
    let moderator = app.login_as("inasti", "MODERATOR");
    let staff = app.login_as("acerta", "STAFF");

    let table = app.graphql_as(&moderator, SYNONYMS, json!({})).await;
    let concepts = table["data"]["searchSynonyms"].as_array().unwrap().clone();
    assert!(concepts.iter().any(|c| c["name"] == "burn-out"), "{table}");
    assert_eq!(
        error_code(&app.graphql_as(&staff, SYNONYMS, json!({})).await),
        Some("FORBIDDEN")
    );
    assert_eq!(
        error_code(&app.graphql(SYNONYMS, json!({})).await),
        Some("UNAUTHENTICATED")
    );

    assert!(titles(&app, "passage piéton").await.is_empty());
    let mut edited: Vec<Value> = concepts;
    edited.push(json!({ "name": "crossing", "terms": [
        { "lang": "FR", "text": "passage piéton" }, { "lang": "EN", "text": "zebra crossing" } ] }));
    let input = json!({ "input": { "concepts": edited } });
    let set = app.graphql_as(&staff, SET_SYNONYMS, input.clone()).await;
    assert_eq!(error_code(&set), Some("FORBIDDEN"));
    let set = app.graphql_as(&moderator, SET_SYNONYMS, input).await;
    assert_eq!(
        set["data"]["setSearchSynonyms"]["userErrors"],
        json!([]),
        "{set}"
    );
    // No reindex: the next search widens with the new concept.
    assert_eq!(
        titles(&app, "passage piéton").await,
        ["Zebra crossing workshop"]
    );

    // A table with a mistake is refused whole and changes nothing.
    let bad = json!({ "input": { "concepts": [{ "name": "", "terms": [] }] } });
    let refused = app.graphql_as(&moderator, SET_SYNONYMS, bad).await;
    let codes: Vec<&str> = refused["data"]["setSearchSynonyms"]["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"REQUIRED"), "{refused}");
    assert_eq!(
        titles(&app, "passage piéton").await,
        ["Zebra crossing workshop"]
    );

    // The edit is on the audit trail.
    use sea_orm::{ConnectionTrait, Statement};
    let db = &app.services.db;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'search_synonyms.set'",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<i64>("", "n").unwrap(), 1);
}

/// A draft only its organisation reads, without tags, created by `token`.
async fn organisation_draft(app: &TestApp, token: &str, title: &str, body: Option<&str>) {
    let mut draft = content(title, "ORGANISATION");
    draft["tags"] = json!([]);
    if let Some(body) = body {
        draft["translations"][0]["body"] = json!(body);
    }
    ok(
        app,
        token,
        CREATE,
        "createTool",
        json!({ "content": draft }),
    )
    .await;
}

#[tokio::test]
async fn typos_reveal_nothing_of_tools_the_caller_may_not_read() {
    let app = spawn_app().await.with_organisations().await;
    published_tool_in(&app, "ucm", text("EN", "Kiwifruit workshop", "", "")).await;
    // A draft only its organisation reads holds the misspelt word exactly.
    let staff = app.login_as("acerta", "STAFF");
    organisation_draft(&app, &staff, "Kiwifruut notes", None).await;
    app.wait_for_index().await;

    // Anonymous: the word is held by nothing it may read, so the typo finds the public tool,
    // as it would if the draft did not exist.
    let anonymous = found(&app, None, "kiwifruut", json!(null)).await;
    assert_eq!(titles_of(&anonymous), ["Kiwifruit workshop"]);
    assert_eq!(anonymous["unmatchedWords"], json!([]));
    let notes = found(&app, None, "notes", json!(null)).await;
    assert_eq!(notes["totalCount"], 0);
    assert_eq!(notes["unmatchedWords"], json!(["notes"]));
    // The owner finds its draft by the word as typed.
    let owner = found(&app, Some(&staff), "kiwifruut", json!(null)).await;
    assert_eq!(titles_of(&owner), ["Kiwifruut notes"]);
    // What was worked out for one caller is kept for that caller's scope only: asked again on
    // the same index state, each still gets their own answer.
    let anonymous_again = found(&app, None, "kiwifruut", json!(null)).await;
    assert_eq!(titles_of(&anonymous_again), ["Kiwifruit workshop"]);
    let owner_notes = found(&app, Some(&staff), "notes", json!(null)).await;
    assert_eq!(owner_notes["unmatchedWords"], json!([]));
    assert_eq!(titles_of(&owner_notes), ["Kiwifruut notes"]);
}

#[tokio::test]
async fn a_correction_is_chosen_from_what_the_caller_may_read_only() {
    let app = spawn_app().await.with_organisations().await;
    published_tool_in(
        &app,
        "ucm",
        text(
            "FR",
            "Le désespoir au comptoir",
            "",
            "Quand un commerçant perd pied.",
        ),
    )
    .await;
    published_tool_in(
        &app,
        "ucm",
        text(
            "DE",
            "Verzweiflung im Betrieb",
            "",
            "Ein Gespräch, wenn nichts mehr geht.",
        ),
    )
    .await;
    // Two drafts only their organisation reads hold four words one edit from the typo below,
    // each more often than the public tool holds `désespoir`.
    let staff = app.login_as("acerta", "STAFF");
    for title in ["Notes de travail", "Autres notes"] {
        let body = "desepsoira desepsoirb desepsoirc desepsoird";
        organisation_draft(&app, &staff, title, Some(body)).await;
    }
    app.wait_for_index().await;

    // Anonymous: the drafts' words are no correction, however many; the public word is, and
    // finds the German tool through its translation, as if the drafts did not exist.
    let anonymous = found(&app, None, "désepsoir", json!(null)).await;
    assert_eq!(
        titles_of(&anonymous),
        ["Le désespoir au comptoir", "Verzweiflung im Betrieb"]
    );
    assert_eq!(anonymous["unmatchedWords"], json!([]));
    // The drafts' organisation reads them: the word they hold most is its correction.
    let owner = found(&app, Some(&staff), "désepsoir", json!(null)).await;
    let titles = titles_of(&owner);
    assert!(
        titles.contains(&"Notes de travail".to_owned()),
        "{titles:?}"
    );
}

/// No tool holds a word near `faiilite` but two drafts (`facilité`); a public German tool holds
/// `Bankrott`, which the dictionaries translate to `faillite`. Of the dictionary's two words one
/// edit away, an anonymous caller's correction is the one public tools hold, however often the
/// drafts hold the other.
#[tokio::test]
async fn a_correction_from_the_dictionaries_is_chosen_from_what_the_caller_may_read_only() {
    let app = spawn_app().await.with_organisations().await;
    published_tool_in(
        &app,
        "ucm",
        text(
            "DE",
            "Nach dem Bankrott neu anfangen",
            "",
            "Ein Gespräch unter Selbstständigen.",
        ),
    )
    .await;
    let staff = app.login_as("acerta", "STAFF");
    for title in ["Notes de travail", "Autres notes"] {
        let body = "facilité facilité facilité";
        organisation_draft(&app, &staff, title, Some(body)).await;
    }
    app.wait_for_index().await;

    let anonymous = found(&app, None, "faiilite", json!(null)).await;
    assert_eq!(titles_of(&anonymous), ["Nach dem Bankrott neu anfangen"]);
    assert_eq!(anonymous["unmatchedWords"], json!([]));
    let owner = found(&app, Some(&staff), "faiilite", json!(null)).await;
    let titles = titles_of(&owner);
    assert!(
        titles.contains(&"Notes de travail".to_owned()),
        "{titles:?}"
    );
}

async fn searches_run(app: &TestApp) -> u64 {
    let metrics = app.get("/metrics").await.text().await.unwrap();
    metrics
        .lines()
        .find_map(|l| l.strip_prefix("commons_searches_total "))
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn searches_beyond_the_limits_are_refused_before_any_index_work() {
    let app = spawn_app().await.with_organisations().await;
    app.wait_for_index().await;
    let before = searches_run(&app).await;
    let phrase = format!("\"{}\"", vec!["mot"; 13].join(" "));
    let hostile = vec!["stress"; 20_000].join(" ");
    for q in ["a".repeat(513), vec!["mot"; 33].join(" "), phrase, hostile] {
        let body = app.graphql(SEARCH, json!({ "q": q })).await;
        assert_eq!(
            error_code(&body),
            Some("BAD_USER_INPUT"),
            "{}",
            &q[..40.min(q.len())]
        );
    }
    // An owner filter names at most `limits.search_filter_owners` organisations (100).
    let organisation = |n: u32| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("Organisation:{n}"))
    };
    let many: Vec<String> = (1..=101).map(organisation).collect();
    let body = app
        .graphql(SEARCH, json!({ "q": "stress", "f": { "owners": many } }))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    let suggest = "query($p: String!) { suggestTools(prefix: $p) { title } }";
    let body = app.graphql(suggest, json!({ "p": "s".repeat(101) })).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(
        searches_run(&app).await,
        before,
        "nothing reached the index"
    );
    // Within the limits, searches run.
    let body = app
        .graphql(SEARCH, json!({ "q": vec!["mot"; 32].join(" ") }))
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(searches_run(&app).await, before + 1);
    // One organisation named many times is one organisation.
    let repeated = vec![organisation(1); 5_000];
    let body = app
        .graphql(
            SEARCH,
            json!({ "q": "stress", "f": { "owners": repeated } }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
}

#[tokio::test]
async fn a_search_past_its_time_is_stopped_not_finished_in_the_background() {
    use commons_service::search::{self, Filter, Query, Searching};
    let app = spawn_app().await.with_demo().await;
    app.wait_for_index().await;
    let mut services = app.services.clone();
    services.search = std::sync::Arc::new(Searching::new(
        commons_indexer::QueryLimits::default(),
        100,
        1,
        std::time::Duration::ZERO,
    ));
    let query = Query {
        text: "stress".into(),
        filter: Filter::default(),
        sort: commons_service::search::Sort::Relevance,
        lang: None,
        offset: 0,
        limit: 10,
        facets: true,
        snippets: true,
    };
    let result = search::search(&services, None, query).await;
    assert!(
        matches!(result, Err(commons_service::ServiceError::Timeout(_))),
        "{:?}",
        result.err()
    );
    assert_eq!(services.search.counts(), (1, 1), "one search, stopped");
}
