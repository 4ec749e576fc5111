//! Organisation management: who may do what, and every bad input with its code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::{TestApp, error_code, global_id, spawn_app, user_error_codes};
use serde_json::{Value, json};

const REGISTER: &str = "mutation($input: RegisterOrganisationInput!) {
  registerOrganisation(input: $input) {
    organisation { id slug kind name enterpriseNumber website contactEmail names { lang text } }
    userErrors { field message code }
  }
}";

const UPDATE: &str = "mutation($input: UpdateOrganisationInput!) {
  updateOrganisation(input: $input) {
    organisation { slug name(lang: EN) enterpriseNumber website contactEmail }
    userErrors { field message code }
  }
}";

const SET_COUNTS: &str = "mutation($input: SetAffiliateCountsInput!) {
  setAffiliateCounts(input: $input) {
    affiliateCounts { organisation { slug } year count primoStarters helpingSpouses }
    userErrors { field message code }
  }
}";

/// One caisse's count as `setAffiliateCounts` takes it.
fn one_count(organisation: &str, year: i32, principal: i64) -> Value {
    json!({ "input": { "year": year, "counts": [{ "organisationId": organisation, "principal": principal }] } })
}

/// The callers of the role × action matrix, as (name, organisation, role); None is anonymous.
const CALLERS: &[(&str, Option<(&str, &str)>)] = &[
    ("anonymous", None),
    ("caisse staff", Some(("acerta", "STAFF"))),
    ("caisse admin", Some(("acerta", "ORG_ADMIN"))),
    ("other caisse admin", Some(("ucm", "ORG_ADMIN"))),
    ("partner staff", Some(("unizo", "STAFF"))),
    ("partner admin", Some(("unizo", "ORG_ADMIN"))),
    ("moderator", Some(("inasti", "MODERATOR"))),
    ("platform admin", Some(("inasti", "PLATFORM_ADMIN"))),
];

async fn demo_app() -> TestApp {
    spawn_app().await.with_demo().await
}

async fn run_as(
    app: &TestApp,
    caller: Option<(&str, &str)>,
    query: &str,
    variables: Value,
) -> Value {
    match caller {
        Some((org, role)) => {
            app.graphql_as(&app.login_as(org, role), query, variables)
                .await
        }
        None => app.graphql(query, variables).await,
    }
}

fn registration(slug: &str, number: &str) -> Value {
    json!({
        "slug": slug,
        "kind": "PARTNER",
        "names": [{ "lang": "FR", "text": "Centre de référence en santé mentale" }, { "lang": "NL", "text": "Referentiecentrum geestelijke gezondheid" }],
        "enterpriseNumber": number,
        "website": "https://www.example.be",
        "contactEmail": "contact@example.be",
    })
}

async fn organisation_count(app: &TestApp) -> u64 {
    app.graphql("{ organisations { totalCount } }", json!({}))
        .await["data"]["organisations"]["totalCount"]
        .as_u64()
        .unwrap()
}

/// The code a caller got: `OK` when the mutation went through, else the error code.
fn outcome(body: &Value, field: &str) -> String {
    match error_code(body) {
        Some(code) => code.to_owned(),
        None => {
            let errors = user_error_codes(&body["data"][field]);
            if errors.is_empty() {
                "OK".to_owned()
            } else {
                errors.join(",")
            }
        }
    }
}

#[tokio::test]
async fn only_platform_admins_register_organisations() {
    let app = demo_app().await;
    let expected = [
        ("anonymous", "UNAUTHENTICATED"),
        ("caisse staff", "FORBIDDEN"),
        ("caisse admin", "FORBIDDEN"),
        ("other caisse admin", "FORBIDDEN"),
        ("partner staff", "FORBIDDEN"),
        ("partner admin", "FORBIDDEN"),
        ("moderator", "FORBIDDEN"),
        ("platform admin", "OK"),
    ];
    for ((name, caller), (expected_name, code)) in CALLERS.iter().zip(expected) {
        assert_eq!(*name, expected_name);
        let before = organisation_count(&app).await;
        let body = run_as(
            &app,
            *caller,
            REGISTER,
            json!({ "input": registration("csm-liege", "0123.456.749") }),
        )
        .await;
        assert_eq!(
            outcome(&body, "registerOrganisation"),
            code,
            "{name}: {body}"
        );
        let written = organisation_count(&app).await - before;
        assert_eq!(
            written,
            u64::from(code == "OK"),
            "{name} wrote {written} organisations"
        );
    }
}

