//! Reports of problematic content end to end: who may report what (one open report per person
//! and item, what one cannot read does not exist), bad input refused with nothing written, a
//! flood from one person refused, the moderators' queue grouped by item, and each outcome —
//! dismissed, marked out of date, review hidden, tool withdrawn — told to every reporter and to
//! the item's organisation, which never learns who reported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::tools::{WITHDRAW, draft_tool, outcome, published_tool};
use commons_tests::web::{WebSession, page, post_form_as, sign_in};
use commons_tests::{TestApp, error_code, spawn_app, spawn_app_with};
use reqwest::header::LOCATION;
use serde_json::{Value, json};

const REPORT: &str = "mutation($input: ReportContentInput!) { reportContent(input: $input) {
  report { id itemKind reason text outcome tool { id } review { id } } userErrors { field code message } } }";
const RESOLVE: &str =
    "mutation($input: ResolveContentReportInput!) { resolveContentReport(input: $input) {
  report { id outcome resolutionReason resolvedAt } userErrors { field code message } } }";
const QUEUE: &str =
    "{ contentReports(first: 10) { openCount groups { itemKind tool { id } review { id comment }
  reports { id reason text createdAt reporterOrganisation { slug } } } } }";
const MINE: &str = "{ viewer { contentReports(first: 20) { totalCount edges { node { reason outcome resolutionReason reporterOrganisation { slug } } } } } }";
const NOTIFICATIONS: &str = "{ viewer { notifications(first: 50) { edges { node { kind subjectId details tool { id } } } } } }";
const REVIEW: &str = "mutation($input: ReviewToolInput!) { reviewTool(input: $input) {
  review { id } userErrors { code } } }";
const TOOL: &str = "query($id: ID!) { node(id: $id) { ... on Tool { status reviewOverdue
  reviews { totalCount } } } }";
const LOG: &str =
    "query($id: ID!) { moderationLog(toolId: $id) { edges { node { action reason } } } }";

const CALLERS: &[(&str, Option<(&str, &str)>)] = &[
    ("anonymous", None),
    ("owner staff", Some(("acerta", "STAFF"))),
    ("caisse staff", Some(("ucm", "STAFF"))),
    ("caisse admin", Some(("liantis", "ORG_ADMIN"))),
    ("partner staff", Some(("unizo", "STAFF"))),
    ("moderator", Some(("inasti", "MODERATOR"))),
    ("platform admin", Some(("inasti", "PLATFORM_ADMIN"))),
    ("auditor", Some(("inasti", "AUDITOR"))),
];

async fn run(app: &TestApp, who: Option<(&str, &str)>, query: &str, variables: Value) -> Value {
    match who {
        Some((org, role)) => {
            app.graphql_as(&app.login_as(org, role), query, variables)
                .await
        }
        None => app.graphql(query, variables).await,
    }
}

async fn report(app: &TestApp, who: (&str, &str), item: &str, reason: &str, text: &str) -> Value {
    run(
        app,
        Some(who),
        REPORT,
        json!({ "input": { "itemId": item, "reason": reason, "text": text } }),
    )
    .await
}

async fn resolve(app: &TestApp, who: (&str, &str), id: &str, outcome: &str, reason: &str) -> Value {
    run(
        app,
        Some(who),
        RESOLVE,
        json!({ "input": { "reportId": id, "outcome": outcome, "reason": reason } }),
    )
    .await
}

