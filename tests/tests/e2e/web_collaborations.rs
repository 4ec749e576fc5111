//! The collaboration and organisation pages over HTTP: proposals answered and discussed,
//! responsibility transferred with the record checked, the yearly account shown only to those
//! who may read it. What a browser does with them is in `web_browser.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::TestApp;
use commons_tests::collaborations::{disable_append_only, joint_service, propose, record};
use commons_tests::spawn_app;
use commons_tests::web::{WebSession, client, csrf_of, sign_in};
use reqwest::header::{COOKIE, LOCATION};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

async fn page(app: &TestApp, session: &WebSession, path: &str) -> (u16, String) {
    commons_tests::web::page(app, &session.cookie, path, None).await
}

async fn post(
    app: &TestApp,
    session: &WebSession,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client()
        .post(format!("{}{path}", app.address))
        .header(COOKIE, &session.cookie)
        .form(form)
        .send()
        .await
        .unwrap()
}

fn proposal_path(id: &str) -> String {
    format!("/collaborations/proposals/{id}")
}

fn service_path(id: &str) -> String {
    format!("/collaborations/services/{id}")
}

async fn thread(app: &TestApp, proposal: &str) -> Value {
    let body = app
        .graphql_as(
            &app.login_as("inasti", "MODERATOR"),
            "query($id: ID!) { node(id: $id) { ... on CollaborationProposal {
               status jointService { id } targets { caisse { slug } response message }
               messages(first: 10) { totalCount nodes { body organisation { slug } } } } } }",
            json!({ "id": proposal }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["node"].clone()
}

