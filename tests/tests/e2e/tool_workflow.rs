//! The review workflow of a tool: every transition, and every transition that is refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::tools::{
    ARCHIVE, CREATE, DECIDE, SUBMIT, UPDATE, WITHDRAW, content, draft_tool, ok, outcome,
    published_tool, tool_in_review,
};
use commons_tests::{TestApp, spawn_app};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

async fn demo_app() -> TestApp {
    spawn_app().await.with_demo().await
}

const READ: &str = "query($id: ID!) { node(id: $id) { ... on Tool {
  status title current { number status title } latest { number status } published { number title }
  revisions { totalCount edges { node { number status author { subject } createdAt } } }
} } }";

async fn read(app: &TestApp, token: Option<&str>, id: &str) -> Value {
    let body = match token {
        Some(t) => app.graphql_as(t, READ, json!({ "id": id })).await,
        None => app.graphql(READ, json!({ "id": id })).await,
    };
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["node"].clone()
}

fn decide(id: &str, revision: i32, decision: &str, reason: Option<&str>) -> Value {
    json!({ "toolId": id, "revision": revision, "decision": decision, "reason": reason })
}

#[tokio::test]
async fn a_new_tool_is_a_draft_of_the_creators_organisation() {
    let app = demo_app().await;
    let token = app.login_as("acerta", "STAFF");
    let created = ok(
        &app,
        &token,
        CREATE,
        "createTool",
        json!({ "content": content("Auto-test", "PUBLIC") }),
    )
    .await;
    assert_eq!(created["tool"]["status"], "DRAFT");
    assert_eq!(created["tool"]["current"]["number"], 1);
    let id = created["tool"]["id"].as_str().unwrap();
    let owner = app
        .graphql_as(
            &token,
            "query($id: ID!) { node(id: $id) { ... on Tool { owner { slug } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(owner["data"]["node"]["owner"]["slug"], "acerta");
}

#[tokio::test]
async fn every_edit_is_a_new_revision_with_its_author_and_time() {
    let app = demo_app().await;
    let id = draft_tool(&app, "acerta", "Auto-test v1", "PUBLIC").await;
    let admin = app.login_as("acerta", "ORG_ADMIN");
    let input =
        json!({ "toolId": id, "baseRevision": 1, "content": content("Auto-test v2", "PUBLIC") });
    let edited = ok(&app, &admin, UPDATE, "updateTool", input).await;
    assert_eq!(edited["tool"]["current"]["number"], 2);
    let tool = read(&app, Some(&admin), &id).await;
    let history = tool["revisions"]["edges"].as_array().unwrap();
    assert_eq!(tool["revisions"]["totalCount"], 2);
    assert_eq!(history[0]["node"]["number"], 2);
    assert_eq!(
        history[0]["node"]["author"]["subject"],
        "test-acerta-org_admin"
    );
    assert_eq!(history[1]["node"]["author"]["subject"], "test-acerta-staff");
    assert_eq!(history[1]["node"]["status"], "SUPERSEDED");
    assert!(
        history[0]["node"]["createdAt"].as_str().unwrap()
            >= history[1]["node"]["createdAt"].as_str().unwrap()
    );
}

#[tokio::test]
async fn two_revisions_are_compared_field_by_field() {
    let app = demo_app().await;
    let id = draft_tool(&app, "acerta", "Auto-test", "PUBLIC").await;
    let token = app.login_as("acerta", "STAFF");
    let mut next = content("Auto-test du stress", "PUBLIC");
    next["licence"] = json!("CC-BY-SA-4.0");
    ok(
        &app,
        &token,
        UPDATE,
        "updateTool",
        json!({ "toolId": id, "baseRevision": 1, "content": next }),
    )
    .await;
    let body = app
        .graphql_as(
            &token,
            "query($id: ID!) { node(id: $id) { ... on Tool { compareRevisions(from: 1, to: 2) { field before after } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        body["data"]["node"]["compareRevisions"],
        json!([
            { "field": "licence", "before": "CC-BY-4.0", "after": "CC-BY-SA-4.0" },
            { "field": "translations.fr.title", "before": "Auto-test", "after": "Auto-test du stress" },
        ]),
        "{body}"
    );
}

#[tokio::test]
async fn an_edit_based_on_a_stale_revision_is_a_conflict_and_changes_nothing() {
    let app = demo_app().await;
    let id = draft_tool(&app, "acerta", "Auto-test", "PUBLIC").await;
    let token = app.login_as("acerta", "STAFF");
    ok(
        &app,
        &token,
        UPDATE,
        "updateTool",
        json!({ "toolId": id, "baseRevision": 1, "content": content("Second", "PUBLIC") }),
    )
    .await;
    let stale =
        json!({ "toolId": id, "baseRevision": 1, "content": content("Lost update", "PUBLIC") });
    let body = app
        .graphql_as(&token, UPDATE, json!({ "input": stale }))
        .await;
    assert_eq!(outcome(&body, "updateTool"), "CONFLICT", "{body}");
    let tool = read(&app, Some(&token), &id).await;
    assert_eq!(tool["current"]["title"], "Second");
    assert_eq!(tool["revisions"]["totalCount"], 2);
}

#[tokio::test]
async fn a_submitted_tool_is_reviewed_and_published() {
    let app = demo_app().await;
    let id = tool_in_review(&app, "acerta", "Auto-test", "PUBLIC").await;
    let moderator = app.login_as("inasti", "MODERATOR");
    assert_eq!(
        read(&app, Some(&moderator), &id).await["status"],
        "IN_REVIEW"
    );
    assert_eq!(
        read(&app, None, &id).await,
        Value::Null,
        "not public before approval"
    );
    let approved = ok(
        &app,
        &moderator,
        DECIDE,
        "decideOnTool",
        decide(&id, 1, "APPROVE", None),
    )
    .await;
    assert_eq!(approved["tool"]["status"], "PUBLISHED");
    let public = read(&app, None, &id).await;
    assert_eq!(public["title"], "Auto-test");
    assert_eq!(
        public["latest"],
        Value::Null,
        "outsiders see no unpublished revision"
    );
}

#[tokio::test]
async fn changes_requested_go_back_to_the_owner_who_edits_and_resubmits() {
    let app = demo_app().await;
    let id = tool_in_review(&app, "acerta", "Auto-test", "NETWORK").await;
    let moderator = app.login_as("inasti", "MODERATOR");
    let owner = app.login_as("acerta", "STAFF");
    let sent_back = ok(
        &app,
        &moderator,
        DECIDE,
        "decideOnTool",
        decide(&id, 1, "REQUEST_CHANGES", Some("document the evaluation")),
    )
    .await;
    assert_eq!(sent_back["tool"]["status"], "CHANGES_REQUESTED");
    let resubmit_unchanged = app
        .graphql_as(
            &owner,
            SUBMIT,
            json!({ "input": { "toolId": id, "revision": 1 } }),
        )
        .await;
    assert_eq!(outcome(&resubmit_unchanged, "submitTool"), "INVALID_STATE");
    ok(&app, &owner, UPDATE, "updateTool", json!({ "toolId": id, "baseRevision": 1, "content": content("Auto-test évalué", "NETWORK") })).await;
    ok(
        &app,
        &owner,
        SUBMIT,
        "submitTool",
        json!({ "toolId": id, "revision": 2 }),
    )
    .await;
    let approved = ok(
        &app,
        &moderator,
        DECIDE,
        "decideOnTool",
        decide(&id, 2, "APPROVE", None),
    )
    .await;
    assert_eq!(approved["tool"]["published"]["number"], 2);
}

#[tokio::test]
async fn a_rejected_tool_is_closed() {
    let app = demo_app().await;
    let id = tool_in_review(&app, "acerta", "Auto-test", "PUBLIC").await;
    let moderator = app.login_as("inasti", "MODERATOR");
    let rejected = ok(
        &app,
        &moderator,
        DECIDE,
        "decideOnTool",
        decide(&id, 1, "REJECT", Some("not a mental well-being tool")),
    )
    .await;
    assert_eq!(rejected["tool"]["status"], "REJECTED");
    let owner = app.login_as("acerta", "STAFF");
    let edit = app.graphql_as(&owner, UPDATE, json!({ "input": { "toolId": id, "baseRevision": 1, "content": content("Again", "PUBLIC") } })).await;
    assert_eq!(outcome(&edit, "updateTool"), "INVALID_STATE", "{edit}");
}

#[tokio::test]
async fn a_published_tool_stays_live_while_its_next_revision_is_reviewed() {
    let app = demo_app().await;
    let id = published_tool(&app, "acerta", "Auto-test v1", "PUBLIC").await;
    let owner = app.login_as("acerta", "STAFF");
    let moderator = app.login_as("inasti", "MODERATOR");
    let edited = ok(
        &app,
        &owner,
        UPDATE,
        "updateTool",
        json!({ "toolId": id, "baseRevision": 1, "content": content("Auto-test v2", "PUBLIC") }),
    )
    .await;
    assert_eq!(edited["tool"]["status"], "PUBLISHED");
    assert_eq!(edited["tool"]["latest"]["status"], "DRAFT");
    ok(
        &app,
        &owner,
        SUBMIT,
        "submitTool",
        json!({ "toolId": id, "revision": 2 }),
    )
    .await;
    let public = read(&app, None, &id).await;
    assert_eq!(
        public["title"], "Auto-test v1",
        "the public still reads the published revision"
    );
    assert_eq!(
        read(&app, Some(&moderator), &id).await["latest"]["status"],
        "IN_REVIEW"
    );
    ok(
        &app,
        &moderator,
        DECIDE,
        "decideOnTool",
        decide(&id, 2, "APPROVE", None),
    )
    .await;
    let public = read(&app, None, &id).await;
    assert_eq!(public["title"], "Auto-test v2");
    assert_eq!(
        public["revisions"]["totalCount"], 2,
        "the public reads every published revision"
    );
}

#[tokio::test]
async fn an_owner_archives_and_a_moderator_withdraws_a_published_tool() {
    let app = demo_app().await;
    let owner = app.login_as("acerta", "STAFF");
    let moderator = app.login_as("inasti", "MODERATOR");
    let archived = published_tool(&app, "acerta", "Ancien baromètre", "PUBLIC").await;
    let done = ok(
        &app,
        &owner,
        ARCHIVE,
        "archiveTool",
        json!({ "toolId": archived }),
    )
    .await;
    assert_eq!(done["tool"]["status"], "ARCHIVED");
    assert_eq!(
        read(&app, None, &archived).await["status"],
        "ARCHIVED",
        "archived tools stay readable"
    );

    let withdrawn = published_tool(&app, "acerta", "Outil contesté", "PUBLIC").await;
    let done = ok(
        &app,
        &moderator,
        WITHDRAW,
        "withdrawTool",
        json!({ "toolId": withdrawn, "reason": "outdated medical advice" }),
    )
    .await;
    assert_eq!(done["tool"]["status"], "WITHDRAWN");
    assert_eq!(
        read(&app, None, &withdrawn).await,
        Value::Null,
        "withdrawn tools leave the public"
    );
    assert_eq!(
        read(&app, Some(&owner), &withdrawn).await["status"],
        "WITHDRAWN",
        "the owner still sees it"
    );
}

#[tokio::test]
async fn transitions_that_do_not_fit_the_state_are_refused() {
    let app = demo_app().await;
    let owner = app.login_as("acerta", "STAFF");
    let moderator = app.login_as("inasti", "MODERATOR");
    let draft = draft_tool(&app, "acerta", "Brouillon", "PUBLIC").await;
    let in_review = tool_in_review(&app, "acerta", "En revue", "PUBLIC").await;
    let private = draft_tool(&app, "acerta", "Interne", "ORGANISATION").await;
    let cases: Vec<(&str, &str, &str, &str, Value, &str)> = vec![
        (
            "decide on a draft",
            "decideOnTool",
            DECIDE,
            &moderator,
            decide(&draft, 1, "APPROVE", None),
            "INVALID_STATE",
        ),
        (
            "submit twice",
            "submitTool",
            SUBMIT,
            &owner,
            json!({ "toolId": in_review, "revision": 1 }),
            "INVALID_STATE",
        ),
        (
            "edit in review",
            "updateTool",
            UPDATE,
            &owner,
            json!({ "toolId": in_review, "baseRevision": 1, "content": content("x", "PUBLIC") }),
            "INVALID_STATE",
        ),
        (
            "decide on a stale revision",
            "decideOnTool",
            DECIDE,
            &moderator,
            decide(&in_review, 7, "APPROVE", None),
            "NOT_FOUND",
        ),
        (
            "archive an unpublished tool",
            "archiveTool",
            ARCHIVE,
            &owner,
            json!({ "toolId": draft }),
            "INVALID_STATE",
        ),
        (
            "withdraw an unpublished tool",
            "withdrawTool",
            WITHDRAW,
            &moderator,
            json!({ "toolId": in_review, "reason": "x" }),
            "INVALID_STATE",
        ),
        (
            "submit a tool kept to its organisation",
            "submitTool",
            SUBMIT,
            &owner,
            json!({ "toolId": private, "revision": 1 }),
            "NOT_ALLOWED",
        ),
        (
            "submit a stale revision",
            "submitTool",
            SUBMIT,
            &owner,
            json!({ "toolId": draft, "revision": 3 }),
            "CONFLICT",
        ),
    ];
    for (case, field, query, token, input, expected) in cases {
        let body = app
            .graphql_as(token, query, json!({ "input": input }))
            .await;
        assert_eq!(outcome(&body, field), expected, "{case}: {body}");
    }
    // Nothing moved.
    assert_eq!(read(&app, Some(&owner), &draft).await["status"], "DRAFT");
    assert_eq!(
        read(&app, Some(&owner), &in_review).await["status"],
        "IN_REVIEW"
    );
    assert_eq!(read(&app, Some(&owner), &private).await["status"], "DRAFT");
}

#[tokio::test]
async fn a_tool_that_went_to_review_cannot_become_private() {
    let app = demo_app().await;
    let id = published_tool(&app, "acerta", "Public", "PUBLIC").await;
    let owner = app.login_as("acerta", "STAFF");
    let body = app.graphql_as(&owner, UPDATE, json!({ "input": { "toolId": id, "baseRevision": 1, "content": content("Public", "ORGANISATION") } })).await;
    assert_eq!(outcome(&body, "updateTool"), "NOT_ALLOWED", "{body}");
    assert_eq!(
        body["data"]["updateTool"]["userErrors"][0]["field"],
        json!(["content", "visibility"])
    );
}

#[tokio::test]
async fn a_tool_sent_back_and_edited_cannot_become_private_either() {
    let app = demo_app().await;
    let id = tool_in_review(&app, "acerta", "Renvoyé", "NETWORK").await;
    let moderator = app.login_as("inasti", "MODERATOR");
    let body = app
        .graphql_as(
            &moderator,
            DECIDE,
            json!({ "input": decide(&id, 1, "REQUEST_CHANGES", Some("say who it is for")) }),
        )
        .await;
    assert_eq!(outcome(&body, "decideOnTool"), "OK", "{body}");
    let owner = app.login_as("acerta", "STAFF");
    // The edit that answers the request is a draft again, not yet resubmitted…
    let body = app.graphql_as(&owner, UPDATE, json!({ "input": { "toolId": id, "baseRevision": 1, "content": content("Renvoyé", "NETWORK") } })).await;
    assert_eq!(outcome(&body, "updateTool"), "OK", "{body}");
    // …and may still not be hidden from INASTI, who sent it back.
    let body = app.graphql_as(&owner, UPDATE, json!({ "input": { "toolId": id, "baseRevision": 2, "content": content("Renvoyé", "ORGANISATION") } })).await;
    assert_eq!(outcome(&body, "updateTool"), "NOT_ALLOWED", "{body}");
    let seen = app
        .graphql_as(
            &moderator,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(seen["data"]["node"]["id"], id, "{seen}");
}

#[tokio::test]
async fn rejecting_requesting_changes_and_withdrawing_need_a_reason() {
    let app = demo_app().await;
    let moderator = app.login_as("inasti", "MODERATOR");
    let id = tool_in_review(&app, "acerta", "Auto-test", "PUBLIC").await;
    for decision in ["REJECT", "REQUEST_CHANGES"] {
        for reason in [None, Some("   ")] {
            let body = app
                .graphql_as(
                    &moderator,
                    DECIDE,
                    json!({ "input": decide(&id, 1, decision, reason) }),
                )
                .await;
            assert_eq!(
                outcome(&body, "decideOnTool"),
                "REQUIRED",
                "{decision}: {body}"
            );
        }
    }
    let published = published_tool(&app, "acerta", "Publié", "PUBLIC").await;
    let body = app
        .graphql_as(
            &moderator,
            WITHDRAW,
            json!({ "input": { "toolId": published, "reason": "" } }),
        )
        .await;
    assert_eq!(outcome(&body, "withdrawTool"), "REQUIRED");
    // Nothing was decided: the log is empty for both tools.
    for tool in [&id, &published] {
        let log = app
            .graphql_as(
                &moderator,
                "query($t: ID!) { moderationLog(toolId: $t) { edges { node { action } } } }",
                json!({ "t": tool }),
            )
            .await;
        let actions: Vec<&str> = log["data"]["moderationLog"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["action"].as_str().unwrap())
            .collect();
        assert!(actions.iter().all(|a| *a == "APPROVE"), "{log}");
    }
    assert_eq!(
        read(&app, Some(&moderator), &id).await["status"],
        "IN_REVIEW"
    );
}

#[tokio::test]
async fn the_moderation_log_records_who_decided_what_on_which_revision_and_why() {
    let app = demo_app().await;
    let moderator = app.login_as("inasti", "MODERATOR");
    let owner = app.login_as("acerta", "STAFF");
    let id = tool_in_review(&app, "acerta", "Auto-test", "PUBLIC").await;
    ok(
        &app,
        &moderator,
        DECIDE,
        "decideOnTool",
        decide(&id, 1, "REQUEST_CHANGES", Some("add references")),
    )
    .await;
    ok(
        &app,
        &owner,
        UPDATE,
        "updateTool",
        json!({ "toolId": id, "baseRevision": 1, "content": content("Auto-test", "PUBLIC") }),
    )
    .await;
    ok(
        &app,
        &owner,
        SUBMIT,
        "submitTool",
        json!({ "toolId": id, "revision": 2 }),
    )
    .await;
    ok(
        &app,
        &moderator,
        DECIDE,
        "decideOnTool",
        decide(&id, 2, "APPROVE", Some("thank you")),
    )
    .await;
    let log = app
        .graphql_as(&owner, "query($t: ID!) { moderationLog(toolId: $t) { totalCount edges { node { revision action reason decidedAt moderator { subject } tool { title } } } } }", json!({ "t": id }))
        .await;
    let entries = &log["data"]["moderationLog"];
    assert_eq!(entries["totalCount"], 2, "{log}");
    let newest = &entries["edges"][0]["node"];
    assert_eq!(
        (
            newest["revision"].clone(),
            newest["action"].clone(),
            newest["reason"].clone()
        ),
        (json!(2), json!("APPROVE"), json!("thank you"))
    );
    let oldest = &entries["edges"][1]["node"];
    assert_eq!(
        (
            oldest["revision"].clone(),
            oldest["action"].clone(),
            oldest["reason"].clone()
        ),
        (json!(1), json!("REQUEST_CHANGES"), json!("add references"))
    );
    assert_eq!(oldest["moderator"]["subject"], "test-inasti-moderator");
    assert_eq!(oldest["tool"]["title"], "Auto-test");
    assert!(oldest["decidedAt"].as_str().unwrap() <= newest["decidedAt"].as_str().unwrap());
}

#[tokio::test]
async fn the_moderation_queue_lists_submissions_oldest_first() {
    let app = spawn_app().await.with_demo().await;
    let moderator = app.login_as("inasti", "MODERATOR");
    let first = tool_in_review(&app, "acerta", "Premier", "PUBLIC").await;
    let second = tool_in_review(&app, "ucm", "Second", "NETWORK").await;
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let body = app
            .graphql_as(&moderator, "query($after: String) { moderationQueue(first: 2, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }", json!({ "after": after }))
            .await;
        let queue = &body["data"]["moderationQueue"];
        seen.extend(
            queue["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["id"].as_str().unwrap().to_owned()),
        );
        if queue["pageInfo"]["hasNextPage"] == false {
            assert_eq!(queue["totalCount"].as_u64().unwrap() as usize, seen.len());
            break;
        }
        after = queue["pageInfo"]["endCursor"].clone();
    }
    // The demo's submissions came first; ours follow in the order they were submitted.
    let (a, b) = (
        seen.iter().position(|s| *s == first).unwrap(),
        seen.iter().position(|s| *s == second).unwrap(),
    );
    assert!(a < b);
    assert_eq!(&seen[seen.len() - 2..], [first, second]);
}

/// Four eyes: a moderator never decides on a revision they wrote. Moderators cannot write
/// tools through the API, so the test makes one the author in the database.
#[tokio::test]
async fn a_moderator_never_decides_on_a_revision_they_authored() {
    let app = demo_app().await;
    let moderator = app.login_as("inasti", "MODERATOR");
    let me = app
        .graphql_as(&moderator, "{ viewer { user { id } } }", json!({}))
        .await;
    assert!(me["data"]["viewer"]["user"]["id"].is_string());
    let id = tool_in_review(&app, "acerta", "Écrit par la modération", "PUBLIC").await;
    app.services
        .db
        .execute_unprepared(
            "UPDATE tool_revisions SET author_id = (SELECT id FROM users WHERE subject = 'test-inasti-moderator') \
             WHERE tool_id = (SELECT MAX(id) FROM tools)",
        )
        .await
        .unwrap();
    let body = app
        .graphql_as(
            &moderator,
            DECIDE,
            json!({ "input": decide(&id, 1, "APPROVE", None) }),
        )
        .await;
    assert_eq!(outcome(&body, "decideOnTool"), "FORBIDDEN", "{body}");
    // Another moderator may.
    let other =
        app.token(json!({ "sub": "second-moderator", "org": "inasti", "roles": ["MODERATOR"] }));
    let body = app
        .graphql_as(
            &other,
            DECIDE,
            json!({ "input": decide(&id, 1, "APPROVE", None) }),
        )
        .await;
    assert_eq!(outcome(&body, "decideOnTool"), "OK", "{body}");
}

const REVIEW: &str = "query($id: ID!) { node(id: $id) { ... on Tool {
  reviewedAt reviewDue reviewOverdue viewerCan { confirmCurrent } latest { number }
} } }";
const CONFIRM: &str =
    "mutation($input: ConfirmToolCurrentInput!) { confirmToolCurrent(input: $input) {
  tool { id reviewedAt reviewDue reviewOverdue } userErrors { field code message } } }";