#[tokio::test]
async fn a_registered_organisation_is_stored_normalised() {
    let app = demo_app().await;
    let token = app.login_as("inasti", "PLATFORM_ADMIN");
    let body = app
        .graphql_as(
            &token,
            REGISTER,
            json!({ "input": registration("csm-liege", "0123456749") }),
        )
        .await;
    let org = &body["data"]["registerOrganisation"]["organisation"];
    assert_eq!(org["enterpriseNumber"], "0123.456.749", "{body}");
    assert_eq!(org["kind"], "PARTNER");
    assert_eq!(org["website"], "https://www.example.be/");
    assert_eq!(org["names"].as_array().unwrap().len(), 2);
    let read = app
        .graphql(
            "{ organisation(slug: \"csm-liege\") { name(lang: NL) } }",
            json!({}),
        )
        .await;
    assert_eq!(
        read["data"]["organisation"]["name"],
        "Referentiecentrum geestelijke gezondheid"
    );
}

#[tokio::test]
async fn organisation_profiles_are_edited_by_their_admins_and_platform_admins() {
    let app = demo_app().await;
    let acerta = app.organisation_id("acerta").await;
    let expected = [
        ("anonymous", "UNAUTHENTICATED"),
        ("caisse staff", "FORBIDDEN"),
        ("caisse admin", "OK"),
        ("other caisse admin", "FORBIDDEN"),
        ("partner staff", "FORBIDDEN"),
        ("partner admin", "FORBIDDEN"),
        ("moderator", "FORBIDDEN"),
        ("platform admin", "OK"),
    ];
    for ((name, caller), (_, code)) in CALLERS.iter().zip(expected) {
        let website = format!("https://www.acerta.be/{}", name.replace(' ', "-"));
        let input = json!({ "organisationId": acerta, "expectedVersion": version(&app, "acerta").await, "website": website });
        let body = run_as(&app, *caller, UPDATE, json!({ "input": input })).await;
        assert_eq!(outcome(&body, "updateOrganisation"), code, "{name}: {body}");
        let now = app
            .graphql("{ organisation(slug: \"acerta\") { website } }", json!({}))
            .await;
        assert_eq!(
            now["data"]["organisation"]["website"] == json!(website),
            code == "OK",
            "{name}"
        );
    }
}

async fn version(app: &TestApp, slug: &str) -> i64 {
    let body = app
        .graphql(
            "query($slug: String!) { organisation(slug: $slug) { version } }",
            json!({ "slug": slug }),
        )
        .await;
    body["data"]["organisation"]["version"].as_i64().unwrap()
}

#[tokio::test]
async fn an_edit_based_on_an_older_version_is_a_conflict_and_reverts_nothing() {
    let app = demo_app().await;
    let acerta = app.organisation_id("acerta").await;
    let first = app.login_as("acerta", "ORG_ADMIN");
    let platform = app.login_as("inasti", "PLATFORM_ADMIN");
    let read = version(&app, "acerta").await;
    let body = app
        .graphql_as(&first, UPDATE, json!({ "input": { "organisationId": acerta, "expectedVersion": read, "website": "https://www.acerta.be/first" } }))
        .await;
    assert_eq!(outcome(&body, "updateOrganisation"), "OK", "{body}");
    assert_eq!(version(&app, "acerta").await, read + 1);
    // The second admin read the same version and sends a whole profile based on it.
    let body = app
        .graphql_as(&platform, UPDATE, json!({ "input": { "organisationId": acerta, "expectedVersion": read, "website": "https://www.acerta.be/second", "contactEmail": "info@acerta.be" } }))
        .await;
    assert_eq!(outcome(&body, "updateOrganisation"), "CONFLICT", "{body}");
    let now = app
        .graphql(
            "{ organisation(slug: \"acerta\") { website contactEmail } }",
            json!({}),
        )
        .await;
    assert_eq!(
        now["data"]["organisation"]["website"],
        "https://www.acerta.be/first"
    );
}

