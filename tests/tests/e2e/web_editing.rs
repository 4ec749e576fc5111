//! Changing tools through the pages over HTTP, and what a hostile or unlucky browser meets:
//! forms without a session or with a forged token, bodies and files over the limits, an edit
//! based on an older revision, another organisation's tool, a decision without its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::tools::{self, draft_tool, tool_in_review};
use commons_tests::web::{WebSession, client, page, sign_in};
use commons_tests::{TestApp, spawn_app, spawn_app_with};
use reqwest::header::{ACCEPT_LANGUAGE, CONTENT_TYPE, COOKIE, LOCATION};
use serde_json::{Value, json};

const LATEST: &str = "query($id: ID!) { node(id: $id) { ... on Tool { status
  latest { number status title kind tags audiences quality { scientificBasis } attachments { title } } } } }";

async fn latest(app: &TestApp, id: &str) -> Value {
    let token = app.login_as("acerta", "STAFF");
    let body = app.graphql_as(&token, LATEST, json!({ "id": id })).await;
    body["data"]["node"].clone()
}

async fn post_form(
    app: &TestApp,
    session: Option<&WebSession>,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = client()
        .post(format!("{}{path}", app.address))
        .header(ACCEPT_LANGUAGE, "en")
        .form(fields);
    if let Some(session) = session {
        request = request.header(COOKIE, &session.cookie);
    }
    request.send().await.unwrap()
}

async fn tool_count(app: &TestApp) -> i64 {
    let token = app.login_as("acerta", "STAFF");
    let body = app
        .graphql_as(&token, "{ tools(first: 1) { totalCount } }", json!({}))
        .await;
    body["data"]["tools"]["totalCount"].as_i64().unwrap()
}

fn new_tool<'a>(csrf: &'a str, title: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("kind", "WORKSHOP_FORMAT"),
        ("category", "AWARENESS_PROMOTION"),
        ("visibility", "NETWORK"),
        ("licence", "CC-BY-4.0"),
        ("title_fr", title),
        ("summary_fr", "Deux heures pour les indépendants."),
    ]
}

#[tokio::test]
async fn forms_that_change_things_need_a_session_and_its_token() {
    let app = spawn_app().await.with_organisations().await;
    let before = tool_count(&app).await;
    // No session: sent to sign in, nothing made.
    let anonymous = post_form(&app, None, "/tools/new", &new_tool("x", "Atelier")).await;
    assert_eq!(anonymous.status(), 303);
    assert_eq!(anonymous.headers()[LOCATION], "/sign-in");
    // A session, but a token from elsewhere: refused, nothing made.
    let session = sign_in(&app, "acerta", "STAFF").await;
    let forged = post_form(
        &app,
        Some(&session),
        "/tools/new",
        &new_tool("forged", "Atelier"),
    )
    .await;
    assert_eq!(forged.status(), 403);
    assert_eq!(tool_count(&app).await, before);
    // With both, the tool is made and the browser sent to its next step.
    let made = post_form(
        &app,
        Some(&session),
        "/tools/new",
        &new_tool(&session.csrf, "Atelier"),
    )
    .await;
    assert_eq!(made.status(), 303);
    let location = made.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(location.starts_with("/tools/"), "{location}");
    assert_eq!(tool_count(&app).await, before + 1);
}

#[tokio::test]
async fn the_apis_field_errors_come_back_next_to_their_fields_with_what_was_typed() {
    let app = spawn_app().await.with_organisations().await;
    let session = sign_in(&app, "acerta", "STAFF").await;
    let long_title = "t".repeat(201);
    let mut fields = new_tool(&session.csrf, &long_title);
    fields.retain(|(k, _)| *k != "category");
    fields.push(("title_nl", "Workshop"));
    fields.push(("summary_nl", ""));
    let refused = post_form(&app, Some(&session), "/tools/new", &fields).await;
    assert_eq!(refused.status(), 400);
    let page = refused.text().await.unwrap();
    // The title too long in French, the Dutch summary missing, no category: each next to
    // its field, each in the summary at the top, linked to its field.
    for id in ["title_fr-error", "summary_nl-error", "categories-error"] {
        assert!(page.contains(&format!("id=\"{id}\"")), "{id} in {page}");
    }
    assert!(page.contains("href=\"#title_fr\"") && page.contains("href=\"#summary_nl\""));
    assert!(page.contains(&long_title), "what was typed is kept");
    assert_eq!(tool_count(&app).await, 0);
}

