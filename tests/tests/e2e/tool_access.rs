//! Who may do what to a tool: the role × action matrix, end to end. Each row gets a tool of
//! its own at the stage the operation needs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::tools::{
    ARCHIVE, CREATE, DECIDE, SUBMIT, UPDATE, WITHDRAW, content, draft_tool, outcome,
    published_tool, tool_in_review,
};
use commons_tests::{TestApp, spawn_app};
use serde_json::{Value, json};

/// (name, organisation and role); None is anonymous.
const CALLERS: &[(&str, Option<(&str, &str)>)] = &[
    ("anonymous", None),
    ("owner staff", Some(("acerta", "STAFF"))),
    ("owner admin", Some(("acerta", "ORG_ADMIN"))),
    ("other caisse staff", Some(("ucm", "STAFF"))),
    ("partner staff", Some(("unizo", "STAFF"))),
    ("moderator", Some(("inasti", "MODERATOR"))),
    ("platform admin", Some(("inasti", "PLATFORM_ADMIN"))),
];

async fn demo_app() -> TestApp {
    spawn_app().await.with_demo().await
}

async fn run_as(app: &TestApp, caller: Option<(&str, &str)>, query: &str, input: Value) -> Value {
    let variables = json!({ "input": input });
    match caller {
        Some((org, role)) => {
            app.graphql_as(&app.login_as(org, role), query, variables)
                .await
        }
        None => app.graphql(query, variables).await,
    }
}

/// Runs the operation once per caller on a fresh tool and compares each outcome.
async fn matrix<F, Fut>(app: &TestApp, field: &str, query: &str, expected: [&str; 7], input_for: F)
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = Value>,
{
    let mut got = Vec::new();
    for (i, (name, caller)) in CALLERS.iter().enumerate() {
        let input = input_for(i).await;
        let body = run_as(app, *caller, query, input).await;
        got.push((*name, outcome(&body, field)));
    }
    let want: Vec<(&str, String)> = CALLERS
        .iter()
        .zip(expected)
        .map(|((n, _), e)| (*n, e.to_owned()))
        .collect();
    assert_eq!(got, want);
}

#[tokio::test]
async fn create_tool() {
    let app = demo_app().await;
    let expected = [
        "UNAUTHENTICATED",
        "OK",
        "OK",
        "OK",
        "OK",
        // INASTI's moderators write its own guides and notes; another moderator approves them.
        "OK",
        "FORBIDDEN",
    ];
    matrix(&app, "createTool", CREATE, expected, |i| async move {
        json!({ "content": content(&format!("Outil {i}"), "PUBLIC") })
    })
    .await;
}

#[tokio::test]
async fn update_a_published_tool() {
    let app = demo_app().await;
    let expected = [
        "UNAUTHENTICATED",
        "OK",
        "OK",
        "FORBIDDEN",
        "FORBIDDEN",
        "FORBIDDEN",
        "FORBIDDEN",
    ];
    matrix(&app, "updateTool", UPDATE, expected, |i| {
        let app = &app;
        async move {
            let id = published_tool(app, "acerta", &format!("Publié {i}"), "PUBLIC").await;
            json!({ "toolId": id, "baseRevision": 1, "content": content("Modifié", "PUBLIC") })
        }
    })
    .await;
}

/// A draft does not exist for those who may not see it.
#[tokio::test]
async fn update_a_draft() {
    let app = demo_app().await;
    let expected = [
        "UNAUTHENTICATED",
        "OK",
        "OK",
        "NOT_FOUND",
        "NOT_FOUND",
        "FORBIDDEN",
        "NOT_FOUND",
    ];
    matrix(&app, "updateTool", UPDATE, expected, |i| {
        let app = &app;
        async move {
            let id = draft_tool(app, "acerta", &format!("Brouillon {i}"), "NETWORK").await;
            json!({ "toolId": id, "baseRevision": 1, "content": content("Modifié", "NETWORK") })
        }
    })
    .await;
}

#[tokio::test]
async fn submit_tool() {
    let app = demo_app().await;
    let expected = [
        "UNAUTHENTICATED",
        "OK",
        "OK",
        "NOT_FOUND",
        "NOT_FOUND",
        "FORBIDDEN",
        "NOT_FOUND",
    ];
    matrix(&app, "submitTool", SUBMIT, expected, |i| {
        let app = &app;
        async move {
            let id = draft_tool(app, "acerta", &format!("Brouillon {i}"), "PUBLIC").await;
            json!({ "toolId": id, "revision": 1 })
        }
    })
    .await;
}

#[tokio::test]
async fn decide_on_tool() {
    let app = demo_app().await;
    let expected = [
        "UNAUTHENTICATED",
        "FORBIDDEN",
        "FORBIDDEN",
        "NOT_FOUND",
        "NOT_FOUND",
        "OK",
        "NOT_FOUND",
    ];
    matrix(&app, "decideOnTool", DECIDE, expected, |i| {
        let app = &app;
        async move {
            let id = tool_in_review(app, "acerta", &format!("En revue {i}"), "PUBLIC").await;
            json!({ "toolId": id, "revision": 1, "decision": "APPROVE" })
        }
    })
    .await;
}

#[tokio::test]
async fn archive_tool() {
    let app = demo_app().await;
    let expected = [
        "UNAUTHENTICATED",
        "OK",
        "OK",
        "FORBIDDEN",
        "FORBIDDEN",
        "FORBIDDEN",
        "FORBIDDEN",
    ];
    matrix(&app, "archiveTool", ARCHIVE, expected, |i| {
        let app = &app;
        async move { json!({ "toolId": published_tool(app, "acerta", &format!("Publié {i}"), "PUBLIC").await }) }
    })
    .await;
}

#[tokio::test]
async fn withdraw_tool() {
    let app = demo_app().await;
    let expected = [
        "UNAUTHENTICATED",
        "FORBIDDEN",
        "FORBIDDEN",
        "FORBIDDEN",
        "FORBIDDEN",
        "OK",
        "FORBIDDEN",
    ];
    matrix(&app, "withdrawTool", WITHDRAW, expected, |i| {
        let app = &app;
        async move {
            let id = published_tool(app, "acerta", &format!("Publié {i}"), "NETWORK").await;
            json!({ "toolId": id, "reason": "obsolète" })
        }
    })
    .await;
}

#[tokio::test]
async fn read_the_moderation_queue() {
    let app = demo_app().await;
    let query = "{ moderationQueue { totalCount } }";
    let mut got = Vec::new();
    for (name, caller) in CALLERS {
        let body = match caller {
            Some((org, role)) => {
                app.graphql_as(&app.login_as(org, role), query, json!({}))
                    .await
            }
            None => app.graphql(query, json!({})).await,
        };
        got.push((
            *name,
            commons_tests::error_code(&body).unwrap_or("OK").to_owned(),
        ));
    }
    let expected = [
        "UNAUTHENTICATED",
        "FORBIDDEN",
        "FORBIDDEN",
        "FORBIDDEN",
        "FORBIDDEN",
        "OK",
        "FORBIDDEN",
    ];
    let want: Vec<(&str, String)> = CALLERS
        .iter()
        .zip(expected)
        .map(|((n, _), e)| (*n, e.to_owned()))
        .collect();
    assert_eq!(got, want);
}
