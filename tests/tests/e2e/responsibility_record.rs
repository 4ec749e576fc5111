//! The responsibility record: append-only in the database itself, verifiable by recomputing
//! its hash chain, exported whole for INASTI's audit, and always naming exactly one caisse.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::collaborations::{
    ACCEPT_TRANSFER, CANCEL_TRANSFER, PROPOSE_TRANSFER, SET_STATUS, VERIFY, disable_append_only,
    joint_service, record, responsible, transfer,
};
use commons_tests::tools::{ok, outcome};
use commons_tests::{TestApp, error_code, spawn_app};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, DbBackend};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

async fn app() -> TestApp {
    spawn_app().await.with_organisations().await
}

/// A service with three entries: Acerta, then UCM, then Liantis.
async fn service_with_history(app: &TestApp) -> String {
    let service = joint_service(app, "unizo", "acerta").await;
    for (from, to) in [("acerta", "ucm"), ("ucm", "liantis")] {
        let t = transfer(app, from, &service, to).await;
        ok(
            app,
            &app.login_as(to, "ORG_ADMIN"),
            ACCEPT_TRANSFER,
            "acceptResponsibilityTransfer",
            json!({ "transferId": t }),
        )
        .await;
    }
    service
}

async fn verify(app: &TestApp, service: &str) -> Value {
    let token = app.login_as("inasti", "MODERATOR");
    let body = app
        .graphql_as(&token, VERIFY, json!({ "id": service }))
        .await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["verifyResponsibilityRecord"].clone()
}

fn backend(app: &TestApp) -> DbBackend {
    app.services.db.get_database_backend()
}

#[tokio::test]
async fn the_database_refuses_to_update_or_delete_an_entry() {
    let app = app().await;
    let service = service_with_history(&app).await;
    let db = &app.services.db;
    for statement in [
        "UPDATE responsibility_entries SET reason = 'nothing happened' WHERE sequence = 2",
        "DELETE FROM responsibility_entries WHERE sequence = 3",
        "DELETE FROM responsibility_entries",
    ] {
        let refused = db.execute_unprepared(statement).await;
        let message = refused.expect_err(statement).to_string();
        assert!(message.contains("append-only"), "{statement}: {message}");
    }
    if backend(&app) == DbBackend::Postgres {
        let refused = db
            .execute_unprepared("TRUNCATE responsibility_entries CASCADE")
            .await;
        assert!(refused.is_err(), "TRUNCATE is refused too");
    }
    assert_eq!(record(&app, &service).await.len(), 3);
    assert_eq!(verify(&app, &service).await["intact"], true);
}

#[tokio::test]
async fn the_database_refuses_a_partner_as_responsible() {
    let app = app().await;
    let service = joint_service(&app, "unizo", "acerta").await;
    let db = &app.services.db;
    let unizo: i64 = {
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                backend(&app),
                "SELECT id FROM organisations WHERE slug = 'unizo'",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get("", "id").unwrap()
    };
    let refused = db
        .execute_unprepared(&format!(
            "UPDATE joint_services SET responsible_caisse_id = {unizo}"
        ))
        .await;
    assert!(
        refused
            .expect_err("a partner")
            .to_string()
            .contains("only a caisse"),
        "the trigger names the rule"
    );
    let refused = db
        .execute_unprepared(&format!(
            "INSERT INTO responsibility_entries (joint_service_id, sequence, caisse_id, effective_from, recorded_by, recorded_by_organisation_id, recorded_at, reason, previous_hash, hash)
             SELECT joint_service_id, 2, {unizo}, effective_from, recorded_by, recorded_by_organisation_id, recorded_at, 'x', hash, hash FROM responsibility_entries"
        ))
        .await;
    assert!(refused.is_err(), "an entry naming a partner is refused");
    assert_eq!(
        responsible(&app, &service, None).await.as_deref(),
        Some("acerta")
    );
}

