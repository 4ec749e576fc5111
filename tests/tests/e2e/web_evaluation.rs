//! The evaluation on the pages: a caisse's staff enter the year's indicators beside its
//! report, INASTI's moderators evaluate an accepted report and approve another's evaluation,
//! a platform admin publishes the year, the CGG reads it, records its advice and looks at three
//! years — each refused input kept and explained, each change confirmed, in four languages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::tools::outcome;
use commons_tests::web::{WebSession, page, post_form_as, sign_in};
use commons_tests::{TestApp, spawn_app};
use reqwest::header::LOCATION;
use serde_json::{Value, json};

use super::evaluation::{evaluate_year, second_moderator};

async fn api(app: &TestApp, token: &str, query: &str, field: &str, input: Value) -> Value {
    let body = app
        .graphql_as(token, query, json!({ "input": input }))
        .await;
    assert_eq!(outcome(&body, field), "OK", "{field}: {body}");
    body["data"][field].clone()
}

async fn post(
    app: &TestApp,
    session: &WebSession,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut all = vec![("csrf", session.csrf.as_str())];
    all.extend_from_slice(fields);
    post_form_as(app, session, "fr", path, &all).await
}

fn location(response: &reqwest::Response) -> String {
    response.headers()[LOCATION].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_caisse_enters_its_indicators_and_inasti_evaluates_with_four_eyes_on_the_pages() {
    let app = spawn_app().await.with_organisations().await;
    app.services
        .clock
        .set(Some("2026-03-01T09:00:00Z".parse().unwrap()));
    let admin = app.login_as("inasti", "PLATFORM_ADMIN");
    api(
        &app,
        &admin,
        "mutation($input: SetIndicatorsInput!) { setIndicators(input: $input) { userErrors { field code message } } }",
        "setIndicators",
        json!({ "year": 2025, "indicators": [
            { "code": "satisfaction", "criterion": "QUALITY", "unit": "PERCENTAGE", "required": true,
              "names": [{ "lang": "FR", "text": "Participants satisfaits" }, { "lang": "NL", "text": "Tevreden deelnemers" }],
              "categories": ["AWARENESS_PROMOTION", "ORIENTATION_SUPPORT"] },
        ] }),
    )
    .await;
    api(
        &app,
        &app.login_as("acerta", "STAFF"),
        "mutation($input: ServiceOfferingInput!) { recordServiceOffering(input: $input) { userErrors { field code message } } }",
        "recordServiceOffering",
        json!({ "year": 2025, "titles": [{ "lang": "FR", "text": "Campagne" }],
                "categories": ["AWARENESS_PROMOTION"], "startsOn": "2025-02-01", "endsOn": "2025-10-31",
                "deliveryModes": ["GROUP"], "scopes": ["REGIONAL"], "regions": [], "peopleReached": 800 }),
    )
    .await;
    let path = "/organisations/acerta";
    let staff = sign_in(&app, "acerta", "STAFF").await;
    let (status, html) = page(
        &app,
        &staff.cookie,
        &format!("{path}?year=2025"),
        Some("fr"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"indicators-title\""), "{html}");
    assert!(html.contains("name=\"v:satisfaction:AWARENESS_PROMOTION\""));
    assert!(
        !html.contains("v:satisfaction:ORIENTATION_SUPPORT"),
        "only the categories the caisse offers"
    );
    assert!(html.contains("id=\"indicators-missing\""));
    assert!(html.contains("un pourcentage de 0 à 100"));
    // Out of bounds, or not a number: refused beside the field, what was typed kept.
    let field = "v:satisfaction:AWARENESS_PROMOTION";
    let refused = post(
        &app,
        &staff,
        &format!("{path}/indicators"),
        &[("year", "2025"), (field, "101")],
    )
    .await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    assert!(html.contains(&format!("id=\"{field}-error\"")), "{html}");
    assert!(html.contains("value=\"101\""));
    assert!(
        html.contains("Cette valeur sort des limites indiquées à côté."),
        "{html}"
    );
    let refused = post(
        &app,
        &staff,
        &format!("{path}/indicators"),
        &[("year", "2025"), (field, "beaucoup")],
    )
    .await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    assert!(html.contains("Donnez un nombre entier."), "{html}");
    let saved = post(
        &app,
        &staff,
        &format!("{path}/indicators"),
        &[("year", "2025"), (field, "84")],
    )
    .await;
    assert_eq!(saved.status(), 303);
    let to = location(&saved);
    assert!(to.contains("done=indicators_saved"), "{to}");
    let (_, html) = page(&app, &staff.cookie, &to, Some("fr")).await;
    assert!(html.contains("Les valeurs sont enregistrées"), "{html}");
    assert!(html.contains("value=\"84\""));
    assert!(!html.contains("id=\"indicators-missing\""));
    // In Dutch, the indicator has its Dutch name.
    let (_, html) = page(
        &app,
        &staff.cookie,
        &format!("{path}?year=2025"),
        Some("nl"),
    )
    .await;
    assert!(html.contains("Tevreden deelnemers"));
    assert!(html.contains("Kwaliteitsindicatoren"));

    // Submitted and accepted through the API, the values are read back and no longer edited.
    let submitted = api(
        &app,
        &app.login_as("acerta", "ORG_ADMIN"),
        "mutation($input: SubmitActivityReportInput!) { submitActivityReport(input: $input) { report { id } userErrors { field code message } } }",
        "submitActivityReport",
        json!({ "year": 2025, "narrative": "Notre année." }),
    )
    .await;
    let report_id = submitted["report"]["id"].clone();
    api(
        &app,
        &app.login_as("inasti", "MODERATOR"),
        "mutation($input: ReviewActivityReportInput!) { reviewActivityReport(input: $input) { userErrors { field code message } } }",
        "reviewActivityReport",
        json!({ "reportId": report_id, "decision": "ACCEPT" }),
    )
    .await;
    let (_, html) = page(
        &app,
        &staff.cookie,
        &format!("{path}?year=2025"),
        Some("fr"),
    )
    .await;
    assert!(
        !html.contains(&format!("name=\"{field}\"")),
        "read only now"
    );
    assert!(html.contains(">84 <"), "{html}");
    assert!(
        !html.contains("id=\"evaluation-title\""),
        "no evaluation for the caisse yet"
    );

    // A moderator evaluates on the page: a missing text is refused, the scores kept.
    let moderator = sign_in(&app, "inasti", "MODERATOR").await;
    let (_, html) = page(
        &app,
        &moderator.cookie,
        &format!("{path}?year=2025"),
        Some("fr"),
    )
    .await;
    assert!(html.contains("name=\"score:QUALITY\""), "{html}");
    let report = report_id.as_str().unwrap();
    let mut form = vec![
        ("year", "2025"),
        ("report", report),
        ("text", " "),
        ("weight", "1,2"),
    ];
    let scores = [
        ("score:DEMAND_DRIVEN", "4"),
        ("score:INTERACTION", "3"),
        ("score:CONTEXT", "4"),
        ("score:COOPERATION", "5"),
        ("score:QUALITY", "4"),
    ];
    form.extend_from_slice(&scores);
    let refused = post(&app, &moderator, &format!("{path}/evaluation"), &form).await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"evaluation-text-error\""), "{html}");
    assert!(html.contains("value=\"5\" checked"), "the scores are kept");
    form[2] = (
        "text",
        "Une offre solide, à élargir à la détection précoce.",
    );
    let recorded = post(&app, &moderator, &format!("{path}/evaluation"), &form).await;
    assert_eq!(recorded.status(), 303);
    let (_, html) = page(&app, &moderator.cookie, &location(&recorded), Some("fr")).await;
    assert!(html.contains("évaluation est enregistrée"));
    assert!(html.contains("Proposée, en attente d&#39;un second modérateur"));
    assert!(!html.contains("evaluation/approve"), "not by its author");
    assert!(
        html.contains("<dd>1,2</dd>"),
        "the weight typed as French writes it: {html}"
    );

    // Another moderator rewrites it through the API; the first approves it on the page.
    let second = second_moderator(&app);
    let scores_json: Vec<Value> = [
        "DEMAND_DRIVEN",
        "INTERACTION",
        "CONTEXT",
        "COOPERATION",
        "QUALITY",
    ]
    .iter()
    .map(|c| json!({ "criterion": c, "score": 4 }))
    .collect();
    api(
        &app,
        &second,
        "mutation($input: RecordEvaluationInput!) { recordEvaluation(input: $input) { userErrors { field code message } } }",
        "recordEvaluation",
        json!({ "reportId": report_id, "scores": scores_json, "text": "Une offre solide.", "suggestedWeight": "1.15" }),
    )
    .await;
    let (_, html) = page(
        &app,
        &moderator.cookie,
        &format!("{path}?year=2025"),
        Some("fr"),
    )
    .await;
    assert!(html.contains("evaluation/approve"), "{html}");
    let version = html
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let evaluation = html
        .split("name=\"evaluation\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let stale = post(
        &app,
        &moderator,
        &format!("{path}/evaluation/approve"),
        &[
            ("year", "2025"),
            ("evaluation", &evaluation),
            ("version", "1"),
        ],
    )
    .await;
    assert_eq!(stale.status(), 400);
    let approved = post(
        &app,
        &moderator,
        &format!("{path}/evaluation/approve"),
        &[
            ("year", "2025"),
            ("evaluation", &evaluation),
            ("version", &version),
        ],
    )
    .await;
    assert_eq!(approved.status(), 303);
    // The caisse reads it now, in German too.
    let (_, html) = page(
        &app,
        &staff.cookie,
        &format!("{path}?year=2025"),
        Some("de"),
    )
    .await;
    assert!(html.contains("Evaluierung durch das LISVS"), "{html}");
    assert!(html.contains("Genehmigt"));
    assert!(html.contains("1,15"), "a decimal as German writes it");
    assert!(
        !html.contains("name=\"score:QUALITY\""),
        "no form for the caisse"
    );
}

