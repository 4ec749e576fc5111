//! The yearly account end to end: the register of service offerings, compliance with the legal
//! frame, activity reports, INASTI's overview, affiliate counts and funding, with the role ×
//! action matrix of every operation and the bad input each must refuse without writing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::account::{cents, hamilton, jcs_digest, sha256_hex};
use commons_tests::tools::outcome;
use commons_tests::{TestApp, error_code, spawn_app, user_error_codes};
use serde_json::{Value, json};

const RECORD: &str = "mutation($input: ServiceOfferingInput!) { recordServiceOffering(input: $input) {
  offering { id version year categories peopleReached withdrawnAt } userErrors { field code message } } }";
const UPDATE: &str =
    "mutation($input: UpdateServiceOfferingInput!) { updateServiceOffering(input: $input) {
  offering { id version peopleReached } userErrors { field code message } } }";
const WITHDRAW: &str =
    "mutation($input: WithdrawServiceOfferingInput!) { withdrawServiceOffering(input: $input) {
  offering { id version withdrawnAt } userErrors { field code message } } }";
const START: &str = "mutation($input: StartJointServiceInput!) { startJointService(input: $input) {
  jointService { id responsibleCaisse { slug } participants { organisation { slug } role } responsibilityRecord { edges { node { caisse { slug } } } } }
  userErrors { field code message } } }";
const YEAR: &str = "query($slug: String!, $year: Int!) { organisation(slug: $slug) {
  compliance(year: $year) { compliant categoriesOffered mandatoryMissing hasOptional
    categories { category mandatory offerings { source title } } }
  serviceOfferings(year: $year) { source title categories peopleReached } } }";
const SET_FRAME: &str = "mutation($input: SetLegalFrameInput!) { setLegalFrame(input: $input) {
  legalFrame { year } userErrors { field code } } }";
const SUBMIT: &str = "mutation($input: SubmitActivityReportInput!) { submitActivityReport(input: $input) {
  report { id status version snapshot snapshotSha256 figures { peopleReached compliant offerings { key } } history { step comment } }
  userErrors { field code message } } }";
const REVIEW: &str = "mutation($input: ReviewActivityReportInput!) { reviewActivityReport(input: $input) {
  report { id status history { step comment snapshotSha256 organisation { slug } } } userErrors { field code message } } }";
const REPORT: &str = "query($caisse: ID!, $year: Int!) { activityReport(caisseId: $caisse, year: $year) {
  id status narrative snapshot snapshotSha256 version
  figures { compliant peopleReached mandatoryMissing offerings { key title } perCategory { category offerings } }
  history { step comment snapshotSha256 } } }";
const OVERVIEW: &str = "query($year: Int!) { activityOverview(year: $year) {
  caisse { slug } compliant mandatoryMissing peopleReached reportStatus funding
  offeringsPerCategory { category offerings } } }";
const SET_COUNTS: &str = "mutation($input: SetAffiliateCountsInput!) { setAffiliateCounts(input: $input) {
  affiliateCounts { organisation { slug } year count primoStarters helpingSpouses } userErrors { field code message } } }";
const IMPORT: &str =
    "mutation($input: ImportAffiliateCountsInput!) { importAffiliateCounts(input: $input) {
  affiliateCounts { organisation { slug } count } userErrors { field code message } } }";
const SET_FUNDING: &str = "mutation($input: SetFundingParametersInput!) { setFundingParameters(input: $input) {
  parameters { year envelopeEur fixedPerCaisseEur evaluationWeights { caisse { slug } weight } } userErrors { field code message } } }";
const ALLOCATION: &str = "query($year: Int!) { fundingAllocation(year: $year) {
  year envelopeEur fixedPerCaisseEur variablePoolEur affiliatesOn missingCounts { slug }
  shares { caisse { slug } affiliates weight fixedEur variableEur totalEur } } }";

const CAISSES: [&str; 9] = [
    "acerta", "liantis", "ucm", "xerius", "partena", "securex", "group-s", "avixi", "hulpkas",
];

/// The callers of the matrix: (name, organisation, role); `None` is anonymous.
const CALLERS: &[(&str, Option<(&str, &str)>)] = &[
    ("anonymous", None),
    ("acerta staff", Some(("acerta", "STAFF"))),
    ("acerta admin", Some(("acerta", "ORG_ADMIN"))),
    ("ucm admin", Some(("ucm", "ORG_ADMIN"))),
    ("unizo staff", Some(("unizo", "STAFF"))),
    ("moderator", Some(("inasti", "MODERATOR"))),
    ("platform admin", Some(("inasti", "PLATFORM_ADMIN"))),
    ("auditor", Some(("inasti", "AUDITOR"))),
];

/// Early March 2026: 2025 has ended, its counts and report are due.
async fn app_in_2026() -> TestApp {
    let app = spawn_app().await.with_organisations().await;
    app.services
        .clock
        .set(Some("2026-03-01T09:00:00Z".parse().unwrap()));
    app
}

async fn run(app: &TestApp, caller: Option<(&str, &str)>, query: &str, variables: Value) -> Value {
    match caller {
        Some((org, role)) => {
            app.graphql_as(&app.login_as(org, role), query, variables)
                .await
        }
        None => app.graphql(query, variables).await,
    }
}

fn offering(year: i32, categories: &[&str], from: &str, to: &str, people: i64) -> Value {
    json!({
        "year": year,
        "titles": [{ "lang": "FR", "text": format!("Service {}", categories.join(" + ")) }],
        "categories": categories,
        "startsOn": from,
        "endsOn": to,
        "deliveryModes": ["GROUP"],
        "scopes": ["REGIONAL"],
        "regions": ["Wallonie"],
        "peopleReached": people,
    })
}

/// Records an offering as staff of `caisse` and insists it went through; returns it.
async fn record(app: &TestApp, caisse: &str, input: Value) -> Value {
    let token = app.login_as(caisse, "STAFF");
    let body = app
        .graphql_as(&token, RECORD, json!({ "input": input }))
        .await;
    assert_eq!(outcome(&body, "recordServiceOffering"), "OK", "{body}");
    body["data"]["recordServiceOffering"]["offering"].clone()
}

