//! Appeals end to end: the organisation a decision went against (its tool rejected, sent back or
//! withdrawn, its review hidden) appeals once; a moderator other than the one who decided
//! upholds or overturns it; overturning restores what the decision took away; the outcome is
//! in the moderation log and the appellant's organisation is told.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::tools::{
    DECIDE, UPDATE, WITHDRAW, content, outcome, published_tool, tool_in_review,
};
use commons_tests::web::{WebSession, page, post_form_as, sign_in};
use commons_tests::{TestApp, error_code, spawn_app};
use reqwest::header::LOCATION;
use serde_json::{Value, json};

const APPEAL: &str = "mutation($input: AppealDecisionInput!) { appealDecision(input: $input) {
  appeal { id statement outcome decision { action } } userErrors { field code message } } }";
const DECIDE_APPEAL: &str = "mutation($input: DecideAppealInput!) { decideAppeal(input: $input) {
  appeal { id outcome reason decidedAt } userErrors { field code message } } }";
const LOG: &str = "query($id: ID!) { moderationLog(toolId: $id) { nodes { id action reason
  viewerCanAppeal appeal { statement outcome reason } } } }";
const APPEALS: &str = "{ appeals(first: 10) { totalCount nodes { id statement
  appellantOrganisation { slug } tool { id } decision { action reason } } } }";
const TOOL: &str = "query($id: ID!) { node(id: $id) { ... on Tool { status latest { status }
  reviews { totalCount } rating { count } } } }";
const NOTIFICATIONS: &str =
    "{ viewer { notifications(first: 50) { nodes { kind details tool { id } } } } }";
const REVIEW: &str = "mutation($input: ReviewToolInput!) { reviewTool(input: $input) {
  review { id } userErrors { code } } }";
const HIDE: &str = "mutation($input: HideReviewInput!) { hideReview(input: $input) {
  review { id } userErrors { code } } }";

/// The moderator who decides first, and another who decides appeals.
fn first_moderator(app: &TestApp) -> String {
    app.login_as("inasti", "MODERATOR")
}

fn second_moderator(app: &TestApp) -> String {
    app.token(json!({
        "sub": "test-inasti-moderator-2",
        "org": "inasti",
        "roles": ["MODERATOR"],
        "name": "Second moderator",
    }))
}

async fn log(app: &TestApp, token: &str, tool: &str) -> Vec<Value> {
    let body = app.graphql_as(token, LOG, json!({ "id": tool })).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["moderationLog"]["nodes"]
        .as_array()
        .unwrap()
        .clone()
}

async fn entry(app: &TestApp, token: &str, tool: &str, action: &str) -> Value {
    log(app, token, tool)
        .await
        .into_iter()
        .find(|e| e["action"] == action)
        .unwrap_or_else(|| panic!("no {action} in the log of {tool}"))
}

async fn appeal(app: &TestApp, token: &str, decision: &str, statement: &str) -> Value {
    app.graphql_as(
        token,
        APPEAL,
        json!({ "input": { "decisionId": decision, "statement": statement } }),
    )
    .await
}

async fn decide(app: &TestApp, token: &str, appeal: &str, outcome: &str, reason: &str) -> Value {
    app.graphql_as(
        token,
        DECIDE_APPEAL,
        json!({ "input": { "appealId": appeal, "outcome": outcome, "reason": reason } }),
    )
    .await
}

async fn told(app: &TestApp, token: &str) -> Vec<Value> {
    let body = app.graphql_as(token, NOTIFICATIONS, json!({})).await;
    body["data"]["viewer"]["notifications"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "APPEAL_DECIDED")
        .map(|n| serde_json::from_str(n["details"].as_str().unwrap()).unwrap())
        .collect()
}

async fn tool(app: &TestApp, token: &str, id: &str) -> Value {
    let body = app.graphql_as(token, TOOL, json!({ "id": id })).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["node"].clone()
}

