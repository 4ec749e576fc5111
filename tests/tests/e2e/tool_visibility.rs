//! Visibility is enforced on every path a tool can be reached by, for every caller:
//! unpublished revisions for the owner and moderators, NETWORK tools never for anonymous
//! readers, ORGANISATION tools never beyond the owner.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use commons_tests::tools::{
    DECIDE, UPDATE, WITHDRAW, content, draft_tool, ok, published_tool, tool_in_review,
};
use commons_tests::{TestApp, spawn_app};
use serde_json::{Value, json};

/// The catalogue every test reads: acerta's tools at each stage, by title.
struct Catalogue {
    app: TestApp,
    ids: Vec<String>,
}

async fn catalogue() -> Catalogue {
    let app = spawn_app().await.with_organisations().await;
    let owner = app.login_as("acerta", "STAFF");
    let moderator = app.login_as("inasti", "MODERATOR");
    let public = published_tool(&app, "acerta", "public", "PUBLIC").await;
    let network = published_tool(&app, "acerta", "network", "NETWORK").await;
    let private = draft_tool(&app, "acerta", "private", "ORGANISATION").await;
    let draft = draft_tool(&app, "acerta", "draft", "NETWORK").await;
    let review = tool_in_review(&app, "acerta", "review", "PUBLIC").await;
    let withdrawn = published_tool(&app, "acerta", "withdrawn", "PUBLIC").await;
    ok(
        &app,
        &moderator,
        WITHDRAW,
        "withdrawTool",
        json!({ "toolId": withdrawn, "reason": "obsolete" }),
    )
    .await;
    let pending = published_tool(&app, "acerta", "pending v1", "PUBLIC").await;
    let edit =
        json!({ "toolId": pending, "baseRevision": 1, "content": content("pending v2", "PUBLIC") });
    ok(&app, &owner, UPDATE, "updateTool", edit).await;
    // A rejected revision's reason stays with the tool's own readers.
    let rejected = tool_in_review(&app, "acerta", "rejected", "PUBLIC").await;
    let reject =
        json!({ "toolId": rejected, "revision": 1, "decision": "REJECT", "reason": "off topic" });
    ok(&app, &moderator, DECIDE, "decideOnTool", reject).await;
    let ids = vec![
        public, network, private, draft, review, withdrawn, pending, rejected,
    ];
    Catalogue { app, ids }
}

/// Each caller and the titles they must see, the title being that of the revision shown.
/// An organisation and a role; None is anonymous.
type Caller = Option<(&'static str, &'static str)>;

fn expectations() -> Vec<(&'static str, Caller, Vec<&'static str>)> {
    let outsiders = vec!["network", "pending v1", "public"];
    vec![
        ("anonymous", None, vec!["pending v1", "public"]),
        (
            "owner",
            Some(("acerta", "STAFF")),
            vec![
                "draft",
                "network",
                "pending v2",
                "private",
                "public",
                "rejected",
                "review",
                "withdrawn",
            ],
        ),
        (
            "owner admin",
            Some(("acerta", "ORG_ADMIN")),
            vec![
                "draft",
                "network",
                "pending v2",
                "private",
                "public",
                "rejected",
                "review",
                "withdrawn",
            ],
        ),
        ("other caisse", Some(("ucm", "STAFF")), outsiders.clone()),
        ("partner", Some(("unizo", "STAFF")), outsiders.clone()),
        (
            "moderator",
            Some(("inasti", "MODERATOR")),
            vec![
                "draft",
                "network",
                "pending v2",
                "public",
                "rejected",
                "review",
                "withdrawn",
            ],
        ),
        (
            "platform admin",
            Some(("inasti", "PLATFORM_ADMIN")),
            outsiders,
        ),
    ]
}