const OVERVIEW: &str = "{ reviewOverview { organisation { slug } published dueSoon overdue } }";

/// The overview's row of `slug`: (published, due soon, overdue).
async fn overview(app: &TestApp, slug: &str) -> (i64, i64, i64) {
    let moderator = app.login_as("inasti", "MODERATOR");
    let body = app.graphql_as(&moderator, OVERVIEW, json!({})).await;
    let rows = body["data"]["reviewOverview"].as_array().unwrap().clone();
    let row = rows
        .iter()
        .find(|r| r["organisation"]["slug"] == slug)
        .unwrap_or_else(|| panic!("{slug} in {body}"));
    let n = |f: &str| row[f].as_i64().unwrap();
    (n("published"), n("dueSoon"), n("overdue"))
}

const CURRENT: &str = "query($f: SearchFilter) { searchTools(query: \"stress\", filter: $f) {
  totalCount edges { node { tool { id reviewOverdue } } } } }";

/// Whether a search for "stress" finds `id`, with tools past their review date left out or
/// not; the count says the same as the page.
async fn found(app: &TestApp, token: &str, id: &str, exclude_outdated: bool) -> bool {
    let f = json!({ "excludeOutdated": exclude_outdated });
    let body = app.graphql_as(token, CURRENT, json!({ "f": f })).await;
    let edges = body["data"]["searchTools"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"));
    assert_eq!(
        body["data"]["searchTools"]["totalCount"].as_u64().unwrap(),
        edges.len() as u64,
        "{body}"
    );
    edges.iter().any(|e| e["node"]["tool"]["id"] == id)
}

const REMINDERS: &str =
    "{ viewer { notifications(first: 50) { nodes { kind tool { id } details } } } }";

fn at(value: &Value) -> chrono::DateTime<chrono::Utc> {
    value.as_str().unwrap().parse().unwrap()
}

/// Review reminders the person `who` of acerta holds for `id`.
async fn reminders(app: &TestApp, token: &str, id: &str) -> usize {
    let body = app.graphql_as(token, REMINDERS, json!({})).await;
    body["data"]["viewer"]["notifications"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "REVIEW_DUE" && n["tool"]["id"] == id)
        .count()
}

#[tokio::test]
async fn a_published_tool_is_kept_current_by_its_organisation() {
    let app = commons_tests::spawn_app_with(|c| {
        c.review.after_days = 100;
        c.review.notice_days = 10;
    })
    .await
    .with_organisations()
    .await;
    let staff = app.login_as("acerta", "STAFF");
    // A draft is never due, nor confirmed.
    let draft = draft_tool(&app, "acerta", "Brouillon", "NETWORK").await;
    let body = app.graphql_as(&staff, REVIEW, json!({ "id": draft })).await;
    assert_eq!(body["data"]["node"]["reviewDue"], Value::Null, "{body}");
    assert_eq!(body["data"]["node"]["viewerCan"]["confirmCurrent"], false);
    let refused = app
        .graphql_as(&staff, CONFIRM, json!({ "input": { "toolId": draft } }))
        .await;
    assert_eq!(outcome(&refused, "confirmToolCurrent"), "INVALID_STATE");

    // Published: current from its publication, due the configured period after.
    let id = published_tool(&app, "acerta", "Auto-test de stress", "NETWORK").await;
    let body = app.graphql_as(&staff, REVIEW, json!({ "id": id })).await;
    let tool = &body["data"]["node"];
    let reviewed = at(&tool["reviewedAt"]);
    assert_eq!(
        at(&tool["reviewDue"]),
        reviewed + chrono::Duration::days(100)
    );
    assert_eq!(tool["reviewOverdue"], false);
    assert_eq!(tool["viewerCan"]["confirmCurrent"], true);
    // Another organisation may read it, not confirm it.
    let other = app.login_as("liantis", "STAFF");
    let body = app.graphql_as(&other, REVIEW, json!({ "id": id })).await;
    assert_eq!(body["data"]["node"]["viewerCan"]["confirmCurrent"], false);
    let refused = app
        .graphql_as(&other, CONFIRM, json!({ "input": { "toolId": id } }))
        .await;
    assert_eq!(outcome(&refused, "confirmToolCurrent"), "FORBIDDEN");

    // Nine days before the date its staff are told, once; not yet out of date.
    let clock = &app.services.clock;
    clock.set(Some(reviewed + chrono::Duration::days(89)));
    assert_eq!(
        commons_service::notifications::remind_reviews_due(&app.services)
            .await
            .unwrap(),
        0,
        "not before the notice period"
    );
    clock.set(Some(reviewed + chrono::Duration::days(91)));
    assert!(
        commons_service::notifications::remind_reviews_due(&app.services)
            .await
            .unwrap()
            >= 1
    );
    assert_eq!(
        commons_service::notifications::remind_reviews_due(&app.services)
            .await
            .unwrap(),
        0
    );
    assert_eq!(reminders(&app, &staff, &id).await, 1);
    assert_eq!(
        reminders(&app, &other, &id).await,
        0,
        "only its organisation"
    );
    // INASTI sees it due soon in the overview; nobody else reads the overview.
    assert_eq!(overview(&app, "acerta").await, (1, 1, 0));
    let refused = app.graphql_as(&staff, OVERVIEW, json!({})).await;
    assert_eq!(outcome(&refused, "reviewOverview"), "FORBIDDEN");

    // Past the date it may be out of date; confirmed, it is current again, with no new
    // revision, and its next date is told about in its turn.
    let later = reviewed + chrono::Duration::days(101);
    clock.set(Some(later));
    let body = app.graphql_as(&staff, REVIEW, json!({ "id": id })).await;
    assert_eq!(body["data"]["node"]["reviewOverdue"], true);
    assert_eq!(overview(&app, "acerta").await, (1, 0, 1));
    // A search may leave it out; by default it is found, marked.
    app.wait_for_index().await;
    assert!(found(&app, &other, &id, false).await);
    assert!(!found(&app, &other, &id, true).await);
    let confirmed = ok(
        &app,
        &staff,
        CONFIRM,
        "confirmToolCurrent",
        json!({ "toolId": id }),
    )
    .await;
    let tool = &confirmed["tool"];
    assert_eq!(at(&tool["reviewedAt"]), later);
    assert_eq!(at(&tool["reviewDue"]), later + chrono::Duration::days(100));
    assert_eq!(tool["reviewOverdue"], false);
    let body = app.graphql_as(&staff, REVIEW, json!({ "id": id })).await;
    assert_eq!(
        body["data"]["node"]["latest"]["number"], 1,
        "no new revision"
    );
    assert_eq!(overview(&app, "acerta").await, (1, 0, 0));
    app.wait_for_index().await;
    assert!(found(&app, &other, &id, true).await, "current again");
    clock.set(Some(later + chrono::Duration::days(95)));
    commons_service::notifications::remind_reviews_due(&app.services)
        .await
        .unwrap();
    assert_eq!(reminders(&app, &staff, &id).await, 2);

    // An archived tool is never due.
    ok(
        &app,
        &staff,
        ARCHIVE,
        "archiveTool",
        json!({ "toolId": id }),
    )
    .await;
    let body = app.graphql_as(&staff, REVIEW, json!({ "id": id })).await;
    assert_eq!(body["data"]["node"]["reviewDue"], Value::Null);
    assert_eq!(body["data"]["node"]["reviewOverdue"], false);
}

#[tokio::test]
async fn inasti_sees_in_which_languages_each_organisation_publishes() {
    let app = demo_app().await;
    const COVERAGE: &str =
        "{ languageCoverage { organisation { slug } published languages { lang tools } } }";
    let moderator = app.login_as("inasti", "MODERATOR");
    // A Dutch-only tool of Acerta's, published: counted in Dutch.
    let id = commons_tests::tools::published_tool_in(
        &app,
        "acerta",
        json!([{ "lang": "NL", "title": "Slaap en stress", "summary": "Een workshop.", "body": "" }]),
    )
    .await;
    let body = app.graphql_as(&moderator, COVERAGE, json!({})).await;
    let rows = body["data"]["languageCoverage"].as_array().unwrap().clone();
    let acerta = rows
        .iter()
        .find(|r| r["organisation"]["slug"] == "acerta")
        .unwrap_or_else(|| panic!("{body}"));
    let in_lang = |row: &Value, lang: &str| {
        row["languages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["lang"] == lang)
            .unwrap()["tools"]
            .as_i64()
            .unwrap()
    };
    // The same figures as the organisation's own published tools, language by language.
    const PUBLISHED: &str =
        "query($slug: String!) { organisation(slug: $slug) { tools(first: 100) {
      nodes { status published { languages } } } } }";
    let listed = app
        .graphql_as(&moderator, PUBLISHED, json!({ "slug": "acerta" }))
        .await;
    let tools: Vec<Value> = listed["data"]["organisation"]["tools"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] == "PUBLISHED")
        .cloned()
        .collect();
    assert_eq!(acerta["published"].as_i64().unwrap(), tools.len() as i64);
    for lang in ["FR", "NL", "DE", "EN"] {
        let expected = tools
            .iter()
            .filter(|t| {
                t["published"]["languages"]
                    .as_array()
                    .unwrap()
                    .contains(&json!(lang))
            })
            .count() as i64;
        assert_eq!(in_lang(acerta, lang), expected, "{lang}: {body}");
    }
    assert!(in_lang(acerta, "NL") >= 1, "{id} counted in Dutch");
    // Nobody but INASTI's moderators reads it, through the API or as CSV.
    let staff = app.login_as("acerta", "STAFF");
    let refused = app.graphql_as(&staff, COVERAGE, json!({})).await;
    assert_eq!(outcome(&refused, "languageCoverage"), "FORBIDDEN");
    let csv = |token: String| {
        let url = format!("{}/reports/language-coverage.csv", app.address);
        async move {
            reqwest::Client::new()
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(csv(staff).await.status(), 403);
    let file = csv(moderator).await;
    assert_eq!(file.status(), 200);
    let text = file.text().await.unwrap();
    assert!(
        text.starts_with("organisation_slug,organisation_name,published_tools,tools_fr,tools_nl,tools_de,tools_en\n"),
        "{text}"
    );
    let line = text
        .lines()
        .find(|l| l.starts_with("acerta,"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.ends_with(&format!(
            ",{},{},{},{},{}",
            tools.len(),
            in_lang(acerta, "FR"),
            in_lang(acerta, "NL"),
            in_lang(acerta, "DE"),
            in_lang(acerta, "EN")
        )),
        "{line}"
    );
}

const RANKED: &str = "query($sort: SearchSort) { searchTools(query: \"stress\", sort: $sort) {
  totalCount edges { node { tool { id reviewOverdue } } } } }";