async fn year_of(app: &TestApp, slug: &str, year: i32) -> Value {
    let body = app
        .graphql_as(
            &app.login_as("inasti", "AUDITOR"),
            YEAR,
            json!({ "slug": slug, "year": year }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["organisation"].clone()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_register_is_kept_by_the_caisse_and_read_by_it_and_inasti() {
    let app = app_in_2026().await;
    let input = offering(
        2025,
        &["AWARENESS_PROMOTION"],
        "2025-02-01",
        "2025-11-30",
        120,
    );
    for (name, caller) in CALLERS {
        let expected = match *name {
            "anonymous" => "UNAUTHENTICATED",
            "acerta staff" | "acerta admin" | "ucm admin" => "OK",
            _ => "FORBIDDEN",
        };
        let body = run(&app, *caller, RECORD, json!({ "input": input })).await;
        assert_eq!(
            outcome(&body, "recordServiceOffering"),
            expected,
            "{name}: {body}"
        );
    }
    // Acerta recorded two (staff and admin), UCM one: each in its own register.
    for (name, caller) in CALLERS {
        let body = run(
            &app,
            *caller,
            YEAR,
            json!({ "slug": "acerta", "year": 2025 }),
        )
        .await;
        let seen = body["data"]["organisation"]["serviceOfferings"]
            .as_array()
            .unwrap()
            .len();
        let reads = matches!(
            *name,
            "acerta staff" | "acerta admin" | "moderator" | "platform admin" | "auditor"
        );
        assert_eq!(seen, if reads { 2 } else { 0 }, "{name}: {body}");
        assert_eq!(
            body["data"]["organisation"]["compliance"].is_null(),
            !reads,
            "{name}: {body}"
        );
    }

    let mine = record(
        &app,
        "acerta",
        offering(
            2025,
            &["ORIENTATION_SUPPORT"],
            "2025-01-01",
            "2025-12-31",
            40,
        ),
    )
    .await;
    let id = mine["id"].clone();
    // Another caisse cannot touch it; it does not exist for them.
    let changed = json!({ "offeringId": id, "expectedVersion": 1,
        "offering": offering(2025, &["ORIENTATION_SUPPORT"], "2025-01-01", "2025-12-31", 55) });
    let body = run(
        &app,
        Some(("ucm", "ORG_ADMIN")),
        UPDATE,
        json!({ "input": changed }),
    )
    .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    let body = run(
        &app,
        Some(("inasti", "MODERATOR")),
        UPDATE,
        json!({ "input": changed }),
    )
    .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let body = run(
        &app,
        Some(("acerta", "STAFF")),
        UPDATE,
        json!({ "input": changed }),
    )
    .await;
    assert_eq!(outcome(&body, "updateServiceOffering"), "OK", "{body}");
    assert_eq!(
        body["data"]["updateServiceOffering"]["offering"]["version"],
        2
    );
    // An edit based on the version before is a conflict, and writes nothing.
    let stale = json!({ "offeringId": id, "expectedVersion": 1,
        "offering": offering(2025, &["ORIENTATION_SUPPORT"], "2025-01-01", "2025-12-31", 999) });
    let body = run(
        &app,
        Some(("acerta", "ORG_ADMIN")),
        UPDATE,
        json!({ "input": stale }),
    )
    .await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");

    let withdraw = json!({ "input": { "offeringId": id, "expectedVersion": 2 } });
    let body = run(&app, Some(("ucm", "STAFF")), WITHDRAW, withdraw.clone()).await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    let body = run(&app, Some(("acerta", "STAFF")), WITHDRAW, withdraw.clone()).await;
    assert_eq!(outcome(&body, "withdrawServiceOffering"), "OK", "{body}");
    let body = run(
        &app,
        Some(("acerta", "STAFF")),
        WITHDRAW,
        json!({ "input": { "offeringId": id, "expectedVersion": 3 } }),
    )
    .await;
    assert_eq!(
        user_error_codes(&body["data"]["withdrawServiceOffering"]),
        vec!["INVALID_STATE"],
        "{body}"
    );
    // Withdrawn: no longer counted, still there when asked for.
    let year = year_of(&app, "acerta", 2025).await;
    assert_eq!(year["serviceOfferings"].as_array().unwrap().len(), 2);
    assert_eq!(
        year["compliance"]["mandatoryMissing"],
        json!(["ORIENTATION_SUPPORT"])
    );
    let body = run(
        &app,
        Some(("acerta", "STAFF")),
        "{ organisation(slug: \"acerta\") { serviceOfferings(year: 2025, includeWithdrawn: true) { peopleReached offering { withdrawnAt } } } }",
        json!({}),
    )
    .await;
    let all = body["data"]["organisation"]["serviceOfferings"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(all.len(), 3, "{body}");
    assert!(
        all.iter()
            .any(|o| o["peopleReached"] == 55 && !o["offering"]["withdrawnAt"].is_null())
    );
}

async fn start_joint(
    app: &TestApp,
    caisse: &str,
    categories: &[&str],
    from: &str,
    to: &str,
) -> Value {
    let unizo = app.organisation_id("unizo").await;
    let input = json!({
        "titles": [{ "lang": "NL", "text": "Lerend netwerk voor zelfstandigen" }],
        "categories": categories,
        "startsOn": from,
        "endsOn": to,
        "participants": [{ "organisationId": unizo, "role": "TRAINER" }],
    });
    let body = run(
        app,
        Some((caisse, "STAFF")),
        START,
        json!({ "input": input }),
    )
    .await;
    assert_eq!(outcome(&body, "startJointService"), "OK", "{body}");
    body["data"]["startJointService"]["jointService"].clone()
}

#[tokio::test]
async fn a_caisse_starts_a_joint_service_itself_and_is_responsible_from_the_first_entry() {
    let app = app_in_2026().await;
    let service = start_joint(
        &app,
        "liantis",
        &["SECONDARY_PREVENTION"],
        "2026-04-01",
        "2026-12-31",
    )
    .await;
    assert_eq!(service["responsibleCaisse"]["slug"], "liantis");
    assert_eq!(service["participants"][0]["organisation"]["slug"], "unizo");
    assert_eq!(
        service["responsibilityRecord"]["edges"][0]["node"]["caisse"]["slug"],
        "liantis"
    );
    let input = json!({ "titles": [{ "lang": "FR", "text": "Atelier" }], "categories": ["EARLY_DETECTION"], "startsOn": "2026-04-01" });
    for (name, caller) in CALLERS {
        let expected = match *name {
            "anonymous" => "UNAUTHENTICATED",
            "acerta staff" | "acerta admin" | "ucm admin" => "OK",
            _ => "FORBIDDEN",
        };
        let body = run(&app, *caller, START, json!({ "input": input })).await;
        assert_eq!(
            outcome(&body, "startJointService"),
            expected,
            "{name}: {body}"
        );
    }
    // INASTI does not take part, the caisse is not its own participant, nobody twice.
    let inasti = app.organisation_id("inasti").await;
    let liantis = app.organisation_id("liantis").await;
    let unizo = app.organisation_id("unizo").await;
    let bad = json!({ "titles": [{ "lang": "FR", "text": "Atelier" }], "categories": [], "startsOn": "2026-04-01", "endsOn": "2026-03-01",
        "participants": [{ "organisationId": inasti, "role": "OTHER" }, { "organisationId": liantis, "role": "OTHER" },
                         { "organisationId": unizo, "role": "OTHER" }, { "organisationId": unizo, "role": "VENUE" }] });
    let body = run(
        &app,
        Some(("liantis", "STAFF")),
        START,
        json!({ "input": bad }),
    )
    .await;
    let mut codes = user_error_codes(&body["data"]["startJointService"]);
    codes.sort();
    assert_eq!(
        codes,
        vec![
            "DUPLICATE",
            "NOT_ALLOWED",
            "NOT_ALLOWED",
            "OUT_OF_RANGE",
            "REQUIRED"
        ],
        "{body}"
    );
}

#[tokio::test]
async fn compliance_needs_every_mandatory_category_and_an_optional_one() {
    let app = app_in_2026().await;
    let whole_year =
        |categories: &[&str]| offering(2025, categories, "2025-01-01", "2025-12-31", 10);
    // Acerta lacks orientation; UCM lacks awareness; Xerius has both but no optional one.
    record(
        &app,
        "acerta",
        whole_year(&["AWARENESS_PROMOTION", "EARLY_DETECTION"]),
    )
    .await;
    record(
        &app,
        "ucm",
        whole_year(&["ORIENTATION_SUPPORT", "FRONTLINE_TRAINING"]),
    )
    .await;
    record(&app, "xerius", whole_year(&["AWARENESS_PROMOTION"])).await;
    record(&app, "xerius", whole_year(&["ORIENTATION_SUPPORT"])).await;
    // Partena offers its optional category only through a joint service it started.
    record(
        &app,
        "partena",
        whole_year(&["AWARENESS_PROMOTION", "ORIENTATION_SUPPORT"]),
    )
    .await;
    start_joint(
        &app,
        "partena",
        &["SECONDARY_PREVENTION"],
        "2025-01-01",
        "2026-12-31",
    )
    .await;
    // Liantis's joint service ran for the last two months of 2025 only.
    record(
        &app,
        "liantis",
        whole_year(&["AWARENESS_PROMOTION", "ORIENTATION_SUPPORT"]),
    )
    .await;
    start_joint(
        &app,
        "liantis",
        &["EARLY_DETECTION"],
        "2025-11-01",
        "2025-12-31",
    )
    .await;

    let acerta = year_of(&app, "acerta", 2025).await["compliance"].clone();
    assert_eq!(acerta["compliant"], false);
    assert_eq!(acerta["mandatoryMissing"], json!(["ORIENTATION_SUPPORT"]));
    assert_eq!(acerta["hasOptional"], true);
    let ucm = year_of(&app, "ucm", 2025).await["compliance"].clone();
    assert_eq!(
        (ucm["compliant"].clone(), ucm["mandatoryMissing"].clone()),
        (json!(false), json!(["AWARENESS_PROMOTION"]))
    );
    let xerius = year_of(&app, "xerius", 2025).await["compliance"].clone();
    assert_eq!(xerius["mandatoryMissing"], json!([]));
    assert_eq!(
        (xerius["compliant"].clone(), xerius["hasOptional"].clone()),
        (json!(false), json!(false))
    );
    let partena = year_of(&app, "partena", 2025).await;
    assert_eq!(partena["compliance"]["compliant"], true, "{partena}");
    let secondary = partena["compliance"]["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == "SECONDARY_PREVENTION")
        .unwrap()
        .clone();
    assert_eq!(
        secondary["offerings"][0]["source"], "JOINT_SERVICE",
        "{secondary}"
    );
    assert_eq!(
        partena["serviceOfferings"].as_array().unwrap().len(),
        2,
        "the joint service counts once, not typed twice: {partena}"
    );
    // The same joint service counts in 2026, when it runs still; the register's does not.
    let partena_2026 = year_of(&app, "partena", 2026).await;
    assert_eq!(
        strings(&partena_2026["compliance"]["categoriesOffered"]),
        vec!["SECONDARY_PREVENTION"]
    );
    let liantis = year_of(&app, "liantis", 2025).await["compliance"].clone();
    assert_eq!(
        liantis["compliant"], true,
        "two months of the year are enough: {liantis}"
    );
    assert_eq!(
        year_of(&app, "liantis", 2024).await["serviceOfferings"],
        json!([])
    );
    // A partner's joint service is not a caisse it took part in's offering.
    assert_eq!(
        year_of(&app, "unizo", 2025).await["compliance"],
        Value::Null
    );

    // The King makes early detection mandatory for 2025: Liantis's only optional category
    // becomes mandatory, so it now lacks an optional one; Acerta still lacks orientation.
    let admin = app.login_as("inasti", "PLATFORM_ADMIN");
    let body = app
        .graphql_as(
            &admin,
            SET_FRAME,
            json!({ "input": { "year": 2025, "mandatory": ["AWARENESS_PROMOTION", "ORIENTATION_SUPPORT", "EARLY_DETECTION"] } }),
        )
        .await;
    assert_eq!(outcome(&body, "setLegalFrame"), "OK", "{body}");
    let liantis = year_of(&app, "liantis", 2025).await["compliance"].clone();
    assert_eq!(
        (liantis["compliant"].clone(), liantis["hasOptional"].clone()),
        (json!(false), json!(false)),
        "{liantis}"
    );
    let xerius = year_of(&app, "xerius", 2025).await["compliance"].clone();
    assert_eq!(xerius["mandatoryMissing"], json!(["EARLY_DETECTION"]));
    let partena = year_of(&app, "partena", 2025).await["compliance"].clone();
    assert_eq!(partena["mandatoryMissing"], json!(["EARLY_DETECTION"]));
}

#[tokio::test]
async fn funding_shares_add_up_to_the_envelope_to_the_cent() {
    let app = app_in_2026().await;
    let admin = app.login_as("inasti", "PLATFORM_ADMIN");
    // Awkward counts on 31 December 2025: primes, a caisse with no affiliates.
    let counts = [
        274_901, 249_803, 107_311, 262_007, 226_433, 95_111, 78_509, 43_013, 0,
    ];
    let mut figures = Vec::new();
    for (slug, count) in CAISSES.iter().zip(counts) {
        figures.push(
            json!({ "organisationId": app.organisation_id(slug).await, "principal": count,
            "primoStarters": count / 17, "helpingSpouses": count / 71 }),
        );
    }
    let body = app
        .graphql_as(
            &admin,
            SET_COUNTS,
            json!({ "input": { "year": 2025, "counts": figures } }),
        )
        .await;
    assert_eq!(outcome(&body, "setAffiliateCounts"), "OK", "{body}");
    let ucm = app.organisation_id("ucm").await;
    let avixi = app.organisation_id("avixi").await;
    let parameters = json!({ "year": 2026, "envelopeEur": "4161600.01", "fixedPerCaisseEur": "123456.78",
        "evaluationWeights": [{ "caisseId": ucm, "weight": "1.3333" }, { "caisseId": avixi, "weight": "0.5" }] });
    for (name, caller) in CALLERS {
        let expected = match *name {
            "anonymous" => "UNAUTHENTICATED",
            "platform admin" => "OK",
            _ => "FORBIDDEN",
        };
        let body = run(&app, *caller, SET_FUNDING, json!({ "input": parameters })).await;
        assert_eq!(
            outcome(&body, "setFundingParameters"),
            expected,
            "{name}: {body}"
        );
    }
    for (name, caller) in CALLERS {
        let body = run(&app, *caller, ALLOCATION, json!({ "year": 2026 })).await;
        let expected = if caller.is_none() {
            Some("UNAUTHENTICATED")
        } else {
            None
        };
        assert_eq!(error_code(&body), expected, "{name}: {body}");
    }
    let body = app
        .graphql_as(&admin, ALLOCATION, json!({ "year": 2026 }))
        .await;
    let a = body["data"]["fundingAllocation"].clone();
    assert_eq!(a["affiliatesOn"], "2025-12-31");
    assert_eq!(a["envelopeEur"], "4161600.01");
    let shares = a["shares"].as_array().unwrap();
    assert_eq!(shares.len(), 9);
    let total: i128 = shares.iter().map(|s| cents(&s["totalEur"])).sum();
    assert_eq!(
        total, 416_160_001,
        "the shares add up to the envelope exactly"
    );
    let pool = 416_160_001 - 9 * 12_345_678;
    assert_eq!(cents(&a["variablePoolEur"]), pool);
    // Claims are affiliates × weight in ten-thousandths, as the parameters say.
    let weight = |slug: &str| match slug {
        "ucm" => 13_333,
        "avixi" => 5_000,
        _ => 10_000,
    };
    let mut claims: Vec<(String, i128)> = CAISSES
        .iter()
        .zip(counts)
        .map(|(s, c)| ((*s).to_owned(), i128::from(c) * weight(s)))
        .collect();
    // The server breaks ties by caisse id, which is registration order here, as CAISSES is.
    claims.sort_by_key(|(s, _)| CAISSES.iter().position(|c| c == s));
    for (slug, expected) in hamilton(pool, &claims) {
        let share = shares
            .iter()
            .find(|s| s["caisse"]["slug"] == slug.as_str())
            .unwrap();
        assert_eq!(cents(&share["variableEur"]), expected, "{slug}: {share}");
        assert_eq!(cents(&share["fixedEur"]), 12_345_678);
    }
    let hulpkas = shares
        .iter()
        .find(|s| s["caisse"]["slug"] == "hulpkas")
        .unwrap();
    assert_eq!(
        (
            hulpkas["variableEur"].clone(),
            hulpkas["affiliates"].clone()
        ),
        (json!("0.00"), json!(0))
    );
    assert_eq!(
        shares
            .iter()
            .find(|s| s["caisse"]["slug"] == "ucm")
            .unwrap()["weight"],
        "1.3333"
    );

    // The CSV says the same, a header row first.
    let csv = app
        .client
        .get(format!("{}/reports/2026/funding.csv", app.address))
        .bearer_auth(app.login_as("unizo", "STAFF"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "year,caisse_slug,caisse_name,enterprise_number,affiliates,weight,fixed_eur,variable_eur,total_eur"
        )
    );
    let csv_total: i128 = lines
        .map(|l| cents(&json!(l.rsplit(',').next().unwrap())))
        .sum();
    assert_eq!(csv_total, 416_160_001);
    let anonymous = app.get("/reports/2026/funding.csv").await;
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn funding_refuses_an_envelope_below_the_fixed_parts_and_a_year_without_counts() {
    let app = app_in_2026().await;
    let admin = app.login_as("inasti", "PLATFORM_ADMIN");
    let set = |year: i32, envelope: Value, fixed: &str| json!({ "input": { "year": year, "envelopeEur": envelope, "fixedPerCaisseEur": fixed } });
    // Nine caisses × 500 000.00 is more than 4 000 000.00.
    let body = app
        .graphql_as(
            &admin,
            SET_FUNDING,
            set(2026, json!("4000000.00"), "500000.00"),
        )
        .await;
    assert_eq!(
        user_error_codes(&body["data"]["setFundingParameters"]),
        vec!["OUT_OF_RANGE"],
        "{body}"
    );
    // Money is a decimal string: a number, or a third decimal, is refused before anything runs.
    for bad in [
        json!(4000000.0),
        json!("4000000.001"),
        json!("-1.00"),
        json!("4e6"),
    ] {
        let body = app
            .graphql_as(&admin, SET_FUNDING, set(2026, bad.clone(), "1.00"))
            .await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{bad}: {body}");
    }
    let body = app
        .graphql_as(&admin, SET_FUNDING, set(2031, json!("4000000.00"), "1.00"))
        .await;
    assert_eq!(
        user_error_codes(&body["data"]["setFundingParameters"]),
        vec!["OUT_OF_RANGE"],
        "{body}"
    );
    let body = app
        .graphql_as(&admin, ALLOCATION, json!({ "year": 2026 }))
        .await;
    assert_eq!(
        error_code(&body),
        Some("BAD_USER_INPUT"),
        "nothing was written: {body}"
    );
    // 2027 is funded by the counts on 31 December 2026, which do not exist yet.
    let body = app
        .graphql_as(
            &admin,
            SET_FUNDING,
            set(2027, json!("4245000.00"), "100000.00"),
        )
        .await;
    assert_eq!(outcome(&body, "setFundingParameters"), "OK", "{body}");
    let body = app
        .graphql_as(&admin, ALLOCATION, json!({ "year": 2027 }))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("2026"),
        "{body}"
    );
}

#[tokio::test]
async fn affiliate_counts_are_inastis_with_their_breakdown_and_history() {
    let app = app_in_2026().await;
    let admin = app.login_as("inasti", "PLATFORM_ADMIN");
    let acerta = app.organisation_id("acerta").await;
    let ucm = app.organisation_id("ucm").await;
    let one = |principal: i64, primo: i64, spouses: i64, year: i32| json!({ "input": { "year": year, "counts": [{ "organisationId": acerta, "principal": principal, "primoStarters": primo, "helpingSpouses": spouses }] } });
    for (name, caller) in CALLERS {
        let expected = match *name {
            "anonymous" => "UNAUTHENTICATED",
            "platform admin" => "OK",
            _ => "FORBIDDEN",
        };
        let body = run(&app, *caller, SET_COUNTS, one(280_000, 17_000, 4_000, 2025)).await;
        assert_eq!(
            outcome(&body, "setAffiliateCounts"),
            expected,
            "{name}: {body}"
        );
    }
    // Bad figures: all refused together, none written.
    let bad = json!({ "input": { "year": 2025, "counts": [
        { "organisationId": ucm, "principal": 100, "primoStarters": 101 },
        { "organisationId": acerta, "principal": -1 },
        { "organisationId": app.organisation_id("unizo").await, "principal": 5 },
        { "organisationId": ucm, "principal": 7 }] } });
    let body = app.graphql_as(&admin, SET_COUNTS, bad).await;
    let errors = body["data"]["setAffiliateCounts"]["userErrors"]
        .as_array()
        .unwrap()
        .clone();
    let fields: Vec<String> = errors
        .iter()
        .map(|e| strings(&e["field"]).join("."))
        .collect();
    assert_eq!(
        fields,
        vec![
            "counts.0.primoStarters",
            "counts.1.principal",
            "counts.2.organisationId",
            "counts.3.organisationId"
        ],
        "{body}"
    );
    // 31 December 2026 has not passed.
    let body = app.graphql_as(&admin, SET_COUNTS, one(1, 0, 0, 2026)).await;
    assert_eq!(
        user_error_codes(&body["data"]["setAffiliateCounts"]),
        vec!["OUT_OF_RANGE"],
        "{body}"
    );

    // A CSV import: slugs or enterprise numbers, errors by line and column.
    let bad_csv = "caisse,principal,primo_starters,helping_spouses\nucm,107000,6000,1500\nnobody,5,0,0\nacerta,many,0,0\n";
    let body = app
        .graphql_as(
            &admin,
            IMPORT,
            json!({ "input": { "year": 2025, "csv": bad_csv } }),
        )
        .await;
    let fields: Vec<String> = body["data"]["importAffiliateCounts"]["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| strings(&e["field"]).join("."))
        .collect();
    assert_eq!(fields, vec!["csv.line 4.principal"], "{body}");
    let body = app
        .graphql_as(
            &admin,
            IMPORT,
            json!({ "input": { "year": 2025, "csv": "who,what\nucm,1\n" } }),
        )
        .await;
    assert_eq!(
        user_error_codes(&body["data"]["importAffiliateCounts"]),
        vec!["INVALID_FORMAT"],
        "{body}"
    );
    let csv =
        "caisse,principal,primo_starters,helping_spouses\nucm,107000,6000,1500\nnobody,5,0,0\n";
    let body = app
        .graphql_as(
            &admin,
            IMPORT,
            json!({ "input": { "year": 2025, "csv": csv } }),
        )
        .await;
    let fields: Vec<String> = body["data"]["importAffiliateCounts"]["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| strings(&e["field"]).join("."))
        .collect();
    assert_eq!(fields, vec!["csv.line 3.caisse"], "{body}");
    let ucm_number = app
        .graphql(
            "{ organisation(slug: \"ucm\") { enterpriseNumber } }",
            json!({}),
        )
        .await["data"]["organisation"]["enterpriseNumber"]
        .as_str()
        .unwrap()
        .to_owned();
    let csv = format!(
        "caisse,principal,primo_starters,helping_spouses\n{ucm_number},107001,6001,1501\nacerta,281000,17100,4100\n"
    );
    let body = app
        .graphql_as(
            &admin,
            IMPORT,
            json!({ "input": { "year": 2025, "csv": csv } }),
        )
        .await;
    assert_eq!(outcome(&body, "importAffiliateCounts"), "OK", "{body}");
    assert_eq!(
        body["data"]["importAffiliateCounts"]["affiliateCounts"][0]["organisation"]["slug"],
        "ucm"
    );

    // The history keeps every figure with who set it; the caisse reads its own, others nothing.
    let history = "{ organisation(slug: \"acerta\") { affiliateCounts { year count primoStarters helpingSpouses }
        affiliateCountHistory { year count recordedBy { name } } } }";
    let own = app
        .graphql_as(&app.login_as("acerta", "STAFF"), history, json!({}))
        .await;
    let counts = own["data"]["organisation"]["affiliateCounts"]
        .as_array()
        .unwrap()
        .clone();
    let y2025 = counts.iter().find(|c| c["year"] == 2025).unwrap();
    assert_eq!(
        (
            y2025["count"].clone(),
            y2025["primoStarters"].clone(),
            y2025["helpingSpouses"].clone()
        ),
        (json!(281_000), json!(17_100), json!(4_100))
    );
    let changes: Vec<i64> = own["data"]["organisation"]["affiliateCountHistory"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["year"] == 2025)
        .map(|c| c["count"].as_i64().unwrap())
        .collect();
    assert_eq!(
        changes[..2],
        [281_000, 280_000],
        "newest first, the earlier figure kept: {own}"
    );
    let other = app
        .graphql_as(&app.login_as("ucm", "ORG_ADMIN"), history, json!({}))
        .await;
    assert_eq!(
        other["data"]["organisation"]["affiliateCountHistory"],
        json!([])
    );
}

async fn report(app: &TestApp, caller: (&str, &str), caisse: &str, year: i32) -> Value {
    let id = app.organisation_id(caisse).await;
    run(
        app,
        Some(caller),
        REPORT,
        json!({ "caisse": id, "year": year }),
    )
    .await
}

/// A report submitted before v2, as the v1 serialiser wrote it: keys in the struct's order.
const V1_SNAPSHOT: &str = r#"{"format":"commons/activity-report/v1","caisseId":1,"caisseSlug":"acerta","year":2025,"compliant":false,"categoriesOffered":["AWARENESS_PROMOTION"],"mandatoryMissing":["ORIENTATION_SUPPORT"],"hasOptional":false,"perCategory":[],"offerings":[],"peopleReached":300,"toolsPublished":[],"toolsUpdated":[],"proposalsReceived":0,"proposalsAccepted":0,"jointServicesResponsible":0,"jointServicesParticipating":0,"adoptionsGiven":0,"adoptionsReceived":0,"reviewsGiven":0,"reviewsReceived":0}"#;

#[tokio::test]
async fn a_report_submitted_as_v1_still_verifies_against_its_stored_bytes() {
    use sea_orm::ConnectionTrait;
    let app = app_in_2026().await;
    record(
        &app,
        "acerta",
        offering(
            2025,
            &["AWARENESS_PROMOTION"],
            "2025-01-01",
            "2025-12-31",
            300,
        ),
    )
    .await;
    let submit = json!({ "input": { "year": 2025, "narrative": "v1" } });
    let body = run(&app, Some(("acerta", "ORG_ADMIN")), SUBMIT, submit).await;
    assert_eq!(outcome(&body, "submitActivityReport"), "OK", "{body}");
    // The row as a server before v2 stored it.
    let v1_digest = sha256_hex(V1_SNAPSHOT);
    app.services
        .db
        .execute_unprepared(&format!(
            "UPDATE activity_reports SET snapshot = '{V1_SNAPSHOT}', snapshot_sha256 = '{v1_digest}' \
             WHERE year = 2025 AND caisse_id = (SELECT id FROM organisations WHERE slug = 'acerta')"
        ))
        .await
        .unwrap();
    let read = report(&app, ("inasti", "AUDITOR"), "acerta", 2025).await;
    let r = &read["data"]["activityReport"];
    assert_eq!(r["snapshot"], V1_SNAPSHOT, "kept byte for byte: {read}");
    assert_eq!(r["snapshotSha256"], v1_digest.as_str());
    assert_eq!(r["figures"]["peopleReached"], 300);
    assert_eq!(
        r["figures"]["mandatoryMissing"],
        json!(["ORIENTATION_SUPPORT"])
    );
    // Its digest is over its bytes, not over a canonical form it never had.
    assert_ne!(jcs_digest(V1_SNAPSHOT).await.0, v1_digest);
}

#[tokio::test]
async fn a_submitted_report_is_frozen_and_reviewed_step_by_step() {
    let app = app_in_2026().await;
    record(
        &app,
        "acerta",
        offering(
            2025,
            &["AWARENESS_PROMOTION"],
            "2025-01-01",
            "2025-12-31",
            300,
        ),
    )
    .await;
    let submit = json!({ "input": { "year": 2025, "narrative": "Une année de mise en place." } });
    for (name, caller) in CALLERS {
        if *name == "acerta admin" {
            continue;
        }
        let body = run(&app, *caller, SUBMIT, submit.clone()).await;
        let expected = if caller.is_none() {
            "UNAUTHENTICATED"
        } else {
            "FORBIDDEN"
        };
        // UCM's admin submits UCM's own report: allowed, and not Acerta's.
        let expected = if *name == "ucm admin" { "OK" } else { expected };
        assert_eq!(
            outcome(&body, "submitActivityReport"),
            expected,
            "{name}: {body}"
        );
    }
    let draft = report(&app, ("acerta", "STAFF"), "acerta", 2025).await;
    assert_eq!(
        draft["data"]["activityReport"]["status"], "DRAFT",
        "{draft}"
    );
    assert!(draft["data"]["activityReport"]["id"].is_null());
    let body = run(&app, Some(("acerta", "ORG_ADMIN")), SUBMIT, submit.clone()).await;
    assert_eq!(outcome(&body, "submitActivityReport"), "OK", "{body}");
    let submitted = body["data"]["submitActivityReport"]["report"].clone();
    let (id, digest) = (submitted["id"].clone(), submitted["snapshotSha256"].clone());
    assert_eq!(submitted["status"], "SUBMITTED");
    let snapshot = submitted["snapshot"].as_str().unwrap();
    assert_eq!(sha256_hex(snapshot), digest.as_str().unwrap());
    // An auditor with a standard RFC 8785 tool, given the figures in any key order, gets the
    // same bytes and the same digest.
    let reordered: Value = serde_json::from_str(snapshot).unwrap();
    let (auditor_digest, canonical) =
        jcs_digest(&serde_json::to_string_pretty(&reordered).unwrap()).await;
    assert_eq!(canonical, snapshot);
    assert_eq!(auditor_digest, digest.as_str().unwrap());
    assert_eq!(reordered["format"], "commons/activity-report/v2");
    assert_eq!(submitted["figures"]["peopleReached"], 300);

    // Later changes to the register do not alter the submitted report.
    record(
        &app,
        "acerta",
        offering(
            2025,
            &["ORIENTATION_SUPPORT", "EARLY_DETECTION"],
            "2025-03-01",
            "2025-12-31",
            45,
        ),
    )
    .await;
    let read = report(&app, ("inasti", "AUDITOR"), "acerta", 2025).await;
    let r = &read["data"]["activityReport"];
    assert_eq!(r["snapshotSha256"], digest, "{read}");
    assert_eq!(r["figures"]["peopleReached"], 300);
    assert_eq!(r["figures"]["offerings"].as_array().unwrap().len(), 1);
    assert_eq!(r["narrative"], "Une année de mise en place.");
    // Submitting twice is refused.
    let body = run(&app, Some(("acerta", "ORG_ADMIN")), SUBMIT, submit.clone()).await;
    assert_eq!(
        user_error_codes(&body["data"]["submitActivityReport"]),
        vec!["INVALID_STATE"],
        "{body}"
    );
    // Who reads it: the caisse's people and INASTI's officers; another caisse is refused.
    for (name, caller) in CALLERS {
        let Some(caller) = caller else { continue };
        let body = report(&app, *caller, "acerta", 2025).await;
        let expected = match *name {
            "ucm admin" | "unizo staff" => Some("FORBIDDEN"),
            _ => None,
        };
        assert_eq!(error_code(&body), expected, "{name}: {body}");
    }

    // Review: moderators only; returning needs a comment.
    let review = |decision: &str, comment: Option<&str>| json!({ "input": { "reportId": id, "decision": decision, "comment": comment } });
    for who in [
        ("inasti", "AUDITOR"),
        ("inasti", "PLATFORM_ADMIN"),
        ("acerta", "ORG_ADMIN"),
    ] {
        let body = run(&app, Some(who), REVIEW, review("ACCEPT", None)).await;
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{who:?}: {body}");
    }
    let moderator = Some(("inasti", "MODERATOR"));
    let body = run(&app, moderator, REVIEW, review("RETURN", None)).await;
    assert_eq!(
        user_error_codes(&body["data"]["reviewActivityReport"]),
        vec!["REQUIRED"],
        "{body}"
    );
    let body = run(
        &app,
        moderator,
        REVIEW,
        review("RETURN", Some("Ajoutez l'orientation.")),
    )
    .await;
    assert_eq!(outcome(&body, "reviewActivityReport"), "OK", "{body}");
    assert_eq!(
        body["data"]["reviewActivityReport"]["report"]["status"],
        "RETURNED"
    );
    let body = run(&app, moderator, REVIEW, review("ACCEPT", None)).await;
    assert_eq!(
        user_error_codes(&body["data"]["reviewActivityReport"]),
        vec!["INVALID_STATE"],
        "{body}"
    );

    // Corrected and submitted again: new figures, a new digest, every step in the history.
    let body = run(&app, Some(("acerta", "ORG_ADMIN")), SUBMIT, submit.clone()).await;
    assert_eq!(outcome(&body, "submitActivityReport"), "OK", "{body}");
    let again = body["data"]["submitActivityReport"]["report"].clone();
    assert_ne!(again["snapshotSha256"], digest);
    assert_eq!(again["figures"]["peopleReached"], 345);
    assert_eq!(again["figures"]["compliant"], true);
    let body = run(&app, moderator, REVIEW, review("ACCEPT", Some("Merci."))).await;
    let history = body["data"]["reviewActivityReport"]["report"]["history"].clone();
    let steps: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        vec!["SUBMITTED", "RETURNED", "SUBMITTED", "ACCEPTED"],
        "{body}"
    );
    assert_eq!(history[1]["comment"], "Ajoutez l'orientation.");
    assert_eq!(history[1]["organisation"]["slug"], "inasti");
    assert_eq!(history[0]["snapshotSha256"], digest);

    // A year to come has no report.
    let body = report(&app, ("acerta", "ORG_ADMIN"), "acerta", 2027).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    let body = run(
        &app,
        Some(("acerta", "ORG_ADMIN")),
        SUBMIT,
        json!({ "input": { "year": 2027, "narrative": "x" } }),
    )
    .await;
    assert_eq!(
        user_error_codes(&body["data"]["submitActivityReport"]),
        vec!["OUT_OF_RANGE"],
        "{body}"
    );
}

#[tokio::test]
async fn the_overview_shows_every_caisse_and_its_csv_is_safe_to_open() {
    let app = app_in_2026().await;
    // A caisse whose name a spreadsheet would run as a formula.
    let body = app
        .graphql_as(
            &app.login_as("inasti", "PLATFORM_ADMIN"),
            "mutation($input: RegisterOrganisationInput!) { registerOrganisation(input: $input) { userErrors { code } } }",
            json!({ "input": { "slug": "formula", "kind": "CAISSE", "enterpriseNumber": valid_number(),
                "names": [{ "lang": "FR", "text": "=HYPERLINK(\"https://evil.example\")" }] } }),
        )
        .await;
    assert_eq!(outcome(&body, "registerOrganisation"), "OK", "{body}");
    record(
        &app,
        "acerta",
        offering(
            2025,
            &[
                "AWARENESS_PROMOTION",
                "ORIENTATION_SUPPORT",
                "EARLY_DETECTION",
            ],
            "2025-01-01",
            "2025-12-31",
            77,
        ),
    )
    .await;
    let body = run(
        &app,
        Some(("acerta", "ORG_ADMIN")),
        SUBMIT,
        json!({ "input": { "year": 2025, "narrative": "Bilan." } }),
    )
    .await;
    assert_eq!(outcome(&body, "submitActivityReport"), "OK", "{body}");
    for (name, caller) in CALLERS {
        let body = run(&app, *caller, OVERVIEW, json!({ "year": 2025 })).await;
        let expected = match *name {
            "anonymous" => Some("UNAUTHENTICATED"),
            "moderator" | "platform admin" | "auditor" => None,
            _ => Some("FORBIDDEN"),
        };
        assert_eq!(error_code(&body), expected, "{name}: {body}");
    }
    let body = run(
        &app,
        Some(("inasti", "AUDITOR")),
        OVERVIEW,
        json!({ "year": 2025 }),
    )
    .await;
    let rows = body["data"]["activityOverview"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 10, "one row per caisse: {body}");
    let acerta = rows
        .iter()
        .find(|r| r["caisse"]["slug"] == "acerta")
        .unwrap();
    assert_eq!(
        (
            acerta["compliant"].clone(),
            acerta["peopleReached"].clone(),
            acerta["reportStatus"].clone()
        ),
        (json!(true), json!(77), json!("SUBMITTED"))
    );
    assert!(
        acerta["funding"].is_null(),
        "no funding parameters for 2025 yet: {acerta}"
    );
    let ucm = rows.iter().find(|r| r["caisse"]["slug"] == "ucm").unwrap();
    assert_eq!(
        (ucm["compliant"].clone(), ucm["reportStatus"].clone()),
        (json!(false), json!("DRAFT"))
    );

    let csv = app
        .client
        .get(format!("{}/reports/2025/overview.csv", app.address))
        .bearer_auth(app.login_as("inasti", "AUDITOR"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header[..4],
        [
            "caisse_slug",
            "caisse_name",
            "enterprise_number",
            "compliant"
        ]
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 10);
    let formula = records.iter().find(|r| &r[0] == "formula").unwrap();
    assert!(
        formula[1].starts_with("'="),
        "neutralised: {:?}",
        &formula[1]
    );
    let acerta = records.iter().find(|r| &r[0] == "acerta").unwrap();
    assert_eq!(&acerta[3], "true");
    for (who, status) in [(("acerta", "ORG_ADMIN"), 403), (("unizo", "STAFF"), 403)] {
        let response = app
            .client
            .get(format!("{}/reports/2025/overview.csv", app.address))
            .bearer_auth(app.login_as(who.0, who.1))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{who:?}");
    }
    assert_eq!(app.get("/reports/2025/overview.csv").await.status(), 401);
    let unknown = app
        .client
        .get(format!("{}/reports/2025/secrets.csv", app.address))
        .bearer_auth(app.login_as("inasti", "AUDITOR"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
}

/// An enterprise number no demo organisation uses.
fn valid_number() -> String {
    let body: u64 = 4_999_990;
    format!(
        "{body:08}{:02}",
        commons_domain::enterprise_number::EnterpriseNumber::check_digits(body)
    )
}

#[tokio::test]
async fn bad_offerings_are_refused_and_nothing_is_written() {
    let app = app_in_2026().await;
    let token = app.login_as("acerta", "STAFF");
    let cases = [
        (
            offering(
                2027,
                &["AWARENESS_PROMOTION"],
                "2027-01-01",
                "2027-02-01",
                1,
            ),
            vec!["year"],
        ),
        (
            offering(
                2025,
                &["AWARENESS_PROMOTION"],
                "2025-06-01",
                "2026-01-31",
                1,
            ),
            vec!["endsOn"],
        ),
        (
            offering(
                2025,
                &["AWARENESS_PROMOTION"],
                "2024-12-01",
                "2025-01-31",
                1,
            ),
            vec!["startsOn"],
        ),
        (
            offering(
                2025,
                &["AWARENESS_PROMOTION"],
                "2025-06-01",
                "2025-05-01",
                1,
            ),
            vec!["endsOn"],
        ),
        (
            offering(
                2025,
                &["AWARENESS_PROMOTION"],
                "2025-01-01",
                "2025-05-01",
                -3,
            ),
            vec!["peopleReached"],
        ),
        (
            offering(2025, &[], "2025-01-01", "2025-05-01", 3),
            vec!["categories"],
        ),
        (
            offering(
                2023,
                &["AWARENESS_PROMOTION"],
                "2023-01-01",
                "2023-05-01",
                3,
            ),
            vec!["year"],
        ),
    ];
    for (input, fields) in cases {
        let body = app
            .graphql_as(&token, RECORD, json!({ "input": input }))
            .await;
        let got: Vec<String> = body["data"]["recordServiceOffering"]["userErrors"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"))
            .iter()
            .map(|e| strings(&e["field"]).join("."))
            .collect();
        assert_eq!(got, fields, "{input}: {body}");
    }
    let mut long = offering(
        2025,
        &["AWARENESS_PROMOTION"],
        "2025-01-01",
        "2025-05-01",
        3,
    );
    long["regions"] = json!(vec!["Liège"; 21]);
    long["titles"] = json!([{ "lang": "FR", "text": "x".repeat(201) }]);
    let body = app
        .graphql_as(&token, RECORD, json!({ "input": long }))
        .await;
    assert_eq!(
        user_error_codes(&body["data"]["recordServiceOffering"]),
        vec!["TOO_LONG", "TOO_LONG"],
        "{body}"
    );
    let year = year_of(&app, "acerta", 2025).await;
    assert_eq!(year["serviceOfferings"], json!([]), "nothing written");
}

#[tokio::test]
async fn the_rest_of_the_matrix_holds_and_every_write_is_audited() {
    let app = app_in_2026().await;
    let id = record(
        &app,
        "acerta",
        offering(
            2025,
            &["AWARENESS_PROMOTION"],
            "2025-01-01",
            "2025-12-31",
            5,
        ),
    )
    .await["id"]
        .clone();
    let expected_for = |name: &str| match name {
        "anonymous" => "UNAUTHENTICATED",
        "acerta staff" | "acerta admin" => "OK",
        // Another caisse's offering does not exist for UCM; the others record no offerings.
        "ucm admin" => "NOT_FOUND",
        _ => "FORBIDDEN",
    };
    let mut version = 1;
    for (name, caller) in CALLERS {
        let input = json!({ "offeringId": id, "expectedVersion": version,
            "offering": offering(2025, &["AWARENESS_PROMOTION"], "2025-01-01", "2025-12-31", 6) });
        let body = run(&app, *caller, UPDATE, json!({ "input": input })).await;
        let got = outcome(&body, "updateServiceOffering");
        assert_eq!(got, expected_for(name), "{name}: {body}");
        if got == "OK" {
            version += 1;
        }
    }
    for (name, caller) in CALLERS.iter().filter(|(n, _)| *n != "acerta staff") {
        let body = run(
            &app,
            *caller,
            WITHDRAW,
            json!({ "input": { "offeringId": id, "expectedVersion": version } }),
        )
        .await;
        assert_eq!(
            outcome(&body, "withdrawServiceOffering"),
            expected_for(name),
            "{name}: {body}"
        );
    }
    let csv = "caisse,principal,primo_starters,helping_spouses\nucm,107000,6000,1500\n";
    for (name, caller) in CALLERS {
        let expected = match *name {
            "anonymous" => "UNAUTHENTICATED",
            "platform admin" => "OK",
            _ => "FORBIDDEN",
        };
        let body = run(
            &app,
            *caller,
            IMPORT,
            json!({ "input": { "year": 2025, "csv": csv } }),
        )
        .await;
        assert_eq!(
            outcome(&body, "importAffiliateCounts"),
            expected,
            "{name}: {body}"
        );
    }
    let admin = app.login_as("inasti", "PLATFORM_ADMIN");
    let body = app
        .graphql_as(&admin, SET_FUNDING, json!({ "input": { "year": 2026, "envelopeEur": "4161600.00", "fixedPerCaisseEur": "100000.00" } }))
        .await;
    assert_eq!(outcome(&body, "setFundingParameters"), "OK", "{body}");
    let read =
        "query($year: Int!) { fundingParameters(year: $year) { envelopeEur fixedPerCaisseEur } }";
    for (name, caller) in CALLERS {
        let body = run(&app, *caller, read, json!({ "year": 2026 })).await;
        if caller.is_none() {
            assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{name}: {body}");
        } else {
            assert_eq!(
                body["data"]["fundingParameters"]["envelopeEur"], "4161600.00",
                "{name}: {body}"
            );
        }
    }
    let body = run(
        &app,
        Some(("acerta", "ORG_ADMIN")),
        SUBMIT,
        json!({ "input": { "year": 2025, "narrative": "Bilan." } }),
    )
    .await;
    assert_eq!(outcome(&body, "submitActivityReport"), "OK", "{body}");

    let log = app
        .graphql_as(
            &app.login_as("inasti", "AUDITOR"),
            "{ auditLog(first: 100, filter: { subjectTypes: [\"service_offering\", \"activity_report\", \"funding_parameters\", \"organisation\"] }) { edges { node { action } } } }",
            json!({}),
        )
        .await;
    let actions: Vec<String> = log["data"]["auditLog"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{log}"))
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap().to_owned())
        .collect();
    for action in [
        "service_offering.recorded",
        "service_offering.updated",
        "service_offering.withdrawn",
        "organisation.affiliate_count_set",
        "funding.parameters_set",
        "activity_report.submitted",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} missing from {actions:?}"
        );
    }
}