impl Catalogue {
    async fn query(&self, caller: Option<(&str, &str)>, query: &str, variables: Value) -> Value {
        let body = match caller {
            Some((org, role)) => {
                self.app
                    .graphql_as(&self.app.login_as(org, role), query, variables)
                    .await
            }
            None => self.app.graphql(query, variables).await,
        };
        assert!(body.get("errors").is_none(), "{body}");
        body["data"].clone()
    }
}

fn titles(items: &[Value], title: impl Fn(&Value) -> &Value) -> Vec<String> {
    let set: BTreeSet<String> = items
        .iter()
        .filter(|i| !i.is_null())
        .map(|i| title(i).as_str().unwrap().to_owned())
        .collect();
    set.into_iter().collect()
}

#[tokio::test]
async fn every_path_shows_each_caller_exactly_what_they_may_see() {
    let c = catalogue().await;
    for (who, caller, expected) in expectations() {
        // tools
        let data = c
            .query(
                caller,
                "{ tools(first: 100) { totalCount edges { node { title } } } }",
                json!({}),
            )
            .await;
        let edges = data["tools"]["edges"].as_array().unwrap();
        assert_eq!(
            titles(edges, |e| &e["node"]["title"]),
            expected,
            "{who}: tools"
        );
        assert_eq!(
            data["tools"]["totalCount"],
            expected.len(),
            "{who}: tools.totalCount"
        );

        // node, one by one
        let mut seen = Vec::new();
        for id in &c.ids {
            let data = c
                .query(
                    caller,
                    "query($id: ID!) { node(id: $id) { ... on Tool { title } } }",
                    json!({ "id": id }),
                )
                .await;
            seen.push(data["node"].clone());
        }
        assert_eq!(titles(&seen, |n| &n["title"]), expected, "{who}: node");

        // nodes, all at once
        let data = c
            .query(
                caller,
                "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Tool { title } } }",
                json!({ "ids": c.ids }),
            )
            .await;
        assert_eq!(
            titles(data["nodes"].as_array().unwrap(), |n| &n["title"]),
            expected,
            "{who}: nodes"
        );

        // an organisation's tools
        let data = c.query(caller, "{ organisation(slug: \"acerta\") { tools(first: 100) { totalCount edges { node { title } } } } }", json!({})).await;
        let tools = &data["organisation"]["tools"];
        assert_eq!(
            titles(tools["edges"].as_array().unwrap(), |e| &e["node"]["title"]),
            expected,
            "{who}: organisation.tools"
        );
        assert_eq!(
            tools["totalCount"],
            expected.len(),
            "{who}: organisation.tools.totalCount"
        );

        // the moderation log: only decisions on tools the caller may see
        let data = c
            .query(
                caller,
                "{ moderationLog(first: 100) { totalCount edges { node { tool { title } } } } }",
                json!({}),
            )
            .await;
        let entries = data["moderationLog"]["edges"].as_array().unwrap();
        let decided: BTreeSet<&str> = [
            "public",
            "network",
            "withdrawn",
            "pending v1",
            "pending v2",
            "rejected",
        ]
        .into();
        let expected_log: Vec<String> = expected
            .iter()
            .filter(|t| decided.contains(*t))
            .map(|t| t.to_string())
            .collect();
        assert_eq!(
            titles(entries, |e| &e["node"]["tool"]["title"]),
            expected_log,
            "{who}: moderationLog"
        );
        assert!(
            entries.iter().all(|e| !e["node"]["tool"].is_null()),
            "{who}: a log entry with a hidden tool"
        );
    }
}

