//! Notifications by e-mail end to end, against a real SMTP server (aiosmtpd) started by each
//! test: an entered address is confirmed by a link before anything else is sent; a verified
//! claim is an address at once; a kind chosen "at once" arrives as its own message, the rest in
//! a weekly digest, each in its person's language and with a one-click unsubscribe (RFC 8058);
//! a relay that refuses for now gets the message later, once; two replicas send it once; a
//! bounce stops mail to the address until it is confirmed again; the bounds hold.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::smtp::SmtpServer;
use commons_tests::tools::{outcome, published_tool};
use commons_tests::web::{page, post_form_as, sign_in};
use commons_tests::{TestApp, error_code, spawn_app_with};
use serde_json::{Value, json};

const SETTINGS: &str = "{ viewer { mail { address source confirmedAt suppressedAt deliverable lang
  preferences { kind delivery } } } }";
const SET_ADDRESS: &str = "mutation($input: SetMailAddressInput!) { setMailAddress(input: $input) {
  mail { address confirmedAt deliverable } userErrors { field code message } } }";
const SET_PREFERENCES: &str =
    "mutation($input: SetMailPreferencesInput!) { setMailPreferences(input: $input) {
  mail { lang preferences { kind delivery } } userErrors { field code message } } }";
const CONFIRM: &str = "mutation($t: String!) { confirmMailAddress(token: $t) { done } }";
const ADOPT: &str = "mutation($input: AdoptToolInput!) { adoptTool(input: $input) {
  userErrors { code } } }";

/// A server whose mail goes to `smtp`, its duty run by the test (the background run waits an
/// hour between runs).
async fn app_mailing_to(
    smtp: &SmtpServer,
    adjust: impl FnOnce(&mut commons_api::config::Config),
) -> TestApp {
    let port = smtp.port;
    spawn_app_with(move |c| {
        c.mail.host = Some("127.0.0.1".into());
        c.mail.port = port;
        c.mail.tls = "none".into();
        c.mail.from = "Commons <commons@inasti.be>".into();
        c.mail.interval_ms = 3_600_000;
        c.public_url = Some("https://commons.test".into());
        adjust(c);
    })
    .await
    .with_organisations()
    .await
}

async fn mail_run(app: &TestApp) {
    commons_service::mail::run(&app.services)
        .await
        .expect("the mail duty runs");
}

async fn settings(app: &TestApp, token: &str) -> Value {
    let body = app.graphql_as(token, SETTINGS, json!({})).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["viewer"]["mail"].clone()
}

/// The confirmation link's token in a message.
fn token_in(message: &str) -> String {
    let at = message.find("token=").expect("a link with a token") + "token=".len();
    message[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// A header's value in a received message (unfolded).
fn header<'a>(message: &'a str, name: &str) -> Option<&'a str> {
    message
        .lines()
        .find(|l| {
            l.to_lowercase()
                .starts_with(&format!("{}:", name.to_lowercase()))
        })
        .map(|l| l[name.len() + 1..].trim())
}

/// The decoded body of a plain-text message (lettre may send it quoted-printable or base64).
fn text_of(message: &str) -> String {
    let (head, rest) = message
        .split_once("\r\n\r\n")
        .or_else(|| message.split_once("\n\n"))
        .unwrap();
    let encoding = header(head, "Content-Transfer-Encoding")
        .unwrap_or("7bit")
        .to_lowercase();
    match encoding.as_str() {
        "base64" => {
            use base64::Engine;
            let joined: String = rest.split_whitespace().collect();
            String::from_utf8(
                base64::engine::general_purpose::STANDARD
                    .decode(joined)
                    .unwrap(),
            )
            .unwrap()
        }
        "quoted-printable" => {
            let soft = rest.replace("=\r\n", "").replace("=\n", "");
            let mut out = Vec::new();
            let bytes = soft.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'='
                    && i + 2 < bytes.len()
                    && let Ok(b) = u8::from_str_radix(&soft[i + 1..i + 3], 16)
                {
                    out.push(b);
                    i += 3;
                    continue;
                }
                out.push(bytes[i]);
                i += 1;
            }
            String::from_utf8(out).unwrap()
        }
        _ => rest.to_owned(),
    }
}

