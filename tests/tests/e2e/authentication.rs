//! Bearer JWT authentication: every way a token is refused, and what a good one does.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use commons_api::config::PublicKeyConfig;
use commons_tests::{TestApp, chrono_now, error_code, fixture, sign, spawn_app, spawn_app_with};
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Value, json};

const VIEWER: &str = "{ viewer { roles user { subject name } organisation { slug } } }";

async fn demo_app() -> TestApp {
    spawn_app().await.with_demo().await
}

/// Sends the token and expects UNAUTHENTICATED with HTTP 401.
async fn assert_refused(app: &TestApp, token: &str) -> Value {
    let response = app
        .post_graphql(Some(token), &json!({ "query": VIEWER }))
        .await;
    assert_eq!(response.status(), 401);
    assert!(response.headers().contains_key("www-authenticate"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    assert!(body.get("data").is_none(), "{body}");
    body
}

fn acerta_claims() -> Value {
    json!({ "sub": "u-1", "org": "acerta", "roles": ["STAFF"] })
}

fn secret_key() -> EncodingKey {
    EncodingKey::from_secret(commons_tests::TEST_SECRET.as_bytes())
}

#[tokio::test]
async fn anonymous_callers_are_served_without_a_viewer() {
    let app = demo_app().await;
    let body = app.graphql(VIEWER, json!({})).await;
    assert_eq!(body["data"]["viewer"], Value::Null, "{body}");
    assert!(body.get("errors").is_none());
}

#[tokio::test]
async fn a_valid_token_identifies_the_viewer_and_records_the_user() {
    let app = demo_app().await;
    let token = app.login_as("acerta", "ORG_ADMIN");
    let body = app.graphql_as(&token, VIEWER, json!({})).await;
    let viewer = &body["data"]["viewer"];
    assert_eq!(viewer["roles"], json!(["ORG_ADMIN"]), "{body}");
    assert_eq!(viewer["organisation"]["slug"], "acerta");
    assert_eq!(viewer["user"]["subject"], "test-acerta-org_admin");
    assert_eq!(viewer["user"]["name"], "Test ORG_ADMIN of acerta");
    // The second request finds the same user.
    let again = app
        .graphql_as(&token, "{ viewer { user { id } } }", json!({}))
        .await;
    let id = again["data"]["viewer"]["user"]["id"].clone();
    let node = app
        .graphql_as(
            &token,
            "query($id: ID!) { node(id: $id) { ... on User { subject } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        node["data"]["node"]["subject"], "test-acerta-org_admin",
        "{node}"
    );
}

#[tokio::test]
async fn a_header_that_is_not_a_bearer_token_is_refused() {
    let app = demo_app().await;
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("authorization", "Basic dXNlcjpwYXNz")
        .json(&json!({ "query": VIEWER }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn a_malformed_token_is_refused() {
    let app = demo_app().await;
    assert_refused(&app, "not-a-jwt").await;
    assert_refused(&app, "a.b.c").await;
}

#[tokio::test]
async fn an_unsigned_token_with_alg_none_is_refused() {
    let app = demo_app().await;
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let now = chrono_now();
    let claims = json!({ "sub": "u", "org": "acerta", "roles": ["PLATFORM_ADMIN"], "iss": commons_tests::ISSUER,
        "aud": commons_tests::AUDIENCE, "iat": now, "exp": now + 60 });
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    assert_refused(&app, &format!("{header}.{payload}.")).await;
}

#[tokio::test]
async fn a_token_of_another_algorithm_is_refused() {
    let app = demo_app().await;
    // Same secret, other HMAC: the algorithm is pinned per key.
    let hs384 = sign(acerta_claims(), Algorithm::HS384, &secret_key(), None);
    let body = assert_refused(&app, &hs384).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("algorithm"),
        "{body}"
    );
    let rsa = EncodingKey::from_rsa_pem(&std::fs::read(fixture("keys/rs256-private.pem")).unwrap())
        .unwrap();
    assert_refused(&app, &sign(acerta_claims(), Algorithm::RS256, &rsa, None)).await;
}

#[tokio::test]
async fn a_token_with_a_bad_signature_is_refused() {
    let app = demo_app().await;
    let forged = sign(
        acerta_claims(),
        Algorithm::HS256,
        &EncodingKey::from_secret(b"another secret entirely, 32+ chars"),
        None,
    );
    let body = assert_refused(&app, &forged).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("signature"),
        "{body}"
    );
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let app = demo_app().await;
    let now = chrono_now();
    let mut claims = acerta_claims();
    claims["iat"] = json!(now - 7200);
    claims["exp"] = json!(now - 60);
    let body = assert_refused(&app, &app.token(claims)).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("expired"),
        "{body}"
    );
}

#[tokio::test]
async fn a_token_that_is_not_valid_yet_is_refused() {
    let app = demo_app().await;
    let mut claims = acerta_claims();
    claims["nbf"] = json!(chrono_now() + 600);
    let body = assert_refused(&app, &app.token(claims)).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not valid yet"),
        "{body}"
    );
}

#[tokio::test]
async fn a_token_from_another_issuer_is_refused() {
    let app = demo_app().await;
    let mut claims = acerta_claims();
    claims["iss"] = json!("https://someone.else");
    assert_refused(&app, &app.token(claims)).await;
}

#[tokio::test]
async fn a_token_for_another_audience_is_refused() {
    let app = demo_app().await;
    let mut claims = acerta_claims();
    claims["aud"] = json!("another-api");
    assert_refused(&app, &app.token(claims)).await;
}

#[tokio::test]
async fn a_token_missing_a_claim_is_refused() {
    let app = demo_app().await;
    for missing in ["exp", "iat", "iss", "aud", "sub", "org", "roles"] {
        let mut claims = acerta_claims();
        claims[missing] = Value::Null;
        let token = app.token(claims);
        let response = app
            .post_graphql(Some(&token), &json!({ "query": VIEWER }))
            .await;
        assert_eq!(response.status(), 401, "without {missing}");
    }
}

#[tokio::test]
async fn a_token_of_an_unknown_organisation_is_refused() {
    let app = demo_app().await;
    let token = app.login_as("no-such-caisse", "STAFF");
    let body = assert_refused(&app, &token).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("organisation"),
        "{body}"
    );
}