#[tokio::test]
async fn of_simultaneous_edits_of_one_version_exactly_one_wins() {
    let app = demo_app().await;
    let acerta = app.organisation_id("acerta").await;
    let token = app.login_as("acerta", "ORG_ADMIN");
    for round in 0..5 {
        let read = version(&app, "acerta").await;
        let edits = (0..6).map(|i| {
            let website = format!("https://www.acerta.be/{round}/{i}");
            let input = json!({ "input": { "organisationId": acerta, "expectedVersion": read, "website": website } });
            let (app, token) = (&app, &token);
            async move { app.graphql_as(token, UPDATE, input).await }
        });
        let answers = futures_util::future::join_all(edits).await;
        let outcomes: Vec<String> = answers
            .iter()
            .map(|b| outcome(b, "updateOrganisation"))
            .collect();
        assert_eq!(
            outcomes.iter().filter(|o| *o == "OK").count(),
            1,
            "round {round}: {outcomes:?}"
        );
        assert!(
            outcomes.iter().all(|o| o == "OK" || o == "CONFLICT"),
            "{outcomes:?}"
        );
        assert_eq!(version(&app, "acerta").await, read + 1);
    }
}

#[tokio::test]
async fn only_platform_admins_change_an_enterprise_number() {
    let app = demo_app().await;
    let acerta = app.organisation_id("acerta").await;
    let input = json!({ "input": { "organisationId": acerta, "expectedVersion": 1, "enterpriseNumber": "0123.456.749" } });
    let admin = app
        .graphql_as(&app.login_as("acerta", "ORG_ADMIN"), UPDATE, input.clone())
        .await;
    assert_eq!(error_code(&admin), Some("FORBIDDEN"), "{admin}");
    let platform = app
        .graphql_as(&app.login_as("inasti", "PLATFORM_ADMIN"), UPDATE, input)
        .await;
    assert_eq!(
        platform["data"]["updateOrganisation"]["organisation"]["enterpriseNumber"], "0123.456.749",
        "{platform}"
    );
}

#[tokio::test]
async fn an_update_with_bad_fields_changes_nothing() {
    let app = demo_app().await;
    let acerta = app.organisation_id("acerta").await;
    let token = app.login_as("acerta", "ORG_ADMIN");
    let before = app
        .graphql_as(
            &token,
            "{ organisation(slug: \"acerta\") { website contactEmail names { text } } }",
            json!({}),
        )
        .await;
    let input = json!({ "organisationId": acerta, "expectedVersion": 1, "website": "ftp://acerta.be", "contactEmail": "not-an-email",
        "names": [{ "lang": "EN", "text": "Acerta" }] });
    let body = app
        .graphql_as(&token, UPDATE, json!({ "input": input }))
        .await;
    let payload = &body["data"]["updateOrganisation"];
    assert_eq!(payload["organisation"], Value::Null);
    assert_eq!(
        user_error_codes(payload),
        vec!["INVALID_FORMAT", "INVALID_FORMAT"],
        "{body}"
    );
    let after = app
        .graphql_as(
            &token,
            "{ organisation(slug: \"acerta\") { website contactEmail names { text } } }",
            json!({}),
        )
        .await;
    assert_eq!(before, after);
}

