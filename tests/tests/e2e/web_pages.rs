//! The web pages over HTTP: languages, sessions and their cookies, forms' tokens, the 404
//! page, assets. What a browser does with them is in `web_browser.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::spawn_app;
use commons_tests::web::{client, cookie_pair, csrf_of, page, set_cookies, sign_in};
use reqwest::header::{ACCEPT, ACCEPT_LANGUAGE, CACHE_CONTROL, COOKIE, LOCATION};
use serde_json::json;

#[tokio::test]
async fn the_search_page_speaks_the_browsers_language_and_finds_what_the_api_finds() {
    let app = spawn_app().await.with_demo().await;
    app.wait_for_index().await;
    let page = client()
        .get(format!("{}/?q=burn-out", app.address))
        .header(ACCEPT_LANGUAGE, "nl-BE,nl;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let headers = page.headers().clone();
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
    let html = page.text().await.unwrap();
    assert!(html.contains("<html lang=\"nl\">"), "{html}");
    assert!(html.contains("Wat zoekt u?"), "the label in Dutch");
    // The same tools, in the same order, as `searchTools` gives.
    let api = app
        .graphql(
            "query { searchTools(query: \"burn-out\", lang: NL, first: 10) { totalCount edges { node { tool { id } } } } }",
            serde_json::json!({}),
        )
        .await;
    let ids: Vec<String> = api["data"]["searchTools"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["tool"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(!ids.is_empty(), "{api}");
    let mut at = 0;
    for id in &ids {
        let link = format!("href=\"/tools/{}\"", id.replace('=', "%3D"));
        let found = html[at..]
            .find(&link)
            .unwrap_or_else(|| panic!("{link} after {at} in {html}"));
        at += found + link.len();
    }
    let total = api["data"]["searchTools"]["totalCount"].as_i64().unwrap();
    assert!(
        html.contains(&format!(
            "({total} instrument{})",
            if total == 1 { "" } else { "en" }
        )),
        "{html}"
    );
    // `?lang=` makes a shareable address in another language.
    let french = client()
        .get(format!("{}/?q=burn-out&lang=fr", app.address))
        .header(ACCEPT_LANGUAGE, "nl")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(french.contains("<html lang=\"fr\">") && french.contains("Que cherchez-vous ?"));
}

#[tokio::test]
async fn a_language_chosen_is_remembered_and_sends_back_only_within_the_site() {
    let app = spawn_app().await;
    let chosen = client()
        .get(format!("{}/language/de?back=%2F%3Fq%3Dstress", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(chosen.status(), 303);
    assert_eq!(chosen.headers()[LOCATION], "/?q=stress");
    let cookie = cookie_pair(&chosen, "commons_lang").unwrap();
    assert_eq!(cookie, "commons_lang=de");
    let attributes = set_cookies(&chosen).join("\n");
    assert!(attributes.contains("HttpOnly") && attributes.contains("SameSite=Lax"));
    // Served over loopback: no `Secure`, or the browser would drop the cookie on plain HTTP.
    assert!(!attributes.contains("Secure"), "{attributes}");
    let page = client()
        .get(format!("{}/", app.address))
        .header(COOKIE, &cookie)
        .header(ACCEPT_LANGUAGE, "fr")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<html lang=\"de\">") && page.contains("Was suchen Sie?"));
    for elsewhere in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let response = client()
            .get(format!("{}/language/nl", app.address))
            .query(&[("back", elsewhere)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()[LOCATION], "/", "{elsewhere}");
    }
}

#[tokio::test]
async fn unknown_addresses_get_a_page_in_the_visitors_language_or_the_apis_error() {
    let app = spawn_app().await;
    let page = client()
        .get(format!("{}/nothing/here", app.address))
        .header(ACCEPT, "text/html,application/xhtml+xml")
        .header(ACCEPT_LANGUAGE, "fr-BE")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 404);
    let html = page.text().await.unwrap();
    assert!(html.contains("Page introuvable"), "{html}");
    let tool = client()
        .get(format!("{}/tools/VG9vbDo5OTk5OQ", app.address))
        .header(ACCEPT_LANGUAGE, "en")
        .send()
        .await
        .unwrap();
    assert_eq!(tool.status(), 404);
    assert!(tool.text().await.unwrap().contains("Page not found"));
    let api = client()
        .get(format!("{}/nothing/here", app.address))
        .header(ACCEPT, "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 404);
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND");
}

#[tokio::test]
async fn assets_are_named_by_their_content_and_kept_for_a_year() {
    let app = spawn_app().await;
    let html = app.get("/").await.text().await.unwrap();
    let at = html
        .find("href=\"/assets/commons.")
        .expect("the style sheet is linked");
    let rest = &html[at + "href=\"".len()..];
    let path = &rest[..rest.find('"').unwrap()];
    assert!(
        path.ends_with(".css") && path.len() > "/assets/commons..css".len() + 8,
        "{path}"
    );
    let css = app.get(path).await;
    assert_eq!(css.status(), 200);
    assert_eq!(
        css.headers()[CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert!(css.text().await.unwrap().contains(":focus-visible"));
    assert_eq!(
        app.get("/assets/commons.000000000000.css").await.status(),
        404
    );
}

#[tokio::test]
async fn signing_in_makes_a_server_side_session_that_signing_out_ends() {
    let app = spawn_app().await.with_demo().await;
    let http = client();
    let form = http
        .get(format!("{}/sign-in", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    let csrf_cookie = cookie_pair(&form, "commons_csrf").expect("the form's token cookie");
    let html = form.text().await.unwrap();
    assert!(html.contains("value=\"acerta\"") && html.contains("value=\"MODERATOR\""));
    let token = csrf_of(&html);
    // Without the form's token, or with another, nobody is signed in.
    for (cookie, field) in [
        (csrf_cookie.clone(), "forged".to_owned()),
        (String::new(), token.clone()),
    ] {
        let refused = http
            .post(format!("{}/sign-in", app.address))
            .header(COOKIE, cookie)
            .form(&[
                ("organisation", "acerta"),
                ("role", "STAFF"),
                ("csrf", &field),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 403);
        assert!(cookie_pair(&refused, "commons_session").is_none());
    }
    // A role that does not exist in a caisse is refused as a token's would be.
    let wrong_role = http
        .post(format!("{}/sign-in", app.address))
        .header(COOKIE, &csrf_cookie)
        .form(&[
            ("organisation", "acerta"),
            ("role", "MODERATOR"),
            ("csrf", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_role.status(), 403);
    assert!(cookie_pair(&wrong_role, "commons_session").is_none());
    let signed_in = http
        .post(format!("{}/sign-in", app.address))
        .header(COOKIE, &csrf_cookie)
        .form(&[
            ("organisation", "acerta"),
            ("role", "STAFF"),
            ("csrf", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    let session = cookie_pair(&signed_in, "commons_session").expect("a session cookie");
    let attributes = set_cookies(&signed_in)
        .into_iter()
        .find(|c| c.starts_with("commons_session="))
        .unwrap();
    assert!(attributes.contains("HttpOnly") && attributes.contains("SameSite=Lax"));
    // The database holds the secret's hash, never the secret.
    let secret = session.trim_start_matches("commons_session=");
    let page = http
        .get(format!("{}/", app.address))
        .header(COOKIE, &session)
        .header(ACCEPT_LANGUAGE, "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Acerta") && page.contains("staff"), "{page}");
    assert!(!page.contains(secret));
    let session_token = csrf_of(&page);
    // Signing out needs the session's token too.
    let forged = http
        .post(format!("{}/sign-out", app.address))
        .header(COOKIE, &session)
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let out = http
        .post(format!("{}/sign-out", app.address))
        .header(COOKIE, &session)
        .form(&[("csrf", &session_token)])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    // The old cookie opens nothing any more, on this replica or any other.
    let after = http
        .get(format!("{}/", app.address))
        .header(COOKIE, &session)
        .send()
        .await
        .unwrap();
    assert!(
        set_cookies(&after)
            .iter()
            .any(|c| c.starts_with("commons_session=;") && c.contains("Max-Age=0"))
    );
    assert!(!after.text().await.unwrap().contains("Acerta — staff"));
}

#[tokio::test]
async fn development_sign_in_does_not_exist_where_tokens_come_from_an_identity_provider() {
    let key = commons_tests::fixture("keys/rs256-public.pem");
    let app = commons_tests::spawn_app_with(|c| {
        c.auth.hs256_secret = None;
        c.auth.public_keys = vec![commons_api::config::PublicKeyConfig {
            kid: None,
            algorithm: jsonwebtoken::Algorithm::RS256,
            pem_file: key,
        }];
    })
    .await
    .with_organisations()
    .await;
    let form = client()
        .get(format!("{}/sign-in", app.address))
        .header(ACCEPT_LANGUAGE, "en")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 404);
    // Even with a valid double-submit token, no session starts.
    let csrf_cookie = cookie_pair(&form, "commons_csrf").unwrap();
    let token = csrf_cookie.trim_start_matches("commons_csrf=").to_owned();
    let html = form.text().await.unwrap();
    assert!(html.contains("switched off"), "{html}");
    assert!(
        !html.contains("action=\"/sign-in\""),
        "no sign-in form: {html}"
    );
    let post = client()
        .post(format!("{}/sign-in", app.address))
        .header(COOKIE, &csrf_cookie)
        .form(&[
            ("organisation", "inasti"),
            ("role", "PLATFORM_ADMIN"),
            ("csrf", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 404);
    assert!(cookie_pair(&post, "commons_session").is_none());
}

#[tokio::test]
async fn a_query_over_the_limits_is_explained_next_to_the_search_box() {
    let app = spawn_app().await;
    let words = vec!["stress"; 40].join(" ");
    let page = client()
        .get(format!("{}/", app.address))
        .query(&[("q", words.as_str())])
        .header(ACCEPT_LANGUAGE, "en")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 400);
    let html = page.text().await.unwrap();
    assert!(html.contains("aria-invalid=\"true\""), "{html}");
    assert!(html.contains("id=\"q-error\""), "{html}");
    assert!(html.contains("32"), "the message names the limit: {html}");
}

#[tokio::test]
async fn a_return_from_the_identity_provider_that_is_not_this_browsers_sign_in_is_refused() {
    let provider_port = commons_tests::oidc::free_port();
    let app_port = commons_tests::oidc::free_port();
    let issuer = format!("http://127.0.0.1:{provider_port}");
    let app = commons_tests::spawn_app_with(|c| {
        c.listen = format!("127.0.0.1:{app_port}").parse().unwrap();
        c.web.oidc = Some(commons_tests::oidc::config(&issuer));
    })
    .await
    .with_organisations()
    .await;
    // The provider is down: a clear page, not a crash.
    let down = client()
        .get(format!("{}/sign-in", app.address))
        .header(ACCEPT_LANGUAGE, "en")
        .send()
        .await
        .unwrap();
    assert_eq!(down.status(), 502);
    assert!(down.text().await.unwrap().contains("does not answer"));
    let _provider = commons_tests::oidc::OidcProvider::start(
        provider_port,
        &format!("{}/sign-in/callback", app.address),
    )
    .await;
    let start = client()
        .get(format!("{}/sign-in", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(start.status(), 303);
    let location = start.headers()[LOCATION].to_str().unwrap().to_owned();
    let to = url::Url::parse(&location).unwrap();
    let asked: std::collections::HashMap<String, String> = to.query_pairs().into_owned().collect();
    assert_eq!(to.port(), Some(provider_port));
    assert_eq!(asked["code_challenge_method"], "S256");
    assert_eq!(asked["client_id"], commons_tests::oidc::CLIENT_ID);
    assert!(asked["scope"].split(' ').any(|s| s == "openid"));
    let pending = cookie_pair(&start, "commons_oidc").expect("the sign-in cookie");
    assert!(
        set_cookies(&start)
            .iter()
            .any(|c| c.starts_with("commons_oidc=")
                && c.contains("Path=/sign-in")
                && c.contains("HttpOnly"))
    );
    // Sent back with another state (a link made by someone else), without the cookie, or
    // with a code the provider never gave: no session.
    let callback = format!("{}/sign-in/callback", app.address);
    for (cookie, state, code) in [
        (pending.clone(), "someone-elses-state", "x"),
        (String::new(), asked["state"].as_str(), "x"),
        (pending.clone(), asked["state"].as_str(), "forged-code"),
    ] {
        let refused = client()
            .get(&callback)
            .query(&[("state", state), ("code", code)])
            .header(COOKIE, cookie)
            .header(ACCEPT_LANGUAGE, "en")
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 403, "{state} {code}");
        assert!(cookie_pair(&refused, "commons_session").is_none());
    }
    // Where an identity provider is configured, the development sign-in does not exist.
    let post = client()
        .post(format!("{}/sign-in", app.address))
        .form(&[
            ("organisation", "inasti"),
            ("role", "PLATFORM_ADMIN"),
            ("csrf", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert!(cookie_pair(&post, "commons_session").is_none());
    assert_ne!(post.status(), 303);
}

#[tokio::test]
async fn french_pages_say_things_in_words_not_in_codes() {
    let app = spawn_app().await.with_demo().await;
    let http = client();
    let server = &app;
    let get_fr = |path: String, cookie: String| async move {
        let (status, html) = page(server, &cookie, &path, Some("fr")).await;
        assert_eq!(status, 200, "{path}");
        html
    };
    // A sign-in form without its token, or no form at all: the expired form, in French, not
    // the framework's words.
    for request in [
        http.post(format!("{}/sign-in", app.address))
            .form(&[("organisation", "acerta"), ("role", "STAFF")]),
        http.post(format!("{}/sign-in", app.address))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body("{}"),
    ] {
        let refused = request.header(ACCEPT_LANGUAGE, "fr").send().await.unwrap();
        assert_eq!(refused.status(), 403);
        let page = refused.text().await.unwrap();
        assert!(page.contains("<html lang=\"fr\""), "{page}");
        assert!(!page.to_lowercase().contains("deserialize"));
    }
    // The licence is hinted at, and taken, in words.
    let staff = sign_in(&app, "acerta", "STAFF").await;
    let form = get_fr("/tools/new".into(), staff.cookie.clone()).await;
    assert!(
        !form.contains("ON_REQUEST") && form.contains("sur demande"),
        "{form}"
    );
    // A demo tool's guide: what kind of file, in words, and its size as French writes it.
    let listed = app
        .graphql(
            "{ tools(first: 50) { nodes { id attachments { mediaType } } } }",
            json!({}),
        )
        .await;
    let tool = listed["data"]["tools"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["attachments"].as_array().is_some_and(|a| !a.is_empty()))
        .expect("a demo tool with a file")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = get_fr(format!("/tools/{tool}"), String::new()).await;
    assert!(
        !page.contains("; charset") && !page.contains("text/markdown"),
        "{page}"
    );
    assert!(
        page.contains("texte ·") || page.contains("document PDF ·"),
        "{page}"
    );
    // A joint service born of a proposal: its record's first reason, in French.
    let token = app.login_as("ucm", "ORG_ADMIN");
    let services = app
        .graphql_as(
            &token,
            "{ jointServices(first: 10) { nodes { id responsibilityRecord(first: 1) { nodes { reason } } } } }",
            json!({}),
        )
        .await;
    let service = services["data"]["jointServices"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{services}"))
        .iter()
        .find(|s| {
            s["responsibilityRecord"]["nodes"][0]["reason"]
                .as_str()
                .is_some_and(|r| r.starts_with("accepted collaboration proposal"))
        })
        .expect("a demo service born of a proposal")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ucm = sign_in(&app, "ucm", "STAFF").await;
    let page = get_fr(format!("/collaborations/services/{service}"), ucm.cookie).await;
    assert!(page.contains("Proposition de collaboration"), "{page}");
    assert!(!page.contains("accepted collaboration proposal"));
}

#[tokio::test]
async fn a_page_offers_an_action_only_to_those_the_api_lets_do_it_and_a_stale_form_keeps_what_was_typed()
 {
    let app = spawn_app().await.with_demo().await;
    let http = client();
    let server = &app;
    let get = |path: String, cookie: String| async move {
        page(server, &cookie, &path, Some("en")).await
    };
    let acerta_tool = {
        let token = app.login_as("acerta", "STAFF");
        let body = app
            .graphql_as(
                &token,
                "{ viewer { organisation { tools(first: 1) { nodes { id } } } } }",
                json!({}),
            )
            .await;
        body["data"]["viewer"]["organisation"]["tools"]["nodes"][0]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{body}"))
            .to_owned()
    };
    // INASTI's auditor and platform admin share no tool: no link, no form.
    for role in ["AUDITOR", "PLATFORM_ADMIN"] {
        let session = sign_in(&app, "inasti", role).await;
        let (_, home) = get("/".into(), session.cookie.clone()).await;
        assert!(!home.contains("href=\"/tools/new\""), "{role}");
        let (status, _) = get("/tools/new".into(), session.cookie.clone()).await;
        assert_eq!(status, 403, "{role}");
    }
    // INASTI's moderator reads a caisse's tool but does not edit it, and proposes nothing.
    let moderator = sign_in(&app, "inasti", "MODERATOR").await;
    let (_, page) = get(format!("/tools/{acerta_tool}"), moderator.cookie.clone()).await;
    assert!(!page.contains("/edit\""), "no edit link for a moderator");
    let (status, _) = get(
        format!("/tools/{acerta_tool}/edit"),
        moderator.cookie.clone(),
    )
    .await;
    assert_eq!(status, 403);
    let (_, list) = get("/collaborations".into(), moderator.cookie.clone()).await;
    assert!(!list.contains("href=\"/collaborations/new\""));
    let (status, _) = get("/collaborations/new".into(), moderator.cookie.clone()).await;
    assert_eq!(status, 403);
    // A caisse's staff are offered each.
    let staff = sign_in(&app, "acerta", "STAFF").await;
    let (_, home) = get("/".into(), staff.cookie.clone()).await;
    assert!(home.contains("href=\"/tools/new\""));
    let (_, list) = get("/collaborations".into(), staff.cookie.clone()).await;
    assert!(list.contains("href=\"/collaborations/new\""));
    let (status, _) = get(format!("/tools/{acerta_tool}/edit"), staff.cookie.clone()).await;
    assert_eq!(status, 200);

    // A form sent with a stale token is shown again with what was typed, and nothing is saved.
    let typed = "Un atelier décrit avec soin pendant une heure";
    for (path, fields) in [
        (
            "/tools/new",
            vec![
                ("csrf", "stale"),
                ("title_fr", typed),
                ("kind", "WORKSHOP_FORMAT"),
            ],
        ),
        (
            "/collaborations/new",
            vec![("csrf", "stale"), ("title", typed), ("lang", "FR")],
        ),
    ] {
        let post = |same_origin: bool| {
            let mut request = http
                .post(format!("{}{path}", app.address))
                .header(ACCEPT_LANGUAGE, "en")
                .header(COOKIE, &staff.cookie)
                .form(&fields);
            if same_origin {
                // What a browser says of a form sent from one of this site's own pages.
                request = request.header("sec-fetch-site", "same-origin");
            }
            request.send()
        };
        let response = post(true).await.unwrap();
        assert_eq!(response.status(), 403, "{path}");
        let page = response.text().await.unwrap();
        assert!(page.contains(typed), "{path} keeps what was typed");
        assert!(page.contains("nothing was saved"), "{path}");
        assert!(page.contains(&staff.csrf), "{path} carries a fresh token");
        // Sent from anywhere else, what it sent is never shown back as a form to send.
        let response = post(false).await.unwrap();
        assert_eq!(response.status(), 403, "{path}");
        let page = response.text().await.unwrap();
        assert!(!page.contains(typed), "{path}");
    }
    let token = app.login_as("acerta", "STAFF");
    let search = app
        .graphql_as(
            &token,
            "{ viewer { organisation { tools(first: 100) { nodes { title } } } } }",
            json!({}),
        )
        .await;
    assert!(!search.to_string().contains(typed), "no tool saved");
    let proposals = app
        .graphql_as(
            &token,
            "{ collaborationProposals(first: 100) { nodes { id title } } }",
            json!({}),
        )
        .await;
    assert!(
        proposals["data"]["collaborationProposals"]["nodes"].is_array(),
        "{proposals}"
    );
    assert!(!proposals.to_string().contains(typed), "no proposal saved");
}

/// A tool's page leads with what a caisse needs to reuse it, in words and in the reader's
/// language, then the description and files, and only then what the visitor may do; the
/// workflow's record is behind a disclosure, and an archived tool says it is archived.
#[tokio::test]
async fn a_tool_page_leads_with_what_a_caisse_needs_to_reuse_it() {
    use commons_tests::tools::{ARCHIVE, CREATE, content, ok};
    let app = spawn_app().await.with_demo().await;
    let mut c = content("Atelier « Souffler un peu »", "PUBLIC");
    c["duration"] = json!("deux heures");
    c["contact"] = json!("ateliers@example.be");
    c["costEur"] = json!("25.00");
    c["audiences"] = json!(["HELPING_SPOUSES", "PRIMO_STARTERS"]);
    c["deliveryModes"] = json!(["GROUP"]);
    c["deliveryFormats"] = json!(["IN_PERSON"]);
    c["licence"] = json!("CC-BY-SA-4.0");
    let staff = app.login_as("acerta", "STAFF");
    let created = ok(&app, &staff, CREATE, "createTool", json!({ "content": c })).await;
    let id = created["tool"]["id"].as_str().unwrap().to_owned();
    let owner = sign_in(&app, "acerta", "STAFF").await;

    let (status, fr) = page(&app, &owner.cookie, &format!("/tools/{id}"), Some("fr")).await;
    assert_eq!(status, 200);
    for (label, value) in [
        (
            "Pour qui",
            "les indépendants qui se lancent, les conjoints aidants",
        ),
        ("Format", "en groupe · en présentiel"),
        ("Durée", "deux heures"),
        ("Coût pour l&#39;indépendant", "25,00 €"),
        ("Langues", "français"),
        ("Contact", "ateliers@example.be"),
        (
            "Qui l&#39;utilise",
            "Aucune organisation pour l&#39;instant",
        ),
    ] {
        assert!(
            fr.contains(&format!("<dt>{label}</dt><dd>{value}</dd>")),
            "{label}: {value} in {fr}"
        );
    }
    assert!(
        fr.contains("en citant l&#39;auteur et en partageant dans les mêmes conditions"),
        "the licence in words: {fr}"
    );
    assert!(!fr.contains("CC-BY-SA-4.0</dd>"), "not the bare identifier");
    // What it is before what one may do with it; the record behind a disclosure.
    let at = |needle: &str| {
        fr.find(needle)
            .unwrap_or_else(|| panic!("{needle} in {fr}"))
    };
    assert!(at("id=\"reuse-title\"") < at("id=\"description-title\""));
    assert!(at("id=\"description-title\"") < at("id=\"files-title\""));
    assert!(at("id=\"files-title\"") < at("id=\"actions-title\""));
    assert!(at("<details class=\"history\">") < at("id=\"history-title\""));
    assert!(fr.contains("brouillon"), "a draft says so: {fr}");
    // Dates in words, counts in the singular where there is one.
    let iso = fr.split("<time>").skip(1).any(|t| {
        let b = t.as_bytes();
        b.len() > 4 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
    });
    assert!(!iso, "no ISO dates: {fr}");
    assert!(fr.contains("Révision 1 — brouillon — <time>"), "{fr}");

    // The owner finds its draft in a search, marked as a draft, its passage without Markdown.
    app.wait_for_index().await;
    let (_, found) = page(&app, &owner.cookie, "/?q=Souffler+emploi", Some("fr")).await;
    let link = format!("href=\"/tools/{}\"", id.replace('=', "%3D"));
    let hit = &found[found.find(&link).unwrap_or_else(|| panic!("{found}"))..];
    let hit = &hit[..hit.find("</article>").unwrap()];
    assert!(
        hit.contains("<span class=\"badge status\">brouillon</span>"),
        "{hit}"
    );
    // The body's `## Mode d'emploi`, a heading in the tool's Markdown, reads as words.
    assert!(
        hit.contains("<b>emploi</b>") && !hit.contains("## "),
        "{hit}"
    );

    // In Dutch, money as Dutch writes it; an archived tool says it is archived.
    let (_, nl) = page(&app, &owner.cookie, &format!("/tools/{id}"), Some("nl")).await;
    assert!(nl.contains("<dd>€ 25,00</dd>"), "{nl}");
    assert!(nl.contains("<dt>Voor wie</dt>"), "{nl}");
    commons_tests::tools::submit_and_approve(&app, "acerta", &id).await;
    // The notification says what was decided, not only that something was.
    let (_, notes) = page(&app, &owner.cookie, "/notifications", Some("fr")).await;
    assert!(
        notes.contains("Votre outil est approuvé et publié"),
        "{notes}"
    );
    ok(
        &app,
        &staff,
        ARCHIVE,
        "archiveTool",
        json!({ "toolId": id }),
    )
    .await;
    let (_, archived) = page(&app, &owner.cookie, &format!("/tools/{id}"), Some("fr")).await;
    let head = &archived[archived.find("class=\"tool-head\"").unwrap()..];
    let meta = &head[..head.find("</header>").unwrap()];
    assert!(meta.contains("archivé"), "{meta}");
    assert!(!meta.contains("publié"), "{meta}");
}
