//! Peer learning end to end: adoptions and `MOST_ADOPTED`, reviews and their hiding, INASTI's
//! collections and its own content, following, notifications for each cause, and a live
//! subscription over a real WebSocket.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use commons_tests::live::{connect, next_message};
use commons_tests::tools::{DECIDE, SUBMIT, ok, outcome, published_tool, tool_in_review};
use commons_tests::{TestApp, error_code, spawn_app, spawn_app_with, user_error_codes};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

const ADOPT: &str = "mutation($input: AdoptToolInput!) { adoptTool(input: $input) {
  adoption { mode note since endedAt organisation { slug } derivedTool { id } } userErrors { field code message } } }";
const UNADOPT: &str = "mutation($input: WithdrawAdoptionInput!) { withdrawAdoption(input: $input) {
  adoption { endedAt } userErrors { field code message } } }";
const REVIEW: &str = "mutation($input: ReviewToolInput!) { reviewTool(input: $input) {
  review { id rating comment hidden } userErrors { field code message } } }";
const HIDE: &str = "mutation($input: HideReviewInput!) { hideReview(input: $input) {
  review { id hidden hiddenReason } userErrors { field code message } } }";
const CREATE_COLLECTION: &str =
    "mutation($input: CollectionInput!) { createCollection(input: $input) {
  collection { id version featured tools { id } } userErrors { field code message } } }";
const ARCHIVE_COLLECTION: &str =
    "mutation($input: ArchiveCollectionInput!) { archiveCollection(input: $input) {
  collection { id archivedAt } userErrors { field code message } } }";
const FOLLOW: &str = "mutation($input: FollowInput!) { follow(input: $input) {
  follow { kind category organisation { slug } } userErrors { field code message } } }";
const TOOL: &str = "query($id: ID!) { node(id: $id) { ... on Tool {
  adoptionCount adoptions(includeEnded: true) { totalCount edges { node { organisation { slug } mode endedAt } } }
  rating { average count distribution } reviews { totalCount edges { node { rating hidden hiddenReason organisation { slug } } } }
  collections { id } basedOn { tool { id } } } } }";
const NOTIFICATIONS: &str = "{ viewer { unreadNotificationCount notifications(first: 50) { totalCount edges { node { id kind subjectId details readAt tool { id } } } } } }";

/// The people the tests sign in as; each is known to Commons once it has made a request.
async fn known(app: &TestApp, people: &[(&str, &str)]) {
    for (org, role) in people {
        let body = app
            .graphql_as(
                &app.login_as(org, role),
                "{ viewer { user { id } } }",
                json!({}),
            )
            .await;
        assert!(body["errors"].is_null(), "{body}");
    }
}

async fn run(app: &TestApp, who: Option<(&str, &str)>, query: &str, variables: Value) -> Value {
    match who {
        Some((org, role)) => {
            app.graphql_as(&app.login_as(org, role), query, variables)
                .await
        }
        None => app.graphql(query, variables).await,
    }
}

async fn tool(app: &TestApp, who: (&str, &str), id: &str) -> Value {
    let body = run(app, Some(who), TOOL, json!({ "id": id })).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["node"].clone()
}

