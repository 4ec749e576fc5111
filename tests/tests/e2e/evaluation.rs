//! The evaluation loop of the law end to end: quality indicators defined, reported in the
//! caisse's draft, refused when missing or out of bounds, frozen in the report's snapshot;
//! INASTI's evaluation with four eyes; a year's evaluation published only when complete,
//! frozen and hashed; the CGG reads it and records its advice, and nothing else; the approved
//! weights carried into the next year's funding to the cent; the three-year view equal to the
//! yearly figures.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use commons_tests::account::{cents, hamilton, jcs_digest, sha256_hex};
use commons_tests::tools::{CREATE, content, outcome};
use commons_tests::{TestApp, error_code, spawn_app};
use serde_json::{Value, json};

const SET_INDICATORS: &str = "mutation($input: SetIndicatorsInput!) { setIndicators(input: $input) {
  indicators { code criterion unit categories required minimum maximum name(lang: NL) } userErrors { field code message } } }";
const INDICATORS: &str = "query($year: Int!) { indicators(year: $year) { code required } }";
const SET_VALUES: &str = "mutation($input: SetIndicatorValuesInput!) { setIndicatorValues(input: $input) {
  report { status indicators { code category value } missingIndicators { code category } } userErrors { field code message } } }";
const RECORD_OFFERING: &str =
    "mutation($input: ServiceOfferingInput!) { recordServiceOffering(input: $input) {
  offering { id } userErrors { field code message } } }";
const SUBMIT: &str = "mutation($input: SubmitActivityReportInput!) { submitActivityReport(input: $input) {
  report { id status snapshot snapshotSha256 indicators { code category value } } userErrors { field code message } } }";
const REVIEW: &str =
    "mutation($input: ReviewActivityReportInput!) { reviewActivityReport(input: $input) {
  report { status } userErrors { field code message } } }";
const REPORT: &str =
    "query($caisse: ID!, $year: Int!) { activityReport(caisseId: $caisse, year: $year) {
  id status snapshot indicators { code category value } missingIndicators { code category }
  evaluation { id status version suggestedWeight meanScore scores { criterion score } } } }";
const RECORD: &str = "mutation($input: RecordEvaluationInput!) { recordEvaluation(input: $input) {
  evaluation { id status version suggestedWeight meanScore viewerCanApprove } userErrors { field code message } } }";
const APPROVE: &str =
    "mutation($input: ApproveEvaluationInput!) { approveEvaluation(input: $input) {
  evaluation { id status version approvedAt } userErrors { field code message } } }";
const PROGRESS: &str = "query($year: Int!) { evaluationProgress(year: $year) { caisse { slug } readiness reportStatus } }";
const PUBLISH: &str =
    "mutation($input: PublishYearEvaluationInput!) { publishYearEvaluation(input: $input) {
  yearEvaluation { year snapshotSha256 } userErrors { field code message } } }";
const YEAR_EVALUATION: &str = "query($year: Int!) { yearEvaluation(year: $year) {
  year snapshot snapshotSha256 peopleReached caissesCompliant meanScore adoptions jointServices csvUrl
  caisses { caisseSlug compliant offerings peopleReached meanScore weight scores { criterion score } indicators { code category value } }
  coverage { category caisses offerings }
  indicators { code category reported min median max mean }
  criteria { criterion mean }
  advice { text givenOn } } }";
const ADVICE: &str = "mutation($input: RecordCggAdviceInput!) { recordCggAdvice(input: $input) {
  yearEvaluation { advice { text givenOn } } userErrors { field code message } } }";
const TREND: &str = "query($from: Int!) { evaluationTrend(fromYear: $from) {
  fromYear toYear csvUrl years { year published snapshotSha256 peopleReached caissesCompliant meanScore }
  caisses { caisseSlug points { year compliant offerings peopleReached meanScore weight } }
  categories { category points { year caisses offerings } } } }";
const SET_FUNDING: &str = "mutation($input: SetFundingParametersInput!) { setFundingParameters(input: $input) {
  parameters { year weightsFromEvaluation evaluationWeights { caisse { slug } weight } } userErrors { field code message } } }";
const ALLOCATION: &str = "query($year: Int!) { fundingAllocation(year: $year) {
  variablePoolEur shares { caisse { slug } affiliates weight variableEur totalEur } } }";
const SET_COUNTS: &str =
    "mutation($input: SetAffiliateCountsInput!) { setAffiliateCounts(input: $input) {
  userErrors { field code } } }";

const CAISSES: [&str; 9] = [
    "acerta", "liantis", "ucm", "xerius", "partena", "securex", "group-s", "avixi", "hulpkas",
];
const CRITERIA: [&str; 5] = [
    "DEMAND_DRIVEN",
    "INTERACTION",
    "CONTEXT",
    "COOPERATION",
    "QUALITY",
];

fn cgg(app: &TestApp) -> String {
    app.login_as("cgg", "CGG_MEMBER")
}

/// A second INASTI moderator, for the four eyes.
pub(crate) fn second_moderator(app: &TestApp) -> String {
    app.token(json!({ "sub": "second-moderator", "org": "inasti", "roles": ["MODERATOR"] }))
}

async fn run(app: &TestApp, token: Option<&str>, query: &str, input: Value) -> Value {
    let variables = json!({ "input": input });
    match token {
        Some(t) => app.graphql_as(t, query, variables).await,
        None => app.graphql(query, variables).await,
    }
}

async fn query(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    app.graphql_as(token, query, variables).await
}

async fn at(app: &TestApp, when: &str) {
    app.services.clock.set(Some(when.parse().unwrap()));
}

fn offering(year: i32, categories: &[&str], people: i64) -> Value {
    json!({
        "year": year,
        "titles": [{ "lang": "FR", "text": format!("Service {}", categories.join(" + ")) }],
        "categories": categories,
        "startsOn": format!("{year}-02-01"),
        "endsOn": format!("{year}-11-30"),
        "deliveryModes": ["GROUP"],
        "scopes": ["REGIONAL"],
        "regions": ["Bruxelles"],
        "peopleReached": people,
    })
}