#[tokio::test]
async fn a_rejection_is_appealed_once_and_overturned_by_another_moderator_back_into_review() {
    let app = spawn_app().await.with_organisations().await;
    let owner = app.login_as("acerta", "STAFF");
    let first = first_moderator(&app);
    let second = second_moderator(&app);
    let scan = tool_in_review(&app, "acerta", "Self-scan stress", "NETWORK").await;
    let rejected = app
        .graphql_as(
            &first,
            DECIDE,
            json!({ "input": { "toolId": scan, "revision": 1, "decision": "REJECT", "reason": "Pas de base scientifique" } }),
        )
        .await;
    assert_eq!(outcome(&rejected, "decideOnTool"), "OK", "{rejected}");
    let decision = entry(&app, &owner, &scan, "REJECT").await;
    assert_eq!(decision["viewerCanAppeal"], true, "{decision}");
    let decision_id = decision["id"].as_str().unwrap().to_owned();
    let by_moderator = entry(&app, &first, &scan, "REJECT").await;
    assert_eq!(
        by_moderator["viewerCanAppeal"], false,
        "only its organisation"
    );

    // Who may appeal: the owner's people; a tool one cannot read does not exist.
    let anonymous = app
        .graphql(
            APPEAL,
            json!({ "input": { "decisionId": decision_id, "statement": "?" } }),
        )
        .await;
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"));
    let other = appeal(&app, &app.login_as("ucm", "STAFF"), &decision_id, "?").await;
    assert_eq!(error_code(&other), Some("NOT_FOUND"), "{other}");
    let moderator = appeal(&app, &first, &decision_id, "?").await;
    assert_eq!(error_code(&moderator), Some("FORBIDDEN"), "{moderator}");
    // Bad input, nothing written.
    let long = "x".repeat(4_001);
    for (statement, code) in [(" ", "REQUIRED"), (long.as_str(), "TOO_LONG")] {
        let body = appeal(&app, &owner, &decision_id, statement).await;
        assert_eq!(outcome(&body, "appealDecision"), code, "{body}");
    }
    let body = app.graphql_as(&first, APPEALS, json!({})).await;
    assert_eq!(body["data"]["appeals"]["totalCount"], 0, "{body}");

    let filed = appeal(
        &app,
        &app.login_as("acerta", "ORG_ADMIN"),
        &decision_id,
        "La base scientifique est en annexe",
    )
    .await;
    assert_eq!(outcome(&filed, "appealDecision"), "OK", "{filed}");
    let appeal_id = filed["data"]["appealDecision"]["appeal"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Once per decision.
    let again = appeal(&app, &owner, &decision_id, "Encore").await;
    assert_eq!(
        outcome(&again, "appealDecision"),
        "INVALID_STATE",
        "{again}"
    );
    assert_eq!(
        entry(&app, &owner, &scan, "REJECT").await["viewerCanAppeal"],
        false
    );

    // The moderators' list; nobody else reads it.
    let body = app.graphql_as(&second, APPEALS, json!({})).await;
    let listed = &body["data"]["appeals"];
    assert_eq!(listed["totalCount"], 1, "{body}");
    assert_eq!(
        listed["nodes"][0]["appellantOrganisation"]["slug"],
        "acerta"
    );
    assert_eq!(listed["nodes"][0]["decision"]["action"], "REJECT");
    assert_eq!(
        listed["nodes"][0]["statement"],
        "La base scientifique est en annexe"
    );
    for token in [owner.clone(), app.login_as("inasti", "AUDITOR")] {
        let body = app.graphql_as(&token, APPEALS, json!({})).await;
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    }

    // Four eyes: not the moderator who decided, not a platform admin; a reason is needed.
    let own = decide(&app, &first, &appeal_id, "OVERTURNED", "Vu").await;
    assert_eq!(error_code(&own), Some("FORBIDDEN"), "{own}");
    let admin = decide(
        &app,
        &app.login_as("inasti", "PLATFORM_ADMIN"),
        &appeal_id,
        "OVERTURNED",
        "Vu",
    )
    .await;
    assert_eq!(error_code(&admin), Some("FORBIDDEN"), "{admin}");
    let blank = decide(&app, &second, &appeal_id, "OVERTURNED", " ").await;
    assert_eq!(outcome(&blank, "decideAppeal"), "REQUIRED", "{blank}");
    assert_eq!(
        tool(&app, &owner, &scan).await["latest"]["status"],
        "REJECTED"
    );

    // Overturned: the revision is back in review, the log says so, the owner is told.
    let body = decide(
        &app,
        &second,
        &appeal_id,
        "OVERTURNED",
        "L'annexe répond à la question",
    )
    .await;
    assert_eq!(outcome(&body, "decideAppeal"), "OK", "{body}");
    assert_eq!(
        body["data"]["decideAppeal"]["appeal"]["outcome"],
        "OVERTURNED"
    );
    assert_eq!(
        tool(&app, &owner, &scan).await["latest"]["status"],
        "IN_REVIEW"
    );
    let overturned = entry(&app, &owner, &scan, "APPEAL_OVERTURNED").await;
    assert_eq!(overturned["reason"], "L'annexe répond à la question");
    let appealed = entry(&app, &owner, &scan, "REJECT").await;
    assert_eq!(appealed["appeal"]["outcome"], "OVERTURNED", "{appealed}");
    let details = told(&app, &owner).await;
    assert_eq!(details.len(), 1, "{details:?}");
    assert_eq!(details[0]["outcome"], "OVERTURNED");
    assert_eq!(details[0]["decision"], "REJECT");
    let twice = decide(&app, &second, &appeal_id, "UPHELD", "Non").await;
    assert_eq!(outcome(&twice, "decideAppeal"), "INVALID_STATE", "{twice}");
    // An approval takes nothing away: nobody appeals it.
    let approved = app
        .graphql_as(
            &second,
            DECIDE,
            json!({ "input": { "toolId": scan, "revision": 1, "decision": "APPROVE" } }),
        )
        .await;
    assert_eq!(outcome(&approved, "decideOnTool"), "OK", "{approved}");
    let approval = entry(&app, &owner, &scan, "APPROVE").await;
    assert_eq!(approval["viewerCanAppeal"], false);
    let body = appeal(&app, &owner, approval["id"].as_str().unwrap(), "?").await;
    assert_eq!(outcome(&body, "appealDecision"), "INVALID_STATE", "{body}");
}

#[tokio::test]
async fn a_withdrawal_upheld_stays_and_a_hidden_review_overturned_is_shown_again() {
    let app = spawn_app().await.with_organisations().await;
    let owner = app.login_as("acerta", "STAFF");
    let (first, second) = (first_moderator(&app), second_moderator(&app));

    // A withdrawal, appealed and upheld: the tool stays withdrawn.
    let guide = published_tool(&app, "acerta", "Guide", "PUBLIC").await;
    let body = app
        .graphql_as(
            &first,
            WITHDRAW,
            json!({ "input": { "toolId": guide, "reason": "Conseils dangereux" } }),
        )
        .await;
    assert_eq!(outcome(&body, "withdrawTool"), "OK", "{body}");
    let withdrawal = entry(&app, &owner, &guide, "WITHDRAW").await;
    let filed = appeal(
        &app,
        &owner,
        withdrawal["id"].as_str().unwrap(),
        "Relu par un médecin",
    )
    .await;
    assert_eq!(outcome(&filed, "appealDecision"), "OK", "{filed}");
    let id = filed["data"]["appealDecision"]["appeal"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = decide(&app, &second, &id, "UPHELD", "Toujours dangereux").await;
    assert_eq!(outcome(&body, "decideAppeal"), "OK", "{body}");
    assert_eq!(tool(&app, &owner, &guide).await["status"], "WITHDRAWN");
    assert_eq!(
        entry(&app, &owner, &guide, "APPEAL_UPHELD").await["reason"],
        "Toujours dangereux"
    );
    assert_eq!(told(&app, &owner).await[0]["outcome"], "UPHELD");

    // A hidden review: its organisation appeals, not the tool's; overturned, it is back in the
    // tool's reviews and average.
    let scan = published_tool(&app, "acerta", "Self-scan", "PUBLIC").await;
    let reviewer = app.login_as("unizo", "STAFF");
    let body = app
        .graphql_as(
            &reviewer,
            REVIEW,
            json!({ "input": { "toolId": scan, "rating": 2, "comment": "Trop long", "lang": "FR" } }),
        )
        .await;
    let review = body["data"]["reviewTool"]["review"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = app
        .graphql_as(
            &first,
            HIDE,
            json!({ "input": { "reviewId": review, "reason": "Hors sujet" } }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let reader = app.login_as("liantis", "STAFF");
    assert_eq!(tool(&app, &reader, &scan).await["reviews"]["totalCount"], 0);
    assert_eq!(
        entry(&app, &owner, &scan, "HIDE_REVIEW").await["viewerCanAppeal"],
        false,
        "the tool's owner does not appeal another's review"
    );
    let hiding = entry(&app, &reviewer, &scan, "HIDE_REVIEW").await;
    assert_eq!(hiding["viewerCanAppeal"], true);
    let refused = appeal(&app, &owner, hiding["id"].as_str().unwrap(), "?").await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let filed = appeal(
        &app,
        &reviewer,
        hiding["id"].as_str().unwrap(),
        "Notre avis est sincère",
    )
    .await;
    assert_eq!(outcome(&filed, "appealDecision"), "OK", "{filed}");
    // The statement is for the moderators and the review's organisation.
    assert!(entry(&app, &owner, &scan, "HIDE_REVIEW").await["appeal"].is_null());
    let id = filed["data"]["appealDecision"]["appeal"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = decide(&app, &second, &id, "OVERTURNED", "Critique, pas injure").await;
    assert_eq!(outcome(&body, "decideAppeal"), "OK", "{body}");
    let seen = tool(&app, &reader, &scan).await;
    assert_eq!(seen["reviews"]["totalCount"], 1, "{seen}");
    assert_eq!(seen["rating"]["count"], 1, "{seen}");
    assert_eq!(told(&app, &reviewer).await[0]["outcome"], "OVERTURNED");
}

async fn post_form(
    app: &TestApp,
    session: &WebSession,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    post_form_as(app, session, "fr", path, fields).await
}

#[tokio::test]
async fn a_caisse_contests_a_rejection_on_its_tool_page_and_another_moderator_overturns_it_on_theirs()
 {
    let app = spawn_app().await.with_organisations().await;
    let scan = tool_in_review(&app, "acerta", "Self-scan stress", "NETWORK").await;
    let rejected = app
        .graphql_as(
            &first_moderator(&app),
            DECIDE,
            json!({ "input": { "toolId": scan, "revision": 1, "decision": "REJECT", "reason": "Pas de base scientifique" } }),
        )
        .await;
    assert_eq!(outcome(&rejected, "decideOnTool"), "OK", "{rejected}");
    let decision = entry(&app, &app.login_as("acerta", "STAFF"), &scan, "REJECT").await;
    let decision_id = decision["id"].as_str().unwrap().to_owned();
    let tool_path = format!("/tools/{scan}");

    // The owner's page offers the appeal, in words; another caisse's does not exist.
    let employee = sign_in(&app, "acerta", "STAFF").await;
    let (_, html) = page(&app, &employee.cookie, &tool_path, Some("fr")).await;
    assert!(html.contains("Contester une décision"), "{html}");
    assert!(html.contains("Pas de base scientifique"), "{html}");
    assert!(
        html.contains(&format!("name=\"decision\" value=\"{decision_id}\"")),
        "{html}"
    );
    // Without a statement: the form again, the error beside it, nothing written.
    let action = format!("{tool_path}/appeal");
    let refused = post_form(
        &app,
        &employee,
        &action,
        &[
            ("csrf", &employee.csrf),
            ("decision", &decision_id),
            ("statement", " "),
        ],
    )
    .await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"appeal-error-1\""), "{html}");
    let sent = post_form(
        &app,
        &employee,
        &action,
        &[
            ("csrf", &employee.csrf),
            ("decision", &decision_id),
            ("statement", "La base scientifique est en annexe"),
        ],
    )
    .await;
    assert_eq!(sent.status(), 303);
    let location = sent.headers()[LOCATION].to_str().unwrap().to_owned();
    let (_, html) = page(&app, &employee.cookie, &location, Some("fr")).await;
    assert!(html.contains("Votre appel est envoyé"), "{html}");
    assert!(
        html.contains("En appel : en attente d&#39;un modérateur")
            || html.contains("En appel : en attente d'un modérateur"),
        "{html}"
    );
    assert!(
        !html.contains("Contester une décision"),
        "once per decision: {html}"
    );

    // Another moderator reads it on the moderation page and overturns it.
    let moderator = sign_in(&app, "inasti", "MODERATOR").await;
    let (_, html) = page(&app, &moderator.cookie, "/moderation", Some("fr")).await;
    assert!(html.contains("1 appel en attente"), "{html}");
    assert!(
        html.contains("La base scientifique est en annexe"),
        "{html}"
    );
    let marker = "name=\"appeal\" value=\"";
    let at = html.find(marker).unwrap() + marker.len();
    let appeal_id = html[at..at + html[at..].find('"').unwrap()].to_owned();
    let without = post_form(
        &app,
        &moderator,
        "/moderation/appeals",
        &[
            ("csrf", &moderator.csrf),
            ("appeal", &appeal_id),
            ("outcome", "OVERTURNED"),
            ("reason", ""),
        ],
    )
    .await;
    assert_eq!(without.status(), 400);
    let html = without.text().await.unwrap();
    assert!(html.contains("id=\"appeal-error-a0\""), "{html}");
    assert!(html.contains("value=\"OVERTURNED\" checked"), "{html}");
    let done = post_form(
        &app,
        &moderator,
        "/moderation/appeals",
        &[
            ("csrf", &moderator.csrf),
            ("appeal", &appeal_id),
            ("outcome", "OVERTURNED"),
            ("reason", "L'annexe répond"),
        ],
    )
    .await;
    assert_eq!(done.status(), 303);
    let location = done.headers()[LOCATION].to_str().unwrap().to_owned();
    let (_, html) = page(&app, &moderator.cookie, &location, Some("fr")).await;
    assert!(
        html.contains("L&#39;appel est tranché") || html.contains("L'appel est tranché"),
        "{html}"
    );
    // The caisse is told, in words, with the reason; its tool is in review again.
    let (_, html) = page(&app, &employee.cookie, "/notifications", Some("fr")).await;
    assert!(
        html.contains("Votre appel a été tranché : la décision est annulée"),
        "{html}"
    );
    assert!(
        html.contains("L&#39;annexe répond") || html.contains("L'annexe répond"),
        "{html}"
    );
    let (_, html) = page(&app, &employee.cookie, &tool_path, Some("fr")).await;
    assert!(html.contains("Appel : la décision est annulée"), "{html}");
}

#[tokio::test]
async fn a_decision_overtaken_since_is_not_appealed() {
    let app = spawn_app().await.with_organisations().await;
    let owner = app.login_as("acerta", "STAFF");
    let scan = tool_in_review(&app, "acerta", "Self-scan stress", "NETWORK").await;
    let sent_back = app
        .graphql_as(
            &first_moderator(&app),
            DECIDE,
            json!({ "input": { "toolId": scan, "revision": 1, "decision": "REQUEST_CHANGES", "reason": "Ajoutez les sources" } }),
        )
        .await;
    assert_eq!(outcome(&sent_back, "decideOnTool"), "OK", "{sent_back}");
    let decision = entry(&app, &owner, &scan, "REQUEST_CHANGES").await;
    assert_eq!(decision["viewerCanAppeal"], true);
    // The owner edits instead: the request for changes is answered, nothing left to restore.
    let edited = app
        .graphql_as(
            &owner,
            UPDATE,
            json!({ "input": { "toolId": scan, "baseRevision": 1, "content": content("Self-scan stress, sources", "NETWORK") } }),
        )
        .await;
    assert_eq!(outcome(&edited, "updateTool"), "OK", "{edited}");
    let decision = entry(&app, &owner, &scan, "REQUEST_CHANGES").await;
    assert_eq!(decision["viewerCanAppeal"], false, "{decision}");
    let body = appeal(&app, &owner, decision["id"].as_str().unwrap(), "Trop tard").await;
    assert_eq!(outcome(&body, "appealDecision"), "INVALID_STATE", "{body}");
}