/// Lets the test rewrite history the way an intruder with database access would: by taking the
/// append-only trigger away first.
#[tokio::test]
async fn a_tampered_entry_is_named_by_verification() {
    let app = app().await;
    let service = service_with_history(&app).await;
    let intact = verify(&app, &service).await;
    assert_eq!(intact["intact"], true, "{intact}");
    assert_eq!(intact["entryCount"], 3);
    assert!(intact["firstInvalidEntry"].is_null());

    disable_append_only(&app).await;
    let acerta_id = "(SELECT id FROM organisations WHERE slug = 'acerta')";
    app.services
        .db
        .execute_unprepared(&format!(
            "UPDATE responsibility_entries SET caisse_id = {acerta_id} WHERE sequence = 2"
        ))
        .await
        .unwrap();
    let broken = verify(&app, &service).await;
    assert_eq!(broken["intact"], false, "{broken}");
    assert_eq!(broken["firstInvalidEntry"]["sequence"], 2);
    assert_eq!(broken["firstInvalidEntry"]["caisse"]["slug"], "acerta");
    assert!(
        broken["problem"].as_str().unwrap().contains("altered"),
        "{broken}"
    );
}

#[tokio::test]
async fn a_rehashed_forgery_breaks_the_next_link() {
    let app = app().await;
    let service = service_with_history(&app).await;
    disable_append_only(&app).await;
    // The forger recomputes the entry's own hash, but cannot fix the entry after it.
    let entries = record(&app, &service).await;
    let forged = "0".repeat(63) + "1";
    app.services
        .db
        .execute_unprepared(&format!(
            "UPDATE responsibility_entries SET hash = '{forged}' WHERE hash = '{}'",
            entries[0]["hash"].as_str().unwrap()
        ))
        .await
        .unwrap();
    let broken = verify(&app, &service).await;
    assert_eq!(broken["firstInvalidEntry"]["sequence"], 1, "{broken}");
    assert_eq!(broken["intact"], false);
}

#[tokio::test]
async fn verification_is_for_those_who_may_read_the_service() {
    let app = app().await;
    let service = joint_service(&app, "unizo", "acerta").await;
    for (caller, code) in [
        (Some(("acerta", "STAFF")), None),
        (Some(("unizo", "STAFF")), None),
        (Some(("xerius", "ORG_ADMIN")), Some("NOT_FOUND")),
        (None, Some("UNAUTHENTICATED")),
    ] {
        let body = match caller {
            Some((org, role)) => {
                app.graphql_as(&app.login_as(org, role), VERIFY, json!({ "id": service }))
                    .await
            }
            None => app.graphql(VERIFY, json!({ "id": service })).await,
        };
        assert_eq!(error_code(&body), code, "{caller:?}: {body}");
    }
}

async fn export(app: &TestApp, token: Option<&str>, query: &str) -> reqwest::Response {
    let mut request = app.client.get(format!(
        "{}/exports/responsibility-record{query}",
        app.address
    ));
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    request.send().await.unwrap()
}

/// A CSV cell as it was typed: the export puts an apostrophe before a cell a spreadsheet would
/// take for a formula, and docs/api.md tells an auditor to take it off.
fn typed(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// The hash of an exported entry, recomputed the way docs/api.md tells an auditor to.
fn recompute(row: &csv::StringRecord, h: &csv::StringRecord) -> String {
    let field = |name: &str| {
        let i = h.iter().position(|c| c == name).unwrap();
        row.get(i).unwrap().to_owned()
    };
    let fields = [
        "commons/responsibility-entry/v1".to_owned(),
        field("joint_service_id"),
        field("sequence"),
        field("caisse_id"),
        field("effective_from"),
        field("recorded_by"),
        field("recorded_by_organisation_id"),
        field("recorded_at"),
        typed(&field("reason")).to_owned(),
        field("previous_hash"),
    ];
    let mut hasher = Sha256::new();
    for f in fields {
        hasher.update((f.len() as u32).to_be_bytes());
        hasher.update(f.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn the_csv_export_lists_every_entry_and_each_can_be_verified_from_the_file() {
    let app = app().await;
    let a = service_with_history(&app).await;
    let b = joint_service(&app, "ifapme", "xerius").await;
    let expected = record(&app, &a).await.len() + record(&app, &b).await.len();
    let inasti = app.login_as("inasti", "MODERATOR");
    let response = export(&app, Some(&inasti), "?format=csv").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"responsibility-record-all-")
    );
    let text = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), expected, "{text}");
    let hash = headers.iter().position(|c| c == "hash").unwrap();
    let verified = headers.iter().position(|c| c == "verified").unwrap();
    for row in &rows {
        assert_eq!(recompute(row, &headers), row[hash], "{row:?}");
        assert_eq!(&row[verified], "true");
    }
    let slugs: Vec<&str> = rows
        .iter()
        .map(|r| &r[headers.iter().position(|c| c == "caisse_slug").unwrap()])
        .collect();
    assert_eq!(slugs, ["acerta", "ucm", "liantis", "xerius"]);
}