async fn notifications(app: &TestApp, who: (&str, &str)) -> Vec<Value> {
    let body = run(app, Some(who), NOTIFICATIONS, json!({})).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["viewer"]["notifications"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

fn kinds(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|n| n["kind"].as_str().unwrap().to_owned())
        .collect()
}

const CALLERS: &[(&str, Option<(&str, &str)>)] = &[
    ("anonymous", None),
    ("owner staff", Some(("acerta", "STAFF"))),
    ("caisse staff", Some(("ucm", "STAFF"))),
    ("caisse admin", Some(("liantis", "ORG_ADMIN"))),
    ("partner staff", Some(("unizo", "STAFF"))),
    ("moderator", Some(("inasti", "MODERATOR"))),
    ("auditor", Some(("inasti", "AUDITOR"))),
];

#[tokio::test]
async fn organisations_adopt_others_published_tools_and_most_adopted_ranks_by_it() {
    let app = spawn_app().await.with_organisations().await;
    let scan = published_tool(
        &app,
        "acerta",
        "Self-scan stress des indépendants",
        "PUBLIC",
    )
    .await;
    let other = published_tool(&app, "acerta", "Atelier stress et sommeil", "PUBLIC").await;
    for (name, who) in CALLERS {
        let expected = match *name {
            "anonymous" => "UNAUTHENTICATED",
            // Never one's own tool; INASTI does not adopt.
            "owner staff" | "moderator" | "auditor" => "FORBIDDEN",
            _ => "OK",
        };
        let body = run(
            &app,
            *who,
            ADOPT,
            json!({ "input": { "toolId": scan, "mode": "AS_IS" } }),
        )
        .await;
        assert_eq!(outcome(&body, "adoptTool"), expected, "{name}: {body}");
    }
    let t = tool(&app, ("ucm", "STAFF"), &scan).await;
    assert_eq!(t["adoptionCount"], 3, "{t}");
    // A second call updates; an adapted adoption names the adopter's own tool.
    let derived = published_tool(
        &app,
        "ucm",
        "Self-scan stress adapté pour la Wallonie",
        "PUBLIC",
    )
    .await;
    let body = run(&app, Some(("ucm", "STAFF")), ADOPT, json!({ "input": { "toolId": scan, "mode": "ADAPTED", "derivedToolId": derived, "note": "Traduit et raccourci" } })).await;
    assert_eq!(outcome(&body, "adoptTool"), "OK", "{body}");
    assert_eq!(body["data"]["adoptTool"]["adoption"]["mode"], "ADAPTED");
    let d = tool(&app, ("unizo", "STAFF"), &derived).await;
    assert_eq!(
        d["basedOn"]["tool"]["id"],
        scan.as_str(),
        "the derived tool shows what it is based on: {d}"
    );
    // Bad input: ADAPTED without a tool, AS_IS with one, someone else's tool as derived,
    // an unpublished tool.
    let draft = tool_in_review(&app, "acerta", "Guide en relecture", "PUBLIC").await;
    for (input, code) in [
        (json!({ "toolId": scan, "mode": "ADAPTED" }), "REQUIRED"),
        (
            json!({ "toolId": scan, "mode": "AS_IS", "derivedToolId": derived }),
            "NOT_ALLOWED",
        ),
        (
            json!({ "toolId": scan, "mode": "ADAPTED", "derivedToolId": other }),
            "NOT_ALLOWED",
        ),
        (json!({ "toolId": draft, "mode": "AS_IS" }), "NOT_FOUND"),
    ] {
        let body = run(
            &app,
            Some(("liantis", "ORG_ADMIN")),
            ADOPT,
            json!({ "input": input }),
        )
        .await;
        let got = outcome(&body, "adoptTool");
        assert_eq!(got, code, "{input}: {body}");
    }
    let moderator_view = run(
        &app,
        Some(("inasti", "MODERATOR")),
        ADOPT,
        json!({ "input": { "toolId": draft, "mode": "AS_IS" } }),
    )
    .await;
    assert_eq!(error_code(&moderator_view), Some("FORBIDDEN"));
    // Withdrawing ends it and keeps it.
    let body = run(
        &app,
        Some(("unizo", "STAFF")),
        UNADOPT,
        json!({ "input": { "toolId": scan } }),
    )
    .await;
    assert_eq!(outcome(&body, "withdrawAdoption"), "OK", "{body}");
    let body = run(
        &app,
        Some(("unizo", "STAFF")),
        UNADOPT,
        json!({ "input": { "toolId": scan } }),
    )
    .await;
    assert_eq!(
        user_error_codes(&body["data"]["withdrawAdoption"]),
        vec!["NOT_FOUND"]
    );
    let t = tool(&app, ("ucm", "STAFF"), &scan).await;
    assert_eq!(t["adoptionCount"], 2);
    assert_eq!(
        t["adoptions"]["totalCount"], 3,
        "the ended one is kept: {t}"
    );
    let adopted = run(&app, Some(("ucm", "STAFF")), "{ organisation(slug: \"ucm\") { adoptedTools { totalCount edges { node { tool { id } } } } } }", json!({})).await;
    assert_eq!(
        adopted["data"]["organisation"]["adoptedTools"]["totalCount"], 1,
        "{adopted}"
    );

    // MOST_ADOPTED through search: the adopted scan comes first, once the change is indexed.
    let other_adopt = run(
        &app,
        Some(("unizo", "STAFF")),
        ADOPT,
        json!({ "input": { "toolId": other, "mode": "AS_IS" } }),
    )
    .await;
    assert_eq!(outcome(&other_adopt, "adoptTool"), "OK");
    // The newest tool becomes the most adopted, so the order cannot be the index's own.
    for who in [
        ("acerta", "STAFF"),
        ("liantis", "STAFF"),
        ("unizo", "ORG_ADMIN"),
    ] {
        let body = run(
            &app,
            Some(who),
            ADOPT,
            json!({ "input": { "toolId": derived, "mode": "AS_IS" } }),
        )
        .await;
        assert_eq!(outcome(&body, "adoptTool"), "OK", "{body}");
    }
    app.wait_for_index().await;
    let search = app
        .graphql(
            "{ searchTools(query: \"stress\", sort: MOST_ADOPTED, first: 5) { edges { node { tool { id adoptionCount } } } } }",
            json!({}),
        )
        .await;
    let order: Vec<(String, i64)> = search["data"]["searchTools"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{search}"))
        .iter()
        .map(|e| {
            (
                e["node"]["tool"]["id"].as_str().unwrap().to_owned(),
                e["node"]["tool"]["adoptionCount"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(order[0], (derived.clone(), 3), "{search}");
    assert_eq!(order[1], (scan.clone(), 2), "{search}");
    assert_eq!(order[2], (other.clone(), 1), "{search}");
    // The activity report counts adoptions begun in the year, given and received.
    let year = chrono::Datelike::year(&chrono::Utc::now());
    let report = "query($c: ID!, $y: Int!) { activityReport(caisseId: $c, year: $y) { figures { adoptionsGiven adoptionsReceived reviewsGiven reviewsReceived } } }";
    let acerta = app.organisation_id("acerta").await;
    let body = run(
        &app,
        Some(("acerta", "STAFF")),
        report,
        json!({ "c": acerta, "y": year }),
    )
    .await;
    let f = &body["data"]["activityReport"]["figures"];
    // Given: acerta adopted ucm's derived tool; received: ucm, liantis, unizo (ended, still begun).
    assert_eq!(
        (f["adoptionsGiven"].clone(), f["adoptionsReceived"].clone()),
        (json!(1), json!(4)),
        "{body}"
    );
    let ucm = app.organisation_id("ucm").await;
    let body = run(
        &app,
        Some(("ucm", "ORG_ADMIN")),
        report,
        json!({ "c": ucm, "y": year }),
    )
    .await;
    let f = &body["data"]["activityReport"]["figures"];
    assert_eq!(
        (f["adoptionsGiven"].clone(), f["adoptionsReceived"].clone()),
        (json!(1), json!(3)),
        "{body}"
    );
    let counts: Vec<i64> = order.iter().map(|(_, c)| *c).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
}

#[tokio::test]
async fn reviews_are_one_per_organisation_and_a_hidden_one_leaves_the_average() {
    let app = spawn_app().await.with_organisations().await;
    let scan = published_tool(&app, "acerta", "Self-scan stress", "NETWORK").await;
    for (name, who) in CALLERS {
        let expected = match *name {
            // A network tool does not exist for anonymous callers.
            "anonymous" => "UNAUTHENTICATED",
            "owner staff" => "FORBIDDEN",
            "moderator" | "auditor" => "FORBIDDEN",
            _ => "OK",
        };
        let body = run(
            &app,
            *who,
            REVIEW,
            json!({ "input": { "toolId": scan, "rating": 4, "lang": "FR" } }),
        )
        .await;
        assert_eq!(outcome(&body, "reviewTool"), expected, "{name}: {body}");
    }
    // A second review replaces the first: still one per organisation.
    let body = run(
        &app,
        Some(("ucm", "STAFF")),
        REVIEW,
        json!({ "input": { "toolId": scan, "rating": 5, "comment": "Très utile", "lang": "FR" } }),
    )
    .await;
    assert_eq!(outcome(&body, "reviewTool"), "OK");
    let body = run(&app, Some(("unizo", "STAFF")), REVIEW, json!({ "input": { "toolId": scan, "rating": 1, "comment": "Nul, ces gens sont des escrocs", "lang": "FR" } })).await;
    let abusive = body["data"]["reviewTool"]["review"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let t = tool(&app, ("liantis", "STAFF"), &scan).await;
    assert_eq!(
        t["rating"],
        json!({ "average": "3.33", "count": 3, "distribution": [1, 0, 0, 1, 1] }),
        "{t}"
    );
    // Bad ratings, and an unpublished tool.
    for rating in [0, 6, -1] {
        let body = run(
            &app,
            Some(("ucm", "STAFF")),
            REVIEW,
            json!({ "input": { "toolId": scan, "rating": rating, "lang": "FR" } }),
        )
        .await;
        assert_eq!(
            user_error_codes(&body["data"]["reviewTool"]),
            vec!["OUT_OF_RANGE"],
            "{body}"
        );
    }
    // Hiding: moderators only, with a reason; the author's organisation sees it hidden and why.
    for who in [
        ("acerta", "ORG_ADMIN"),
        ("inasti", "AUDITOR"),
        ("inasti", "PLATFORM_ADMIN"),
    ] {
        let body = run(
            &app,
            Some(who),
            HIDE,
            json!({ "input": { "reviewId": abusive, "reason": "Propos injurieux" } }),
        )
        .await;
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{who:?}: {body}");
    }
    let body = run(
        &app,
        Some(("inasti", "MODERATOR")),
        HIDE,
        json!({ "input": { "reviewId": abusive, "reason": " " } }),
    )
    .await;
    assert_eq!(
        user_error_codes(&body["data"]["hideReview"]),
        vec!["REQUIRED"]
    );
    let body = run(
        &app,
        Some(("inasti", "MODERATOR")),
        HIDE,
        json!({ "input": { "reviewId": abusive, "reason": "Propos injurieux" } }),
    )
    .await;
    assert_eq!(outcome(&body, "hideReview"), "OK", "{body}");
    let t = tool(&app, ("liantis", "STAFF"), &scan).await;
    assert_eq!(
        t["rating"],
        json!({ "average": "4.50", "count": 2, "distribution": [0, 0, 0, 1, 1] }),
        "{t}"
    );
    assert_eq!(
        t["reviews"]["totalCount"], 2,
        "others do not see the hidden review: {t}"
    );
    let author = tool(&app, ("unizo", "STAFF"), &scan).await;
    let own = author["reviews"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["organisation"]["slug"] == "unizo")
        .unwrap()
        .clone();
    assert_eq!(
        (
            own["node"]["hidden"].clone(),
            own["node"]["hiddenReason"].clone()
        ),
        (json!(true), json!("Propos injurieux"))
    );
    // The decision is in the moderation log.
    let log = run(
        &app,
        Some(("acerta", "STAFF")),
        "query($id: ID!) { moderationLog(toolId: $id) { edges { node { action reason } } } }",
        json!({ "id": scan }),
    )
    .await;
    let actions: Vec<&str> = log["data"]["moderationLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"HIDE_REVIEW"), "{log}");

    // Reviewing again does not undo the moderation: the new text stays hidden, with the reason,
    // and out of the average and of others' sight.
    let body = run(
        &app,
        Some(("unizo", "STAFF")),
        REVIEW,
        json!({ "input": { "toolId": scan, "rating": 1, "comment": "Toujours aussi nul", "lang": "FR" } }),
    )
    .await;
    assert_eq!(outcome(&body, "reviewTool"), "OK", "{body}");
    assert_eq!(
        body["data"]["reviewTool"]["review"]["hidden"], true,
        "{body}"
    );
    let t = tool(&app, ("liantis", "STAFF"), &scan).await;
    assert_eq!(t["rating"]["count"], 2, "{t}");
    assert_eq!(t["reviews"]["totalCount"], 2, "{t}");
}

#[tokio::test]
async fn inasti_curates_collections_of_published_tools_and_publishes_its_own_notes() {
    let app = spawn_app().await.with_organisations().await;
    let public = published_tool(&app, "acerta", "Self-scan public", "PUBLIC").await;
    let network = published_tool(&app, "ucm", "Guide réseau", "NETWORK").await;
    let draft = tool_in_review(&app, "liantis", "Brouillon", "PUBLIC").await;
    let input = json!({ "titles": [{ "lang": "FR", "text": "Prévenir le burn-out" }], "toolIds": [network, public], "featured": true });
    for (name, who) in CALLERS {
        let expected = match *name {
            "anonymous" => "UNAUTHENTICATED",
            "moderator" => "OK",
            _ => "FORBIDDEN",
        };
        let body = run(&app, *who, CREATE_COLLECTION, json!({ "input": input })).await;
        assert_eq!(
            outcome(&body, "createCollection"),
            expected,
            "{name}: {body}"
        );
    }
    let bad = json!({ "titles": [{ "lang": "FR", "text": "Avec un brouillon" }], "toolIds": [public, draft, public] });
    let body = run(
        &app,
        Some(("inasti", "MODERATOR")),
        CREATE_COLLECTION,
        json!({ "input": bad }),
    )
    .await;
    assert_eq!(
        user_error_codes(&body["data"]["createCollection"]),
        vec!["DUPLICATE"],
        "{body}"
    );
    let bad = json!({ "titles": [{ "lang": "FR", "text": "Avec un brouillon" }], "toolIds": [public, draft] });
    let body = run(
        &app,
        Some(("inasti", "MODERATOR")),
        CREATE_COLLECTION,
        json!({ "input": bad }),
    )
    .await;
    assert_eq!(
        user_error_codes(&body["data"]["createCollection"]),
        vec!["INVALID_STATE"],
        "{body}"
    );
    // Each reader sees the tools they may read.
    let featured = "{ featuredCollections { id tools { id } } collections { totalCount } }";
    let anonymous = app.graphql(featured, json!({})).await;
    assert_eq!(
        anonymous["data"]["featuredCollections"][0]["tools"],
        json!([{ "id": public }]),
        "{anonymous}"
    );
    let signed = run(&app, Some(("xerius", "STAFF")), featured, json!({})).await;
    assert_eq!(
        signed["data"]["featuredCollections"][0]["tools"],
        json!([{ "id": network }, { "id": public }])
    );
    // A tool withdrawn from publication leaves the collection's view.
    let moderator = app.login_as("inasti", "MODERATOR");
    ok(
        &app,
        &moderator,
        commons_tests::tools::WITHDRAW,
        "withdrawTool",
        json!({ "toolId": public, "reason": "Contenu obsolète" }),
    )
    .await;
    let signed = run(&app, Some(("xerius", "STAFF")), featured, json!({})).await;
    assert_eq!(
        signed["data"]["featuredCollections"][0]["tools"],
        json!([{ "id": network }]),
        "{signed}"
    );
    let collection = signed["data"]["featuredCollections"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let t = tool(&app, ("xerius", "STAFF"), &network).await;
    assert_eq!(t["collections"], json!([{ "id": collection }]));
    let body = run(
        &app,
        Some(("inasti", "MODERATOR")),
        ARCHIVE_COLLECTION,
        json!({ "input": { "collectionId": collection, "expectedVersion": 1 } }),
    )
    .await;
    assert_eq!(outcome(&body, "archiveCollection"), "OK", "{body}");
    let signed = run(&app, Some(("xerius", "STAFF")), featured, json!({})).await;
    assert_eq!(signed["data"]["collections"]["totalCount"], 0);

    // INASTI's own note: written by INASTI staff, approved by another INASTI moderator, never
    // by its author; the front-line audience is the caisse's own staff.
    let mut note =
        commons_tests::tools::content("Note : définir la prévention secondaire", "PUBLIC");
    note["audiences"] = json!(["CAISSE_STAFF"]);
    note["kind"] = json!("GUIDE");
    let author = app.login_as("inasti", "MODERATOR");
    let created = ok(
        &app,
        &author,
        commons_tests::tools::CREATE,
        "createTool",
        json!({ "content": note }),
    )
    .await;
    let id = created["tool"]["id"].as_str().unwrap().to_owned();
    ok(
        &app,
        &author,
        SUBMIT,
        "submitTool",
        json!({ "toolId": id, "revision": 1 }),
    )
    .await;
    let body = app
        .graphql_as(
            &author,
            DECIDE,
            json!({ "input": { "toolId": id, "revision": 1, "decision": "APPROVE" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "four eyes: {body}");
    let other = app.token(
        json!({ "sub": "test-inasti-second-moderator", "org": "inasti", "roles": ["MODERATOR"] }),
    );
    let body = app
        .graphql_as(
            &other,
            DECIDE,
            json!({ "input": { "toolId": id, "revision": 1, "decision": "APPROVE" } }),
        )
        .await;
    assert_eq!(outcome(&body, "decideOnTool"), "OK", "{body}");
    let audience = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Tool { status current { audiences } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        audience["data"]["node"]["current"]["audiences"],
        json!(["CAISSE_STAFF"]),
        "{audience}"
    );
}

#[tokio::test]
async fn each_cause_notifies_the_people_it_concerns_and_nobody_else() {
    let app = spawn_app().await.with_organisations().await;
    let people = [
        ("acerta", "STAFF"),
        ("acerta", "ORG_ADMIN"),
        ("ucm", "STAFF"),
        ("unizo", "STAFF"),
        ("liantis", "ORG_ADMIN"),
        ("xerius", "STAFF"),
        ("inasti", "MODERATOR"),
    ];
    known(&app, &people).await;
    // Xerius follows early detection; Liantis follows Acerta.
    let acerta = app.organisation_id("acerta").await;
    let body = run(
        &app,
        Some(("xerius", "STAFF")),
        FOLLOW,
        json!({ "input": { "target": { "category": "EARLY_DETECTION" } } }),
    )
    .await;
    assert_eq!(outcome(&body, "follow"), "OK", "{body}");
    let body = run(
        &app,
        Some(("xerius", "STAFF")),
        FOLLOW,
        json!({ "input": { "target": { "category": "EARLY_DETECTION" } } }),
    )
    .await;
    assert_eq!(
        user_error_codes(&body["data"]["follow"]),
        vec!["DUPLICATE"],
        "following twice"
    );
    let body = run(
        &app,
        Some(("liantis", "ORG_ADMIN")),
        FOLLOW,
        json!({ "input": { "target": { "organisationId": acerta } } }),
    )
    .await;
    assert_eq!(outcome(&body, "follow"), "OK", "{body}");
    let body = run(&app, Some(("liantis", "ORG_ADMIN")), FOLLOW, json!({ "input": { "target": { "organisationId": acerta, "category": "EARLY_DETECTION" } } })).await;
    assert_eq!(
        error_code(&body),
        Some("BAD_USER_INPUT"),
        "one target at a time"
    );

    // A publication (the content's categories include early detection) and a decision.
    let scan = published_tool(&app, "acerta", "Self-scan stress", "NETWORK").await;
    assert_eq!(
        kinds(&notifications(&app, ("xerius", "STAFF")).await),
        vec!["PUBLICATION"]
    );
    assert_eq!(
        kinds(&notifications(&app, ("liantis", "ORG_ADMIN")).await),
        vec!["PUBLICATION"]
    );
    assert_eq!(
        kinds(&notifications(&app, ("acerta", "ORG_ADMIN")).await),
        vec!["TOOL_DECISION"]
    );
    // The acerta staff who submitted also hears of the decision; the moderator who decided does not.
    assert_eq!(
        kinds(&notifications(&app, ("acerta", "STAFF")).await),
        vec!["TOOL_DECISION"]
    );
    assert!(
        notifications(&app, ("inasti", "MODERATOR"))
            .await
            .is_empty()
    );
    // Adoption and review of Acerta's tool.
    run(
        &app,
        Some(("ucm", "STAFF")),
        ADOPT,
        json!({ "input": { "toolId": scan, "mode": "AS_IS" } }),
    )
    .await;
    run(
        &app,
        Some(("ucm", "STAFF")),
        REVIEW,
        json!({ "input": { "toolId": scan, "rating": 5, "lang": "FR" } }),
    )
    .await;
    let acerta_admin = notifications(&app, ("acerta", "ORG_ADMIN")).await;
    assert_eq!(
        kinds(&acerta_admin),
        vec!["TOOL_REVIEWED", "TOOL_ADOPTED", "TOOL_DECISION"]
    );
    assert_eq!(acerta_admin[0]["tool"]["id"], scan.as_str());
    // A proposal to UCM; UNIZO hears UCM's answer; a message reaches the other party.
    let proposal = commons_tests::collaborations::propose(&app, "unizo", &["ucm"]).await;
    assert_eq!(
        kinds(&notifications(&app, ("ucm", "STAFF")).await)[0],
        "PROPOSAL_RECEIVED"
    );
    assert!(
        notifications(&app, ("xerius", "STAFF")).await.len() == 1,
        "not a party: nothing"
    );
    let answered = commons_tests::collaborations::respond(&app, "ucm", &proposal, true).await;
    assert_eq!(
        kinds(&notifications(&app, ("unizo", "STAFF")).await)[0],
        "PROPOSAL_ANSWERED"
    );
    let post = "mutation($input: PostProposalMessageInput!) { postProposalMessage(input: $input) { userErrors { code } } }";
    let body = run(
        &app,
        Some(("unizo", "STAFF")),
        post,
        json!({ "input": { "proposalId": proposal, "body": "Merci ! Premier atelier le 12 ?" } }),
    )
    .await;
    assert_eq!(outcome(&body, "postProposalMessage"), "OK", "{body}");
    assert_eq!(
        kinds(&notifications(&app, ("ucm", "STAFF")).await)[0],
        "PROPOSAL_MESSAGE"
    );
    // A transfer awaiting Liantis.
    let service = answered["jointService"]["id"].as_str().unwrap().to_owned();
    known(&app, &[("ucm", "ORG_ADMIN")]).await;
    commons_tests::collaborations::transfer(&app, "ucm", &service, "liantis").await;
    assert_eq!(
        kinds(&notifications(&app, ("liantis", "ORG_ADMIN")).await)[0],
        "TRANSFER_AWAITING"
    );

    // Reading marks; unread counts; another person's ids change nothing.
    let mine = notifications(&app, ("acerta", "ORG_ADMIN")).await;
    let mark = "mutation($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) { marked unreadCount userErrors { code } } }";
    let body = run(
        &app,
        Some(("ucm", "STAFF")),
        mark,
        json!({ "input": { "ids": [mine[0]["id"]] } }),
    )
    .await;
    assert_eq!(body["data"]["markNotificationsRead"]["marked"], 0, "{body}");
    let body = run(
        &app,
        Some(("acerta", "ORG_ADMIN")),
        mark,
        json!({ "input": { "ids": [mine[0]["id"]] } }),
    )
    .await;
    assert_eq!(
        (
            body["data"]["markNotificationsRead"]["marked"].clone(),
            body["data"]["markNotificationsRead"]["unreadCount"].clone()
        ),
        (json!(1), json!(2)),
        "{body}"
    );
    let body = run(
        &app,
        Some(("acerta", "ORG_ADMIN")),
        mark,
        json!({ "input": { "all": true } }),
    )
    .await;
    assert_eq!(body["data"]["markNotificationsRead"]["unreadCount"], 0);
    let unread = run(
        &app,
        Some(("acerta", "ORG_ADMIN")),
        "{ viewer { notifications(unreadOnly: true) { totalCount } } }",
        json!({}),
    )
    .await;
    assert_eq!(unread["data"]["viewer"]["notifications"]["totalCount"], 0);

    // A tool withdrawn since: followers no longer see what they were told about it.
    let moderator = app.login_as("inasti", "MODERATOR");
    ok(
        &app,
        &moderator,
        commons_tests::tools::WITHDRAW,
        "withdrawTool",
        json!({ "toolId": scan, "reason": "Doublon" }),
    )
    .await;
    assert!(
        notifications(&app, ("xerius", "STAFF")).await.is_empty(),
        "a withdrawn tool is not theirs to read"
    );
    // Nor does any count tell that something about it exists, and "all read" marks nothing.
    let counts = run(
        &app,
        Some(("xerius", "STAFF")),
        "{ viewer { unreadNotificationCount all: notifications { totalCount }
           unread: notifications(unreadOnly: true) { totalCount } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        counts["data"]["viewer"],
        json!({ "unreadNotificationCount": 0, "all": { "totalCount": 0 }, "unread": { "totalCount": 0 } }),
        "{counts}"
    );
    let body = run(
        &app,
        Some(("xerius", "STAFF")),
        mark,
        json!({ "input": { "all": true } }),
    )
    .await;
    assert_eq!(body["data"]["markNotificationsRead"]["marked"], 0, "{body}");
}

#[tokio::test]
async fn a_caisse_is_reminded_of_a_reply_due_within_three_days_once() {
    let app = spawn_app_with(|c| c.notifications.reminder_interval_ms = 100)
        .await
        .with_organisations()
        .await;
    known(&app, &[("ucm", "STAFF"), ("partena", "STAFF")]).await;
    let proposal = commons_tests::collaborations::propose(&app, "unizo", &["ucm", "partena"]).await;
    commons_tests::collaborations::respond(&app, "partena", &proposal, false).await;
    // The reply-by moment is 30 days out; move the clock to 2 days before it.
    app.services
        .clock
        .set(Some(chrono::Utc::now() + chrono::Duration::days(28)));
    let mut reminded = Vec::new();
    for _ in 0..100 {
        reminded = notifications(&app, ("ucm", "STAFF")).await;
        if kinds(&reminded).contains(&"REPLY_DUE".to_owned()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        kinds(&reminded),
        vec!["REPLY_DUE", "PROPOSAL_RECEIVED"],
        "{reminded:?}"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        notifications(&app, ("ucm", "STAFF")).await.len(),
        2,
        "reminded once"
    );
    assert!(
        !kinds(&notifications(&app, ("partena", "STAFF")).await).contains(&"REPLY_DUE".to_owned()),
        "Partena answered"
    );
}

#[tokio::test]
async fn a_subscription_receives_a_notification_over_a_real_websocket() {
    let app = spawn_app().await.with_organisations().await;
    known(&app, &[("acerta", "ORG_ADMIN")]).await;
    let scan = published_tool(&app, "acerta", "Self-scan stress", "PUBLIC").await;

    // An operation before the connection is acknowledged: 4401, as graphql-transport-ws has it.
    let mut socket = connect(&app).await;
    socket
        .send(Message::Text(
            r#"{"id":"1","type":"subscribe","payload":{"query":"{ __typename }"}}"#.into(),
        ))
        .await
        .unwrap();
    assert_eq!(next_message(&mut socket).await, Err(4401));

    // Without a token, or with a bad one, the connection is closed with 4401 / 4403.
    let mut socket = connect(&app).await;
    socket
        .send(Message::Text(
            r#"{"type":"connection_init","payload":{}}"#.into(),
        ))
        .await
        .unwrap();
    assert_eq!(next_message(&mut socket).await, Err(4401));
    let mut socket = connect(&app).await;
    socket
        .send(Message::Text(
            r#"{"type":"connection_init","payload":{"Authorization":"Bearer nonsense"}}"#.into(),
        ))
        .await
        .unwrap();
    assert_eq!(next_message(&mut socket).await, Err(4403));

    let mut socket = connect(&app).await;
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {}", app.login_as("acerta", "ORG_ADMIN")) } });
    socket
        .send(Message::Text(init.to_string().into()))
        .await
        .unwrap();
    assert_eq!(
        next_message(&mut socket).await.unwrap()["type"],
        "connection_ack"
    );
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { notificationAdded { kind tool { id } } }" } });
    socket
        .send(Message::Text(subscribe.to_string().into()))
        .await
        .unwrap();
    // Cause a notification through another connection — a caisse adopts Acerta's tool over
    // HTTP — until the subscription, which the protocol does not acknowledge, has seen one: a
    // busy machine may take a while to put it in place. Each new adoption notifies again.
    let mut message = None;
    for _ in 0..20 {
        let body = run(
            &app,
            Some(("ucm", "STAFF")),
            ADOPT,
            json!({ "input": { "toolId": scan, "mode": "AS_IS" } }),
        )
        .await;
        assert_eq!(outcome(&body, "adoptTool"), "OK", "{body}");
        // The tool's publication notified Acerta too, and may reach the subscription first.
        let adopted = async {
            loop {
                let received = next_message(&mut socket).await;
                if received.as_ref().map_or(true, |m| {
                    m["payload"]["data"]["notificationAdded"]["kind"] != "TOOL_DECISION"
                }) {
                    return received;
                }
            }
        };
        match tokio::time::timeout(Duration::from_secs(2), adopted).await {
            Ok(received) => {
                message = Some(received.unwrap());
                break;
            }
            Err(_) => {
                let body = run(
                    &app,
                    Some(("ucm", "STAFF")),
                    UNADOPT,
                    json!({ "input": { "toolId": scan } }),
                )
                .await;
                assert_eq!(outcome(&body, "withdrawAdoption"), "OK", "{body}");
            }
        }
    }
    let message = message.expect("a notification arrives over the WebSocket");
    assert_eq!(message["type"], "next", "{message}");
    assert_eq!(
        message["payload"]["data"]["notificationAdded"]["kind"],
        "TOOL_ADOPTED"
    );
    assert_eq!(
        message["payload"]["data"]["notificationAdded"]["tool"]["id"],
        scan.as_str()
    );
    // A message larger than a request body may be ends the connection, whatever it holds.
    let mut socket = connect(&app).await;
    let huge = format!(
        r#"{{"type":"connection_init","payload":{{"pad":"{}"}}}}"#,
        "x".repeat(2 * 1024 * 1024)
    );
    let _ = socket.send(Message::Text(huge.into())).await;
    let ended = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match socket.next().await {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return true,
                Some(Ok(_)) => continue,
            }
        }
    })
    .await;
    assert_eq!(ended.ok(), Some(true), "the connection is closed");
    // Over HTTP a subscription is refused.
    let body = app
        .graphql("subscription { notificationAdded { kind } }", json!({}))
        .await;
    assert!(
        error_code(&body).is_some() || !body["errors"].is_null(),
        "{body}"
    );
}

#[tokio::test]
async fn the_rest_of_the_matrix_holds() {
    let app = spawn_app().await.with_organisations().await;
    let scan = published_tool(&app, "acerta", "Self-scan stress", "PUBLIC").await;
    let moderator = app.login_as("inasti", "MODERATOR");
    let created = ok(
        &app,
        &moderator,
        CREATE_COLLECTION,
        "createCollection",
        json!({ "titles": [{ "lang": "FR", "text": "Stress" }], "toolIds": [scan] }),
    )
    .await;
    let collection = created["collection"]["id"].as_str().unwrap().to_owned();
    let update = "mutation($input: UpdateCollectionInput!) { updateCollection(input: $input) {
      collection { version } userErrors { code } } }";
    let mut version = 1;
    for (name, who) in CALLERS {
        let expected = match *name {
            "anonymous" => "UNAUTHENTICATED",
            "moderator" => "OK",
            _ => "FORBIDDEN",
        };
        let input = json!({ "collectionId": collection, "expectedVersion": version,
            "collection": { "titles": [{ "lang": "FR", "text": "Stress et sommeil" }], "toolIds": [scan], "featured": true } });
        let body = run(&app, *who, update, json!({ "input": input })).await;
        assert_eq!(
            outcome(&body, "updateCollection"),
            expected,
            "{name}: {body}"
        );
        if expected == "OK" {
            version += 1;
        }
    }
    // A stale version is a conflict.
    let input = json!({ "collectionId": collection, "expectedVersion": 1,
        "collection": { "titles": [{ "lang": "FR", "text": "Ancien" }], "toolIds": [] } });
    let body = app
        .graphql_as(&moderator, update, json!({ "input": input }))
        .await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");
    for (name, who) in CALLERS {
        let expected = match *name {
            "anonymous" => "UNAUTHENTICATED",
            "moderator" => "OK",
            _ => "FORBIDDEN",
        };
        let body = run(
            &app,
            *who,
            ARCHIVE_COLLECTION,
            json!({ "input": { "collectionId": collection, "expectedVersion": version } }),
        )
        .await;
        assert_eq!(
            outcome(&body, "archiveCollection"),
            expected,
            "{name}: {body}"
        );
    }
    // Anyone signed in follows and unfollows; anonymous callers do not.
    let unfollow = "mutation($input: FollowInput!) { unfollow(input: $input) { follow { kind } userErrors { code } } }";
    for (name, who) in CALLERS {
        let target = json!({ "input": { "target": { "toolId": scan } } });
        let body = run(&app, *who, FOLLOW, target.clone()).await;
        let expected = if who.is_none() {
            "UNAUTHENTICATED"
        } else {
            "OK"
        };
        assert_eq!(outcome(&body, "follow"), expected, "{name}: {body}");
        let body = run(&app, *who, unfollow, target.clone()).await;
        assert_eq!(outcome(&body, "unfollow"), expected, "{name}: {body}");
        if who.is_some() {
            let body = run(&app, *who, unfollow, target).await;
            assert_eq!(outcome(&body, "unfollow"), "NOT_FOUND", "{name}: {body}");
        }
    }
    // An archived collection is nothing to follow; a tool you may not see neither.
    let body = run(
        &app,
        Some(("ucm", "STAFF")),
        FOLLOW,
        json!({ "input": { "target": { "collectionId": collection } } }),
    )
    .await;
    assert_eq!(outcome(&body, "follow"), "NOT_FOUND", "{body}");
    let hidden = tool_in_review(&app, "acerta", "Brouillon", "PUBLIC").await;
    let body = run(
        &app,
        Some(("ucm", "STAFF")),
        FOLLOW,
        json!({ "input": { "target": { "toolId": hidden } } }),
    )
    .await;
    assert_eq!(outcome(&body, "follow"), "NOT_FOUND", "{body}");
    // Withdrawing an adoption: the adopter's staff and admins; notifications: signed-in people.
    run(
        &app,
        Some(("ucm", "STAFF")),
        ADOPT,
        json!({ "input": { "toolId": scan, "mode": "AS_IS" } }),
    )
    .await;
    for (name, who) in CALLERS {
        let expected = match *name {
            "anonymous" => "UNAUTHENTICATED",
            "caisse staff" => "OK",
            "owner staff" | "moderator" | "auditor" => "FORBIDDEN",
            _ => "NOT_FOUND",
        };
        let body = run(&app, *who, UNADOPT, json!({ "input": { "toolId": scan } })).await;
        assert_eq!(
            outcome(&body, "withdrawAdoption"),
            expected,
            "{name}: {body}"
        );
    }
    let mark =
        "mutation { markNotificationsRead(input: { all: true }) { marked userErrors { code } } }";
    for (name, who) in CALLERS {
        let body = run(&app, *who, mark, json!({})).await;
        let expected = if who.is_none() {
            "UNAUTHENTICATED"
        } else {
            "OK"
        };
        assert_eq!(
            outcome(&body, "markNotificationsRead"),
            expected,
            "{name}: {body}"
        );
    }
    let body = app
        .graphql("{ viewer { notifications { totalCount } } }", json!({}))
        .await;
    assert_eq!(
        body["data"]["viewer"],
        Value::Null,
        "anonymous callers have no notifications"
    );
    // A review of an archived tool is refused; the tool is still there to read.
    let archived = published_tool(&app, "acerta", "Ancien atelier", "PUBLIC").await;
    ok(
        &app,
        &app.login_as("acerta", "STAFF"),
        commons_tests::tools::ARCHIVE,
        "archiveTool",
        json!({ "toolId": archived }),
    )
    .await;
    let body = run(
        &app,
        Some(("ucm", "STAFF")),
        REVIEW,
        json!({ "input": { "toolId": archived, "rating": 3, "lang": "FR" } }),
    )
    .await;
    assert_eq!(
        user_error_codes(&body["data"]["reviewTool"]),
        vec!["INVALID_STATE"],
        "{body}"
    );
    let body = run(
        &app,
        Some(("ucm", "STAFF")),
        ADOPT,
        json!({ "input": { "toolId": archived, "mode": "AS_IS" } }),
    )
    .await;
    assert_eq!(
        user_error_codes(&body["data"]["adoptTool"]),
        vec!["INVALID_STATE"],
        "{body}"
    );
}

#[tokio::test]
async fn an_adoption_is_shown_only_to_those_who_may_read_its_tool() {
    let app = spawn_app().await.with_organisations().await;
    let network = published_tool(&app, "acerta", "Guide réservé au réseau", "NETWORK").await;
    let body = run(
        &app,
        Some(("ucm", "STAFF")),
        ADOPT,
        json!({ "input": { "toolId": network, "mode": "AS_IS", "note": "Notre guide réseau sur l'épuisement" } }),
    )
    .await;
    assert_eq!(outcome(&body, "adoptTool"), "OK", "{body}");
    let adopted = "{ organisation(slug: \"ucm\") { adoptedTools { totalCount edges { node { note tool { id } } } } } }";
    // Anonymous: the tool is the network's, so its adoption (and its note) is neither listed
    // nor counted.
    let anonymous = run(&app, None, adopted, json!({})).await;
    assert_eq!(
        anonymous["data"]["organisation"]["adoptedTools"],
        json!({ "totalCount": 0, "edges": [] }),
        "{anonymous}"
    );
    // A member of the network reads the tool, and so its adoption.
    let member = run(&app, Some(("liantis", "STAFF")), adopted, json!({})).await;
    assert_eq!(
        member["data"]["organisation"]["adoptedTools"]["totalCount"], 1,
        "{member}"
    );
    assert_eq!(
        member["data"]["organisation"]["adoptedTools"]["edges"][0]["node"]["tool"]["id"],
        json!(network)
    );
}