fn report_id(body: &Value) -> String {
    body["data"]["reportContent"]["report"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no report: {body}"))
        .to_owned()
}

async fn queue(app: &TestApp) -> Value {
    let body = run(app, Some(MODERATOR), QUEUE, json!({})).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["contentReports"].clone()
}

async fn notifications(app: &TestApp, who: (&str, &str), kind: &str) -> Vec<Value> {
    let body = run(app, Some(who), NOTIFICATIONS, json!({})).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["viewer"]["notifications"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .filter(|n| n["kind"] == kind)
        .collect()
}

fn details(n: &Value) -> Value {
    serde_json::from_str(n["details"].as_str().unwrap()).unwrap()
}

async fn mine(app: &TestApp, who: (&str, &str)) -> Value {
    let body = run(app, Some(who), MINE, json!({})).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["viewer"]["contentReports"].clone()
}

const MODERATOR: (&str, &str) = ("inasti", "MODERATOR");
const OWNER: (&str, &str) = ("acerta", "STAFF");

#[tokio::test]
async fn anyone_signed_in_reports_what_they_can_read_once_and_only_moderators_resolve() {
    let app = spawn_app().await.with_organisations().await;
    let scan = published_tool(&app, "acerta", "Self-scan stress", "NETWORK").await;
    let draft = draft_tool(&app, "acerta", "Brouillon interne", "ORGANISATION").await;

    // Reporting: every signed-in person; an anonymous caller is asked to sign in.
    for (name, who) in CALLERS {
        let body = run(
            &app,
            *who,
            REPORT,
            json!({ "input": { "itemId": scan, "reason": "INACCURATE", "text": format!("Wrong phone number ({name})") } }),
        )
        .await;
        let expected = if who.is_none() {
            "UNAUTHENTICATED"
        } else {
            "OK"
        };
        assert_eq!(outcome(&body, "reportContent"), expected, "{name}: {body}");
    }
    // One open report per person and item; bad input refused, nothing written.
    let again = report(&app, ("ucm", "STAFF"), &scan, "HARMFUL", "Again").await;
    assert_eq!(outcome(&again, "reportContent"), "INVALID_STATE", "{again}");
    let long = "x".repeat(2_001);
    for (text, code) in [(" ", "REQUIRED"), (long.as_str(), "TOO_LONG")] {
        let body = report(&app, ("ucm", "ORG_ADMIN"), &scan, "OTHER", text).await;
        assert_eq!(outcome(&body, "reportContent"), code, "{body}");
    }
    // What one cannot read answers as a non-existent id; an organisation is no item.
    let hidden = report(&app, ("ucm", "ORG_ADMIN"), &draft, "OTHER", "?").await;
    assert_eq!(error_code(&hidden), Some("NOT_FOUND"), "{hidden}");
    let own = report(&app, ("acerta", "ORG_ADMIN"), &draft, "OTHER", "Typo").await;
    assert_eq!(
        outcome(&own, "reportContent"),
        "INVALID_STATE",
        "a draft is not published content: {own}"
    );
    let org = run(
        &app,
        Some(("ucm", "STAFF")),
        "{ organisation(slug: \"acerta\") { id } }",
        json!({}),
    )
    .await;
    let org_id = org["data"]["organisation"]["id"].as_str().unwrap();
    let body = report(&app, ("ucm", "ORG_ADMIN"), org_id, "OTHER", "?").await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");

    // The queue: moderators only; the item first reported first, its reports oldest first,
    // each reporter's organisation named to them.
    for (name, who) in CALLERS {
        let body = run(&app, *who, QUEUE, json!({})).await;
        let expected = match *name {
            "anonymous" => Some("UNAUTHENTICATED"),
            "moderator" => None,
            _ => Some("FORBIDDEN"),
        };
        assert_eq!(error_code(&body), expected, "{name}: {body}");
    }
    let q = queue(&app).await;
    assert_eq!(q["openCount"], 7, "{q}");
    let groups = q["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1, "{q}");
    assert_eq!(groups[0]["tool"]["id"], json!(scan));
    let reports = groups[0]["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 7);
    let slugs: Vec<&str> = reports
        .iter()
        .map(|r| r["reporterOrganisation"]["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        slugs,
        [
            "acerta", "ucm", "liantis", "unizo", "inasti", "inasti", "inasti"
        ]
    );
    // Nobody else reads who reported, not even through the report's own fields.
    let listed = mine(&app, ("ucm", "STAFF")).await;
    assert_eq!(listed["totalCount"], 1, "{listed}");
    assert_eq!(
        listed["edges"][0]["node"]["reporterOrganisation"]["slug"], "ucm",
        "the reporter reads their own"
    );

    // Resolving: moderators only, an outcome that fits the item, a reason.
    let ucm_report = reports[1]["id"].as_str().unwrap().to_owned();
    for (name, who) in CALLERS {
        if *name == "moderator" {
            continue;
        }
        let body = match who {
            Some(w) => resolve(&app, *w, &ucm_report, "DISMISS", "Fine").await,
            None => app
                .graphql(RESOLVE, json!({ "input": { "reportId": ucm_report, "outcome": "DISMISS", "reason": "Fine" } }))
                .await,
        };
        let expected = if who.is_none() {
            "UNAUTHENTICATED"
        } else {
            "FORBIDDEN"
        };
        assert_eq!(
            outcome(&body, "resolveContentReport"),
            expected,
            "{name}: {body}"
        );
    }
    let wrong = resolve(&app, MODERATOR, &ucm_report, "HIDE_REVIEW", " ").await;
    assert_eq!(
        outcome(&wrong, "resolveContentReport"),
        "INVALID_STATE,REQUIRED",
        "{wrong}"
    );
    assert_eq!(queue(&app).await["openCount"], 7, "nothing written");

    // A dismissal answers every open report of the item (the moderator looked at the tool);
    // each person is told, and may report again.
    let body = resolve(
        &app,
        MODERATOR,
        &ucm_report,
        "DISMISS",
        "The number is right",
    )
    .await;
    assert_eq!(outcome(&body, "resolveContentReport"), "OK", "{body}");
    assert_eq!(
        body["data"]["resolveContentReport"]["report"]["outcome"],
        "DISMISS"
    );
    let twice = resolve(&app, MODERATOR, &ucm_report, "DISMISS", "Again").await;
    assert_eq!(outcome(&twice, "resolveContentReport"), "INVALID_STATE");
    assert_eq!(queue(&app).await["openCount"], 0);
    for who in [
        ("ucm", "STAFF"),
        ("liantis", "ORG_ADMIN"),
        ("inasti", "AUDITOR"),
    ] {
        let told = notifications(&app, who, "REPORT_RESOLVED").await;
        assert_eq!(told.len(), 1, "{who:?}: {told:?}");
        assert_eq!(details(&told[0])["outcome"], "DISMISS");
        assert_eq!(details(&told[0])["resolution"], "The number is right");
    }
    let mut again = Vec::new();
    for who in [
        ("ucm", "STAFF"),
        ("liantis", "ORG_ADMIN"),
        ("unizo", "STAFF"),
    ] {
        let body = report(&app, who, &scan, "OUTDATED", "Closed since June").await;
        assert_eq!(outcome(&body, "reportContent"), "OK", "{who:?}: {body}");
        again.push(report_id(&body));
    }

    // Marked out of date: one action answers every open report of the tool; each reporter is
    // told, the owner is told the decision and its reason — never who reported.
    let body = resolve(
        &app,
        MODERATOR,
        &again[1],
        "MARK_OUTDATED",
        "The service closed in June",
    )
    .await;
    assert_eq!(outcome(&body, "resolveContentReport"), "OK", "{body}");
    let q = queue(&app).await;
    assert_eq!(q["openCount"], 0, "{q}");
    for who in [
        ("ucm", "STAFF"),
        ("liantis", "ORG_ADMIN"),
        ("unizo", "STAFF"),
    ] {
        let told = notifications(&app, who, "REPORT_RESOLVED").await;
        assert_eq!(told.len(), 2, "{who:?}: {told:?}");
        assert_eq!(
            details(&told[0])["outcome"],
            "MARK_OUTDATED",
            "newest first"
        );
    }
    let t = run(&app, Some(OWNER), TOOL, json!({ "id": scan })).await;
    assert_eq!(t["data"]["node"]["reviewOverdue"], true, "{t}");
    let decisions = notifications(&app, ("acerta", "ORG_ADMIN"), "TOOL_DECISION").await;
    let marked = decisions
        .iter()
        .find(|n| details(n)["decision"] == "MARK_OUTDATED")
        .unwrap_or_else(|| panic!("{decisions:?}"));
    let said = marked.to_string();
    for reporter in ["ucm", "liantis", "unizo", "UCM", "Liantis", "Unizo"] {
        assert!(!said.contains(reporter), "{said}");
    }
    let log = run(&app, Some(OWNER), LOG, json!({ "id": scan })).await;
    assert!(log.to_string().contains("MARK_OUTDATED"), "{log}");
    assert!(
        log.to_string().contains("The service closed in June"),
        "{log}"
    );
    let listed = mine(&app, ("ucm", "STAFF")).await;
    let outcomes: Vec<&Value> = listed["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"]["outcome"])
        .collect();
    assert_eq!(outcomes, [&json!("MARK_OUTDATED"), &json!("DISMISS")]);
}

#[tokio::test]
async fn a_reported_review_is_hidden_and_a_reported_tool_withdrawn_with_every_reporter_told() {
    let app = spawn_app().await.with_organisations().await;
    let scan = published_tool(&app, "acerta", "Self-scan stress", "PUBLIC").await;
    let body = run(
        &app,
        Some(("unizo", "STAFF")),
        REVIEW,
        json!({ "input": { "toolId": scan, "rating": 1, "comment": "Ces gens sont des escrocs", "lang": "FR" } }),
    )
    .await;
    let review = body["data"]["reviewTool"]["review"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let filed = report(&app, ("ucm", "STAFF"), &review, "HARMFUL", "Insulting").await;
    assert_eq!(outcome(&filed, "reportContent"), "OK", "{filed}");
    let q = queue(&app).await;
    assert_eq!(q["groups"][0]["itemKind"], "REVIEW");
    assert_eq!(
        q["groups"][0]["review"]["comment"],
        "Ces gens sont des escrocs"
    );
    assert_eq!(q["groups"][0]["tool"]["id"], json!(scan));
    let wrong = resolve(&app, MODERATOR, &report_id(&filed), "WITHDRAW_TOOL", "No").await;
    assert_eq!(outcome(&wrong, "resolveContentReport"), "INVALID_STATE");
    let body = resolve(
        &app,
        MODERATOR,
        &report_id(&filed),
        "HIDE_REVIEW",
        "Insults",
    )
    .await;
    assert_eq!(outcome(&body, "resolveContentReport"), "OK", "{body}");
    let t = run(
        &app,
        Some(("liantis", "STAFF")),
        TOOL,
        json!({ "id": scan }),
    )
    .await;
    assert_eq!(t["data"]["node"]["reviews"]["totalCount"], 0, "{t}");
    // Hidden, the review is no longer there to report for others; its author still reads it.
    let gone = report(
        &app,
        ("liantis", "STAFF"),
        &review,
        "HARMFUL",
        "Still there?",
    )
    .await;
    assert_eq!(error_code(&gone), Some("NOT_FOUND"), "{gone}");
    let own = report(
        &app,
        ("unizo", "ORG_ADMIN"),
        &review,
        "OTHER",
        "Why hidden?",
    )
    .await;
    assert_eq!(outcome(&own, "reportContent"), "OK", "{own}");

    // Two people report the tool; withdrawing it answers both, and they are still told though
    // they can no longer read it.
    let first = report(
        &app,
        ("liantis", "STAFF"),
        &scan,
        "COPYRIGHT",
        "Copied from our leaflet",
    )
    .await;
    let second = report(
        &app,
        ("ucm", "ORG_ADMIN"),
        &scan,
        "HARMFUL",
        "Dangerous advice",
    )
    .await;
    assert_eq!(outcome(&second, "reportContent"), "OK");
    let body = resolve(
        &app,
        MODERATOR,
        &report_id(&first),
        "WITHDRAW_TOOL",
        "Copied without leave",
    )
    .await;
    assert_eq!(outcome(&body, "resolveContentReport"), "OK", "{body}");
    let t = run(&app, Some(OWNER), TOOL, json!({ "id": scan })).await;
    assert_eq!(t["data"]["node"]["status"], "WITHDRAWN", "{t}");
    for who in [("liantis", "STAFF"), ("ucm", "ORG_ADMIN")] {
        let told = notifications(&app, who, "REPORT_RESOLVED").await;
        assert_eq!(told.len(), 1, "{who:?}: {told:?}");
        assert_eq!(details(&told[0])["outcome"], "WITHDRAW_TOOL");
        assert!(told[0]["tool"].is_null());
    }
    assert_eq!(
        queue(&app).await["openCount"],
        1,
        "the author's own report stays open"
    );

    // A withdrawal taken outside the queue answers the tool's open reports too.
    let guide = published_tool(&app, "acerta", "Guide", "PUBLIC").await;
    let filed = report(
        &app,
        ("liantis", "ORG_ADMIN"),
        &guide,
        "HARMFUL",
        "Bad advice",
    )
    .await;
    assert_eq!(outcome(&filed, "reportContent"), "OK", "{filed}");
    let body = run(
        &app,
        Some(MODERATOR),
        WITHDRAW,
        json!({ "input": { "toolId": guide, "reason": "Advice not safe" } }),
    )
    .await;
    assert_eq!(outcome(&body, "withdrawTool"), "OK", "{body}");
    let told = notifications(&app, ("liantis", "ORG_ADMIN"), "REPORT_RESOLVED").await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(details(&told[0])["outcome"], "WITHDRAW_TOOL");
    assert_eq!(details(&told[0])["resolution"], "Advice not safe");
    assert_eq!(queue(&app).await["openCount"], 1);
}

#[tokio::test]
async fn a_flood_of_reports_from_one_person_is_refused_with_nothing_written() {
    let app = spawn_app_with(|c| c.reports.per_day = 3)
        .await
        .with_organisations()
        .await;
    let mut tools = Vec::new();
    for title in ["Un", "Deux", "Trois", "Quatre"] {
        tools.push(published_tool(&app, "acerta", title, "PUBLIC").await);
    }
    // A client reads the bound before it sends; what it reads is what is enforced.
    let limits = app
        .graphql("{ limits { reports { perDay textChars } } }", json!({}))
        .await;
    assert_eq!(
        limits["data"]["limits"]["reports"],
        json!({ "perDay": 3, "textChars": 2_000 }),
        "{limits}"
    );
    let who = ("ucm", "STAFF");
    for tool in &tools[..3] {
        let body = report(&app, who, tool, "OTHER", "Spam?").await;
        assert_eq!(outcome(&body, "reportContent"), "OK", "{body}");
    }
    let refused = report(&app, who, &tools[3], "OTHER", "Spam?").await;
    assert_eq!(error_code(&refused), Some("RATE_LIMITED"), "{refused}");
    assert_eq!(mine(&app, who).await["totalCount"], 3);
    assert_eq!(queue(&app).await["openCount"], 3);
    // Others are not held back by one person's flood; the next day the person may report again.
    let other = report(&app, ("ucm", "ORG_ADMIN"), &tools[3], "OTHER", "Spam?").await;
    assert_eq!(outcome(&other, "reportContent"), "OK", "{other}");
    app.services
        .clock
        .set(Some(chrono::Utc::now() + chrono::Duration::hours(25)));
    let next_day = report(&app, who, &tools[3], "OTHER", "Spam?").await;
    assert_eq!(outcome(&next_day, "reportContent"), "OK", "{next_day}");
}

async fn post_form(
    app: &TestApp,
    session: &WebSession,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    post_form_as(app, session, "fr", path, fields).await
}

/// A report form sent from a page: the item chosen, a reason and a text.
async fn post_report(
    app: &TestApp,
    session: &WebSession,
    action: &str,
    item: &str,
    reason: &str,
    text: &str,
) -> reqwest::Response {
    let fields = [
        ("csrf", session.csrf.as_str()),
        ("item", item),
        ("reason", reason),
        ("text", text),
    ];
    post_form(app, session, action, &fields).await
}

/// The value of the first `<input … name="{name}" value="…">` of a page.
fn input_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"));
    let rest = &html[at + marker.len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn a_caisse_employee_reports_from_the_tool_page_and_a_moderator_resolves_from_theirs() {
    let app = spawn_app().await.with_organisations().await;
    let scan = published_tool(&app, "acerta", "Self-scan stress", "PUBLIC").await;
    run(
        &app,
        Some(("unizo", "STAFF")),
        REVIEW,
        json!({ "input": { "toolId": scan, "rating": 2, "comment": "Bof", "lang": "FR" } }),
    )
    .await;
    let tool_path = format!("/tools/{scan}");
    // Anonymous visitors read the tool, and are offered no report.
    let (_, anonymous) = page(&app, "", &tool_path, Some("fr")).await;
    assert!(!anonymous.contains("Signaler un problème"), "{anonymous}");
    // A caisse employee is: the tool itself or its review, a reason in words, a text.
    let employee = sign_in(&app, "ucm", "STAFF").await;
    let (_, html) = page(&app, &employee.cookie, &tool_path, Some("fr")).await;
    assert!(html.contains("Signaler un problème"), "{html}");
    assert!(
        html.contains("L&#39;outil lui-même") || html.contains("L'outil lui-même"),
        "{html}"
    );
    assert!(
        html.contains("L&#39;avis de") || html.contains("L'avis de"),
        "{html}"
    );
    assert!(html.contains("Plus à jour"), "{html}");
    // Without a text: the form again, open, the reason kept, the error beside the text.
    let action = format!("{tool_path}/report");
    let refused = post_report(&app, &employee, &action, &scan, "OUTDATED", " ").await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    assert!(
        html.contains("<details class=\"report\" id=\"report\" open>"),
        "{html}"
    );
    assert!(html.contains("value=\"OUTDATED\" checked"), "{html}");
    assert!(html.contains("id=\"report-text-error\""), "{html}");
    assert_eq!(
        mine(&app, ("ucm", "STAFF")).await["totalCount"],
        0,
        "nothing written"
    );
    // Sent: thanked on the tool's page, told what comes next.
    let sent = post_report(
        &app,
        &employee,
        &action,
        &scan,
        "OUTDATED",
        "Le numéro d'aide a changé",
    )
    .await;
    assert_eq!(sent.status(), 303);
    let location = sent.headers()[LOCATION].to_str().unwrap().to_owned();
    assert_eq!(location, format!("{tool_path}?done=reported"));
    let (_, html) = page(&app, &employee.cookie, &location, Some("fr")).await;
    assert!(
        html.contains("Merci : votre signalement est envoyé"),
        "{html}"
    );

    // The moderator reads it on the moderation page, with who reported it, and resolves it.
    let moderator = sign_in(&app, "inasti", "MODERATOR").await;
    let (_, html) = page(&app, &moderator.cookie, "/moderation", Some("fr")).await;
    assert!(html.contains("Signalements"), "{html}");
    assert!(html.contains("1 signalement ouvert"), "{html}");
    assert!(
        html.contains("Le numéro d&#39;aide a changé")
            || html.contains("Le numéro d'aide a changé"),
        "{html}"
    );
    assert!(html.contains("Plus à jour"), "{html}");
    let report = input_value(&html, "report");
    let without = post_form(
        &app,
        &moderator,
        "/moderation/reports",
        &[
            ("csrf", &moderator.csrf),
            ("report", &report),
            ("outcome", "MARK_OUTDATED"),
            ("reason", ""),
        ],
    )
    .await;
    assert_eq!(without.status(), 400);
    let html = without.text().await.unwrap();
    assert!(
        html.contains("role=\"alert\" id=\"resolution-error-r0\""),
        "{html}"
    );
    assert!(html.contains("value=\"MARK_OUTDATED\" checked"), "{html}");
    let done = post_form(
        &app,
        &moderator,
        "/moderation/reports",
        &[
            ("csrf", &moderator.csrf),
            ("report", &report),
            ("outcome", "MARK_OUTDATED"),
            ("reason", "Numéro vérifié : il a changé"),
        ],
    )
    .await;
    assert_eq!(done.status(), 303);
    let location = done.headers()[LOCATION].to_str().unwrap().to_owned();
    let (_, html) = page(&app, &moderator.cookie, &location, Some("fr")).await;
    assert!(html.contains("Le signalement est traité"), "{html}");
    assert!(html.contains("0 signalement ouvert"), "{html}");
    // The employee is told, in words, with the moderator's reason.
    let (_, html) = page(&app, &employee.cookie, "/notifications", Some("fr")).await;
    assert!(
        html.contains("Suite à votre signalement, l&#39;outil a été marqué comme non à jour")
            || html.contains("Suite à votre signalement, l'outil a été marqué comme non à jour"),
        "{html}"
    );
    assert!(html.contains("Numéro vérifié : il a changé"), "{html}");
    // And the tool's page now says it may be out of date.
    let (_, html) = page(&app, &employee.cookie, &tool_path, Some("fr")).await;
    assert!(html.contains("id=\"outdated\""), "{html}");
}

const POST_MESSAGE: &str =
    "mutation($input: PostProposalMessageInput!) { postProposalMessage(input: $input) {
  message { id } userErrors { code } } }";
const THREAD: &str = "query($id: ID!) { node(id: $id) { ... on CollaborationProposal {
  messages(first: 10) { nodes { id body hidden hiddenReason organisation { slug } } } } } }";
const MESSAGE_REPORTS: &str =
    "{ viewer { contentReports(first: 5) { edges { node { itemKind outcome
  tool { id } proposal { id } message { id body hidden } } } } } }";