async fn must(app: &TestApp, token: &str, q: &str, field: &str, input: Value) -> Value {
    let body = run(app, Some(token), q, input).await;
    assert_eq!(outcome(&body, field), "OK", "{field}: {body}");
    body["data"][field].clone()
}

async fn report(app: &TestApp, token: &str, caisse: &str, year: i32) -> Value {
    let id = app.organisation_id(caisse).await;
    let body = query(app, token, REPORT, json!({ "caisse": id, "year": year })).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["activityReport"].clone()
}

fn field_codes(body: &Value, field: &str) -> Vec<(String, String)> {
    body["data"][field]["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let path: Vec<&str> = e["field"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f.as_str().unwrap())
                .collect();
            (path.join("."), e["code"].as_str().unwrap().to_owned())
        })
        .collect()
}

/// The three indicators of the first test: two required, one optional.
fn indicator_set() -> Value {
    json!([
        { "code": "satisfaction", "criterion": "QUALITY", "unit": "PERCENTAGE", "required": true,
          "names": [{ "lang": "FR", "text": "Participants satisfaits" }, { "lang": "NL", "text": "Tevreden deelnemers" }],
          "categories": ["AWARENESS_PROMOTION", "ORIENTATION_SUPPORT"] },
        { "code": "waiting-days", "criterion": "DEMAND_DRIVEN", "unit": "COUNT", "required": true,
          "names": [{ "lang": "FR", "text": "Jours d'attente" }],
          "categories": ["ORIENTATION_SUPPORT"] },
        { "code": "validated", "criterion": "QUALITY", "unit": "YES_NO",
          "names": [{ "lang": "EN", "text": "Scientifically validated" }],
          "categories": ["EARLY_DETECTION", "SECONDARY_PREVENTION"] },
    ])
}