#[tokio::test]
async fn a_caisse_discusses_and_accepts_a_proposal_from_its_pages() {
    let app = spawn_app().await.with_organisations().await;
    let proposal = propose(&app, "unizo", &["acerta", "ucm"]).await;
    let acerta = sign_in(&app, "acerta", "STAFF").await;
    let link = format!("href=\"{}\"", proposal_path(&proposal));

    let (status, received) = page(&app, &acerta, "/collaborations?direction=RECEIVED").await;
    assert_eq!(status, 200);
    assert!(received.contains(&link), "{received}");
    assert!(received.contains("Ateliers de prévention du burn-out"));
    let (_, sent) = page(&app, &acerta, "/collaborations?direction=SENT").await;
    assert!(!sent.contains(&link), "Acerta did not send it");

    let path = proposal_path(&proposal);
    let (status, html) = page(&app, &acerta, &path).await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"answer\" value=\"accept\""), "{html}");
    assert!(html.contains("id=\"message-body\""));

    // An empty message: the error next to its field, nothing posted.
    let empty = post(
        &app,
        &acerta,
        &format!("{path}/messages"),
        &[("csrf", &acerta.csrf), ("body", "  ")],
    )
    .await;
    assert_eq!(empty.status(), 400);
    let html = empty.text().await.unwrap();
    assert!(
        html.contains("aria-invalid=\"true\" aria-describedby=\"message-body-error\""),
        "{html}"
    );
    assert!(html.contains("id=\"message-body-error\">This field is required."));
    // A form from elsewhere: refused, nothing posted.
    let forged = post(
        &app,
        &acerta,
        &format!("{path}/messages"),
        &[("csrf", "forged"), ("body", "Spam")],
    )
    .await;
    assert_eq!(forged.status(), 403);
    assert_eq!(thread(&app, &proposal).await["messages"]["totalCount"], 0);

    let posted = post(
        &app,
        &acerta,
        &format!("{path}/messages"),
        &[
            ("csrf", &acerta.csrf),
            ("body", "Pouvez-vous animer en néerlandais aussi ?"),
        ],
    )
    .await;
    assert_eq!(posted.status(), 303);
    assert_eq!(posted.headers()[LOCATION], format!("{path}#thread"));
    let now = thread(&app, &proposal).await;
    assert_eq!(now["messages"]["totalCount"], 1);
    assert_eq!(
        now["messages"]["nodes"][0]["organisation"]["slug"],
        "acerta"
    );

    // No choice: said next to the choice, and no answer recorded.
    let unanswered = post(
        &app,
        &acerta,
        &format!("{path}/answer"),
        &[("csrf", &acerta.csrf), ("message", "Oui")],
    )
    .await;
    assert_eq!(unanswered.status(), 400);
    let html = unanswered.text().await.unwrap();
    assert!(html.contains("id=\"answer-error\""), "{html}");
    assert!(html.contains(">Oui</textarea>"), "the note typed is kept");

    let accepted = post(
        &app,
        &acerta,
        &format!("{path}/answer"),
        &[
            ("csrf", &acerta.csrf),
            ("answer", "accept"),
            ("message", "Nous portons le service."),
        ],
    )
    .await;
    assert_eq!(accepted.status(), 303);
    let now = thread(&app, &proposal).await;
    let acerta_target = now["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["caisse"]["slug"] == "acerta")
        .unwrap()
        .clone();
    assert_eq!(acerta_target["response"], "ACCEPTED", "{now}");
    assert_eq!(acerta_target["message"], "Nous portons le service.");
    let service = now["jointService"]["id"].as_str().unwrap().to_owned();
    let (_, html) = page(&app, &acerta, &path).await;
    assert!(html.contains(&format!("href=\"{}\"", service_path(&service))));
    assert!(!html.contains("name=\"answer\""), "answered once");

    // The proposer reads the thread and may withdraw while UCM has not answered.
    let unizo = sign_in(&app, "unizo", "STAFF").await;
    let (_, html) = page(&app, &unizo, &path).await;
    assert!(html.contains("Pouvez-vous animer en néerlandais aussi ?"));
    assert!(html.contains("/withdraw\""), "{html}");
    assert!(
        !html.contains("name=\"answer\""),
        "a partner does not answer"
    );
    // A caisse it was not addressed to does not see it.
    let liantis = sign_in(&app, "liantis", "STAFF").await;
    let (status, _) = page(&app, &liantis, &path).await;
    assert_eq!(status, 404);

    // Anonymous visitors are sent to sign in.
    let anonymous = client()
        .get(format!("{}/collaborations", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 303);
    assert_eq!(anonymous.headers()[LOCATION], "/sign-in");
}

#[tokio::test]
async fn responsibility_moves_by_transfer_from_the_pages_and_the_record_is_checked() {
    let app = spawn_app().await.with_organisations().await;
    let service = joint_service(&app, "unizo", "acerta").await;
    let path = service_path(&service);
    let ucm_id = app.organisation_id("ucm").await;

    // Staff see the service and its verified record, but not the transfer form.
    let staff = sign_in(&app, "acerta", "STAFF").await;
    let (status, html) = page(&app, &staff, &path).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("class=\"verified\" id=\"verification\""),
        "{html}"
    );
    assert!(html.contains("Record verified: 1 entry, the hash chain is intact"));
    assert!(!html.contains("name=\"caisse\""));

    let admin = sign_in(&app, "acerta", "ORG_ADMIN").await;
    let (_, html) = page(&app, &admin, &path).await;
    assert!(html.contains("id=\"transfer-caisse\""), "{html}");
    assert!(
        !html.contains(&format!(
            "value=\"{}\">Acerta",
            app.organisation_id("acerta").await
        )),
        "the responsible caisse is not offered to itself"
    );
    // Without a reason: the error beside the field, no transfer.
    let refused = post(
        &app,
        &admin,
        &format!("{path}/transfer"),
        &[("csrf", &admin.csrf), ("caisse", &ucm_id), ("reason", "")],
    )
    .await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"transfer-reason-error\""), "{html}");
    assert!(
        html.contains(&format!("value=\"{ucm_id}\" selected")),
        "the choice is kept"
    );
    let proposed = post(
        &app,
        &admin,
        &format!("{path}/transfer"),
        &[
            ("csrf", &admin.csrf),
            ("caisse", &ucm_id),
            ("reason", "UCM coordonne la Wallonie"),
        ],
    )
    .await;
    assert_eq!(proposed.status(), 303);

    // UCM's admin sees the pending transfer and accepts it.
    let ucm = sign_in(&app, "ucm", "ORG_ADMIN").await;
    let (status, html) = page(&app, &ucm, &path).await;
    assert_eq!(status, 200);
    let marker = "name=\"transfer\" value=\"";
    let at = html.find(marker).expect("the pending transfer's form") + marker.len();
    let transfer = html[at..at + html[at..].find('"').unwrap()].to_owned();
    assert!(html.contains("/transfer/accept\""));
    let accepted = post(
        &app,
        &ucm,
        &format!("{path}/transfer/accept"),
        &[("csrf", &ucm.csrf), ("transfer", &transfer)],
    )
    .await;
    assert_eq!(accepted.status(), 303);
    let entries = record(&app, &service).await;
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1]["caisse"]["slug"], "ucm");
    let (_, html) = page(&app, &ucm, &path).await;
    assert!(
        html.contains("Record verified: 2 entries, the hash chain is intact"),
        "{html}"
    );
    assert!(html.contains("UCM coordonne la Wallonie"));
    // A notification's subject (the transfer) leads to the service's page.
    let go = client()
        .get(format!("{}/go/{transfer}", app.address))
        .header(COOKIE, &ucm.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(go.status(), 303);
    assert_eq!(go.headers()[LOCATION], path.as_str());
    let (status, _) = page(&app, &ucm, "/go/bm90aGluZw").await;
    assert_eq!(status, 404);

    // A forger with database access alters an entry: the page says where the chain breaks.
    disable_append_only(&app).await;
    app.services
        .db
        .execute_unprepared(
            "UPDATE responsibility_entries SET reason = 'nothing happened' WHERE sequence = 2",
        )
        .await
        .unwrap();
    let (_, html) = page(&app, &ucm, &path).await;
    assert!(
        html.contains("class=\"broken\" id=\"verification\""),
        "{html}"
    );
    assert!(html.contains("Record broken at entry 2"), "{html}");

    // A caisse with no part in it does not see it.
    let liantis = sign_in(&app, "liantis", "ORG_ADMIN").await;
    let (status, _) = page(&app, &liantis, &path).await;
    assert_eq!(status, 404);
}