#[tokio::test]
async fn a_reason_typed_as_a_formula_stays_text_in_the_csv_and_as_typed_in_the_json() {
    let app = app().await;
    let service = joint_service(&app, "unizo", "acerta").await;
    let formula = "=HYPERLINK(\"http://evil.example/x\",\"open\")";
    let proposed = ok(
        &app,
        &app.login_as("acerta", "ORG_ADMIN"),
        PROPOSE_TRANSFER,
        "proposeResponsibilityTransfer",
        json!({ "serviceId": service, "toCaisseId": app.organisation_id("ucm").await, "reason": formula }),
    )
    .await;
    let transfer = proposed["transfer"]["id"].as_str().unwrap().to_owned();
    ok(
        &app,
        &app.login_as("ucm", "ORG_ADMIN"),
        ACCEPT_TRANSFER,
        "acceptResponsibilityTransfer",
        json!({ "transferId": transfer }),
    )
    .await;
    let inasti = app.login_as("inasti", "MODERATOR");
    let text = export(&app, Some(&inasti), "?format=csv")
        .await
        .text()
        .await
        .unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let reason = headers.iter().position(|c| c == "reason").unwrap();
    let hash = headers.iter().position(|c| c == "hash").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let row = rows
        .iter()
        .find(|r| r[reason].contains("HYPERLINK"))
        .unwrap();
    assert_eq!(&row[reason], format!("'{formula}"));
    assert_eq!(recompute(row, &headers), row[hash], "{row:?}");
    let json: Value = export(&app, Some(&inasti), "?format=json")
        .await
        .json()
        .await
        .unwrap();
    let reasons: Vec<&str> = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["reason"].as_str())
        .collect();
    assert!(reasons.contains(&formula), "{json}");
}

#[tokio::test]
async fn the_json_export_of_one_caisse_holds_the_whole_record_of_its_services() {
    let app = app().await;
    let history = service_with_history(&app).await;
    joint_service(&app, "ifapme", "xerius").await;
    let ucm_admin = app.login_as("ucm", "ORG_ADMIN");
    let response = export(&app, Some(&ucm_admin), "?caisse=ucm").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let entries = body["entries"].as_array().unwrap();
    // UCM held the service between Acerta and Liantis: its chain is exported whole.
    assert_eq!(entries.len(), record(&app, &history).await.len());
    assert!(entries.iter().all(|e| e["verified"] == true));
    assert_eq!(body["caisse"], "ucm");
    assert_eq!(body["encoding"], "commons/responsibility-entry/v1");
}

#[tokio::test]
async fn the_export_is_for_inasti_and_each_caisse_admin_for_its_own_record() {
    let app = app().await;
    joint_service(&app, "unizo", "acerta").await;
    for (caller, query, status) in [
        (None, "", 401),
        (Some(("unizo", "ORG_ADMIN")), "", 403),
        (Some(("acerta", "ORG_ADMIN")), "", 403),
        (Some(("acerta", "STAFF")), "?caisse=acerta", 403),
        (Some(("ucm", "ORG_ADMIN")), "?caisse=acerta", 403),
        (Some(("acerta", "ORG_ADMIN")), "?caisse=acerta", 200),
        (
            Some(("inasti", "PLATFORM_ADMIN")),
            "?caisse=acerta&format=csv",
            200,
        ),
        (Some(("inasti", "MODERATOR")), "?caisse=unizo", 400),
        (Some(("inasti", "MODERATOR")), "?caisse=nobody", 400),
        (Some(("inasti", "MODERATOR")), "?format=xml", 400),
        (Some(("inasti", "MODERATOR")), "?since=2020", 400),
    ] {
        let token = caller.map(|(org, role)| app.login_as(org, role));
        let response = export(&app, token.as_deref(), query).await;
        assert_eq!(response.status(), status, "{caller:?} {query}");
        if status != 200 {
            let body: Value = response.json().await.unwrap();
            assert!(
                body["errors"][0]["extensions"]["code"].is_string(),
                "{body}"
            );
        }
    }
}

