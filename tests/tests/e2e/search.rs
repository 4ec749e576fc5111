//! Finding tools through the API: kept in step with the catalogue, multilingual, with
//! facets, and never showing what the caller may not see.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use commons_tests::tools::{
    DECIDE, SUBMIT, UPDATE, WITHDRAW, content, draft_tool, ok, published_tool, tool_in_review,
};
use commons_tests::{TestApp, error_code, spawn_app};
use serde_json::{Value, json};

const SEARCH: &str = "query($q: String, $f: SearchFilter, $sort: SearchSort, $lang: Lang, $first: Int, $after: String) {
  searchTools(query: $q, filter: $f, sort: $sort, lang: $lang, first: $first, after: $after) {
    totalCount
    edges { cursor node { score tool { id title } highlights { lang title text } } }
    pageInfo { hasNextPage endCursor }
    facets { kinds { value count } categories { value count } languages { value count } audiences { value count } owners { value count } }
  }
}";

async fn search(app: &TestApp, token: Option<&str>, variables: Value) -> Value {
    let body = match token {
        Some(t) => app.graphql_as(t, SEARCH, variables).await,
        None => app.graphql(SEARCH, variables).await,
    };
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["searchTools"].clone()
}

fn titles(found: &Value) -> Vec<String> {
    let set: BTreeSet<String> = found["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["tool"]["title"].as_str().unwrap().to_owned())
        .collect();
    set.into_iter().collect()
}

#[tokio::test]
async fn an_approved_tool_is_searchable_through_the_api() {
    let app = spawn_app().await.with_organisations().await;
    let id = tool_in_review(&app, "acerta", "Autodiagnostic de l'épuisement", "PUBLIC").await;
    app.wait_for_index().await;
    assert_eq!(
        search(&app, None, json!({ "q": "epuisement" })).await["totalCount"],
        0,
        "not before approval"
    );
    let moderator = app.login_as("inasti", "MODERATOR");
    ok(
        &app,
        &moderator,
        DECIDE,
        "decideOnTool",
        json!({ "toolId": id, "revision": 1, "decision": "APPROVE" }),
    )
    .await;
    app.wait_for_index().await;
    let found = search(&app, None, json!({ "q": "epuisement" })).await;
    assert_eq!(found["totalCount"], 1, "{found}");
    let hit = &found["edges"][0]["node"];
    assert_eq!(hit["tool"]["id"], id);
    assert!(
        hit["highlights"]["title"]
            .as_str()
            .unwrap()
            .contains("<b>épuisement</b>"),
        "{hit}"
    );
    assert!(hit["score"].as_f64().unwrap() > 0.0);
}

#[tokio::test]
async fn each_language_is_searched_with_its_own_rules() {
    let app = spawn_app().await.with_demo().await;
    app.wait_for_index().await;
    let cases = [
        ("epuisement", "Test de stress pour indépendants"), // FR, no accent, in the summary
        ("lotgenoten", "Samen sterker ondernemen: lotgenotengroepen"), // NL, in the tags
        ("Wohlbefinden", "Icarius, j'entreprends mon bien-être"), // DE translation
        (
            "\"front-line advisers\"",
            "Former les conseillers de première ligne à repérer la détresse",
        ), // EN phrase
        ("stresstets", "Test de stress pour indépendants"), // a typo
    ];
    let token = app.login_as("ucm", "STAFF");
    for (query, title) in cases {
        let found = search(&app, Some(&token), json!({ "q": query, "lang": "FR" })).await;
        assert!(
            titles(&found).contains(&title.to_owned()),
            "{query}: {}",
            titles(&found).join(" | ")
        );
    }
}

#[tokio::test]
async fn highlights_follow_the_language_asked_for() {
    let app = spawn_app().await.with_demo().await;
    app.wait_for_index().await;
    let nl = search(&app, None, json!({ "q": "stress", "lang": "NL", "f": { "owners": [app.organisation_id("acerta").await] } })).await;
    let hit = &nl["edges"][0]["node"]["highlights"];
    assert_eq!(hit["lang"], "NL", "{nl}");
    assert!(
        hit["title"].as_str().unwrap().contains("<b>Stresstest</b>")
            || hit["text"].as_str().unwrap().contains("<b>"),
        "{hit}"
    );
    let fr = search(&app, None, json!({ "q": "stress", "lang": "FR", "f": { "owners": [app.organisation_id("acerta").await] } })).await;
    assert_eq!(fr["edges"][0]["node"]["highlights"]["lang"], "FR");
}

#[tokio::test]
async fn facets_count_within_the_other_filters() {
    let app = spawn_app().await.with_demo().await;
    app.wait_for_index().await;
    let all = search(&app, None, json!({ "first": 100 })).await;
    let workshops = search(
        &app,
        None,
        json!({ "first": 100, "f": { "kinds": ["GUIDE"] } }),
    )
    .await;
    let (guides, everything) = (
        workshops["totalCount"].as_u64().unwrap(),
        all["totalCount"].as_u64().unwrap(),
    );
    assert!(
        0 < guides && guides < everything,
        "{guides} of {everything}"
    );
    // The kind facet still offers every kind of the unfiltered result…
    assert_eq!(workshops["facets"]["kinds"], all["facets"]["kinds"]);
    // …while the other facets count guides only.
    let workshop_languages: u64 = workshops["facets"]["languages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["count"].as_u64().unwrap())
        .max()
        .unwrap();
    assert!(workshop_languages <= workshops["totalCount"].as_u64().unwrap());
    for hit in workshops["edges"].as_array().unwrap() {
        let id = &hit["node"]["tool"]["id"];
        let kind = app
            .graphql(
                "query($id: ID!) { node(id: $id) { ... on Tool { kind } } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(kind["data"]["node"]["kind"], "GUIDE");
    }
}

#[tokio::test]
async fn results_page_with_cursors_and_sort_by_newest() {
    let app = spawn_app().await.with_demo().await;
    app.wait_for_index().await;
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = search(
            &app,
            None,
            json!({ "first": 3, "after": after, "sort": "NEWEST" }),
        )
        .await;
        seen.extend(
            page["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["tool"]["id"].as_str().unwrap().to_owned()),
        );
        if page["pageInfo"]["hasNextPage"] == false {
            assert_eq!(page["totalCount"].as_u64().unwrap() as usize, seen.len());
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "a tool on two pages");
    let bad = app.graphql(SEARCH, json!({ "after": "nonsense" })).await;
    assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"));
    let too_many = app.graphql(SEARCH, json!({ "first": 101 })).await;
    assert_eq!(error_code(&too_many), Some("BAD_USER_INPUT"));
}

/// The same catalogue as the visibility tests, searched: nothing leaks through hits, counts,
/// facets, snippets or suggestions.
#[tokio::test]
async fn search_shows_each_caller_only_what_they_may_see() {
    let app = spawn_app().await.with_organisations().await;
    let owner = app.login_as("acerta", "STAFF");
    let moderator = app.login_as("inasti", "MODERATOR");
    published_tool(&app, "acerta", "titre public", "PUBLIC").await;
    published_tool(&app, "acerta", "titre réseau", "NETWORK").await;
    draft_tool(&app, "acerta", "titre interne", "ORGANISATION").await;
    draft_tool(&app, "acerta", "titre brouillon", "NETWORK").await;
    let withdrawn = published_tool(&app, "acerta", "titre retiré", "PUBLIC").await;
    ok(
        &app,
        &moderator,
        WITHDRAW,
        "withdrawTool",
        json!({ "toolId": withdrawn, "reason": "obsolete" }),
    )
    .await;
    let pending = published_tool(&app, "acerta", "titre ancien", "PUBLIC").await;
    ok(&app, &owner, UPDATE, "updateTool", json!({ "toolId": pending, "baseRevision": 1, "content": content("titre nouveau confidentiel", "PUBLIC") })).await;
    ok(
        &app,
        &owner,
        SUBMIT,
        "submitTool",
        json!({ "toolId": pending, "revision": 2 }),
    )
    .await;
    app.wait_for_index().await;

    let callers: Vec<(&str, Option<String>, Vec<&str>)> = vec![
        ("anonymous", None, vec!["titre ancien", "titre public"]),
        (
            "other caisse",
            Some(app.login_as("ucm", "STAFF")),
            vec!["titre ancien", "titre public", "titre réseau"],
        ),
        (
            "partner",
            Some(app.login_as("unizo", "STAFF")),
            vec!["titre ancien", "titre public", "titre réseau"],
        ),
        (
            "owner",
            Some(owner.clone()),
            vec![
                "titre brouillon",
                "titre interne",
                "titre nouveau confidentiel",
                "titre public",
                "titre retiré",
                "titre réseau",
            ],
        ),
        (
            "moderator",
            Some(moderator.clone()),
            vec![
                "titre brouillon",
                "titre nouveau confidentiel",
                "titre public",
                "titre retiré",
                "titre réseau",
            ],
        ),
    ];
    for (who, token, expected) in callers {
        let t = token.as_deref();
        let found = search(&app, t, json!({ "q": "titre", "first": 100 })).await;
        assert_eq!(titles(&found), expected, "{who}: hits");
        assert_eq!(found["totalCount"], expected.len(), "{who}: totalCount");
        let owners: u64 = found["facets"]["owners"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["count"].as_u64().unwrap())
            .sum();
        assert_eq!(owners as usize, expected.len(), "{who}: facet counts");
        let browse = search(&app, t, json!({ "first": 100 })).await;
        assert_eq!(browse["totalCount"], expected.len(), "{who}: browsing");
        // Words only in an unpublished revision find nothing for outsiders.
        let secret = search(&app, t, json!({ "q": "confidentiel" })).await;
        let sees_latest = expected.contains(&"titre nouveau confidentiel");
        assert_eq!(
            secret["totalCount"],
            u64::from(sees_latest),
            "{who}: unpublished words"
        );
        // Suggestions obey the same rule.
        let body = match t {
            Some(t) => {
                app.graphql_as(
                    t,
                    "{ suggestTools(prefix: \"titre\") { title } }",
                    json!({}),
                )
                .await
            }
            None => {
                app.graphql("{ suggestTools(prefix: \"titre\") { title } }", json!({}))
                    .await
            }
        };
        let suggested: BTreeSet<String> = body["data"]["suggestTools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["title"].as_str().unwrap().to_owned())
            .collect();
        let expected_set: BTreeSet<String> = expected.iter().map(|s| s.to_string()).collect();
        assert_eq!(suggested, expected_set, "{who}: suggestions");
    }
}

#[tokio::test]
async fn readiness_and_metrics_report_the_index_lag() {
    let app = spawn_app().await.with_organisations().await;
    app.wait_for_index().await;
    let ready: Value = app.get("/readyz").await.json().await.unwrap();
    assert_eq!(ready["indexLag"], 0);
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("commons_index_lag_rows 0"), "{metrics}");
}

#[tokio::test]
async fn a_slow_index_commit_shows_as_lag_until_it_happens() {
    let app = commons_tests::spawn_app_with(|c| c.index.commit_interval_ms = 4_000)
        .await
        .with_organisations()
        .await;
    // Start from a committed index, so that the interval starts with the tool's first change.
    app.wait_for_index().await;
    published_tool(&app, "acerta", "Auto-test", "PUBLIC").await;
    let ready: Value = app.get("/readyz").await.json().await.unwrap();
    assert!(ready["indexLag"].as_u64().unwrap() > 0, "{ready}");
    app.wait_for_index().await;
    assert_eq!(
        search(&app, None, json!({ "q": "auto-test" })).await["totalCount"],
        1
    );
}

#[tokio::test]
async fn a_rebuild_is_swapped_in_while_searches_go_on() {
    let app = spawn_app().await.with_demo().await;
    app.wait_for_index().await;
    let before = search(&app, None, json!({ "q": "stress", "first": 100 })).await;
    let services = app.services.clone();
    let rebuild = tokio::spawn(async move { services.index.rebuild().await });
    let mut during = 0;
    while !rebuild.is_finished() || during == 0 {
        let found = search(&app, None, json!({ "q": "stress", "first": 100 })).await;
        assert_eq!(found["totalCount"], before["totalCount"]);
        during += 1;
    }
    let rebuilt = rebuild.await.unwrap().unwrap();
    assert!(rebuilt >= 13, "{rebuilt} tools");
    let after = search(&app, None, json!({ "q": "stress", "first": 100 })).await;
    assert_eq!(titles(&after), titles(&before));
    // The rebuilt index follows new changes too.
    published_tool(&app, "acerta", "Après la reconstruction", "PUBLIC").await;
    app.wait_for_index().await;
    assert_eq!(
        search(&app, None, json!({ "q": "reconstruction" })).await["totalCount"],
        1
    );
}