#[tokio::test]
async fn updating_an_unknown_organisation_is_not_found() {
    let app = demo_app().await;
    let token = app.login_as("inasti", "PLATFORM_ADMIN");
    let missing = global_id("Organisation", 999_999);
    let body = app
        .graphql_as(
            &token,
            UPDATE,
            json!({ "input": { "organisationId": missing, "expectedVersion": 1, "website": "" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    let body = app
        .graphql_as(
            &token,
            UPDATE,
            json!({ "input": { "organisationId": "garbage!", "expectedVersion": 1, "website": "" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
}

#[tokio::test]
async fn affiliate_counts_are_set_by_platform_admins_only() {
    let app = demo_app().await;
    let acerta = app.organisation_id("acerta").await;
    let expected = [
        ("anonymous", "UNAUTHENTICATED"),
        ("caisse staff", "FORBIDDEN"),
        // The count sets the caisse's own funding: never its own to declare.
        ("caisse admin", "FORBIDDEN"),
        ("other caisse admin", "FORBIDDEN"),
        ("partner staff", "FORBIDDEN"),
        ("partner admin", "FORBIDDEN"),
        ("moderator", "FORBIDDEN"),
        ("platform admin", "OK"),
    ];
    app.services
        .clock
        .set(Some("2026-06-01T09:00:00Z".parse().unwrap()));
    for (i, ((name, caller), (_, code))) in CALLERS.iter().zip(expected).enumerate() {
        let count = 300_000 + i as i64;
        let body = run_as(&app, *caller, SET_COUNTS, one_count(&acerta, 2025, count)).await;
        assert_eq!(outcome(&body, "setAffiliateCounts"), code, "{name}: {body}");
        let token = app.login_as("acerta", "STAFF");
        let read = app
            .graphql_as(
                &token,
                "{ organisation(slug: \"acerta\") { affiliateCounts { year count } } }",
                json!({}),
            )
            .await;
        let has = read["data"]["organisation"]["affiliateCounts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["year"] == 2025 && c["count"] == count);
        assert_eq!(has, code == "OK", "{name}: {read}");
    }
}

#[tokio::test]
async fn affiliate_counts_belong_to_caisses_and_sane_years() {
    let app = demo_app().await;
    let token = app.login_as("inasti", "PLATFORM_ADMIN");
    let unizo = app.organisation_id("unizo").await;
    let body = app
        .graphql_as(&token, SET_COUNTS, one_count(&unizo, 2024, 10))
        .await;
    assert_eq!(
        user_error_codes(&body["data"]["setAffiliateCounts"]),
        vec!["NOT_ALLOWED"],
        "{body}"
    );
    let acerta = app.organisation_id("acerta").await;
    let body = app
        .graphql_as(&token, SET_COUNTS, one_count(&acerta, 2999, -5))
        .await;
    assert_eq!(
        user_error_codes(&body["data"]["setAffiliateCounts"]),
        vec!["OUT_OF_RANGE", "OUT_OF_RANGE"],
        "{body}"
    );
    // 31 December of this year has not passed: its count does not exist yet.
    app.services
        .clock
        .set(Some("2026-06-01T09:00:00Z".parse().unwrap()));
    let body = app
        .graphql_as(&token, SET_COUNTS, one_count(&acerta, 2026, 1000))
        .await;
    assert_eq!(
        user_error_codes(&body["data"]["setAffiliateCounts"]),
        vec!["OUT_OF_RANGE"],
        "{body}"
    );
}

#[tokio::test]
async fn contact_details_and_affiliate_counts_are_for_signed_in_callers() {
    let app = demo_app().await;
    let query =
        "{ organisation(slug: \"acerta\") { contactEmail affiliateCounts { year count } } }";
    let anonymous = app.graphql(query, json!({})).await;
    assert_eq!(
        anonymous["data"]["organisation"]["contactEmail"],
        Value::Null
    );
    assert_eq!(
        anonymous["data"]["organisation"]["affiliateCounts"],
        json!([])
    );
    let partner = app
        .graphql_as(&app.login_as("unizo", "STAFF"), query, json!({}))
        .await;
    assert_eq!(
        partner["data"]["organisation"]["contactEmail"],
        "bien-etre@acerta.example"
    );
    // Affiliate counts set the caisse's funding: its own people and INASTI read them.
    assert_eq!(
        partner["data"]["organisation"]["affiliateCounts"],
        json!([])
    );
    for (org, role, counts) in [
        ("ucm", "STAFF", 0),
        ("acerta", "STAFF", 3),
        ("inasti", "MODERATOR", 3),
        ("inasti", "AUDITOR", 3),
    ] {
        let read = app
            .graphql_as(&app.login_as(org, role), query, json!({}))
            .await;
        assert_eq!(
            read["data"]["organisation"]["affiliateCounts"]
                .as_array()
                .unwrap()
                .len(),
            counts,
            "{org} {role}: {read}"
        );
    }
}

async fn register_as_platform_admin(app: &TestApp, input: Value) -> Value {
    let token = app.login_as("inasti", "PLATFORM_ADMIN");
    app.graphql_as(&token, REGISTER, json!({ "input": input }))
        .await
}

/// Each bad registration comes back as userErrors (or a GraphQL error for a value the schema
/// itself refuses), and writes nothing.
#[tokio::test]
async fn bad_registrations_are_refused_with_their_codes_and_write_nothing() {
    let app = demo_app().await;
    let before = organisation_count(&app).await;
    let acerta_number = app
        .graphql(
            "{ organisation(slug: \"acerta\") { enterpriseNumber } }",
            json!({}),
        )
        .await["data"]["organisation"]["enterpriseNumber"]
        .as_str()
        .unwrap()
        .to_owned();
    let with = |f: &dyn Fn(&mut Value)| {
        let mut input = registration("new-partner", "0123.456.749");
        f(&mut input);
        input
    };
    let cases: Vec<(&str, Value, Vec<&str>, &str)> = vec![
        (
            "bad check digits",
            with(&|i| i["enterpriseNumber"] = json!("0123.456.748")),
            vec!["INVALID_CHECKSUM"],
            "enterpriseNumber",
        ),
        (
            "bad number shape",
            with(&|i| i["enterpriseNumber"] = json!("BE 123")),
            vec!["INVALID_FORMAT"],
            "enterpriseNumber",
        ),
        (
            "duplicate slug",
            with(&|i| i["slug"] = json!("acerta")),
            vec!["TAKEN"],
            "slug",
        ),
        (
            "duplicate enterprise number",
            with(&|i| i["enterpriseNumber"] = json!(acerta_number.clone())),
            vec!["TAKEN"],
            "enterpriseNumber",
        ),
        (
            "bad slug",
            with(&|i| i["slug"] = json!("New Partner")),
            vec!["INVALID_FORMAT"],
            "slug",
        ),
        (
            "a second INASTI",
            with(&|i| i["kind"] = json!("INASTI")),
            vec!["NOT_ALLOWED"],
            "kind",
        ),
        (
            "no name",
            with(&|i| i["names"] = json!([])),
            vec!["REQUIRED"],
            "names",
        ),
        (
            "blank name",
            with(&|i| i["names"] = json!([{ "lang": "FR", "text": "  " }])),
            vec!["REQUIRED"],
            "names",
        ),
        (
            "name too long",
            with(&|i| i["names"] = json!([{ "lang": "FR", "text": "x".repeat(201) }])),
            vec!["TOO_LONG"],
            "names",
        ),
        (
            "a language twice",
            with(&|i| {
                i["names"] = json!([{ "lang": "FR", "text": "A" }, { "lang": "FR", "text": "B" }])
            }),
            vec!["DUPLICATE"],
            "names",
        ),
        (
            "bad website",
            with(&|i| i["website"] = json!("javascript:alert(1)")),
            vec!["INVALID_FORMAT"],
            "website",
        ),
        (
            "bad email",
            with(&|i| i["contactEmail"] = json!("contact@")),
            vec!["INVALID_FORMAT"],
            "contactEmail",
        ),
    ];
    for (case, input, codes, field) in cases {
        let body = register_as_platform_admin(&app, input).await;
        let payload = &body["data"]["registerOrganisation"];
        assert_eq!(payload["organisation"], Value::Null, "{case}: {body}");
        assert_eq!(user_error_codes(payload), codes, "{case}: {body}");
        assert_eq!(
            payload["userErrors"][0]["field"][0], field,
            "{case}: {body}"
        );
        assert!(
            !payload["userErrors"][0]["message"]
                .as_str()
                .unwrap()
                .is_empty()
        );
    }
    // A kind the schema does not know never reaches the service.
    let body = register_as_platform_admin(&app, with(&|i| i["kind"] = json!("BANK"))).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(organisation_count(&app).await, before);
}

#[tokio::test]
async fn every_mistake_of_an_input_is_reported_at_once() {
    let app = demo_app().await;
    let mut input = registration("X", "123");
    input["contactEmail"] = json!("nope");
    let body = register_as_platform_admin(&app, input).await;
    let codes = user_error_codes(&body["data"]["registerOrganisation"]);
    assert_eq!(
        codes,
        vec!["INVALID_FORMAT", "INVALID_FORMAT", "INVALID_FORMAT"],
        "{body}"
    );
}