#[tokio::test]
async fn an_edit_keeps_what_the_form_does_not_show() {
    let app = spawn_app().await.with_organisations().await;
    let id = draft_tool(&app, "acerta", "Auto-test de stress", "NETWORK").await;
    let session = sign_in(&app, "acerta", "STAFF").await;
    let form = client()
        .get(format!("{}/tools/{id}/edit", app.address))
        .header(COOKIE, &session.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    let page = form.text().await.unwrap();
    assert!(
        page.contains("value=\"Auto-test de stress\"")
            && page.contains("name=\"base_revision\" value=\"1\"")
    );
    let mut fields = new_tool(&session.csrf, "Auto-test de stress, version 2");
    fields.push(("base_revision", "1"));
    fields.push(("tags", "stress, sommeil"));
    let saved = post_form(&app, Some(&session), &format!("/tools/{id}/edit"), &fields).await;
    assert_eq!(saved.status(), 303);
    let tool = latest(&app, &id).await;
    assert_eq!(tool["latest"]["number"], 2);
    assert_eq!(tool["latest"]["title"], "Auto-test de stress, version 2");
    assert_eq!(tool["latest"]["kind"], "WORKSHOP_FORMAT");
    assert_eq!(tool["latest"]["tags"], json!(["stress", "sommeil"]));
    // Not on the form, carried over from revision 1.
    assert_eq!(tool["latest"]["audiences"], json!(["ALL_SELF_EMPLOYED"]));
}

#[tokio::test]
async fn an_edit_based_on_an_older_revision_is_explained_and_nothing_is_lost() {
    let app = spawn_app().await.with_organisations().await;
    let id = draft_tool(&app, "acerta", "Auto-test de stress", "NETWORK").await;
    // A colleague saves revision 2 through the API meanwhile.
    let token = app.login_as("acerta", "STAFF");
    tools::ok(
        &app,
        &token,
        tools::UPDATE,
        "updateTool",
        json!({ "toolId": id, "baseRevision": 1, "content": tools::content("La version du collègue", "NETWORK") }),
    )
    .await;
    let session = sign_in(&app, "acerta", "STAFF").await;
    let mut fields = new_tool(&session.csrf, "Ma version");
    fields.push(("base_revision", "1"));
    let conflict = post_form(&app, Some(&session), &format!("/tools/{id}/edit"), &fields).await;
    assert_eq!(conflict.status(), 409);
    let page = conflict.text().await.unwrap();
    assert!(page.contains("id=\"form-notice\""), "{page}");
    assert!(
        page.contains("value=\"Ma version\""),
        "the visitor's text is kept"
    );
    // Saving again is now based on the latest revision, knowingly.
    assert!(
        page.contains("name=\"base_revision\" value=\"2\""),
        "{page}"
    );
    assert_eq!(
        latest(&app, &id).await["latest"]["title"],
        "La version du collègue"
    );
}

#[tokio::test]
async fn another_organisations_tool_cannot_be_edited_or_given_files_from_the_pages() {
    let app = spawn_app().await.with_organisations().await;
    let id = draft_tool(&app, "acerta", "Auto-test de stress", "NETWORK").await;
    let session = sign_in(&app, "liantis", "STAFF").await;
    let form = client()
        .get(format!("{}/tools/{id}/edit", app.address))
        .header(COOKIE, &session.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 404);
    let mut fields = new_tool(&session.csrf, "Repris");
    fields.push(("base_revision", "1"));
    let edit = post_form(&app, Some(&session), &format!("/tools/{id}/edit"), &fields).await;
    assert_eq!(edit.status(), 404);
    let upload = multipart(&app, &session, &id, &session.csrf, 1024).await;
    assert!(upload.status().is_client_error(), "{}", upload.status());
    let tool = latest(&app, &id).await;
    assert_eq!(tool["latest"]["number"], 1);
    assert_eq!(tool["latest"]["attachments"], json!([]));
}

/// Posts the upload form with a PDF of about `bytes` bytes.
async fn multipart(
    app: &TestApp,
    session: &WebSession,
    id: &str,
    csrf: &str,
    bytes: usize,
) -> reqwest::Response {
    let path = format!("/tools/{id}/attachments");
    multipart_to(app, session, &path, csrf, bytes).await
}

/// A PDF of about `bytes` sent with the upload form to `path`.
async fn multipart_to(
    app: &TestApp,
    session: &WebSession,
    path: &str,
    csrf: &str,
    bytes: usize,
) -> reqwest::Response {
    let mut pdf = commons_tests::files::pdf_with_text("Guide");
    pdf.resize(bytes.max(pdf.len()), b' ');
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_owned())
        .text("title", "Guide")
        .text("language", "FR")
        .part(
            "file",
            reqwest::multipart::Part::bytes(pdf)
                .file_name("guide.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    client()
        .post(format!("{}{path}", app.address))
        .header(COOKIE, &session.cookie)
        .header(ACCEPT_LANGUAGE, "en")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn files_and_forms_over_the_limits_are_refused_and_nothing_is_kept() {
    let app = spawn_app_with(|c| {
        c.limits.upload_bytes = 64 * 1024;
        c.limits.body_bytes = 32 * 1024;
    })
    .await
    .with_organisations()
    .await;
    let id = draft_tool(&app, "acerta", "Auto-test de stress", "NETWORK").await;
    let session = sign_in(&app, "acerta", "STAFF").await;
    // A forged token: refused before the file is read.
    let forged = multipart(&app, &session, &id, "forged", 1024).await;
    assert_eq!(forged.status(), 403);
    // A file over `limits.upload_bytes`: said next to the file field.
    let large = multipart(&app, &session, &id, &session.csrf, 200 * 1024).await;
    assert_eq!(large.status(), 413);
    let page = large.text().await.unwrap();
    assert!(page.contains("id=\"attach-file-error\""), "{page}");
    assert_eq!(latest(&app, &id).await["latest"]["attachments"], json!([]));
    // Within the limit: attached, and the browser sent back to the tool's documents.
    let fits = multipart(&app, &session, &id, &session.csrf, 32 * 1024).await;
    assert_eq!(fits.status(), 303);
    assert_eq!(
        latest(&app, &id).await["latest"]["attachments"],
        json!([{ "title": "Guide" }])
    );
    // A form body over `limits.body_bytes`.
    let huge = "b".repeat(40 * 1024);
    let mut fields = new_tool(&session.csrf, "Atelier");
    fields.push(("body_fr", &huge));
    let refused = post_form(&app, Some(&session), "/tools/new", &fields).await;
    assert_eq!(refused.status(), 413);
    // Not a multipart body at all.
    let wrong = client()
        .post(format!("{}/tools/{id}/attachments", app.address))
        .header(COOKIE, &session.cookie)
        .header(CONTENT_TYPE, "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 400);
}

#[tokio::test]
async fn sending_a_tool_back_needs_a_reason_and_the_decision_is_logged() {
    let app = spawn_app().await.with_organisations().await;
    let id = tool_in_review(&app, "acerta", "Auto-test de stress", "NETWORK").await;
    let moderator = sign_in(&app, "inasti", "MODERATOR").await;
    let queue = client()
        .get(format!("{}/moderation", app.address))
        .header(COOKIE, &moderator.cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(queue.contains("Auto-test de stress") && queue.contains("<table class=\"changes"));
    // A new tool is read whole before the decision: its description and documents, open,
    // above the decision form.
    let submitted = queue.find("<details class=\"submitted\" open>").unwrap();
    let description = queue.find("Répondez aux questions.").unwrap();
    let form = queue.find("action=\"/tools/").unwrap();
    assert!(submitted < description && description < form, "{queue}");
    let path = format!("/tools/{id}/decision");
    let without = post_form(
        &app,
        Some(&moderator),
        &path,
        &[
            ("csrf", &moderator.csrf),
            ("revision", "1"),
            ("decision", "REQUEST_CHANGES"),
        ],
    )
    .await;
    assert_eq!(without.status(), 400);
    assert!(
        without
            .text()
            .await
            .unwrap()
            .contains("id=\"reason-error-tool\"")
    );
    assert_eq!(latest(&app, &id).await["status"], "IN_REVIEW");
    let with = post_form(
        &app,
        Some(&moderator),
        &path,
        &[
            ("csrf", &moderator.csrf),
            ("revision", "1"),
            ("decision", "REQUEST_CHANGES"),
            ("reason", "Ajoutez la source du questionnaire."),
            ("back", "/moderation"),
        ],
    )
    .await;
    assert_eq!(with.status(), 303);
    // Back to the queue, which confirms the decision and says what happens next.
    assert_eq!(
        with.headers()[LOCATION],
        "/moderation?done=decided_REQUEST_CHANGES"
    );
    let queue = client()
        .get(format!(
            "{}/moderation?done=decided_REQUEST_CHANGES",
            app.address
        ))
        .header(COOKIE, &moderator.cookie)
        .header(ACCEPT_LANGUAGE, "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        queue.contains("<h2 id=\"banner-title\">Changes requested</h2>"),
        "{queue}"
    );
    assert_eq!(
        latest(&app, &id).await["latest"]["status"],
        "CHANGES_REQUESTED"
    );
    // The owner reads the reason in the tool's moderation log.
    let owner = sign_in(&app, "acerta", "STAFF").await;
    let page = client()
        .get(format!("{}/tools/{id}", app.address))
        .header(COOKIE, &owner.cookie)
        .header(ACCEPT_LANGUAGE, "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Changes requested on revision 1")
            && page.contains("Ajoutez la source du questionnaire."),
        "{page}"
    );
    // Only moderators see the queue.
    let queue = client()
        .get(format!("{}/moderation", app.address))
        .header(COOKIE, &owner.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(queue.status(), 403);
}

#[tokio::test]
async fn a_decision_on_a_tool_reaches_its_owners_notifications_and_the_header_count() {
    let app = spawn_app().await.with_organisations().await;
    let session = sign_in(&app, "acerta", "STAFF").await;
    let count = || async {
        let response = client()
            .get(format!("{}/notifications/count", app.address))
            .header(COOKIE, &session.cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json::<Value>().await.unwrap()["unread"].clone()
    };
    assert_eq!(count().await, json!(0));
    let id = tool_in_review(&app, "acerta", "Auto-test de stress", "NETWORK").await;
    let token = app.login_as("inasti", "MODERATOR");
    tools::ok(
        &app,
        &token,
        tools::DECIDE,
        "decideOnTool",
        json!({ "toolId": id, "revision": 1, "decision": "APPROVE" }),
    )
    .await;
    assert_eq!(count().await, json!(1));
    let page = client()
        .get(format!("{}/notifications", app.address))
        .header(COOKIE, &session.cookie)
        .header(ACCEPT_LANGUAGE, "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Notifications (1)"),
        "the header counts it: {page}"
    );
    assert!(
        page.contains("Your tool is approved and published")
            && page.contains("Auto-test de stress")
    );
    // Marking read needs the session's token.
    let forged = post_form(
        &app,
        Some(&session),
        "/notifications/read",
        &[("csrf", "forged")],
    )
    .await;
    assert_eq!(forged.status(), 403);
    assert_eq!(count().await, json!(1));
    let read = post_form(
        &app,
        Some(&session),
        "/notifications/read",
        &[("csrf", &session.csrf)],
    )
    .await;
    assert_eq!(read.status(), 303);
    assert_eq!(count().await, json!(0));
    // Without a session there is nothing to count.
    let anonymous = client()
        .get(format!("{}/notifications/count", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn any_two_revisions_are_compared_within_what_the_visitor_may_read() {
    let app = spawn_app().await.with_organisations().await;
    let id = tools::published_tool(&app, "acerta", "Auto-test du stress", "NETWORK").await;
    let token = app.login_as("acerta", "STAFF");
    for (base, title) in [
        (1, "Auto-test du stress, deuxième version"),
        (2, "Auto-test du stress et du sommeil"),
    ] {
        tools::ok(
            &app,
            &token,
            tools::UPDATE,
            "updateTool",
            json!({ "toolId": id, "baseRevision": base, "content": tools::content(title, "NETWORK") }),
        )
        .await;
    }
    // The owner compares the first revision with the third.
    let owner = sign_in(&app, "acerta", "STAFF").await;
    let page = client()
        .get(format!("{}/tools/{id}?from=1&to=3&lang=en", app.address))
        .header(COOKIE, &owner.cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Changes from revision 1 to revision 3"),
        "{page}"
    );
    assert!(page.contains("<del>Auto-test du stress</del>"), "{page}");
    assert!(page.contains("<ins>Auto-test du stress et du sommeil</ins>"));
    assert!(page.contains("<select id=\"compare-from\" name=\"from\">"));
    // Another caisse reads only the published revision: the drafts are not compared for it.
    let other = sign_in(&app, "ucm", "STAFF").await;
    let page = client()
        .get(format!("{}/tools/{id}?from=1&to=3&lang=en", app.address))
        .header(COOKIE, &other.cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("These revisions cannot be compared"),
        "{page}"
    );
    assert!(
        !page.contains("et du sommeil"),
        "a draft's words stay with its owner"
    );
}

#[tokio::test]
async fn another_organisation_uses_and_reviews_a_published_tool_from_its_page() {
    let app = spawn_app().await.with_organisations().await;
    let id = tools::published_tool(&app, "acerta", "Auto-test du stress", "NETWORK").await;
    let path = format!("/tools/{id}");
    let ucm = sign_in(&app, "ucm", "STAFF").await;
    let used = post_form(
        &app,
        Some(&ucm),
        &format!("{path}/adoption"),
        &[
            ("csrf", &ucm.csrf),
            ("action", "use"),
            ("note", "Dans nos ateliers"),
        ],
    )
    .await;
    assert_eq!(used.status(), 303);
    // No rating: the error next to it, nothing recorded.
    let unrated = post_form(
        &app,
        Some(&ucm),
        &format!("{path}/review"),
        &[("csrf", &ucm.csrf), ("comment", "Très utile")],
    )
    .await;
    assert_eq!(unrated.status(), 400);
    let page = unrated.text().await.unwrap();
    assert!(page.contains("id=\"rating-error\""), "{page}");
    assert!(page.contains(">Très utile</textarea>"));
    let rated = post_form(
        &app,
        Some(&ucm),
        &format!("{path}/review"),
        &[
            ("csrf", &ucm.csrf),
            ("rating", "4"),
            ("comment", "Très utile"),
        ],
    )
    .await;
    assert_eq!(rated.status(), 303);
    let body = app
        .graphql_as(
            &app.login_as("acerta", "STAFF"),
            "query($id: ID!) { node(id: $id) { ... on Tool { adoptionCount
               adoptions(first: 5) { nodes { note organisation { slug } } }
               rating { average count } reviews(first: 5) { nodes { rating comment organisation { slug } } } } } }",
            json!({ "id": id }),
        )
        .await;
    let tool = &body["data"]["node"];
    assert_eq!(tool["adoptionCount"], 1, "{body}");
    assert_eq!(tool["adoptions"]["nodes"][0]["note"], "Dans nos ateliers");
    assert_eq!(tool["rating"]["count"], 1);
    assert_eq!(tool["reviews"]["nodes"][0]["rating"], 4);
    // The page now says UCM uses it, and offers to stop.
    let page = client()
        .get(format!("{}{path}?lang=en", app.address))
        .header(COOKIE, &ucm.cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Your organisation uses this tool."), "{page}");
    assert!(page.contains("name=\"action\" value=\"stop\""));
    // The owner neither adopts nor reviews its own tool from its page.
    let acerta = sign_in(&app, "acerta", "STAFF").await;
    let page = client()
        .get(format!("{}{path}?lang=en", app.address))
        .header(COOKIE, &acerta.cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("id=\"peer-title\""));
    // And its own review is refused by the API, said on the page, nothing recorded.
    let own = post_form(
        &app,
        Some(&acerta),
        &format!("{path}/review"),
        &[("csrf", &acerta.csrf), ("rating", "5")],
    )
    .await;
    assert!(
        own.status() == 400 || own.status() == 403,
        "{}",
        own.status()
    );
    let stopped = post_form(
        &app,
        Some(&ucm),
        &format!("{path}/adoption"),
        &[("csrf", &ucm.csrf), ("action", "stop")],
    )
    .await;
    assert_eq!(stopped.status(), 303);
    let count = app
        .graphql_as(
            &app.login_as("acerta", "STAFF"),
            "query($id: ID!) { node(id: $id) { ... on Tool { adoptionCount rating { count } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(count["data"]["node"]["adoptionCount"], 0, "{count}");
    assert_eq!(count["data"]["node"]["rating"]["count"], 1);
}

/// Reads a Server-Sent Events stream until `needle` arrives; panics if the stream ends first
/// or nothing comes for 30 s (a bound for a broken server, not a measure of speed).
async fn wait_for_event(response: &mut reqwest::Response, needle: &str) -> String {
    let mut seen = String::new();
    loop {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(30), response.chunk())
            .await
            .unwrap_or_else(|_| panic!("no {needle} within 30 s; seen: {seen}"))
            .unwrap()
            .unwrap_or_else(|| panic!("the stream ended before {needle}; seen: {seen}"));
        seen.push_str(&String::from_utf8_lossy(&chunk));
        if seen.contains(needle) {
            return seen;
        }
    }
}

#[tokio::test]
async fn the_header_count_is_told_live_when_a_notification_arrives() {
    // The session is checked again at each ping: often here, so that signing out shows soon.
    let app = spawn_app_with(|c| c.notifications.websocket_ping_ms = 300)
        .await
        .with_organisations()
        .await;
    let anonymous = client()
        .get(format!("{}/notifications/live", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);

    let session = sign_in(&app, "acerta", "STAFF").await;
    let mut stream = client()
        .get(format!("{}/notifications/live", app.address))
        .header(COOKIE, &session.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    assert_eq!(stream.headers()[CONTENT_TYPE], "text/event-stream");
    // Another caisse's tool decided: nothing for Acerta. Then Acerta's own: told at once.
    let others = tool_in_review(&app, "ucm", "Auto-test de l'UCM", "NETWORK").await;
    let acertas = tool_in_review(&app, "acerta", "Auto-test de stress", "NETWORK").await;
    let token = app.login_as("inasti", "MODERATOR");
    for id in [&others, &acertas] {
        tools::ok(
            &app,
            &token,
            tools::DECIDE,
            "decideOnTool",
            json!({ "toolId": id, "revision": 1, "decision": "APPROVE" }),
        )
        .await;
    }
    let seen = wait_for_event(&mut stream, "event: notification").await;
    // Two checks later, still one: UCM's decision (made first) was not told to Acerta.
    let after = seen.len();
    let mut seen = seen;
    while seen[after..].matches(": still here").count() < 2 {
        seen = format!(
            "{seen}{}",
            wait_for_event(&mut stream, ": still here").await
        );
    }
    assert_eq!(seen.matches("event: notification").count(), 1, "{seen}");
    let count: Value = client()
        .get(format!("{}/notifications/count", app.address))
        .header(COOKIE, &session.cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(count["unread"], 1);

    // Signed out, the stream ends at its next check of the session.
    let out = post_form(
        &app,
        Some(&session),
        "/sign-out",
        &[("csrf", &session.csrf)],
    )
    .await;
    assert_eq!(out.status(), 303);
    let ended = tokio::time::timeout(std::time::Duration::from_secs(60), async {
        while let Ok(Some(_)) = stream.chunk().await {}
    })
    .await;
    assert!(ended.is_ok(), "the stream of a session that ended stops");
}

/// The path and query of a redirect, percent-encoding as the pages write an id.
fn located(response: &reqwest::Response) -> String {
    response.headers()[LOCATION].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn sharing_a_tool_is_a_form_that_guides_then_a_check_of_the_answers_with_the_files() {
    let app = spawn_app().await.with_organisations().await;
    let session = sign_in(&app, "acerta", "STAFF").await;
    let (status, form) = page(&app, &session.cookie, "/tools/new", Some("fr")).await;
    assert_eq!(status, 200);
    // One language open, the page's; the others offered on demand, closed while empty.
    let french = form.find("id=\"title_fr\"").unwrap();
    let dutch = form.find("id=\"title_nl\"").unwrap();
    assert!(
        !form[..french].contains("<details class=\"language\""),
        "{form}"
    );
    assert!(
        form[..dutch].contains("<details class=\"language\">")
            && form.contains("Ajouter une version en néerlandais (facultatif)"),
        "{form}"
    );
    // What may be left empty says so; the licence is a choice in words, the most open that
    // names its authors chosen for a new tool.
    for field in ["tags", "duration", "contact", "cost", "body_fr"] {
        let label = &form[form.find(&format!("<label for=\"{field}\">")).unwrap()..];
        let label = &label[..label.find("</label>").unwrap()];
        assert!(
            label.contains("<span class=\"optional\">(facultatif)</span>"),
            "{label}"
        );
    }
    for field in ["kind", "title_fr", "summary_fr"] {
        let label = &form[form.find(&format!("<label for=\"{field}\">")).unwrap()..];
        let label = &label[..label.find("</label>").unwrap()];
        assert!(!label.contains("optional"), "{label}");
    }
    assert!(
        form.contains("value=\"CC-BY-4.0\" id=\"licence\" checked"),
        "{form}"
    );
    assert!(form.contains("Réutilisation sur demande"), "{form}");
    assert!(!form.contains("Un identifiant SPDX comme"), "{form}");

    // Another licence chosen but not named: refused next to the licence, the choice kept.
    let mut fields = new_tool(&session.csrf, "Atelier « Souffler »");
    fields.retain(|(k, _)| *k != "licence");
    fields.extend([("licence", "OTHER"), ("licence_other", "")]);
    let refused = post_form(&app, Some(&session), "/tools/new", &fields).await;
    assert_eq!(refused.status(), 400);
    let again = refused.text().await.unwrap();
    assert!(again.contains("id=\"licence-error\""), "{again}");
    assert!(again.contains("value=\"OTHER\" checked"), "{again}");
    assert_eq!(tool_count(&app).await, 0);

    // Named, with what is optional partly given: saved as a draft, and the next step is the
    // check of the answers.
    fields.retain(|(k, _)| *k != "licence_other");
    fields.extend([
        ("licence_other", "MIT"),
        ("duration", "deux heures"),
        ("cost", "12.50"),
        ("title_nl", "Workshop « Even ademen »"),
        ("summary_nl", "Twee uur voor zelfstandigen."),
    ]);
    let saved = post_form(&app, Some(&session), "/tools/new", &fields).await;
    assert_eq!(saved.status(), 303);
    let check = located(&saved);
    assert!(
        check.starts_with("/tools/") && check.ends_with("/check?done=saved"),
        "{check}"
    );
    let path = check.trim_end_matches("?done=saved").to_owned();
    let edit = path.replace("/check", "/edit");
    let (status, answers) = page(&app, &session.cookie, &check, Some("fr")).await;
    assert_eq!(status, 200);
    assert!(answers.contains("Étape 2 sur 2"), "{answers}");
    assert!(answers.contains("class=\"banner success\""), "{answers}");
    // Every answer in words, each with the way back to its field; French before Dutch, each
    // text marked with its language.
    for (label, value, anchor) in [
        ("Type d&#39;outil", "Format d&#39;atelier", "kind"),
        ("Titre (français)", "Atelier « Souffler »", "title_fr"),
        (
            "Titre (néerlandais)",
            "Workshop « Even ademen »",
            "title_nl",
        ),
        ("Durée", "deux heures", "duration"),
        ("Contact", "Non renseigné", "contact"),
    ] {
        let row = answers
            .find(&format!("<dt>{label}</dt>"))
            .unwrap_or_else(|| panic!("{label} in {answers}"));
        let rest = &answers[row..];
        let rest = &rest[..rest.find("</div>").unwrap()];
        assert!(rest.contains(value), "{label}: {value} in {rest}");
        assert!(
            rest.contains(&format!("href=\"{edit}#{anchor}\"")),
            "{label}: {anchor} in {rest}"
        );
    }
    assert!(answers.find("Titre (français)") < answers.find("Titre (néerlandais)"));
    assert!(answers.contains("<dd lang=\"nl\">Workshop"), "{answers}");
    assert!(answers.contains("12,50 €"), "{answers}");
    assert!(answers.contains("MIT"), "{answers}");
    assert!(answers.contains(&format!(
        "action=\"{}/submit\"",
        path.trim_end_matches("/check")
    )));

    // A file added here, in the same flow, comes back here with its confirmation; a file
    // missing is explained here too.
    let upload = format!("{}/attachments?from=check", path.trim_end_matches("/check"));
    assert!(
        answers.contains(&format!("action=\"{upload}\"")),
        "{answers}"
    );
    let attached = multipart_to(&app, &session, &upload, &session.csrf, 1024).await;
    assert_eq!(attached.status(), 303);
    assert_eq!(
        located(&attached),
        format!("{path}?done=attached#files-title")
    );
    let (_, with_file) = page(&app, &session.cookie, &path, Some("fr")).await;
    assert!(with_file.contains("guide.pdf"), "{with_file}");
    let empty = reqwest::multipart::Form::new().text("csrf", session.csrf.clone());
    let missing = client()
        .post(format!("{}{upload}", app.address))
        .header(COOKIE, &session.cookie)
        .header(ACCEPT_LANGUAGE, "en")
        .multipart(empty)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 400);
    let missing = missing.text().await.unwrap();
    assert!(
        missing.contains("Check your answers before submitting")
            && missing.contains("id=\"attach-file-error\""),
        "{missing}"
    );

    // The tool's own page leads to this step rather than submitting past it.
    let tool = path.trim_end_matches("/check").to_owned();
    let (_, tool_page) = page(&app, &session.cookie, &tool, Some("fr")).await;
    assert!(
        tool_page.contains(&format!("href=\"{path}\"")),
        "{tool_page}"
    );
    assert!(!tool_page.contains("/submit\""), "{tool_page}");

    // Another organisation cannot read this step; after submitting, there is nothing to
    // submit and the page says why.
    let other = sign_in(&app, "liantis", "STAFF").await;
    let (status, _) = page(&app, &other.cookie, &path, Some("fr")).await;
    assert_eq!(status, 404);
    let submitted = post_form(
        &app,
        Some(&session),
        &format!("{tool}/submit"),
        &[("csrf", &session.csrf), ("revision", "1")],
    )
    .await;
    assert_eq!(submitted.status(), 303);
    let (_, after) = page(&app, &session.cookie, &path, Some("fr")).await;
    assert!(
        after.contains("Statut de la dernière révision : en modération."),
        "{after}"
    );
    assert!(!after.contains("/submit\""), "{after}");
    // Sent again from this step (an older tab), it is refused here, saying why.
    let again = post_form(
        &app,
        Some(&session),
        &format!("{tool}/submit"),
        &[
            ("csrf", &session.csrf),
            ("revision", "1"),
            ("from", "check"),
        ],
    )
    .await;
    assert_eq!(again.status(), 400);
    let again = again.text().await.unwrap();
    assert!(
        again.contains("Check your answers before submitting")
            && again.contains("id=\"action-error\""),
        "{again}"
    );
}

#[tokio::test]
async fn a_tool_past_its_review_date_says_so_and_its_organisation_confirms_it() {
    let app = spawn_app().await.with_organisations().await;
    let id = tools::published_tool(&app, "acerta", "Auto-test de stress", "NETWORK").await;
    let path = format!("/tools/{}", id.replace('=', "%3D"));
    let session = sign_in(&app, "acerta", "STAFF").await;
    let other = sign_in(&app, "liantis", "STAFF").await;
    let (_, fresh) = page(&app, &session.cookie, &path, Some("fr")).await;
    assert!(!fresh.contains("id=\"outdated\""), "{fresh}");
    assert!(
        fresh.contains(&format!("action=\"{path}/current\"")),
        "{fresh}"
    );
    let (_, theirs) = page(&app, &other.cookie, &path, Some("fr")).await;
    assert!(
        !theirs.contains("/current\""),
        "only its organisation confirms"
    );

    // A year and a day later: the page, search and the organisation's list say so.
    // (Sessions end meanwhile, on the service's clock: both sign in again.)
    app.services
        .clock
        .set(Some(chrono::Utc::now() + chrono::Duration::days(366)));
    let session = sign_in(&app, "acerta", "STAFF").await;
    let other = sign_in(&app, "liantis", "STAFF").await;
    let (_, old) = page(&app, &other.cookie, &path, Some("fr")).await;
    assert!(
        old.contains("id=\"outdated\">Peut-être plus à jour : à revoir depuis le "),
        "{old}"
    );
    app.wait_for_index().await;
    let (_, found) = page(&app, &other.cookie, "/?q=stress", Some("fr")).await;
    assert!(
        found.contains("<span class=\"badge outdated\">peut-être plus à jour</span>"),
        "{found}"
    );
    let (_, listed) = page(&app, &other.cookie, "/organisations/acerta", Some("fr")).await;
    assert!(listed.contains("badge outdated"), "{listed}");
    // The search's filter leaves it out.
    let (_, current) = page(&app, &other.cookie, "/?q=stress&current=1", Some("fr")).await;
    assert!(
        current.contains("id=\"current\" name=\"current\" value=\"1\" checked")
            && !current.contains(&format!("href=\"{path}\"")),
        "{current}"
    );
    // INASTI's moderators see it counted against its organisation.
    let moderator = sign_in(&app, "inasti", "MODERATOR").await;
    let (_, queue) = page(&app, &moderator.cookie, "/moderation", Some("fr")).await;
    let row = &queue[queue
        .find("href=\"/organisations/acerta\"")
        .unwrap_or_else(|| panic!("{queue}"))..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains("data-label=\"Date de revue passée\">1</td>"),
        "{row}"
    );
    // And in which languages each organisation publishes, with a chart and the CSV.
    assert!(
        queue.contains("id=\"coverage-title\"")
            && queue.contains("<svg class=\"chart\"")
            && queue.contains("href=\"/reports/language-coverage.csv\""),
        "{queue}"
    );

    // Its organisation confirms it, and it is current again.
    let confirmed = post_form(
        &app,
        Some(&session),
        &format!("{path}/current"),
        &[("csrf", &session.csrf)],
    )
    .await;
    assert_eq!(confirmed.status(), 303);
    assert_eq!(located(&confirmed), format!("{path}?done=confirmed"));
    let (_, now) = page(&app, &other.cookie, &path, Some("fr")).await;
    assert!(!now.contains("id=\"outdated\""), "{now}");
    // Another organisation's attempt is refused, as the API refuses it.
    let refused = post_form(
        &app,
        Some(&other),
        &format!("{path}/current"),
        &[("csrf", &other.csrf)],
    )
    .await;
    assert_eq!(refused.status(), 403);
}