#[tokio::test]
async fn outsiders_never_read_unpublished_revisions() {
    let c = catalogue().await;
    let pending = &c.ids[6];
    let query = "query($id: ID!) { node(id: $id) { ... on Tool {
        current { number title } latest { number } published { number }
        revisions { totalCount edges { node { number } } } revision(number: 2) { title }
    } } }";
    for (who, caller) in [
        ("anonymous", None),
        ("other caisse", Some(("ucm", "STAFF"))),
    ] {
        let data = c.query(caller, query, json!({ "id": pending })).await;
        let tool = &data["node"];
        assert_eq!(
            tool["current"],
            json!({ "number": 1, "title": "pending v1" }),
            "{who}"
        );
        assert_eq!(tool["latest"], Value::Null, "{who}");
        assert_eq!(tool["revisions"]["totalCount"], 1, "{who}");
        assert_eq!(
            tool["revision"],
            Value::Null,
            "{who}: revision 2 is not theirs to read"
        );
        let compare = c
            .app
            .graphql("query($id: ID!) { node(id: $id) { ... on Tool { compareRevisions(from: 1, to: 2) { field } } } }", json!({ "id": pending }))
            .await;
        assert_eq!(
            commons_tests::error_code(&compare),
            Some("NOT_FOUND"),
            "{who}: {compare}"
        );
    }
    let owner = c
        .query(Some(("acerta", "STAFF")), query, json!({ "id": pending }))
        .await;
    assert_eq!(owner["node"]["latest"]["number"], 2);
    assert_eq!(owner["node"]["revision"]["title"], "pending v2");
}

#[tokio::test]
async fn filters_narrow_what_a_caller_may_see_and_never_widen_it() {
    let c = catalogue().await;
    let query = "query($f: ToolFilter) { tools(filter: $f, first: 100) { totalCount edges { node { title status } } } }";
    let statuses = json!({ "statuses": ["DRAFT", "IN_REVIEW", "WITHDRAWN", "REJECTED"] });
    let anonymous = c.query(None, query, json!({ "f": statuses })).await;
    assert_eq!(anonymous["tools"]["totalCount"], 0, "{anonymous}");
    let owner = c
        .query(Some(("acerta", "STAFF")), query, json!({ "f": statuses }))
        .await;
    let edges = owner["tools"]["edges"].as_array().unwrap();
    assert_eq!(
        titles(edges, |e| &e["node"]["title"]),
        ["draft", "private", "rejected", "review", "withdrawn"]
    );
    let by_kind = c
        .query(None, query, json!({ "f": { "kinds": ["GUIDE"] } }))
        .await;
    assert_eq!(by_kind["tools"]["totalCount"], 0);
    let by_category = c
        .query(
            None,
            query,
            json!({ "f": { "categories": ["EARLY_DETECTION"], "languages": ["FR"] } }),
        )
        .await;
    assert_eq!(by_category["tools"]["totalCount"], 2);
    let by_language = c
        .query(None, query, json!({ "f": { "languages": ["DE"] } }))
        .await;
    assert_eq!(by_language["tools"]["totalCount"], 0);
}

#[tokio::test]
async fn people_behind_tools_are_hidden_from_anonymous_readers() {
    let c = catalogue().await;
    let query =
        "query($id: ID!) { node(id: $id) { ... on Tool { current { author { subject } } } } }";
    let anonymous = c.query(None, query, json!({ "id": c.ids[0] })).await;
    assert_eq!(anonymous["node"]["current"]["author"], Value::Null);
    let signed_in = c
        .query(Some(("ucm", "STAFF")), query, json!({ "id": c.ids[0] }))
        .await;
    assert_eq!(
        signed_in["node"]["current"]["author"]["subject"],
        "test-acerta-staff"
    );
}

/// Submits revision `number` of acerta's tool and has INASTI decide on it.
async fn review(app: &TestApp, tool: &str, number: i32, decision: &str, reason: Option<&str>) {
    let owner = app.login_as("acerta", "STAFF");
    let moderator = app.login_as("inasti", "MODERATOR");
    ok(
        app,
        &owner,
        commons_tests::tools::SUBMIT,
        "submitTool",
        json!({ "toolId": tool, "revision": number }),
    )
    .await;
    ok(
        app,
        &moderator,
        DECIDE,
        "decideOnTool",
        json!({ "toolId": tool, "revision": number, "decision": decision, "reason": reason }),
    )
    .await;
}