/// The subject, decoded when it is an RFC 2047 encoded word.
fn subject(message: &str) -> String {
    let raw: String = {
        let mut lines = message.lines();
        let mut out = String::new();
        while let Some(l) = lines.next() {
            if l.to_lowercase().starts_with("subject:") {
                out.push_str(l["subject:".len()..].trim());
                for next in lines.by_ref() {
                    if next.starts_with(' ') || next.starts_with('\t') {
                        out.push_str(next.trim());
                    } else {
                        break;
                    }
                }
                break;
            }
        }
        out
    };
    // Encoded words (`=?utf-8?b?…?=`) decoded where they stand; the space between two is
    // folding, not text.
    let mut decoded = String::new();
    let mut rest = raw.as_str();
    let mut after_word = false;
    while let Some(start) = rest.find("=?") {
        let text = &rest[..start];
        if !(after_word && text.trim().is_empty()) {
            decoded.push_str(text);
        }
        let word = &rest[start + 2..];
        let parts: Vec<&str> = word.splitn(3, '?').collect();
        let Some(end) = parts.get(2).and_then(|p| p.find("?=")) else {
            decoded.push_str(&rest[start..]);
            return decoded;
        };
        let payload = &parts[2][..end];
        let bytes = if parts[1].eq_ignore_ascii_case("b") {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD
                .decode(payload)
                .unwrap()
        } else {
            text_of(&format!(
                "Content-Transfer-Encoding: quoted-printable\n\n{}",
                payload.replace('_', " ")
            ))
            .into_bytes()
        };
        decoded.push_str(&String::from_utf8(bytes).unwrap());
        let consumed = 2 + parts[0].len() + 1 + parts[1].len() + 1 + end + 2;
        rest = &rest[start + consumed..];
        after_word = true;
    }
    decoded.push_str(rest);
    decoded
}