/// `4161600.00` as the English page writes it: `€4,161,600.00`.
fn euros(amount: &str) -> String {
    let (whole, cents) = amount.split_once('.').unwrap();
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("€{out}.{cents}")
}

#[tokio::test]
async fn the_yearly_account_is_shown_to_the_caisse_and_inasti_with_its_chart() {
    let app = spawn_app().await.with_demo().await;
    let year = 2025;
    let acerta_id = app.organisation_id("acerta").await;
    let api = app
        .graphql_as(
            &app.login_as("acerta", "STAFF"),
            "query($id: ID!, $year: Int!) {
               activityReport(caisseId: $id, year: $year) { figures { perCategory { category offerings } } }
               fundingAllocation(year: $year) { shares { caisse { slug } totalEur } } }",
            json!({ "id": acerta_id, "year": year }),
        )
        .await;
    assert!(api["errors"].is_null(), "{api}");
    let per_category = api["data"]["activityReport"]["figures"]["perCategory"]
        .as_array()
        .unwrap()
        .clone();
    let most = per_category
        .iter()
        .map(|c| c["offerings"].as_i64().unwrap())
        .max()
        .unwrap();
    assert!(most > 0, "the demo's caisse offered something in {year}");
    let total = api["data"]["fundingAllocation"]["shares"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["caisse"]["slug"] == "acerta")
        .unwrap()["totalEur"]
        .as_str()
        .unwrap()
        .to_owned();

    let path = format!("/organisations/acerta?year={year}&lang=en");
    for (org, role) in [("acerta", "STAFF"), ("inasti", "MODERATOR")] {
        let session = sign_in(&app, org, role).await;
        let (status, html) = page(&app, &session, &path).await;
        assert_eq!(status, 200, "{org}");
        assert!(
            html.contains(&format!("Yearly account {year}")),
            "{org}: {html}"
        );
        // The chart: an SVG picture named for assistive technology, one bar per category,
        // the largest filling the room, and the same figures in a table beside it.
        assert!(html.contains("<svg class=\"chart\""), "{html}");
        assert!(html.contains(
            "role=\"img\" aria-labelledby=\"offerings-chart-title offerings-chart-desc\""
        ));
        assert_eq!(html.matches("<rect ").count(), per_category.len());
        assert!(
            html.contains("width=\"340\""),
            "the largest bar fills the room"
        );
        for c in &per_category {
            let name = match c["category"].as_str().unwrap() {
                "AWARENESS_PROMOTION" => "Awareness and promotion",
                "ORIENTATION_SUPPORT" => "Orientation and support",
                "EARLY_DETECTION" => "Early detection",
                "SECONDARY_PREVENTION" => "Secondary prevention",
                "FRONTLINE_TRAINING" => "Front-line training",
                other => panic!("{other}"),
            };
            // Each cell names its column, for the phone's layout of one list per row.
            let row = format!("<th scope=\"row\" data-label=\"Categories\">{name}</th>");
            let at = html.find(&row).unwrap_or_else(|| panic!("{row}"));
            let offerings = format!("data-label=\"Offerings\">{}</td></tr>", c["offerings"]);
            assert!(
                html[at..].find(&offerings).is_some_and(|n| n < 200),
                "{name}: {offerings}"
            );
        }
        assert!(html.contains("id=\"compliance\""));
        assert!(html.contains(&euros(&total)), "{}: {html}", euros(&total));
        assert!(html.contains(&format!("href=\"/reports/{year}/funding.csv\"")));
        // The funding CSV the page links to opens with the browser's session.
        let csv = client()
            .get(format!("{}/reports/{year}/funding.csv", app.address))
            .header(COOKIE, &session.cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(csv.status(), 200);
        assert!(csv.text().await.unwrap().contains("acerta"));
    }

    // Another caisse sees the profile and tools, not the account.
    let ucm = sign_in(&app, "ucm", "STAFF").await;
    let (status, html) = page(&app, &ucm, &path).await;
    assert_eq!(status, 200);
    assert!(html.contains("<h1>Acerta"), "{html}");
    assert!(!html.contains("Yearly account") && !html.contains("<svg"));
    // Anonymous visitors: the profile and public tools, no services nor account.
    let anonymous = client()
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(anonymous.contains("<h1>Acerta"));
    assert!(!anonymous.contains("Yearly account") && !anonymous.contains("org-services-title"));
    // A year out of range falls back to the last year ended; a slug that names nobody is a 404 page.
    let (status, html) = page(&app, &ucm, "/organisations/ucm?year=1900&lang=en").await;
    assert_eq!(status, 200);
    let last_year = chrono::Datelike::year(&chrono::Utc::now()) - 1;
    assert!(
        html.contains(&format!("Yearly account {last_year}")),
        "the last year ended: {html}"
    );
    let (status, html) = page(&app, &ucm, "/organisations/nobody").await;
    assert_eq!(status, 404);
    assert!(html.contains("Page not found"));
    let long = format!("/organisations/{}", "a".repeat(5000));
    let (status, _) = page(&app, &ucm, &long).await;
    assert!(status == 404 || status == 414 || status == 431, "{status}");
}