/// The invariant of the issue: at every instant of a service's life, exactly one caisse is
/// responsible — checked after randomised sequences of proposals, acceptances, cancellations
/// and refusals by random callers, against a model of what should have happened.
#[tokio::test]
async fn exactly_one_caisse_is_responsible_at_every_instant_whatever_happens() {
    let app = app().await;
    let caisses = ["acerta", "ucm", "liantis", "xerius"];
    let others = ["unizo", "ifapme", "inasti"];
    let mut transfers_seen = 0;
    for seed in [7_u64, 42, 2026] {
        let mut rng = StdRng::seed_from_u64(seed);
        let service = joint_service(&app, "unizo", "acerta").await;
        let mut holder = "acerta";
        let mut pending: Option<(String, &str)> = None;
        let mut ended = false;
        let mut accepted = 0;
        for step in 0..60 {
            let op = rng.gen_range(0..10);
            // Most of the time the one who would be allowed acts, so that responsibility
            // moves; otherwise anyone at all.
            let (actor_org, role) = if rng.gen_bool(0.6) {
                let side = match (&pending, op) {
                    (Some((_, to)), 4..=7) => *to,
                    (Some((_, to)), 8) if rng.gen_bool(0.5) => *to,
                    _ => holder,
                };
                (
                    side,
                    if rng.gen_bool(0.85) {
                        "ORG_ADMIN"
                    } else {
                        "STAFF"
                    },
                )
            } else if rng.gen_bool(0.85) {
                (
                    caisses[rng.gen_range(0..caisses.len())],
                    ["STAFF", "ORG_ADMIN"][rng.gen_range(0..2)],
                )
            } else {
                (
                    others[rng.gen_range(0..others.len())],
                    ["STAFF", "ORG_ADMIN"][rng.gen_range(0..2)],
                )
            };
            let token = app.login_as(actor_org, role);
            let context = format!("seed {seed} step {step}: {actor_org} {role}");
            match op {
                0..=3 => {
                    let to = if rng.gen_bool(0.8) {
                        caisses[rng.gen_range(0..caisses.len())]
                    } else {
                        others[rng.gen_range(0..others.len())]
                    };
                    let to_id = app.organisation_id(to).await;
                    let body = app
                        .graphql_as(
                            &token,
                            PROPOSE_TRANSFER,
                            json!({ "input": { "serviceId": service, "toCaisseId": to_id, "reason": format!("step {step}") } }),
                        )
                        .await;
                    let may = actor_org == holder
                        && role == "ORG_ADMIN"
                        && !ended
                        && pending.is_none()
                        && caisses.contains(&to)
                        && to != holder;
                    let got = outcome(&body, "proposeResponsibilityTransfer");
                    assert_eq!(got == "OK", may, "{context} → {to}: {body}");
                    if may {
                        let id = body["data"]["proposeResponsibilityTransfer"]["transfer"]["id"]
                            .as_str()
                            .unwrap()
                            .to_owned();
                        pending = Some((id, to));
                    }
                }
                4..=7 => {
                    let Some((id, to)) = pending.clone() else {
                        continue;
                    };
                    let body = app
                        .graphql_as(
                            &token,
                            ACCEPT_TRANSFER,
                            json!({ "input": { "transferId": id } }),
                        )
                        .await;
                    let may = actor_org == to && role == "ORG_ADMIN" && !ended;
                    let got = outcome(&body, "acceptResponsibilityTransfer");
                    assert_eq!(got == "OK", may, "{context} accepts: {body}");
                    if may {
                        holder = to;
                        pending = None;
                        accepted += 1;
                    }
                }
                8 => {
                    let Some((id, to)) = pending.clone() else {
                        continue;
                    };
                    let body = app
                        .graphql_as(
                            &token,
                            CANCEL_TRANSFER,
                            json!({ "input": { "transferId": id } }),
                        )
                        .await;
                    let may = (actor_org == to || actor_org == holder) && role == "ORG_ADMIN";
                    let got = outcome(&body, "cancelResponsibilityTransfer");
                    assert_eq!(got == "OK", may, "{context} cancels: {body}");
                    if may {
                        pending = None;
                    }
                }
                _ => {
                    // Ending is final: it comes late in a sequence, so that transfers happen first.
                    if step >= 45 && rng.gen_bool(0.5) {
                        let body = app
                            .graphql_as(
                                &token,
                                SET_STATUS,
                                json!({ "input": { "serviceId": service, "status": "ENDED" } }),
                            )
                            .await;
                        let may = actor_org == holder && !ended;
                        assert_eq!(
                            outcome(&body, "setJointServiceStatus") == "OK",
                            may,
                            "{context} ends: {body}"
                        );
                        ended |= may;
                    }
                }
            }
            assert_eq!(
                responsible(&app, &service, None).await.as_deref(),
                Some(holder),
                "{context}"
            );
        }
        assert_one_responsible_at_every_instant(&app, &service, 1 + accepted).await;
        eprintln!("seed {seed}: {accepted} transfers, ended {ended}");
        transfers_seen += accepted;
    }
    assert!(
        transfers_seen >= 9,
        "the sequences moved responsibility {transfers_seen} times"
    );
}