/// A search for "stress" in this order: (the tools found, best first; the count).
async fn ranked(app: &TestApp, token: &str, sort: &str) -> (Vec<(String, bool)>, u64) {
    let body = app.graphql_as(token, RANKED, json!({ "sort": sort })).await;
    let edges = body["data"]["searchTools"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"));
    let tools = edges
        .iter()
        .map(|e| {
            let t = &e["node"]["tool"];
            (
                t["id"].as_str().unwrap().to_owned(),
                t["reviewOverdue"] == true,
            )
        })
        .collect();
    (
        tools,
        body["data"]["searchTools"]["totalCount"].as_u64().unwrap(),
    )
}

#[tokio::test]
async fn a_search_may_rank_tools_past_their_review_date_after_the_current_ones() {
    let app = commons_tests::spawn_app_with(|c| c.review.after_days = 100)
        .await
        .with_organisations()
        .await;
    let tool = |title: &str, body: &str| json!([{ "lang": "FR", "title": title, "summary": title, "body": body }]);
    // The best match on "stress", published first: it will be past its review date.
    let old = commons_tests::tools::published_tool_in(
        &app,
        "acerta",
        tool(
            "Stress : auto-test du stress",
            "Le stress, mesurer son stress, réduire le stress.",
        ),
    )
    .await;
    let clock = &app.services.clock;
    let start = chrono::Utc::now();
    clock.set(Some(start + chrono::Duration::days(60)));
    let recent = commons_tests::tools::published_tool_in(
        &app,
        "ucm",
        tool(
            "Atelier collectif pour indépendants",
            "Un atelier en groupe sur le sommeil et le stress.",
        ),
    )
    .await;
    clock.set(Some(start + chrono::Duration::days(130)));
    app.wait_for_index().await;
    let reader = app.login_as("liantis", "STAFF");
    let (by_relevance, total) = ranked(&app, &reader, "RELEVANCE").await;
    assert_eq!(
        by_relevance,
        [(old.clone(), true), (recent.clone(), false)],
        "the overdue tool matches best"
    );
    let (current_first, same_total) = ranked(&app, &reader, "CURRENT_FIRST").await;
    assert_eq!(current_first, [(recent, false), (old, true)]);
    assert_eq!(same_total, total, "nothing left out");
}