#[tokio::test]
async fn indicators_are_defined_reported_bounded_and_frozen_with_the_report() {
    let app = spawn_app().await.with_organisations().await;
    at(&app, "2026-03-01T09:00:00Z").await;
    let admin = app.login_as("inasti", "PLATFORM_ADMIN");
    let input = json!({ "year": 2025, "indicators": indicator_set() });
    // Only platform admins set indicators.
    for (token, expected) in [
        (None, "UNAUTHENTICATED"),
        (Some(app.login_as("acerta", "ORG_ADMIN")), "FORBIDDEN"),
        (Some(app.login_as("inasti", "MODERATOR")), "FORBIDDEN"),
        (Some(cgg(&app)), "FORBIDDEN"),
    ] {
        let body = run(&app, token.as_deref(), SET_INDICATORS, input.clone()).await;
        assert_eq!(outcome(&body, "setIndicators"), expected, "{body}");
    }
    // Bad definitions are refused, each where it is, and nothing is written.
    let bad = json!({ "year": 2025, "indicators": [
        { "code": "Satisfaction!", "criterion": "QUALITY", "unit": "PERCENTAGE",
          "names": [{ "lang": "FR", "text": "x" }], "categories": ["AWARENESS_PROMOTION"] },
        { "code": "dup", "criterion": "QUALITY", "unit": "COUNT",
          "names": [], "categories": [] },
        { "code": "dup", "criterion": "QUALITY", "unit": "COUNT",
          "names": [{ "lang": "FR", "text": "y" }], "categories": ["AWARENESS_PROMOTION"] },
    ] });
    let body = run(&app, Some(&admin), SET_INDICATORS, bad).await;
    assert_eq!(
        field_codes(&body, "setIndicators"),
        vec![
            ("indicators.0.code".into(), "INVALID_FORMAT".into()),
            ("indicators.1.names".into(), "REQUIRED".into()),
            ("indicators.1.categories".into(), "REQUIRED".into()),
            ("indicators.2.code".into(), "DUPLICATE".into()),
        ],
        "{body}"
    );
    let far = run(
        &app,
        Some(&admin),
        SET_INDICATORS,
        json!({ "year": 2031, "indicators": [] }),
    )
    .await;
    assert_eq!(outcome(&far, "setIndicators"), "OUT_OF_RANGE");
    let none = app.graphql(INDICATORS, json!({ "year": 2025 })).await;
    assert_eq!(none["data"]["indicators"], json!([]), "{none}");

    let set = must(&app, &admin, SET_INDICATORS, "setIndicators", input).await;
    assert_eq!(set["indicators"][0]["name"], "Tevreden deelnemers");
    assert_eq!(set["indicators"][0]["maximum"], 100);
    assert_eq!(
        set["indicators"][1]["maximum"], 1_000_000,
        "the configured bound"
    );
    assert_eq!(set["indicators"][2]["minimum"], 0);
    // Anyone reads them, like the legal frame.
    let read = app.graphql(INDICATORS, json!({ "year": 2025 })).await;
    assert_eq!(read["data"]["indicators"].as_array().unwrap().len(), 3);

    // Acerta offers awareness and orientation in 2025, not early detection.
    let staff = app.login_as("acerta", "STAFF");
    let two = offering(2025, &["AWARENESS_PROMOTION", "ORIENTATION_SUPPORT"], 400);
    must(&app, &staff, RECORD_OFFERING, "recordServiceOffering", two).await;
    let draft = report(&app, &staff, "acerta", 2025).await;
    assert_eq!(
        draft["missingIndicators"],
        json!([
            { "code": "satisfaction", "category": "AWARENESS_PROMOTION" },
            { "code": "satisfaction", "category": "ORIENTATION_SUPPORT" },
            { "code": "waiting-days", "category": "ORIENTATION_SUPPORT" },
        ]),
        "{draft}"
    );
    // Submitting now is refused, a user error per missing value, and nothing is submitted.
    let org_admin = app.login_as("acerta", "ORG_ADMIN");
    let submit = json!({ "year": 2025, "narrative": "Notre année." });
    let refused = run(&app, Some(&org_admin), SUBMIT, submit.clone()).await;
    assert_eq!(
        field_codes(&refused, "submitActivityReport"),
        vec![
            (
                "indicators.satisfaction.AWARENESS_PROMOTION".into(),
                "REQUIRED".into()
            ),
            (
                "indicators.satisfaction.ORIENTATION_SUPPORT".into(),
                "REQUIRED".into()
            ),
            (
                "indicators.waiting-days.ORIENTATION_SUPPORT".into(),
                "REQUIRED".into()
            ),
        ],
        "{refused}"
    );
    assert_eq!(
        report(&app, &staff, "acerta", 2025).await["status"],
        "DRAFT"
    );

    // Values out of their bounds, for a category not offered or not the indicator's, or of an
    // unknown indicator: each refused where it is, and none of the good ones written either.
    let value = |code: &str, category: &str, v: i64| json!({ "code": code, "category": category, "value": v });
    let bad_values = json!({ "year": 2025, "values": [
        value("satisfaction", "AWARENESS_PROMOTION", 80),
        value("satisfaction", "ORIENTATION_SUPPORT", 101),
        value("waiting-days", "ORIENTATION_SUPPORT", 1_000_001),
        value("waiting-days", "AWARENESS_PROMOTION", 3),
        value("validated", "EARLY_DETECTION", 1),
        value("nothing", "AWARENESS_PROMOTION", 1),
        value("satisfaction", "AWARENESS_PROMOTION", 70),
    ] });
    let body = run(&app, Some(&staff), SET_VALUES, bad_values).await;
    assert_eq!(
        field_codes(&body, "setIndicatorValues"),
        vec![
            ("values.1.value".into(), "OUT_OF_RANGE".into()),
            ("values.2.value".into(), "OUT_OF_RANGE".into()),
            ("values.3.category".into(), "NOT_ALLOWED".into()),
            ("values.4.category".into(), "INVALID_STATE".into()),
            ("values.5.code".into(), "NOT_FOUND".into()),
            ("values.6".into(), "DUPLICATE".into()),
        ],
        "{body}"
    );
    for (v, code) in [(-1, "satisfaction"), (2, "validated")] {
        let category = if code == "validated" {
            "EARLY_DETECTION"
        } else {
            "AWARENESS_PROMOTION"
        };
        let body = run(
            &app,
            Some(&staff),
            SET_VALUES,
            json!({ "year": 2025, "values": [value(code, category, v)] }),
        )
        .await;
        assert_ne!(outcome(&body, "setIndicatorValues"), "OK", "{body}");
    }
    assert_eq!(
        report(&app, &staff, "acerta", 2025).await["indicators"],
        json!([])
    );
    // Only the caisse's own people report its values; a partner or the CGG cannot.
    let good = json!({ "year": 2025, "values": [
        value("satisfaction", "AWARENESS_PROMOTION", 80),
        value("satisfaction", "ORIENTATION_SUPPORT", 100),
        value("waiting-days", "ORIENTATION_SUPPORT", 12),
    ] });
    for (token, expected) in [
        (None, "UNAUTHENTICATED"),
        (Some(app.login_as("unizo", "STAFF")), "FORBIDDEN"),
        (Some(cgg(&app)), "FORBIDDEN"),
        (Some(app.login_as("inasti", "MODERATOR")), "FORBIDDEN"),
    ] {
        let body = run(&app, token.as_deref(), SET_VALUES, good.clone()).await;
        assert_eq!(outcome(&body, "setIndicatorValues"), expected, "{body}");
    }
    let set = must(&app, &staff, SET_VALUES, "setIndicatorValues", good).await;
    assert_eq!(set["report"]["missingIndicators"], json!([]), "{set}");
    // Should the set change before the report is in, a value its new unit does not allow
    // counts as missing, and is not reported.
    let mut as_score = indicator_set();
    as_score[0]["unit"] = json!("SCORE");
    must(
        &app,
        &admin,
        SET_INDICATORS,
        "setIndicators",
        json!({ "year": 2025, "indicators": as_score }),
    )
    .await;
    let changed = report(&app, &staff, "acerta", 2025).await;
    assert_eq!(
        changed["missingIndicators"].as_array().unwrap().len(),
        2,
        "{changed}"
    );
    assert_eq!(
        changed["indicators"],
        json!([{ "code": "waiting-days", "category": "ORIENTATION_SUPPORT", "value": 12 }])
    );
    must(
        &app,
        &admin,
        SET_INDICATORS,
        "setIndicators",
        json!({ "year": 2025, "indicators": indicator_set() }),
    )
    .await;
    assert_eq!(
        report(&app, &staff, "acerta", 2025).await["missingIndicators"],
        json!([])
    );
    // UCM's report knows nothing of Acerta's values.
    let ucm = report(&app, &app.login_as("ucm", "STAFF"), "ucm", 2025).await;
    assert_eq!(ucm["indicators"], json!([]));

    // Submitted: the values are frozen in the snapshot, its digest over exactly those bytes.
    let submitted = must(
        &app,
        &org_admin,
        SUBMIT,
        "submitActivityReport",
        submit.clone(),
    )
    .await;
    let r = &submitted["report"];
    let snapshot = r["snapshot"].as_str().unwrap();
    assert!(
        snapshot.contains(r#""indicators":[{"category":"AWARENESS_PROMOTION","code":"satisfaction","criterion":"QUALITY","unit":"PERCENTAGE","value":80},"#),
        "{snapshot}"
    );
    assert_eq!(sha256_hex(snapshot), r["snapshotSha256"].as_str().unwrap());
    let (digest, canonical) = jcs_digest(snapshot).await;
    assert_eq!(canonical, snapshot, "the snapshot is already canonical");
    assert_eq!(digest, r["snapshotSha256"].as_str().unwrap());
    // A submitted report's values no longer change; the year's indicators are fixed.
    let late = run(
        &app,
        Some(&staff),
        SET_VALUES,
        json!({ "year": 2025, "values": [value("satisfaction", "AWARENESS_PROMOTION", 10)] }),
    )
    .await;
    assert_eq!(outcome(&late, "setIndicatorValues"), "INVALID_STATE");
    let fixed = run(
        &app,
        Some(&admin),
        SET_INDICATORS,
        json!({ "year": 2025, "indicators": [] }),
    )
    .await;
    assert_eq!(outcome(&fixed, "setIndicators"), "INVALID_STATE");
    assert_eq!(
        report(&app, &staff, "acerta", 2025).await["indicators"][0]["value"],
        80
    );

    // Returned, the values are corrected and the new report freezes the new ones.
    let moderator = app.login_as("inasti", "MODERATOR");
    must(
        &app,
        &moderator,
        REVIEW,
        "reviewActivityReport",
        json!({ "reportId": r["id"], "decision": "RETURN", "comment": "La satisfaction semble élevée." }),
    )
    .await;
    must(
        &app,
        &staff,
        SET_VALUES,
        "setIndicatorValues",
        json!({ "year": 2025, "values": [value("satisfaction", "ORIENTATION_SUPPORT", 91)] }),
    )
    .await;
    // While it is returned, the report shows the values it will be submitted with.
    let returned = report(&app, &staff, "acerta", 2025).await;
    assert_eq!(returned["status"], "RETURNED");
    assert!(
        returned["indicators"].as_array().unwrap().contains(
            &json!({ "code": "satisfaction", "category": "ORIENTATION_SUPPORT", "value": 91 })
        ),
        "{returned}"
    );
    let again = must(&app, &org_admin, SUBMIT, "submitActivityReport", submit).await;
    assert!(
        again["report"]["indicators"].as_array().unwrap().contains(
            &json!({ "code": "satisfaction", "category": "ORIENTATION_SUPPORT", "value": 91 })
        ),
        "{again}"
    );
}

/// Runs every caisse's year through: an offering or two, a submitted report, accepted, an
/// evaluation recorded by the first moderator (weights and scores from `weight_of`) and
/// approved by the second. Returns each caisse's (people reached, weight).
pub(crate) async fn evaluate_year(
    app: &TestApp,
    year: i32,
    weight_of: impl Fn(usize) -> String,
) -> BTreeMap<String, (i64, String)> {
    let first = app.login_as("inasti", "MODERATOR");
    let second = second_moderator(app);
    let mut out = BTreeMap::new();
    for (i, slug) in CAISSES.iter().enumerate() {
        let staff = app.login_as(slug, "STAFF");
        let people = 100 * (i as i64 + 1) + i64::from(year % 100);
        // Every third caisse offers awareness only, and so does not comply.
        let categories: &[&str] = if i % 3 == 2 {
            &["AWARENESS_PROMOTION"]
        } else {
            &[
                "AWARENESS_PROMOTION",
                "ORIENTATION_SUPPORT",
                "EARLY_DETECTION",
            ]
        };
        must(
            app,
            &staff,
            RECORD_OFFERING,
            "recordServiceOffering",
            offering(year, categories, people),
        )
        .await;
        let submitted = must(
            app,
            &app.login_as(slug, "ORG_ADMIN"),
            SUBMIT,
            "submitActivityReport",
            json!({ "year": year, "narrative": format!("L'année {year} de {slug}.") }),
        )
        .await;
        let report_id = submitted["report"]["id"].clone();
        must(
            app,
            &first,
            REVIEW,
            "reviewActivityReport",
            json!({ "reportId": report_id, "decision": "ACCEPT" }),
        )
        .await;
        let weight = weight_of(i);
        let scores: Vec<Value> = CRITERIA
            .iter()
            .enumerate()
            .map(|(k, c)| json!({ "criterion": c, "score": 1 + (i + k + year as usize) % 5 }))
            .collect();
        let recorded = must(
            app,
            &first,
            RECORD,
            "recordEvaluation",
            json!({ "reportId": report_id, "scores": scores, "text": "Un service qui répond à la demande.", "suggestedWeight": weight }),
        )
        .await;
        let evaluation = &recorded["evaluation"];
        must(
            app,
            &second,
            APPROVE,
            "approveEvaluation",
            json!({ "evaluationId": evaluation["id"], "expectedVersion": evaluation["version"] }),
        )
        .await;
        out.insert((*slug).to_owned(), (people, weight));
    }
    out
}

#[tokio::test]
async fn an_evaluation_takes_four_eyes_and_a_year_is_published_only_when_complete() {
    let app = spawn_app().await.with_organisations().await;
    at(&app, "2026-03-01T09:00:00Z").await;
    let first = app.login_as("inasti", "MODERATOR");
    let second = second_moderator(&app);
    let acerta_admin = app.login_as("acerta", "ORG_ADMIN");
    let acerta_staff = app.login_as("acerta", "STAFF");
    must(
        &app,
        &acerta_staff,
        RECORD_OFFERING,
        "recordServiceOffering",
        offering(2025, &["AWARENESS_PROMOTION", "ORIENTATION_SUPPORT"], 500),
    )
    .await;
    let submitted = must(
        &app,
        &acerta_admin,
        SUBMIT,
        "submitActivityReport",
        json!({ "year": 2025, "narrative": "Notre année." }),
    )
    .await;
    let report_id = submitted["report"]["id"].clone();
    let scores = |s: i64| -> Vec<Value> {
        CRITERIA
            .iter()
            .map(|c| json!({ "criterion": c, "score": s }))
            .collect()
    };
    let input = json!({ "reportId": report_id, "scores": scores(4), "text": "Solide.", "suggestedWeight": "1.1" });
    // A report waiting for its review is not evaluated yet.
    let early = run(&app, Some(&first), RECORD, input.clone()).await;
    assert_eq!(
        outcome(&early, "recordEvaluation"),
        "INVALID_STATE",
        "{early}"
    );
    must(
        &app,
        &first,
        REVIEW,
        "reviewActivityReport",
        json!({ "reportId": report_id, "decision": "ACCEPT" }),
    )
    .await;
    // Only INASTI's moderators record one.
    for (token, expected) in [
        (None, "UNAUTHENTICATED"),
        (Some(acerta_admin.clone()), "FORBIDDEN"),
        (Some(app.login_as("inasti", "PLATFORM_ADMIN")), "FORBIDDEN"),
        (Some(app.login_as("inasti", "AUDITOR")), "FORBIDDEN"),
        (Some(cgg(&app)), "FORBIDDEN"),
    ] {
        let body = run(&app, token.as_deref(), RECORD, input.clone()).await;
        assert_eq!(outcome(&body, "recordEvaluation"), expected, "{body}");
    }
    // Every criterion once on the scale, a text, a weight: else nothing is written.
    let mut five = scores(4);
    five[0]["score"] = json!(6);
    let bad = json!({ "reportId": report_id, "scores": five[..4].to_vec(), "text": " ", "suggestedWeight": "12" });
    let body = run(&app, Some(&first), RECORD, bad).await;
    assert_eq!(
        field_codes(&body, "recordEvaluation"),
        vec![
            ("scores.0.score".into(), "OUT_OF_RANGE".into()),
            ("scores".into(), "REQUIRED".into()),
            ("text".into(), "REQUIRED".into()),
            ("suggestedWeight".into(), "INVALID_FORMAT".into()),
        ],
        "{body}"
    );
    assert!(
        report(&app, &first, "acerta", 2025).await["evaluation"].is_null(),
        "nothing was written"
    );
    let recorded = must(&app, &first, RECORD, "recordEvaluation", input).await;
    let e = &recorded["evaluation"];
    assert_eq!(e["status"], "PROPOSED");
    assert_eq!(e["meanScore"], "4.00");
    assert_eq!(e["viewerCanApprove"], false, "not its own author");
    // The caisse does not see a proposed evaluation.
    assert!(report(&app, &acerta_staff, "acerta", 2025).await["evaluation"].is_null());
    // Four eyes: its author may not approve it; another moderator approves the version read.
    let own = run(
        &app,
        Some(&first),
        APPROVE,
        json!({ "evaluationId": e["id"], "expectedVersion": e["version"] }),
    )
    .await;
    assert_eq!(outcome(&own, "approveEvaluation"), "FORBIDDEN", "{own}");
    for token in [
        acerta_admin.clone(),
        app.login_as("inasti", "PLATFORM_ADMIN"),
        cgg(&app),
    ] {
        let body = run(
            &app,
            Some(&token),
            APPROVE,
            json!({ "evaluationId": e["id"], "expectedVersion": e["version"] }),
        )
        .await;
        assert_eq!(outcome(&body, "approveEvaluation"), "FORBIDDEN", "{body}");
    }
    // The second moderator rewrites it (becoming its author), so the first approves it.
    let rewritten = must(
        &app,
        &second,
        RECORD,
        "recordEvaluation",
        json!({ "reportId": report_id, "scores": scores(3), "text": "Solide, à suivre.", "suggestedWeight": "1.05" }),
    )
    .await;
    let e2 = &rewritten["evaluation"];
    assert_eq!(e2["version"], 2);
    let stale = run(
        &app,
        Some(&first),
        APPROVE,
        json!({ "evaluationId": e2["id"], "expectedVersion": 1 }),
    )
    .await;
    assert_eq!(outcome(&stale, "approveEvaluation"), "CONFLICT", "{stale}");
    let own_now = run(
        &app,
        Some(&second),
        APPROVE,
        json!({ "evaluationId": e2["id"], "expectedVersion": 2 }),
    )
    .await;
    assert_eq!(outcome(&own_now, "approveEvaluation"), "FORBIDDEN");
    let approved = must(
        &app,
        &first,
        APPROVE,
        "approveEvaluation",
        json!({ "evaluationId": e2["id"], "expectedVersion": 2 }),
    )
    .await;
    assert_eq!(approved["evaluation"]["status"], "APPROVED");
    // Approved, it no longer changes; the caisse reads it now.
    let after = run(
        &app,
        Some(&second),
        RECORD,
        json!({ "reportId": report_id, "scores": scores(5), "text": "Mieux.", "suggestedWeight": "2" }),
    )
    .await;
    assert_eq!(outcome(&after, "recordEvaluation"), "INVALID_STATE");
    let seen = report(&app, &acerta_staff, "acerta", 2025).await;
    assert_eq!(seen["evaluation"]["suggestedWeight"], "1.05", "{seen}");
    assert_eq!(seen["evaluation"]["meanScore"], "3.00");
    // Another caisse reads none of it.
    let ucm = run_query_code(
        &app,
        &app.login_as("ucm", "ORG_ADMIN"),
        REPORT,
        json!({ "caisse": app.organisation_id("acerta").await, "year": 2025 }),
    )
    .await;
    assert_eq!(ucm.as_deref(), Some("FORBIDDEN"));

    // The year is published only once every caisse's evaluation is approved.
    let admin = app.login_as("inasti", "PLATFORM_ADMIN");
    let progress = query(&app, &first, PROGRESS, json!({ "year": 2025 })).await;
    let rows = progress["data"]["evaluationProgress"].as_array().unwrap();
    assert_eq!(rows.len(), 9, "{progress}");
    assert_eq!(rows[0]["caisse"]["slug"], "acerta");
    assert_eq!(rows[0]["readiness"], "READY");
    assert!(rows[1..].iter().all(|r| r["readiness"] == "NO_REPORT"));
    let body = run(&app, Some(&admin), PUBLISH, json!({ "year": 2025 })).await;
    assert_eq!(outcome(&body, "publishYearEvaluation"), "INVALID_STATE");
    let message = body["data"]["publishYearEvaluation"]["userErrors"][0]["message"]
        .as_str()
        .unwrap();
    assert!(message.contains("liantis (NO_REPORT)"), "{message}");
    assert!(
        query(&app, &admin, YEAR_EVALUATION, json!({ "year": 2025 })).await["data"]
            ["yearEvaluation"]
            .is_null()
    );
    // A year still running is not evaluated.
    let running = run(&app, Some(&admin), PUBLISH, json!({ "year": 2026 })).await;
    assert_eq!(outcome(&running, "publishYearEvaluation"), "OUT_OF_RANGE");
}

/// The GraphQL error code of a query, if it failed.
async fn run_query_code(app: &TestApp, token: &str, q: &str, variables: Value) -> Option<String> {
    let body = query(app, token, q, variables).await;
    error_code(&body).map(str::to_owned)
}

/// Two decimals of `sum / n`, rounded half up, from integers: as the published figures write
/// means.
fn mean(sum: i64, n: i64) -> String {
    let h = (sum * 200 / n + 1) / 2;
    format!("{}.{:02}", h / 100, h % 100)
}

#[tokio::test]
async fn the_published_year_is_frozen_read_by_the_cgg_and_weights_the_next_funding_to_the_cent() {
    let app = spawn_app().await.with_organisations().await;
    at(&app, "2026-03-01T09:00:00Z").await;
    let admin = app.login_as("inasti", "PLATFORM_ADMIN");
    // Next year's parameters are set before the publication, with weights typed by hand.
    let acerta_id = app.organisation_id("acerta").await;
    must(
        &app,
        &admin,
        SET_FUNDING,
        "setFundingParameters",
        json!({ "year": 2026, "envelopeEur": "4161600.00", "fixedPerCaisseEur": "150000.00",
                "evaluationWeights": [{ "caisseId": acerta_id, "weight": "3" }] }),
    )
    .await;
    let counts: Vec<Value> = {
        let mut v = Vec::new();
        for (i, slug) in CAISSES.iter().enumerate() {
            v.push(json!({ "organisationId": app.organisation_id(slug).await, "principal": 10_007 * (i as i64 + 3) + 13 }));
        }
        v
    };
    must(
        &app,
        &admin,
        SET_COUNTS,
        "setAffiliateCounts",
        json!({ "year": 2025, "counts": counts }),
    )
    .await;
    let weights = [
        "1.1", "0.9", "1", "1.2345", "0.5", "1.75", "1", "0.8", "1.3",
    ];
    let evaluated = evaluate_year(&app, 2025, |i| weights[i].to_owned()).await;

    let moderator = app.login_as("inasti", "MODERATOR");
    for token in [
        moderator.clone(),
        cgg(&app),
        app.login_as("acerta", "ORG_ADMIN"),
    ] {
        let body = run(&app, Some(&token), PUBLISH, json!({ "year": 2025 })).await;
        assert_eq!(
            outcome(&body, "publishYearEvaluation"),
            "FORBIDDEN",
            "{body}"
        );
    }
    let published = must(
        &app,
        &admin,
        PUBLISH,
        "publishYearEvaluation",
        json!({ "year": 2025 }),
    )
    .await;
    let digest = published["yearEvaluation"]["snapshotSha256"]
        .as_str()
        .unwrap()
        .to_owned();
    let twice = run(&app, Some(&admin), PUBLISH, json!({ "year": 2025 })).await;
    assert_eq!(outcome(&twice, "publishYearEvaluation"), "INVALID_STATE");

    // The CGG reads it: frozen, hashed, per caisse and across caisses.
    let cgg = cgg(&app);
    let body = query(&app, &cgg, YEAR_EVALUATION, json!({ "year": 2025 })).await;
    assert!(body["errors"].is_null(), "{body}");
    let y = &body["data"]["yearEvaluation"];
    let snapshot = y["snapshot"].as_str().unwrap();
    assert_eq!(sha256_hex(snapshot), digest);
    assert_eq!(jcs_digest(snapshot).await.0, digest);
    let caisses = y["caisses"].as_array().unwrap();
    assert_eq!(caisses.len(), 9);
    let total: i64 = evaluated.values().map(|(p, _)| p).sum();
    assert_eq!(y["peopleReached"], total);
    assert_eq!(
        y["caissesCompliant"], 6,
        "every third caisse offers awareness only"
    );
    for c in caisses {
        let (people, weight) = &evaluated[c["caisseSlug"].as_str().unwrap()];
        assert_eq!(&c["peopleReached"], people);
        assert_eq!(c["weight"].as_str().unwrap(), weight.as_str());
        let sum: i64 = c["scores"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["score"].as_i64().unwrap())
            .sum();
        assert_eq!(c["meanScore"].as_str().unwrap(), mean(sum, 5));
    }
    let coverage: BTreeMap<&str, (i64, i64)> = y["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["category"].as_str().unwrap(),
                (
                    c["caisses"].as_i64().unwrap(),
                    c["offerings"].as_i64().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(coverage["AWARENESS_PROMOTION"], (9, 9));
    assert_eq!(coverage["ORIENTATION_SUPPORT"], (6, 6));
    assert_eq!(coverage["FRONTLINE_TRAINING"], (0, 0));
    let every: i64 = caisses
        .iter()
        .flat_map(|c| c["scores"].as_array().unwrap().iter())
        .map(|s| s["score"].as_i64().unwrap())
        .sum();
    assert_eq!(y["meanScore"].as_str().unwrap(), mean(every, 45));
    for (k, c) in y["criteria"].as_array().unwrap().iter().enumerate() {
        assert_eq!(c["criterion"], CRITERIA[k]);
        let sum: i64 = caisses
            .iter()
            .map(|x| x["scores"][k]["score"].as_i64().unwrap())
            .sum();
        assert_eq!(c["mean"].as_str().unwrap(), mean(sum, 9), "{c}");
    }
    // And its CSV, one row per caisse.
    let csv = app
        .client
        .get(format!("{}{}", app.address, y["csvUrl"].as_str().unwrap()))
        .bearer_auth(&cgg)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    assert_eq!(text.lines().count(), 10, "{text}");
    assert!(text.starts_with(
        "year,caisse_slug,caisse_name,compliant,offerings,people_reached,score_demand_driven"
    ));

    // The CGG reads nothing else: no drafts, no reports, no progress, no logs, no counts.
    let acerta_report = json!({ "caisse": acerta_id, "year": 2025 });
    for (q, variables) in [
        (REPORT, acerta_report.clone()),
        (PROGRESS, json!({ "year": 2025 })),
        (
            "query($year: Int!) { activityOverview(year: $year) { caisse { slug } } }",
            json!({ "year": 2025 }),
        ),
        ("{ auditLog(first: 5) { totalCount } }", json!({})),
    ] {
        assert_eq!(
            run_query_code(&app, &cgg, q, variables).await.as_deref(),
            Some("FORBIDDEN"),
            "{q}"
        );
    }
    // Affiliate counts are empty for anyone but the caisse and INASTI.
    let counts = query(
        &app,
        &cgg,
        "query($slug: String!) { organisation(slug: $slug) { affiliateCounts { count } } }",
        json!({ "slug": "acerta" }),
    )
    .await;
    assert_eq!(
        counts["data"]["organisation"]["affiliateCounts"],
        json!([]),
        "{counts}"
    );
    for (q, field, input) in [
        (
            SET_VALUES,
            "setIndicatorValues",
            json!({ "year": 2025, "values": [] }),
        ),
        (
            SUBMIT,
            "submitActivityReport",
            json!({ "year": 2025, "narrative": "x" }),
        ),
        (
            SET_FUNDING,
            "setFundingParameters",
            json!({ "year": 2027, "envelopeEur": "1.00", "fixedPerCaisseEur": "0.00" }),
        ),
        (
            CREATE,
            "createTool",
            json!({ "content": content("Un avis", "NETWORK") }),
        ),
    ] {
        let body = run(&app, Some(&cgg), q, input).await;
        assert_eq!(outcome(&body, field), "FORBIDDEN", "{field}: {body}");
    }
    // The published evaluation is not for the caisses or partners; INASTI's officers read it.
    for (token, expected) in [
        (app.login_as("acerta", "ORG_ADMIN"), Some("FORBIDDEN")),
        (app.login_as("unizo", "STAFF"), Some("FORBIDDEN")),
        (app.login_as("inasti", "AUDITOR"), None),
        (moderator.clone(), None),
    ] {
        assert_eq!(
            run_query_code(&app, &token, YEAR_EVALUATION, json!({ "year": 2025 }))
                .await
                .as_deref(),
            expected
        );
    }
    let anonymous = app.graphql(YEAR_EVALUATION, json!({ "year": 2025 })).await;
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"));
    // A committee has members only: a staff token of the CGG is refused.
    let staff = app
        .graphql_as(
            &app.login_as("cgg", "STAFF"),
            YEAR_EVALUATION,
            json!({ "year": 2025 }),
        )
        .await;
    assert_eq!(error_code(&staff), Some("UNAUTHENTICATED"), "{staff}");

    // The CGG's advice: dated from the publication to today, once, by its members only.
    at(&app, "2026-04-20T09:00:00Z").await;
    let advice = |text: &str, on: &str| json!({ "year": 2025, "text": text, "givenOn": on });
    for token in [
        moderator.clone(),
        admin.clone(),
        app.login_as("acerta", "ORG_ADMIN"),
    ] {
        let body = run(&app, Some(&token), ADVICE, advice("Avis.", "2026-04-15")).await;
        assert_eq!(outcome(&body, "recordCggAdvice"), "FORBIDDEN");
    }
    let early = run(&app, Some(&cgg), ADVICE, advice("Avis.", "2026-02-27")).await;
    assert_eq!(
        outcome(&early, "recordCggAdvice"),
        "OUT_OF_RANGE",
        "{early}"
    );
    let future = run(&app, Some(&cgg), ADVICE, advice("Avis.", "2026-04-21")).await;
    assert_eq!(outcome(&future, "recordCggAdvice"), "OUT_OF_RANGE");
    let empty = run(&app, Some(&cgg), ADVICE, advice("  ", "2026-04-15")).await;
    assert_eq!(outcome(&empty, "recordCggAdvice"), "REQUIRED");
    let unpublished = run(
        &app,
        Some(&cgg),
        ADVICE,
        json!({ "year": 2024, "text": "Avis.", "givenOn": "2026-04-15" }),
    )
    .await;
    assert_eq!(outcome(&unpublished, "recordCggAdvice"), "NOT_FOUND");
    let text = "Le Comité salue la couverture des catégories obligatoires et recommande d'élargir la prévention secondaire.";
    let given = must(
        &app,
        &cgg,
        ADVICE,
        "recordCggAdvice",
        advice(text, "2026-04-15"),
    )
    .await;
    assert_eq!(
        given["yearEvaluation"]["advice"],
        json!({ "text": text, "givenOn": "2026-04-15" })
    );
    let again = run(&app, Some(&cgg), ADVICE, advice("Autre.", "2026-04-16")).await;
    assert_eq!(outcome(&again, "recordCggAdvice"), "INVALID_STATE");
    let read = query(&app, &moderator, YEAR_EVALUATION, json!({ "year": 2025 })).await;
    assert_eq!(read["data"]["yearEvaluation"]["advice"]["text"], text);
    assert_eq!(
        read["data"]["yearEvaluation"]["snapshotSha256"], digest,
        "the advice does not touch the published figures"
    );

    // The approved weights are 2026's now, replacing the typed ones, with the link recorded.
    let params = query(
        &app,
        &admin,
        "query { fundingParameters(year: 2026) { weightsFromEvaluation evaluationWeights { caisse { slug } weight } } }",
        json!({}),
    )
    .await;
    let p = &params["data"]["fundingParameters"];
    assert_eq!(p["weightsFromEvaluation"], 2025, "{params}");
    let carried: BTreeMap<String, String> = p["evaluationWeights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["caisse"]["slug"].as_str().unwrap().to_owned(),
                w["weight"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: BTreeMap<String, String> = evaluated
        .iter()
        .map(|(s, (_, w))| (s.clone(), w.clone()))
        .collect();
    assert_eq!(carried, expected);
    // Typing weights for 2026 is refused now; setting the amounts again keeps the carried ones.
    let typed = run(
        &app,
        Some(&admin),
        SET_FUNDING,
        json!({ "year": 2026, "envelopeEur": "4161600.00", "fixedPerCaisseEur": "150000.00",
                "evaluationWeights": [{ "caisseId": acerta_id, "weight": "3" }] }),
    )
    .await;
    assert_eq!(
        outcome(&typed, "setFundingParameters"),
        "INVALID_STATE",
        "{typed}"
    );
    let reset = must(
        &app,
        &admin,
        SET_FUNDING,
        "setFundingParameters",
        json!({ "year": 2026, "envelopeEur": "4161600.01", "fixedPerCaisseEur": "150000.00" }),
    )
    .await;
    assert_eq!(reset["parameters"]["weightsFromEvaluation"], 2025);
    // The allocation follows them to the cent: Hamilton's method on affiliates × weight.
    let allocation = query(&app, &admin, ALLOCATION, json!({ "year": 2026 })).await;
    let a = &allocation["data"]["fundingAllocation"];
    let pool = cents(&a["variablePoolEur"]);
    assert_eq!(pool, 416_160_001 - 9 * 15_000_000);
    let shares = a["shares"].as_array().unwrap();
    let weight_units = |w: &str| -> i128 {
        let (whole, fraction) = w.split_once('.').unwrap_or((w, ""));
        whole.parse::<i128>().unwrap() * 10_000 + format!("{fraction:0<4}").parse::<i128>().unwrap()
    };
    let mut claims: Vec<(String, i128)> = shares
        .iter()
        .map(|s| {
            let slug = s["caisse"]["slug"].as_str().unwrap().to_owned();
            let w = weight_units(&expected[&slug]);
            (slug, i128::from(s["affiliates"].as_i64().unwrap()) * w)
        })
        .collect();
    claims.sort();
    for (slug, variable) in hamilton(pool, &claims) {
        let share = shares
            .iter()
            .find(|s| s["caisse"]["slug"] == slug.as_str())
            .unwrap();
        assert_eq!(share["weight"].as_str().unwrap(), expected[&slug]);
        assert_eq!(cents(&share["variableEur"]), variable, "{slug}: {share}");
    }
    let sum: i128 = shares.iter().map(|s| cents(&s["totalEur"])).sum();
    assert_eq!(sum, 416_160_001);
}

#[tokio::test]
async fn the_three_year_view_equals_the_yearly_figures() {
    let app = spawn_app().await.with_organisations().await;
    let admin = app.login_as("inasti", "PLATFORM_ADMIN");
    let auditor = app.login_as("inasti", "AUDITOR");
    // Each year is evaluated after it has ended.
    for (year, now) in [
        (2024, "2025-03-01T09:00:00Z"),
        (2025, "2026-03-01T09:00:00Z"),
        (2026, "2027-03-01T09:00:00Z"),
    ] {
        at(&app, now).await;
        evaluate_year(&app, year, |i| format!("1.{}", i + year as usize % 3)).await;
        if year < 2026 {
            must(
                &app,
                &admin,
                PUBLISH,
                "publishYearEvaluation",
                json!({ "year": year }),
            )
            .await;
        }
    }
    // While 2026 is not published, the window says so and shows what is.
    let partial = query(&app, &auditor, TREND, json!({ "from": 2024 })).await;
    let years = &partial["data"]["evaluationTrend"]["years"];
    assert_eq!(years[2]["published"], false, "{partial}");
    assert!(years[2]["peopleReached"].is_null());
    assert_eq!(
        partial["data"]["evaluationTrend"]["caisses"][0]["points"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    must(
        &app,
        &admin,
        PUBLISH,
        "publishYearEvaluation",
        json!({ "year": 2026 }),
    )
    .await;

    let cgg = cgg(&app);
    let body = query(&app, &cgg, TREND, json!({ "from": 2024 })).await;
    assert!(body["errors"].is_null(), "{body}");
    let trend = &body["data"]["evaluationTrend"];
    assert_eq!(trend["toYear"], 2026);
    let mut yearly = BTreeMap::new();
    for year in 2024..=2026 {
        let y = query(&app, &cgg, YEAR_EVALUATION, json!({ "year": year })).await;
        yearly.insert(year, y["data"]["yearEvaluation"].clone());
    }
    for (k, y) in trend["years"].as_array().unwrap().iter().enumerate() {
        let year = 2024 + k as i64;
        let published = &yearly[&(year as i32)];
        assert_eq!(y["year"], year);
        assert_eq!(y["published"], true);
        assert_eq!(y["snapshotSha256"], published["snapshotSha256"]);
        assert_eq!(y["peopleReached"], published["peopleReached"]);
        assert_eq!(y["caissesCompliant"], published["caissesCompliant"]);
        assert_eq!(y["meanScore"], published["meanScore"]);
    }
    let caisses = trend["caisses"].as_array().unwrap();
    assert_eq!(caisses.len(), 9);
    for c in caisses {
        let points = c["points"].as_array().unwrap();
        assert_eq!(points.len(), 3);
        for p in points {
            let year = p["year"].as_i64().unwrap() as i32;
            let row = yearly[&year]["caisses"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["caisseSlug"] == c["caisseSlug"])
                .unwrap()
                .clone();
            for key in [
                "compliant",
                "offerings",
                "peopleReached",
                "meanScore",
                "weight",
            ] {
                assert_eq!(p[key], row[key], "{year} {key} of {}", c["caisseSlug"]);
            }
        }
    }
    for category in trend["categories"].as_array().unwrap() {
        for p in category["points"].as_array().unwrap() {
            let year = p["year"].as_i64().unwrap() as i32;
            let coverage = yearly[&year]["coverage"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["category"] == category["category"])
                .unwrap()
                .clone();
            assert_eq!(p["caisses"], coverage["caisses"]);
            assert_eq!(p["offerings"], coverage["offerings"]);
        }
    }
    // The CSV holds the same rows: nine caisses for each of three years.
    let csv = app
        .client
        .get(format!(
            "{}{}",
            app.address,
            trend["csvUrl"].as_str().unwrap()
        ))
        .bearer_auth(&cgg)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    assert_eq!(text.lines().count(), 1 + 27);
    let acerta_2025 = text
        .lines()
        .find(|l| l.starts_with("2025,acerta,"))
        .unwrap();
    let row = yearly[&2025]["caisses"][0].clone();
    assert!(
        acerta_2025.contains(&format!(
            ",{},{},",
            row["meanScore"].as_str().unwrap(),
            row["weight"].as_str().unwrap()
        )),
        "{acerta_2025}"
    );
    // A window ends this year at the latest; a caisse cannot read it.
    let open = query(&app, &cgg, TREND, json!({ "from": 2026 })).await;
    assert_eq!(error_code(&open), Some("BAD_USER_INPUT"), "{open}");
    let caisse = query(
        &app,
        &app.login_as("acerta", "ORG_ADMIN"),
        TREND,
        json!({ "from": 2024 }),
    )
    .await;
    assert_eq!(error_code(&caisse), Some("FORBIDDEN"));
    let forbidden_csv = app
        .client
        .get(format!("{}/reports/2024/trend.csv", app.address))
        .bearer_auth(app.login_as("acerta", "ORG_ADMIN"))
        .send()
        .await
        .unwrap();
    assert_eq!(forbidden_csv.status(), 403);
}