#[tokio::test]
async fn an_entered_address_is_confirmed_first_then_a_kind_arrives_at_once_and_the_rest_weekly() {
    let smtp = SmtpServer::start();
    let app = app_mailing_to(&smtp, |_| {}).await;
    let staff = app.login_as("acerta", "STAFF");

    // Nothing known yet: every kind is weekly by default.
    let mine = settings(&app, &staff).await;
    assert!(mine["address"].is_null(), "{mine}");
    assert!(
        mine["preferences"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["delivery"] == "WEEKLY")
    );
    // Bad input refused, nothing written; anonymous asked to sign in.
    for bad in ["marie", "marie@acerta", "marie@acerta.be\r\nBcc: x@y.be"] {
        let body = app
            .graphql_as(
                &staff,
                SET_ADDRESS,
                json!({ "input": { "address": bad, "lang": "FR" } }),
            )
            .await;
        assert_eq!(outcome(&body, "setMailAddress"), "INVALID_FORMAT", "{body}");
    }
    let long = format!("{}@acerta.be", "m".repeat(250));
    let body = app
        .graphql_as(
            &staff,
            SET_ADDRESS,
            json!({ "input": { "address": long, "lang": "FR" } }),
        )
        .await;
    assert_eq!(outcome(&body, "setMailAddress"), "TOO_LONG", "{body}");
    assert!(settings(&app, &staff).await["address"].is_null());
    let body = app
        .graphql(
            SET_ADDRESS,
            json!({ "input": { "address": "a@b.be", "lang": "FR" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");

    // Entered: a link is sent to it, in the language asked, and nothing else until followed.
    let body = app
        .graphql_as(
            &staff,
            SET_ADDRESS,
            json!({ "input": { "address": "Marie.Dupont@Acerta.BE", "lang": "FR" } }),
        )
        .await;
    assert_eq!(outcome(&body, "setMailAddress"), "OK", "{body}");
    assert_eq!(
        body["data"]["setMailAddress"]["mail"]["address"],
        "Marie.Dupont@acerta.be"
    );
    assert_eq!(body["data"]["setMailAddress"]["mail"]["deliverable"], false);
    let prefs = app
        .graphql_as(
            &staff,
            SET_PREFERENCES,
            json!({ "input": { "preferences": [{ "kind": "TOOL_DECISION", "delivery": "IMMEDIATE" }] } }),
        )
        .await;
    assert_eq!(outcome(&prefs, "setMailPreferences"), "OK", "{prefs}");
    let tool = published_tool(&app, "acerta", "Auto-test de stress", "PUBLIC").await;
    mail_run(&app).await;
    let got = smtp.wait_for(1).await;
    assert_eq!(got.len(), 1, "only the confirmation: {got:?}");
    let confirmation = &got[0];
    assert!(
        header(confirmation, "X-Envelope-To")
            .unwrap()
            .contains("Marie.Dupont@acerta.be")
    );
    assert_eq!(
        subject(confirmation),
        "Confirmez votre adresse e-mail pour Commons"
    );
    assert!(
        text_of(confirmation).contains("/mail/confirm?token="),
        "{confirmation}"
    );
    assert!(
        header(confirmation, "List-Unsubscribe").is_none(),
        "a confirmation is no list"
    );

    // A wrong token confirms nothing; the link's does, once.
    let wrong = app.graphql(CONFIRM, json!({ "t": "not-a-token" })).await;
    assert_eq!(
        wrong["data"]["confirmMailAddress"]["done"], false,
        "{wrong}"
    );
    let token = token_in(&text_of(confirmation));
    let done = app.graphql(CONFIRM, json!({ "t": token })).await;
    assert_eq!(done["data"]["confirmMailAddress"]["done"], true, "{done}");
    let again = app.graphql(CONFIRM, json!({ "t": token })).await;
    assert_eq!(again["data"]["confirmMailAddress"]["done"], false, "spent");
    assert_eq!(settings(&app, &staff).await["deliverable"], true);

    // The decision came before the confirmation: it is not sent after it either (read once).
    mail_run(&app).await;
    assert_eq!(smtp.wait_for(2).await.len(), 1);

    // A decision now: at once, in French, with the tool's title and a one-click unsubscribe.
    let edit =
        commons_tests::tools::tool_in_review(&app, "acerta", "Atelier sommeil", "PUBLIC").await;
    let moderator = app.login_as("inasti", "MODERATOR");
    let decided = app
        .graphql_as(
            &moderator,
            commons_tests::tools::DECIDE,
            json!({ "input": { "toolId": edit, "revision": 1, "decision": "REJECT", "reason": "Hors sujet" } }),
        )
        .await;
    assert_eq!(outcome(&decided, "decideOnTool"), "OK", "{decided}");
    // Another organisation adopts the first tool: weekly, so not now.
    let adopted = app
        .graphql_as(
            &app.login_as("ucm", "STAFF"),
            ADOPT,
            json!({ "input": { "toolId": tool, "mode": "AS_IS" } }),
        )
        .await;
    assert_eq!(outcome(&adopted, "adoptTool"), "OK", "{adopted}");
    mail_run(&app).await;
    let got = smtp.wait_for(2).await;
    assert_eq!(got.len(), 2, "{got:?}");
    let decision = &got[1];
    let said = text_of(decision);
    assert!(
        subject(decision).contains("Atelier sommeil"),
        "{}",
        subject(decision)
    );
    assert!(said.contains("Hors sujet"), "{said}");
    assert!(said.contains("/notifications"), "{said}");
    let unsubscribe = header(decision, "List-Unsubscribe").expect("List-Unsubscribe");
    assert_eq!(
        header(decision, "List-Unsubscribe-Post"),
        Some("List-Unsubscribe=One-Click")
    );
    // Run again: nothing twice.
    mail_run(&app).await;
    assert_eq!(smtp.wait_for(3).await.len(), 2);

    // A week on, the digest: what came weekly, in French, with its own unsubscribe.
    app.services
        .clock
        .set(Some(chrono::Utc::now() + chrono::Duration::days(8)));
    mail_run(&app).await;
    let got = smtp.wait_for(3).await;
    assert_eq!(got.len(), 3, "{got:?}");
    let digest = &got[2];
    assert!(
        subject(digest).starts_with("Commons : "),
        "{}",
        subject(digest)
    );
    let said = text_of(digest);
    assert!(said.contains("Ce qui s'est passé cette semaine"), "{said}");
    assert!(
        said.contains("utilisé par une autre organisation"),
        "{said}"
    );
    assert!(said.contains("Auto-test de stress"), "{said}");
    assert!(
        !said.contains("Hors sujet"),
        "the immediate kind is not in the digest: {said}"
    );
    assert!(header(digest, "List-Unsubscribe-Post").is_some());
    mail_run(&app).await;
    assert_eq!(smtp.wait_for(4).await.len(), 3, "one digest a week");

    // One click on the decision's unsubscribe (RFC 8058: a POST, no cookie) stops that kind.
    let url = unsubscribe.trim_start_matches('<').trim_end_matches('>');
    let path = &url[url.find("/mail/").unwrap()..];
    let clicked = reqwest::Client::new()
        .post(format!("{}{path}", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(clicked.status(), 200);
    let mine = settings(&app, &staff).await;
    let decision_pref = mine["preferences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "TOOL_DECISION")
        .cloned()
        .unwrap();
    assert_eq!(decision_pref["delivery"], "NONE", "{mine}");
    let forged = reqwest::Client::new()
        .post(format!(
            "{}{}",
            app.address,
            path.replace("TOOL_DECISION", "TOOL_ADOPTED")
        ))
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 400, "a token altered is refused");
}

#[tokio::test]
async fn a_verified_claim_is_an_address_at_once_and_the_digest_speaks_its_persons_language() {
    let smtp = SmtpServer::start();
    let app = app_mailing_to(&smtp, |_| {}).await;
    // The identity provider vouches for the address: mail may go there without a link.
    let claimed = app.token(json!({
        "sub": "jan", "org": "liantis", "roles": ["STAFF"], "iss": commons_tests::ISSUER,
        "aud": commons_tests::AUDIENCE, "iat": chrono::Utc::now().timestamp(),
        "exp": chrono::Utc::now().timestamp() + 3600,
        "email": "jan.peeters@liantis.be", "email_verified": true,
    }));
    let unverified = app.token(json!({
        "sub": "els", "org": "liantis", "roles": ["STAFF"], "iss": commons_tests::ISSUER,
        "aud": commons_tests::AUDIENCE, "iat": chrono::Utc::now().timestamp(),
        "exp": chrono::Utc::now().timestamp() + 3600,
        "email": "els@liantis.be",
    }));
    let mine = settings(&app, &claimed).await;
    assert_eq!(mine["address"], "jan.peeters@liantis.be", "{mine}");
    assert_eq!(mine["source"], "CLAIM");
    assert_eq!(mine["deliverable"], true);
    assert!(
        settings(&app, &unverified).await["address"].is_null(),
        "an unverified claim is no address"
    );
    // Known before, the same person later vouched for by the provider: the address follows
    // (a person of API tokens only, never signing in on the pages, included).
    let vouched = app.token(json!({
        "sub": "els", "org": "liantis", "roles": ["STAFF"], "iss": commons_tests::ISSUER,
        "aud": commons_tests::AUDIENCE, "iat": chrono::Utc::now().timestamp(),
        "exp": chrono::Utc::now().timestamp() + 3600,
        "email": "els@liantis.be", "email_verified": true,
    }));
    assert_eq!(settings(&app, &vouched).await["address"], "els@liantis.be");
    let body = app
        .graphql_as(
            &claimed,
            SET_PREFERENCES,
            json!({ "input": { "lang": "NL" } }),
        )
        .await;
    assert_eq!(outcome(&body, "setMailPreferences"), "OK", "{body}");
    // Another person's address is never shown to them.
    let other = app
        .graphql_as(
            &app.login_as("ucm", "STAFF"),
            "{ viewer { mail { address } } }",
            json!({}),
        )
        .await;
    assert!(!other.to_string().contains("jan.peeters"), "{other}");

    // A proposal reaches Liantis: weekly by default; the digest comes a week on, in Dutch.
    let proposal = commons_tests::collaborations::propose(&app, "unizo", &["liantis"]).await;
    assert!(!proposal.is_empty());
    mail_run(&app).await;
    assert!(smtp.wait_for(1).await.is_empty(), "weekly: not yet");
    app.services
        .clock
        .set(Some(chrono::Utc::now() + chrono::Duration::days(8)));
    mail_run(&app).await;
    // Each of Liantis's two people gets the week's digest in their own language: Jan in Dutch
    // (chosen), Els in French (a claim's address starts in French).
    let got = smtp.wait_for(2).await;
    assert_eq!(got.len(), 2, "{got:?}");
    let to = |who: &str| {
        got.iter()
            .find(|m| header(m, "X-Envelope-To").is_some_and(|t| t.contains(who)))
            .unwrap_or_else(|| panic!("a digest to {who}: {got:?}"))
    };
    assert_eq!(
        subject(to("els@")),
        "Commons : 1 notification cette semaine"
    );
    assert!(text_of(to("els@")).contains("Proposition de collaboration reçue"));
    let jan = to("jan.peeters@");
    assert_eq!(subject(jan), "Commons: 1 melding deze week");
    let said = text_of(jan);
    assert!(
        said.contains("Wat er deze week op Commons gebeurde"),
        "{said}"
    );
    assert!(
        said.contains("samenwerkingsvoorstel") || said.contains("voorstel"),
        "{said}"
    );
}

#[tokio::test]
async fn a_relay_that_refuses_then_accepts_gets_each_message_once_even_from_two_replicas() {
    let smtp = SmtpServer::start();
    let app = app_mailing_to(&smtp, |_| {}).await;
    let staff = app.login_as("acerta", "STAFF");
    smtp.refuse_next(2);
    let body = app
        .graphql_as(
            &staff,
            SET_ADDRESS,
            json!({ "input": { "address": "marie@acerta.be", "lang": "FR" } }),
        )
        .await;
    assert_eq!(outcome(&body, "setMailAddress"), "OK", "{body}");
    // Two replicas on one database send at once: each claims before sending.
    let second = {
        let mut ctx = app.services.clone();
        ctx.replica = std::sync::Arc::new(commons_service::replicas::Replica::new());
        ctx
    };
    let clock = &app.services.clock;
    let start = chrono::Utc::now();
    for minutes in [0, 2, 6, 20] {
        clock.set(Some(start + chrono::Duration::minutes(minutes)));
        let (a, b) = tokio::join!(
            commons_service::mail::send_due(&app.services),
            commons_service::mail::send_due(&second)
        );
        a.unwrap();
        b.unwrap();
    }
    let got = smtp.wait_for(2).await;
    assert_eq!(got.len(), 1, "refused twice, then delivered once: {got:?}");
    assert!(text_of(&got[0]).contains("/mail/confirm?token="));
}

#[tokio::test]
async fn a_bounce_stops_mail_to_the_address_until_it_is_confirmed_again_and_a_relays_refusal_does_not()
 {
    let smtp = SmtpServer::start();
    let app = app_mailing_to(&smtp, |_| {}).await;
    let staff = app.login_as("acerta", "STAFF");
    let enter = |address: &'static str| {
        let (app, staff) = (&app, staff.clone());
        async move {
            app.graphql_as(
                &staff,
                SET_ADDRESS,
                json!({ "input": { "address": address, "lang": "EN" } }),
            )
            .await
        }
    };
    // The relay refuses a message by its own policy (554): that message fails, the address
    // stays.
    smtp.refuse_for_good(1);
    assert_eq!(
        outcome(&enter("marie@acerta.be").await, "setMailAddress"),
        "OK"
    );
    mail_run(&app).await;
    let mine = settings(&app, &staff).await;
    assert!(mine["suppressedAt"].is_null(), "{mine}");
    assert!(smtp.messages().is_empty());
    // The mailbox is refused (550): mail to the address stops.
    smtp.reject("marie@acerta.be");
    assert_eq!(
        outcome(&enter("marie@acerta.be").await, "setMailAddress"),
        "OK"
    );
    mail_run(&app).await;
    let mine = settings(&app, &staff).await;
    assert!(!mine["suppressedAt"].is_null(), "{mine}");
    assert_eq!(mine["deliverable"], false);
    assert!(smtp.messages().is_empty());
    // The same address saved again (the mailbox back): a new link; confirmed, mail goes again.
    smtp.reject("");
    assert_eq!(
        outcome(&enter("marie@acerta.be").await, "setMailAddress"),
        "OK"
    );
    mail_run(&app).await;
    let got = smtp.wait_for(1).await;
    assert_eq!(got.len(), 1);
    let token = token_in(&text_of(&got[0]));
    let done = app.graphql(CONFIRM, json!({ "t": token })).await;
    assert_eq!(done["data"]["confirmMailAddress"]["done"], true);
    let mine = settings(&app, &staff).await;
    assert!(mine["suppressedAt"].is_null(), "{mine}");
    assert_eq!(mine["deliverable"], true);
    assert_eq!(mine["address"], "marie@acerta.be", "{mine}");
    // Three links a day at most: a link is mail to whomever one names; nothing written.
    let refused = enter("another@acerta.be").await;
    assert_eq!(error_code(&refused), Some("RATE_LIMITED"), "{refused}");
    assert_eq!(settings(&app, &staff).await["address"], "marie@acerta.be");
}

#[tokio::test]
async fn the_bounds_hold_a_persons_day_and_a_digests_length() {
    let smtp = SmtpServer::start();
    let app = app_mailing_to(&smtp, |c| {
        c.mail.per_person_per_day = 2;
        c.mail.digest_items = 2;
    })
    .await;
    // An address the provider vouches for: no link to spend the day's messages on.
    let claimed = app.token(json!({
        "sub": "marie", "org": "acerta", "roles": ["STAFF"], "iss": commons_tests::ISSUER,
        "aud": commons_tests::AUDIENCE, "iat": chrono::Utc::now().timestamp(),
        "exp": chrono::Utc::now().timestamp() + 3600,
        "email": "marie@acerta.be", "email_verified": true,
    }));
    let body = app
        .graphql_as(
            &claimed,
            SET_PREFERENCES,
            json!({ "input": { "preferences": [{ "kind": "TOOL_DECISION", "delivery": "IMMEDIATE" }], "lang": "FR" } }),
        )
        .await;
    assert_eq!(outcome(&body, "setMailPreferences"), "OK", "{body}");
    // Three decisions, each at once: two go today, the third when the day's window frees.
    for title in ["Un", "Deux", "Trois"] {
        let tool = published_tool(&app, "acerta", title, "PUBLIC").await;
        for org in ["ucm", "liantis", "unizo"] {
            let adopted = app
                .graphql_as(
                    &app.login_as(org, "STAFF"),
                    ADOPT,
                    json!({ "input": { "toolId": tool, "mode": "AS_IS" } }),
                )
                .await;
            assert_eq!(outcome(&adopted, "adoptTool"), "OK", "{adopted}");
        }
    }
    mail_run(&app).await;
    assert_eq!(smtp.wait_for(3).await.len(), 2, "two a day");
    mail_run(&app).await;
    assert_eq!(smtp.wait_for(3).await.len(), 2, "the third waits");
    let clock = &app.services.clock;
    clock.set(Some(chrono::Utc::now() + chrono::Duration::hours(25)));
    mail_run(&app).await;
    // The day after: the third decision, and the week's digest is not due yet.
    assert_eq!(smtp.wait_for(3).await.len(), 3);
    // A week on: nine adoptions, the digest lists two and says how many more.
    clock.set(Some(chrono::Utc::now() + chrono::Duration::days(9)));
    mail_run(&app).await;
    let got = smtp.wait_for(4).await;
    assert_eq!(got.len(), 4, "{got:?}");
    let digest = text_of(&got[3]);
    assert_eq!(subject(&got[3]), "Commons : 9 notifications cette semaine");
    assert_eq!(
        digest.matches("utilisé par une autre organisation").count(),
        2,
        "{digest}"
    );
    assert!(digest.contains("… et 7 autres."), "{digest}");
}

#[tokio::test]
async fn a_caisse_employee_chooses_on_the_notifications_page_and_confirms_from_the_link() {
    let smtp = SmtpServer::start();
    let app = app_mailing_to(&smtp, |_| {}).await;
    let employee = sign_in(&app, "ucm", "STAFF").await;
    let (_, html) = page(&app, &employee.cookie, "/notifications", Some("fr")).await;
    assert!(html.contains("Par e-mail"), "{html}");
    assert!(
        html.contains("Pas encore d&#39;adresse") || html.contains("Pas encore d'adresse"),
        "{html}"
    );
    assert!(html.contains("name=\"kind_TOOL_DECISION\""), "{html}");
    // A bad address: the form again, what was typed kept, the error beside it.
    let refused = post_form_as(
        &app,
        &employee,
        "fr",
        "/notifications/mail",
        &[
            ("csrf", &employee.csrf),
            ("address", "marie-at-ucm"),
            ("address_was", ""),
            ("lang", "FR"),
            ("kind_TOOL_DECISION", "IMMEDIATE"),
        ],
    )
    .await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"mail-error\""), "{html}");
    assert!(html.contains("value=\"marie-at-ucm\""), "{html}");
    let saved = post_form_as(
        &app,
        &employee,
        "fr",
        "/notifications/mail",
        &[
            ("csrf", &employee.csrf),
            ("address", "marie@ucm.be"),
            ("address_was", ""),
            ("lang", "NL"),
            ("kind_TOOL_DECISION", "IMMEDIATE"),
            ("kind_TOOL_ADOPTED", "NONE"),
        ],
    )
    .await;
    assert_eq!(saved.status(), 303);
    let location = saved.headers()["location"].to_str().unwrap().to_owned();
    let (_, html) = page(&app, &employee.cookie, &location, Some("fr")).await;
    assert!(
        html.contains("Vos réglages d&#39;e-mail sont enregistrés")
            || html.contains("Vos réglages d'e-mail sont enregistrés"),
        "{html}"
    );
    assert!(html.contains("En attente de confirmation"), "{html}");
    // The link in the message (in Dutch, as chosen) asks before it confirms.
    mail_run(&app).await;
    let got = smtp.wait_for(1).await;
    assert_eq!(subject(&got[0]), "Bevestig uw e-mailadres voor Commons");
    let token = token_in(&text_of(&got[0]));
    // Opened in another browser, signed in nowhere: the link's token is enough.
    let (status, html) = page(
        &app,
        "",
        &format!("/mail/confirm?token={token}"),
        Some("fr"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("Confirmer"), "{html}");
    let confirmed = reqwest::Client::new()
        .post(format!("{}/mail/confirm", app.address))
        .header("accept-language", "fr")
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), 200);
    let html = confirmed.text().await.unwrap();
    assert!(html.contains("Votre adresse est confirmée"), "{html}");
    let (_, html) = page(&app, &employee.cookie, "/notifications", Some("fr")).await;
    assert!(html.contains("Les e-mails vont à marie@ucm.be"), "{html}");
    assert!(html.contains("<option value=\"NONE\" selected>"), "{html}");
}