#[tokio::test]
async fn the_header_leads_to_collaborations_and_the_visitors_organisation() {
    let app = spawn_app().await.with_organisations().await;
    let session = sign_in(&app, "liantis", "STAFF").await;
    let (_, html) = page(&app, &session, "/").await;
    assert!(html.contains("href=\"/collaborations\""));
    assert!(html.contains("href=\"/organisations/liantis\""));
    assert_eq!(csrf_of(&html), session.csrf);
}

async fn proposal_count(app: &TestApp) -> i64 {
    let body = app
        .graphql_as(
            &app.login_as("inasti", "MODERATOR"),
            "{ collaborationProposals(first: 1) { totalCount } }",
            json!({}),
        )
        .await;
    body["data"]["collaborationProposals"]["totalCount"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_partner_proposes_a_collaboration_from_the_form() {
    let app = spawn_app().await.with_organisations().await;
    let unizo = sign_in(&app, "unizo", "STAFF").await;
    let acerta = app.organisation_id("acerta").await;
    let (status, html) = page(&app, &unizo, "/collaborations/new?lang=en").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("name=\"target\" value=\"{acerta}\"")),
        "{html}"
    );

    // Nothing filled in: each field says what it lacks, listed at the top; nothing is sent.
    let empty = post(
        &app,
        &unizo,
        "/collaborations/new",
        &[("csrf", &unizo.csrf)],
    )
    .await;
    assert_eq!(empty.status(), 400);
    let html = empty.text().await.unwrap();
    assert!(html.contains("id=\"error-summary-title\""), "{html}");
    for field in [
        "title",
        "description",
        "category",
        "target",
        "starts_on",
        "reply_by",
    ] {
        assert!(
            html.contains(&format!("id=\"{field}-error\"")),
            "{field}: {html}"
        );
    }
    assert_eq!(proposal_count(&app).await, 0);

    let reply_by = (chrono::Utc::now() + chrono::Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    let mut fields = vec![
        ("csrf", unizo.csrf.as_str()),
        ("lang", "NL"),
        ("title", "Lerende netwerken voor starters"),
        (
            "description",
            "Maandelijkse netwerken van acht starters met een coach.",
        ),
        ("category", "SECONDARY_PREVENTION"),
        ("contribution", "Coaches en vergaderruimtes"),
        ("role", "TRAINER"),
        ("region", "Vlaanderen"),
        ("starts_on", "2027-03-01"),
        ("ends_on", "2027-02-01"),
        ("target", acerta.as_str()),
        ("reply_by", reply_by.as_str()),
    ];
    // Ending before it starts: the API's error comes back next to the field, the text kept.
    let refused = post(&app, &unizo, "/collaborations/new", &fields).await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"ends_on-error\""), "{html}");
    assert!(html.contains("value=\"Lerende netwerken voor starters\""));
    assert!(html.contains(&format!("value=\"{acerta}\" checked")));
    assert_eq!(proposal_count(&app).await, 0);

    fields.retain(|(k, _)| *k != "ends_on");
    fields.push(("ends_on", "2027-12-31"));
    let sent = post(&app, &unizo, "/collaborations/new", &fields).await;
    assert_eq!(sent.status(), 303);
    let to = sent.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(to.starts_with("/collaborations/proposals/"), "{to}");
    assert_eq!(proposal_count(&app).await, 1);
    // Acerta finds it among the proposals it received, waiting for its answer.
    let acerta_staff = sign_in(&app, "acerta", "STAFF").await;
    let (_, html) = page(&app, &acerta_staff, &to).await;
    assert!(html.contains("Lerende netwerken voor starters"), "{html}");
    assert!(html.contains("name=\"answer\" value=\"accept\""));
}