#[tokio::test]
async fn a_role_that_does_not_fit_the_organisation_is_refused() {
    let app = demo_app().await;
    assert_refused(&app, &app.login_as("acerta", "MODERATOR")).await;
    assert_refused(&app, &app.login_as("unizo", "PLATFORM_ADMIN")).await;
    assert_refused(&app, &app.login_as("acerta", "SUPERUSER")).await;
    let mut no_roles = acerta_claims();
    no_roles["roles"] = json!([]);
    assert_refused(&app, &app.token(no_roles)).await;
}

/// Production keys: each public key pins its algorithm; the HS256 secret is then not accepted.
#[tokio::test]
async fn public_keys_verify_rs256_es256_and_eddsa_tokens() {
    let app = spawn_app_with(|c| {
        c.auth.hs256_secret = None;
        for (kid, algorithm, file) in [
            ("rs", Algorithm::RS256, "keys/rs256-public.pem"),
            ("es", Algorithm::ES256, "keys/es256-public.pem"),
            ("ed", Algorithm::EdDSA, "keys/eddsa-public.pem"),
        ] {
            c.auth.public_keys.push(PublicKeyConfig {
                kid: Some(kid.into()),
                algorithm,
                pem_file: fixture(file),
            });
        }
    })
    .await
    .with_demo()
    .await;
    let pem = |f: &str| std::fs::read(fixture(f)).unwrap();
    let keys = [
        (
            "rs",
            Algorithm::RS256,
            EncodingKey::from_rsa_pem(&pem("keys/rs256-private.pem")).unwrap(),
        ),
        (
            "es",
            Algorithm::ES256,
            EncodingKey::from_ec_pem(&pem("keys/es256-private.pem")).unwrap(),
        ),
        (
            "ed",
            Algorithm::EdDSA,
            EncodingKey::from_ed_pem(&pem("keys/eddsa-private.pem")).unwrap(),
        ),
    ];
    for (kid, alg, key) in &keys {
        let token = sign(acerta_claims(), *alg, key, Some(kid));
        let body = app.graphql_as(&token, VIEWER, json!({})).await;
        assert_eq!(
            body["data"]["viewer"]["organisation"]["slug"], "acerta",
            "{alg:?}: {body}"
        );
    }
    // A key used under another key's id, and the development secret, are refused.
    let (_, _, rsa) = &keys[0];
    assert_refused(
        &app,
        &sign(acerta_claims(), Algorithm::RS256, rsa, Some("es")),
    )
    .await;
    assert_refused(
        &app,
        &sign(acerta_claims(), Algorithm::HS256, &secret_key(), None),
    )
    .await;
}

#[tokio::test]
async fn a_jwks_file_verifies_tokens_of_its_keys() {
    let app = spawn_app_with(|c| {
        c.auth.hs256_secret = None;
        c.auth.jwks_file = Some(fixture("keys/jwks.json"));
    })
    .await
    .with_demo()
    .await;
    let key =
        EncodingKey::from_rsa_pem(&std::fs::read(fixture("keys/jwks-rs256-private.pem")).unwrap())
            .unwrap();
    let token = sign(
        acerta_claims(),
        Algorithm::RS256,
        &key,
        Some("commons-test-2026"),
    );
    let body = app.graphql_as(&token, VIEWER, json!({})).await;
    assert_eq!(
        body["data"]["viewer"]["organisation"]["slug"], "acerta",
        "{body}"
    );
    let other =
        EncodingKey::from_rsa_pem(&std::fs::read(fixture("keys/rs256-private.pem")).unwrap())
            .unwrap();
    assert_refused(
        &app,
        &sign(
            acerta_claims(),
            Algorithm::RS256,
            &other,
            Some("commons-test-2026"),
        ),
    )
    .await;
}

/// Identities are remembered briefly, by everything the token says: the same person signing in
/// with other roles, or under another name, is never served the identity of the first token.
#[tokio::test]
async fn a_remembered_identity_never_outlives_what_its_token_says() {
    let app = spawn_app().await.with_organisations().await;
    let token = |roles: Value, name: &str| {
        app.token(json!({ "sub": "anne", "org": "acerta", "roles": roles, "name": name }))
    };
    let staff = token(json!(["STAFF"]), "Anne");
    for _ in 0..2 {
        let body = app.graphql_as(&staff, VIEWER, json!({})).await;
        assert_eq!(body["data"]["viewer"]["roles"], json!(["STAFF"]), "{body}");
    }
    let admin = token(json!(["ORG_ADMIN"]), "Anne");
    let body = app.graphql_as(&admin, VIEWER, json!({})).await;
    assert_eq!(
        body["data"]["viewer"]["roles"],
        json!(["ORG_ADMIN"]),
        "{body}"
    );
    let renamed = token(json!(["STAFF"]), "Anne Dubois");
    let body = app.graphql_as(&renamed, VIEWER, json!({})).await;
    assert_eq!(
        body["data"]["viewer"]["user"]["name"], "Anne Dubois",
        "{body}"
    );
    // A role that does not fit the organisation is refused every time, never remembered.
    let moderator = token(json!(["MODERATOR"]), "Anne");
    for _ in 0..2 {
        assert_refused(&app, &moderator).await;
    }
}