/// A tool published first to the network (revision 1), then to the public (revision 2).
async fn network_then_public(app: &TestApp) -> String {
    let tool = published_tool(app, "acerta", "réseau d'abord", "NETWORK").await;
    let owner = app.login_as("acerta", "STAFF");
    ok(
        app,
        &owner,
        UPDATE,
        "updateTool",
        json!({ "toolId": tool, "baseRevision": 1, "content": content("public ensuite", "PUBLIC") }),
    )
    .await;
    review(app, &tool, 2, "APPROVE", None).await;
    tool
}

const HISTORY: &str = "query($id: ID!) { node(id: $id) { ... on Tool {
  revisions { totalCount edges { node { number visibility attachments { id } } } }
  one: revision(number: 1) { number }
  two: revision(number: 2) { number } } } }";

#[tokio::test]
async fn each_revision_is_read_under_its_own_visibility() {
    let app = spawn_app().await.with_organisations().await;
    let tool = network_then_public(&app).await;
    let anonymous = app.graphql(HISTORY, json!({ "id": tool })).await;
    assert!(anonymous["errors"].is_null(), "{anonymous}");
    let node = &anonymous["data"]["node"];
    assert_eq!(node["revisions"]["totalCount"], 1, "{anonymous}");
    assert_eq!(node["revisions"]["edges"][0]["node"]["number"], 2);
    assert_eq!(node["one"], Value::Null, "revision 1 was the network's");
    assert_eq!(node["two"]["number"], 2);
    let compare = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Tool { compareRevisions(from: 1, to: 2) { field } } } }",
            json!({ "id": tool }),
        )
        .await;
    assert_eq!(
        commons_tests::error_code(&compare),
        Some("NOT_FOUND"),
        "{compare}"
    );
    // Another caisse is in the network: it reads both.
    let network = app
        .graphql_as(
            &app.login_as("ucm", "STAFF"),
            HISTORY,
            json!({ "id": tool }),
        )
        .await;
    assert_eq!(
        network["data"]["node"]["revisions"]["totalCount"], 2,
        "{network}"
    );
    assert_eq!(network["data"]["node"]["one"]["number"], 1);
}

#[tokio::test]
async fn a_reason_on_an_unpublished_revision_stays_between_the_owner_and_inasti() {
    let app = spawn_app().await.with_organisations().await;
    let tool = published_tool(&app, "acerta", "public", "PUBLIC").await;
    let owner = app.login_as("acerta", "STAFF");
    ok(
        &app,
        &owner,
        UPDATE,
        "updateTool",
        json!({ "toolId": tool, "baseRevision": 1, "content": content("public v2", "PUBLIC") }),
    )
    .await;
    review(
        &app,
        &tool,
        2,
        "REQUEST_CHANGES",
        Some("the helpline number is wrong"),
    )
    .await;
    let log = "query($id: ID!) { moderationLog(toolId: $id) { totalCount edges { node { revision action reason } } } }";
    let reasons = |body: &Value| -> Vec<(i64, Option<String>)> {
        body["data"]["moderationLog"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["node"]["revision"].as_i64().unwrap(),
                    e["node"]["reason"].as_str().map(str::to_owned),
                )
            })
            .collect()
    };
    let anonymous = app.graphql(log, json!({ "id": tool })).await;
    assert_eq!(reasons(&anonymous), vec![(1, None)], "{anonymous}");
    assert_eq!(anonymous["data"]["moderationLog"]["totalCount"], 1);
    let other = app
        .graphql_as(&app.login_as("ucm", "STAFF"), log, json!({ "id": tool }))
        .await;
    assert_eq!(reasons(&other), vec![(1, None)], "{other}");
    for reader in [owner, app.login_as("inasti", "MODERATOR")] {
        let body = app.graphql_as(&reader, log, json!({ "id": tool })).await;
        assert_eq!(
            reasons(&body),
            vec![
                (2, Some("the helpline number is wrong".to_owned())),
                (1, None)
            ],
            "{body}"
        );
    }
}