async fn report_status(app: &TestApp, year: i32) -> Value {
    let body = app
        .graphql_as(
            &app.login_as("inasti", "MODERATOR"),
            "query($id: ID!, $year: Int!) { activityReport(caisseId: $id, year: $year) {
               status narrative history { step comment } } }",
            json!({ "id": app.organisation_id("acerta").await, "year": year }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["activityReport"].clone()
}

#[tokio::test]
async fn a_caisse_submits_its_report_and_inasti_returns_then_accepts_it_from_the_pages() {
    let app = spawn_app().await.with_organisations().await;
    let year = chrono::Datelike::year(&chrono::Utc::now()) - 1;
    let path = "/organisations/acerta";
    // Staff read the account but do not submit: that is for the caisse's admins.
    let staff = sign_in(&app, "acerta", "STAFF").await;
    let (_, html) = page(&app, &staff, path).await;
    assert!(html.contains("id=\"account-title\""));
    assert!(!html.contains("id=\"narrative\""));

    let admin = sign_in(&app, "acerta", "ORG_ADMIN").await;
    let (_, html) = page(&app, &admin, path).await;
    assert!(html.contains("id=\"narrative\""), "{html}");
    let year_text = year.to_string();
    let empty = post(
        &app,
        &admin,
        &format!("{path}/report"),
        &[
            ("csrf", &admin.csrf),
            ("year", &year_text),
            ("narrative", " "),
        ],
    )
    .await;
    assert_eq!(empty.status(), 400);
    assert!(
        empty
            .text()
            .await
            .unwrap()
            .contains("id=\"narrative-error\"")
    );
    assert_eq!(report_status(&app, year).await["status"], "DRAFT");
    let narrative = "Nous avons renforcé l'orientation vers l'aide psychologique.";
    let submitted = post(
        &app,
        &admin,
        &format!("{path}/report"),
        &[
            ("csrf", &admin.csrf),
            ("year", &year_text),
            ("narrative", narrative),
        ],
    )
    .await;
    assert_eq!(submitted.status(), 303);
    let report = report_status(&app, year).await;
    assert_eq!(report["status"], "SUBMITTED", "{report}");
    assert_eq!(report["narrative"], narrative);

    // INASTI's moderator returns it: without a comment the API refuses, said by the field.
    let inasti = sign_in(&app, "inasti", "MODERATOR").await;
    let (_, html) = page(&app, &inasti, &format!("{path}?year={year}&lang=en")).await;
    let marker = "name=\"report\" value=\"";
    let at = html.find(marker).expect("the review form") + marker.len();
    let report_id = html[at..at + html[at..].find('"').unwrap()].to_owned();
    let bare = post(
        &app,
        &inasti,
        &format!("{path}/report/review"),
        &[
            ("csrf", &inasti.csrf),
            ("year", &year_text),
            ("report", &report_id),
            ("decision", "RETURN"),
        ],
    )
    .await;
    assert_eq!(bare.status(), 400);
    let html = bare.text().await.unwrap();
    assert!(
        html.contains("id=\"report-comment-error\"") || html.contains("id=\"report-notice\""),
        "{html}"
    );
    assert_eq!(report_status(&app, year).await["status"], "SUBMITTED");
    let returned = post(
        &app,
        &inasti,
        &format!("{path}/report/review"),
        &[
            ("csrf", &inasti.csrf),
            ("year", &year_text),
            ("report", &report_id),
            ("decision", "RETURN"),
            ("comment", "Ajoutez le nombre de personnes orientées."),
        ],
    )
    .await;
    assert_eq!(returned.status(), 303);
    assert_eq!(report_status(&app, year).await["status"], "RETURNED");

    // Returned: the admin sees the comment and submits again; INASTI accepts.
    let (_, html) = page(&app, &admin, path).await;
    assert!(
        html.contains("Ajoutez le nombre de personnes orientées."),
        "{html}"
    );
    let again = post(
        &app,
        &admin,
        &format!("{path}/report"),
        &[
            ("csrf", &admin.csrf),
            ("year", &year_text),
            ("narrative", "Avec 41 personnes orientées."),
        ],
    )
    .await;
    assert_eq!(again.status(), 303);
    let accepted = post(
        &app,
        &inasti,
        &format!("{path}/report/review"),
        &[
            ("csrf", &inasti.csrf),
            ("year", &year_text),
            ("report", &report_id),
            ("decision", "ACCEPT"),
        ],
    )
    .await;
    assert_eq!(accepted.status(), 303);
    let report = report_status(&app, year).await;
    assert_eq!(report["status"], "ACCEPTED", "{report}");
    let (_, html) = page(&app, &admin, path).await;
    assert!(
        !html.contains("id=\"narrative\""),
        "an accepted report is final"
    );
}