/// Checks the record's moments: nobody before the service, and from its first entry on exactly
/// the caisse of the entry in effect, at each entry's moment and just before the next.
async fn assert_one_responsible_at_every_instant(app: &TestApp, service: &str, entries: usize) {
    let record = record(app, service).await;
    assert_eq!(record.len(), entries);
    let at = |t: &str, shift: i64| {
        (chrono::DateTime::parse_from_rfc3339(t).unwrap() + chrono::Duration::microseconds(shift))
            .to_rfc3339()
    };
    let first = record[0]["effectiveFrom"].as_str().unwrap();
    assert_eq!(responsible(app, service, Some(&at(first, -1))).await, None);
    for (i, entry) in record.iter().enumerate() {
        assert_eq!(entry["caisse"]["kind"], "CAISSE");
        let from = entry["effectiveFrom"].as_str().unwrap();
        let caisse = entry["caisse"]["slug"].as_str().map(str::to_owned);
        assert_eq!(
            responsible(app, service, Some(from)).await,
            caisse,
            "entry {i}"
        );
        if let Some(next) = record.get(i + 1) {
            let until = at(next["effectiveFrom"].as_str().unwrap(), -1);
            let parse = |t: &str| chrono::DateTime::parse_from_rfc3339(t).unwrap();
            if parse(&until) >= parse(from) {
                assert_eq!(responsible(app, service, Some(&until)).await, caisse);
            }
        }
    }
    let verified = verify(app, service).await;
    assert_eq!(verified["intact"], true, "{verified}");
}

#[tokio::test]
async fn the_demo_has_joint_services_and_one_passed_to_another_caisse() {
    let app = spawn_app().await.with_demo().await;
    let inasti = app.login_as("inasti", "MODERATOR");
    let body = app
        .graphql_as(
            &inasti,
            "{ jointServices { totalCount edges { node { id status responsibleCaisse { slug } responsibilityRecord { totalCount } } } } }",
            json!({}),
        )
        .await;
    let services = body["data"]["jointServices"]["edges"].as_array().unwrap();
    assert_eq!(services.len(), 2, "{body}");
    let transferred: Vec<&Value> = services
        .iter()
        .filter(|s| s["node"]["responsibilityRecord"]["totalCount"] == 2)
        .collect();
    assert_eq!(transferred.len(), 1, "{body}");
    assert_eq!(
        transferred[0]["node"]["responsibleCaisse"]["slug"],
        "liantis"
    );
    for s in services {
        let id = s["node"]["id"].as_str().unwrap();
        assert_eq!(verify(&app, id).await["intact"], true);
    }
}