/// A proposal from Unizo to UCM and Liantis, and a message of each of Unizo and UCM in its
/// thread: (proposal, Unizo's message, UCM's message).
async fn thread_with_two_messages(app: &TestApp) -> (String, String, String) {
    let proposal = commons_tests::collaborations::propose(app, "unizo", &["ucm", "liantis"]).await;
    let mut ids = Vec::new();
    for (org, body) in [
        ("unizo", "Appelez-moi au 0470 12 34 56, Jean Dupont"),
        ("ucm", "Nous sommes intéressés"),
    ] {
        let posted = run(
            app,
            Some((org, "STAFF")),
            POST_MESSAGE,
            json!({ "input": { "proposalId": proposal, "body": body } }),
        )
        .await;
        ids.push(
            posted["data"]["postProposalMessage"]["message"]["id"]
                .as_str()
                .unwrap_or_else(|| panic!("{posted}"))
                .to_owned(),
        );
    }
    (proposal, ids.remove(0), ids.remove(0))
}

async fn thread(app: &TestApp, who: (&str, &str), proposal: &str) -> Vec<Value> {
    let body = run(app, Some(who), THREAD, json!({ "id": proposal })).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["node"]["messages"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .clone()
}

#[tokio::test]
async fn a_proposal_message_is_reported_by_those_who_read_the_thread_and_hidden_from_all_but_its_own()
 {
    let app = spawn_app().await.with_organisations().await;
    let (proposal, unizo_message, ucm_message) = thread_with_two_messages(&app).await;
    let text = "Des données personnelles";

    // Who may report it: whoever reads the thread (its parties, INASTI); to anyone else the
    // message does not exist, and an anonymous caller is asked to sign in.
    for (name, who) in CALLERS {
        let body = run(
            &app,
            *who,
            REPORT,
            json!({ "input": { "itemId": unizo_message, "reason": "PERSONAL_DATA", "text": text } }),
        )
        .await;
        let expected = match *name {
            "anonymous" => Some("UNAUTHENTICATED"),
            "owner staff" => Some("NOT_FOUND"),
            _ => None,
        };
        match expected {
            Some(code) => assert_eq!(error_code(&body), Some(code), "{name}: {body}"),
            None => assert_eq!(outcome(&body, "reportContent"), "OK", "{name}: {body}"),
        }
    }
    // The queue shows the message in view, in its proposal, never as a tool.
    let q = queue(&app).await;
    assert_eq!(q["openCount"], 6, "{q}");
    let group = &q["groups"][0];
    assert_eq!(group["itemKind"], "PROPOSAL_MESSAGE", "{q}");
    assert!(group["tool"].is_null(), "{q}");
    let body = run(
        &app,
        Some(MODERATOR),
        "{ contentReports(first: 5) { groups { proposal { id } message { id body } } } }",
        json!({}),
    )
    .await;
    let group = &body["data"]["contentReports"]["groups"][0];
    assert_eq!(group["proposal"]["id"], json!(proposal), "{body}");
    assert_eq!(group["message"]["id"], json!(unizo_message), "{body}");
    let first = group_report(&app).await;

    // Only an outcome that fits a message, with a reason; nothing written otherwise.
    for wrong in ["HIDE_REVIEW", "WITHDRAW_TOOL", "MARK_OUTDATED"] {
        let body = resolve(&app, MODERATOR, &first, wrong, "Non").await;
        assert_eq!(
            outcome(&body, "resolveContentReport"),
            "INVALID_STATE",
            "{wrong}: {body}"
        );
    }
    let body = resolve(&app, ("ucm", "ORG_ADMIN"), &first, "HIDE_MESSAGE", "Non").await;
    assert_eq!(
        outcome(&body, "resolveContentReport"),
        "FORBIDDEN",
        "{body}"
    );
    assert_eq!(
        thread(&app, ("liantis", "STAFF"), &proposal).await[0]["hidden"],
        false
    );

    let body = resolve(
        &app,
        MODERATOR,
        &first,
        "HIDE_MESSAGE",
        "Un numéro de téléphone privé",
    )
    .await;
    assert_eq!(outcome(&body, "resolveContentReport"), "OK", "{body}");
    assert_eq!(queue(&app).await["openCount"], 0, "all six answered");

    // The other parties read that it was hidden, not its words nor why; its organisation and
    // the moderators read both.
    let other = thread(&app, ("liantis", "STAFF"), &proposal).await;
    assert_eq!(other[0]["hidden"], true);
    assert_eq!(other[0]["body"], "");
    assert!(other[0]["hiddenReason"].is_null());
    assert_eq!(other[1]["body"], "Nous sommes intéressés", "the rest stays");
    for who in [("unizo", "ORG_ADMIN"), MODERATOR] {
        let own = thread(&app, who, &proposal).await;
        assert_eq!(
            own[0]["body"], "Appelez-moi au 0470 12 34 56, Jean Dupont",
            "{who:?}"
        );
        assert_eq!(own[0]["hiddenReason"], "Un numéro de téléphone privé");
    }
    // Each reporter is told; their own report names the message, its words withheld.
    let told = notifications(&app, ("ucm", "STAFF"), "REPORT_RESOLVED").await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(details(&told[0])["outcome"], "HIDE_MESSAGE");
    assert_eq!(details(&told[0])["item"], "PROPOSAL_MESSAGE");
    let body = run(&app, Some(("ucm", "STAFF")), MESSAGE_REPORTS, json!({})).await;
    let node = &body["data"]["viewer"]["contentReports"]["edges"][0]["node"];
    assert_eq!(node["itemKind"], "PROPOSAL_MESSAGE", "{body}");
    assert_eq!(node["outcome"], "HIDE_MESSAGE", "{body}");
    assert_eq!(node["proposal"]["id"], json!(proposal), "{body}");
    assert!(node["tool"].is_null(), "{body}");
    assert_eq!(node["message"]["hidden"], true, "{body}");
    assert_eq!(node["message"]["body"], "", "{body}");
    // Hidden, it is reported no more; the other message still is, and dismissing that one
    // changes nothing in the thread.
    let again = report(&app, ("liantis", "ORG_ADMIN"), &unizo_message, "OTHER", "?").await;
    assert_eq!(outcome(&again, "reportContent"), "INVALID_STATE", "{again}");
    let filed = report(&app, ("unizo", "STAFF"), &ucm_message, "HARMFUL", "Hm").await;
    let body = resolve(&app, MODERATOR, &report_id(&filed), "DISMISS", "Rien").await;
    assert_eq!(outcome(&body, "resolveContentReport"), "OK", "{body}");
    assert_eq!(
        thread(&app, ("liantis", "STAFF"), &proposal).await[1]["hidden"],
        false
    );
    // A proposal is not a message.
    let body = report(&app, ("ucm", "STAFF"), &proposal, "OTHER", "?").await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
}

/// The first open report of the queue's first group.
async fn group_report(app: &TestApp) -> String {
    queue(app).await["groups"][0]["reports"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_dismissal_is_in_the_tools_moderation_log_without_who_reported() {
    let app = spawn_app().await.with_organisations().await;
    let scan = published_tool(&app, "acerta", "Self-scan stress", "PUBLIC").await;
    let filed = report(&app, ("ucm", "STAFF"), &scan, "INACCURATE", "Faux").await;
    let body = resolve(
        &app,
        MODERATOR,
        &report_id(&filed),
        "DISMISS",
        "Les chiffres sont justes",
    )
    .await;
    assert_eq!(outcome(&body, "resolveContentReport"), "OK", "{body}");
    let log = run(&app, Some(OWNER), LOG, json!({ "id": scan })).await;
    let entries = log["data"]["moderationLog"]["edges"].as_array().unwrap();
    assert_eq!(entries[0]["node"]["action"], "DISMISS_REPORTS", "{log}");
    assert_eq!(entries[0]["node"]["reason"], "Les chiffres sont justes");
    assert!(!log.to_string().to_lowercase().contains("ucm"), "{log}");
    // Nobody else reads that the tool was reported, nor the moderator's reason.
    for who in [None, Some(("liantis", "STAFF")), Some(("ucm", "STAFF"))] {
        let log = run(&app, who, LOG, json!({ "id": scan })).await;
        assert!(log["errors"].is_null(), "{who:?}: {log}");
        assert!(
            !log.to_string().contains("DISMISS_REPORTS"),
            "{who:?}: {log}"
        );
        assert!(!log.to_string().contains("justes"), "{who:?}: {log}");
    }
    // Nothing to contest: a dismissal took nothing away.
    let body = run(
        &app,
        Some(OWNER),
        "query($id: ID!) { moderationLog(toolId: $id) { edges { node { viewerCanAppeal } } } }",
        json!({ "id": scan }),
    )
    .await;
    assert_eq!(
        body["data"]["moderationLog"]["edges"][0]["node"]["viewerCanAppeal"], false,
        "{body}"
    );
}

#[tokio::test]
async fn a_caisse_employee_reports_a_message_from_the_proposal_page_and_sees_it_hidden() {
    let app = spawn_app().await.with_organisations().await;
    let (proposal, unizo_message, _) = thread_with_two_messages(&app).await;
    let path = format!("/collaborations/proposals/{proposal}");
    // UCM's employee is offered Unizo's message, not UCM's own.
    let employee = sign_in(&app, "ucm", "STAFF").await;
    let (_, html) = page(&app, &employee.cookie, &path, Some("fr")).await;
    assert!(html.contains("Signaler un message"), "{html}");
    assert!(
        html.contains(&format!("value=\"{unizo_message}\"")),
        "{html}"
    );
    assert!(!html.contains("Le message de UCM"), "{html}");
    let action = format!("{path}/report");
    let refused = post_report(
        &app,
        &employee,
        &action,
        &unizo_message,
        "PERSONAL_DATA",
        "",
    )
    .await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    assert!(html.contains("value=\"PERSONAL_DATA\" checked"), "{html}");
    assert!(html.contains("id=\"report-text-error\""), "{html}");
    let sent = post_report(
        &app,
        &employee,
        &action,
        &unizo_message,
        "PERSONAL_DATA",
        "Un numéro privé",
    )
    .await;
    assert_eq!(sent.status(), 303);
    let location = sent.headers()[LOCATION].to_str().unwrap().to_owned();
    assert_eq!(location, format!("{path}?done=reported#thread"));
    let (_, html) = page(&app, &employee.cookie, &location, Some("fr")).await;
    assert!(
        html.contains("Merci : votre signalement est envoyé"),
        "{html}"
    );

    // The moderator reads the message in view, and hides it.
    let moderator = sign_in(&app, "inasti", "MODERATOR").await;
    let (_, html) = page(&app, &moderator.cookie, "/moderation", Some("fr")).await;
    assert!(html.contains("Un message de UNIZO"), "{html}");
    assert!(html.contains("0470 12 34 56"), "{html}");
    assert!(html.contains("value=\"HIDE_MESSAGE\""), "{html}");
    assert!(!html.contains("value=\"WITHDRAW_TOOL\""), "{html}");
    let report = input_value(&html, "report");
    let done = post_form(
        &app,
        &moderator,
        "/moderation/reports",
        &[
            ("csrf", &moderator.csrf),
            ("report", &report),
            ("outcome", "HIDE_MESSAGE"),
            ("reason", "Données personnelles"),
        ],
    )
    .await;
    assert_eq!(done.status(), 303);
    // Liantis reads that a moderator hid it, not its words.
    let other = sign_in(&app, "liantis", "STAFF").await;
    let (_, html) = page(&app, &other.cookie, &path, Some("fr")).await;
    assert!(
        html.contains("Un modérateur a masqué ce message."),
        "{html}"
    );
    assert!(!html.contains("0470 12 34 56"), "{html}");
    // Unizo reads its own message, and why it was hidden.
    let author = sign_in(&app, "unizo", "STAFF").await;
    let (_, html) = page(&app, &author.cookie, &path, Some("fr")).await;
    assert!(html.contains("0470 12 34 56"), "{html}");
    assert!(html.contains("Données personnelles"), "{html}");
}