#[tokio::test]
async fn inasti_publishes_the_year_and_the_cgg_reads_it_and_gives_its_advice_on_the_pages() {
    let app = spawn_app().await.with_organisations().await;
    app.services
        .clock
        .set(Some("2026-03-01T09:00:00Z".parse().unwrap()));
    evaluate_year(&app, 2025, |i| format!("1.{i}")).await;
    // A caisse has no evaluation pages; nor has an anonymous visitor.
    let caisse = sign_in(&app, "acerta", "ORG_ADMIN").await;
    let (status, html) = page(&app, &caisse.cookie, "/evaluations?year=2025", Some("fr")).await;
    assert_eq!(status, 403, "{html}");
    assert!(!html.contains("href=\"/evaluations\""));
    let (status, _) = page(&app, "", "/evaluations?year=2025", Some("fr")).await;
    assert_ne!(status, 200);

    // The platform admin sees every caisse ready, and publishes.
    let admin = sign_in(&app, "inasti", "PLATFORM_ADMIN").await;
    let (status, html) = page(&app, &admin.cookie, "/evaluations?year=2025", Some("fr")).await;
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/evaluations\""), "the header's link");
    assert!(html.contains("id=\"progress-title\""));
    assert_eq!(html.matches(">Approuvée<").count(), 9, "{html}");
    assert!(html.contains("action=\"/evaluations/2025/publish\""));
    let published = post(&app, &admin, "/evaluations/2025/publish", &[]).await;
    assert_eq!(published.status(), 303);
    let (_, html) = page(&app, &admin.cookie, &location(&published), Some("fr")).await;
    assert!(html.contains("année est publiée"), "{html}");
    assert!(html.contains("href=\"/reports/2025/evaluation.csv\""));
    assert!(
        !html.contains("action=\"/evaluations/2025/publish\""),
        "once"
    );
    let again = post(&app, &admin, "/evaluations/2025/publish", &[]).await;
    assert_eq!(again.status(), 400, "refused and said");

    // The CGG reads it in its languages, with no progress of the caisses.
    let cgg = sign_in(&app, "cgg", "CGG_MEMBER").await;
    for (lang, title) in [
        ("fr", "Évaluation de 2025"),
        ("nl", "Evaluatie van 2025"),
        ("de", "Evaluierung 2025"),
        ("en", "Evaluation of 2025"),
    ] {
        let (status, html) = page(&app, &cgg.cookie, "/evaluations?year=2025", Some(lang)).await;
        assert_eq!(status, 200, "{lang}");
        assert!(html.contains(title), "{lang}: {html}");
        assert!(!html.contains("id=\"progress-title\""), "{lang}");
    }
    let (_, html) = page(&app, &cgg.cookie, "/evaluations?year=2025", Some("fr")).await;
    assert!(html.contains("Le Comité n&#39;a pas encore rendu son avis."));
    // A date before the publication is refused beside its field, the text kept.
    let text = "Le Comité salue la couverture des catégories obligatoires.";
    let refused = post(
        &app,
        &cgg,
        "/evaluations/2025/advice",
        &[("text", text), ("given_on", "2026-02-01")],
    )
    .await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"advice-date-error\""), "{html}");
    assert!(html.contains(text));
    let given = post(
        &app,
        &cgg,
        "/evaluations/2025/advice",
        &[("text", text), ("given_on", "2026-03-01")],
    )
    .await;
    assert_eq!(given.status(), 303);
    let (_, html) = page(&app, &cgg.cookie, &location(&given), Some("fr")).await;
    assert!(html.contains("avis du Comité est enregistré"));
    assert!(html.contains("id=\"advice-text\""));
    assert!(
        !html.contains("action=\"/evaluations/2025/advice\""),
        "once"
    );

    // Three years side by side: charts and tables, the years not published said.
    let (status, html) = page(
        &app,
        &cgg.cookie,
        "/evaluations/trend?from=2024",
        Some("fr"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("Trois années : de 2024 à 2026"), "{html}");
    assert_eq!(html.matches("<svg class=\"chart\"").count(), 2);
    assert!(html.contains("id=\"trend-unpublished\""));
    assert!(html.contains("2024, 2026"));
    assert!(html.contains("href=\"/reports/2024/trend.csv\""));
    let (_, html) = page(
        &app,
        &cgg.cookie,
        "/evaluations/trend?from=2024",
        Some("nl"),
    )
    .await;
    assert!(html.contains("Drie jaar: 2024 tot 2026"));
}
