//! Joint services: the responsible caisse manages participants and status; responsibility
//! passes to another caisse only when an admin of the receiving caisse accepts a transfer that
//! an admin of the responsible caisse proposed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::collaborations::{
    ACCEPT_TRANSFER, ADD_PARTICIPANT, CANCEL_TRANSFER, PROPOSE_TRANSFER, REMOVE_PARTICIPANT,
    RESPOND, SET_STATUS, WITHDRAW, joint_service, propose, record, responsible, transfer,
};
use commons_tests::tools::{ok, outcome};
use commons_tests::{Caller, TestApp, error_code, spawn_app};
use serde_json::{Value, json};

async fn app() -> TestApp {
    spawn_app().await.with_organisations().await
}

async fn call(app: &TestApp, caller: Option<(&str, &str)>, mutation: &str, input: Value) -> Value {
    let variables = json!({ "input": input });
    match caller {
        Some((org, role)) => {
            let token = app.login_as(org, role);
            app.graphql_as(&token, mutation, variables).await
        }
        None => app.graphql(mutation, variables).await,
    }
}

#[tokio::test]
async fn a_transfer_takes_effect_only_when_the_receiving_admin_accepts() {
    let app = app().await;
    let service = joint_service(&app, "unizo", "acerta").await;
    let t = transfer(&app, "acerta", &service, "liantis").await;
    assert_eq!(
        responsible(&app, &service, None).await.as_deref(),
        Some("acerta")
    );
    assert_eq!(
        record(&app, &service).await.len(),
        1,
        "nothing recorded yet"
    );

    let accepted = ok(
        &app,
        &app.login_as("liantis", "ORG_ADMIN"),
        ACCEPT_TRANSFER,
        "acceptResponsibilityTransfer",
        json!({ "transferId": t }),
    )
    .await;
    assert_eq!(accepted["transfer"]["status"], "ACCEPTED");
    assert_eq!(
        accepted["transfer"]["jointService"]["responsibleCaisse"]["slug"],
        "liantis"
    );
    let entries = record(&app, &service).await;
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1]["caisse"]["slug"], "liantis");
    assert_eq!(entries[1]["reason"], "reorganisation of the region");
    assert_eq!(entries[1]["previousHash"], entries[0]["hash"]);

    // Responsibility at any moment is the entry in effect then; nothing before the service.
    let created = entries[0]["effectiveFrom"].as_str().unwrap();
    let moved = entries[1]["effectiveFrom"].as_str().unwrap();
    let before = |t: &str| {
        (chrono::DateTime::parse_from_rfc3339(t).unwrap() - chrono::Duration::microseconds(1))
            .to_rfc3339()
    };
    assert_eq!(
        responsible(&app, &service, Some(&before(created))).await,
        None
    );
    assert_eq!(
        responsible(&app, &service, Some(created)).await.as_deref(),
        Some("acerta")
    );
    assert_eq!(
        responsible(&app, &service, Some(&before(moved)))
            .await
            .as_deref(),
        Some("acerta")
    );
    assert_eq!(
        responsible(&app, &service, Some(moved)).await.as_deref(),
        Some("liantis")
    );
    assert_eq!(
        responsible(&app, &service, None).await.as_deref(),
        Some("liantis")
    );
}

#[tokio::test]
async fn responsibility_never_goes_to_anything_but_another_caisse() {
    let app = app().await;
    let service = joint_service(&app, "unizo", "acerta").await;
    for (to, field, code) in [
        ("unizo", "toCaisseId", "NOT_ALLOWED"),
        ("inasti", "toCaisseId", "NOT_ALLOWED"),
        ("acerta", "toCaisseId", "INVALID_STATE"),
    ] {
        let to_id = app.organisation_id(to).await;
        let body = call(
            &app,
            Some(("acerta", "ORG_ADMIN")),
            PROPOSE_TRANSFER,
            json!({ "serviceId": service, "toCaisseId": to_id, "reason": "why not" }),
        )
        .await;
        assert_eq!(
            outcome(&body, "proposeResponsibilityTransfer"),
            code,
            "{to}: {body}"
        );
        assert_eq!(
            body["data"]["proposeResponsibilityTransfer"]["userErrors"][0]["field"],
            json!([field])
        );
    }
    let ucm = app.organisation_id("ucm").await;
    let no_reason = call(
        &app,
        Some(("acerta", "ORG_ADMIN")),
        PROPOSE_TRANSFER,
        json!({ "serviceId": service, "toCaisseId": ucm, "reason": "  " }),
    )
    .await;
    assert_eq!(
        outcome(&no_reason, "proposeResponsibilityTransfer"),
        "REQUIRED"
    );
    let inasti = app.login_as("inasti", "MODERATOR");
    let transfers = app
        .graphql_as(
            &inasti,
            "query($id: ID!) { node(id: $id) { ... on JointService { transfers { totalCount } pendingTransfer { id } } } }",
            json!({ "id": service }),
        )
        .await;
    assert_eq!(
        transfers["data"]["node"]["transfers"]["totalCount"], 0,
        "{transfers}"
    );
    assert_eq!(record(&app, &service).await.len(), 1);
}

#[tokio::test]
async fn one_transfer_waits_at_a_time_and_either_side_can_cancel_it() {
    let app = app().await;
    let service = joint_service(&app, "unizo", "acerta").await;
    let first = transfer(&app, "acerta", &service, "ucm").await;
    let xerius = app.organisation_id("xerius").await;
    let second = call(
        &app,
        Some(("acerta", "ORG_ADMIN")),
        PROPOSE_TRANSFER,
        json!({ "serviceId": service, "toCaisseId": xerius, "reason": "changed our mind" }),
    )
    .await;
    assert_eq!(
        outcome(&second, "proposeResponsibilityTransfer"),
        "INVALID_STATE"
    );

    // The receiving side declines by cancelling.
    let cancelled = call(
        &app,
        Some(("ucm", "ORG_ADMIN")),
        CANCEL_TRANSFER,
        json!({ "transferId": first, "reason": "pas de capacité" }),
    )
    .await;
    assert_eq!(
        outcome(&cancelled, "cancelResponsibilityTransfer"),
        "OK",
        "{cancelled}"
    );
    assert_eq!(
        cancelled["data"]["cancelResponsibilityTransfer"]["transfer"]["cancellationReason"],
        "pas de capacité"
    );
    let late = call(
        &app,
        Some(("ucm", "ORG_ADMIN")),
        ACCEPT_TRANSFER,
        json!({ "transferId": first }),
    )
    .await;
    assert_eq!(
        outcome(&late, "acceptResponsibilityTransfer"),
        "INVALID_STATE"
    );

    // The giving side cancels its own.
    let next = transfer(&app, "acerta", &service, "xerius").await;
    let withdrawn = call(
        &app,
        Some(("acerta", "ORG_ADMIN")),
        CANCEL_TRANSFER,
        json!({ "transferId": next }),
    )
    .await;
    assert_eq!(outcome(&withdrawn, "cancelResponsibilityTransfer"), "OK");
    assert_eq!(
        responsible(&app, &service, None).await.as_deref(),
        Some("acerta")
    );
    assert_eq!(record(&app, &service).await.len(), 1);
}

#[tokio::test]
async fn accepting_someone_elses_transfer_is_refused_and_changes_nothing() {
    let app = app().await;
    let service = joint_service(&app, "unizo", "acerta").await;
    let t = transfer(&app, "acerta", &service, "ucm").await;
    for (caller, code) in [
        (("acerta", "ORG_ADMIN"), "FORBIDDEN"),
        (("ucm", "STAFF"), "FORBIDDEN"),
        (("xerius", "ORG_ADMIN"), "NOT_FOUND"),
        (("unizo", "ORG_ADMIN"), "FORBIDDEN"),
        (("inasti", "PLATFORM_ADMIN"), "FORBIDDEN"),
    ] {
        let body = call(
            &app,
            Some(caller),
            ACCEPT_TRANSFER,
            json!({ "transferId": t }),
        )
        .await;
        assert_eq!(
            outcome(&body, "acceptResponsibilityTransfer"),
            code,
            "{caller:?}"
        );
    }
    assert_eq!(
        responsible(&app, &service, None).await.as_deref(),
        Some("acerta")
    );
    assert_eq!(record(&app, &service).await.len(), 1);
}

#[tokio::test]
async fn the_responsible_caisse_manages_participants() {
    let app = app().await;
    let service = joint_service(&app, "unizo", "acerta").await;
    let add = |org: &'static str, role: &'static str| {
        let app = &app;
        let service = service.clone();
        async move {
            let id = app.organisation_id(org).await;
            call(
                app,
                Some(("acerta", "STAFF")),
                ADD_PARTICIPANT,
                json!({ "serviceId": service, "organisationId": id, "role": role }),
            )
            .await
        }
    };
    let added = add("ifapme", "VENUE").await;
    assert_eq!(
        outcome(&added, "addJointServiceParticipant"),
        "OK",
        "{added}"
    );
    assert_eq!(
        added["data"]["addJointServiceParticipant"]["jointService"]["participants"],
        json!([
            { "organisation": { "slug": "unizo" }, "role": "TRAINER" },
            { "organisation": { "slug": "ifapme" }, "role": "VENUE" },
        ])
    );
    assert_eq!(
        outcome(&add("ifapme", "OTHER").await, "addJointServiceParticipant"),
        "DUPLICATE"
    );
    assert_eq!(
        outcome(&add("acerta", "OTHER").await, "addJointServiceParticipant"),
        "NOT_ALLOWED"
    );
    assert_eq!(
        outcome(&add("inasti", "OTHER").await, "addJointServiceParticipant"),
        "NOT_ALLOWED"
    );

    let unizo = app.organisation_id("unizo").await;
    let removed = call(
        &app,
        Some(("acerta", "ORG_ADMIN")),
        REMOVE_PARTICIPANT,
        json!({ "serviceId": service, "organisationId": unizo }),
    )
    .await;
    assert_eq!(outcome(&removed, "removeJointServiceParticipant"), "OK");
    let again = call(
        &app,
        Some(("acerta", "ORG_ADMIN")),
        REMOVE_PARTICIPANT,
        json!({ "serviceId": service, "organisationId": unizo }),
    )
    .await;
    assert_eq!(
        outcome(&again, "removeJointServiceParticipant"),
        "NOT_FOUND"
    );
    // A participant does not manage the service; once removed, UNIZO no longer sees it.
    let ifapme = app.organisation_id("ifapme").await;
    let by_participant = call(
        &app,
        Some(("ifapme", "ORG_ADMIN")),
        REMOVE_PARTICIPANT,
        json!({ "serviceId": service, "organisationId": ifapme }),
    )
    .await;
    assert_eq!(
        outcome(&by_participant, "removeJointServiceParticipant"),
        "FORBIDDEN"
    );
    let by_former = call(
        &app,
        Some(("unizo", "ORG_ADMIN")),
        REMOVE_PARTICIPANT,
        json!({ "serviceId": service, "organisationId": ifapme }),
    )
    .await;
    assert_eq!(
        outcome(&by_former, "removeJointServiceParticipant"),
        "NOT_FOUND"
    );
}

#[tokio::test]
async fn a_service_moves_forward_and_an_ended_service_stays_as_it_was() {
    let app = app().await;
    let service = joint_service(&app, "unizo", "acerta").await;
    let set = |status: &'static str| {
        let app = &app;
        let service = service.clone();
        async move {
            let body = call(
                app,
                Some(("acerta", "STAFF")),
                SET_STATUS,
                json!({ "serviceId": service, "status": status }),
            )
            .await;
            outcome(&body, "setJointServiceStatus")
        }
    };
    assert_eq!(set("ACTIVE").await, "OK");
    assert_eq!(set("PLANNED").await, "INVALID_STATE");
    assert_eq!(set("ENDED").await, "OK");
    assert_eq!(set("ACTIVE").await, "INVALID_STATE");
    let ucm = app.organisation_id("ucm").await;
    let body = call(
        &app,
        Some(("acerta", "ORG_ADMIN")),
        PROPOSE_TRANSFER,
        json!({ "serviceId": service, "toCaisseId": ucm, "reason": "too late" }),
    )
    .await;
    assert_eq!(
        outcome(&body, "proposeResponsibilityTransfer"),
        "INVALID_STATE"
    );
}

#[tokio::test]
async fn an_ended_service_refuses_a_transfer_proposed_before_it_ended() {
    let app = app().await;
    let service = joint_service(&app, "unizo", "acerta").await;
    let t = transfer(&app, "acerta", &service, "ucm").await;
    let ended = call(
        &app,
        Some(("acerta", "STAFF")),
        SET_STATUS,
        json!({ "serviceId": service, "status": "ENDED" }),
    )
    .await;
    assert_eq!(outcome(&ended, "setJointServiceStatus"), "OK");
    let late = call(
        &app,
        Some(("ucm", "ORG_ADMIN")),
        ACCEPT_TRANSFER,
        json!({ "transferId": t }),
    )
    .await;
    assert_eq!(
        outcome(&late, "acceptResponsibilityTransfer"),
        "INVALID_STATE"
    );
    assert_eq!(record(&app, &service).await.len(), 1);
}

#[tokio::test]
async fn joint_services_are_read_by_their_caisses_participants_and_inasti() {
    let app = app().await;
    let service = joint_service(&app, "unizo", "acerta").await;
    let t = transfer(&app, "acerta", &service, "ucm").await;
    ok(
        &app,
        &app.login_as("ucm", "ORG_ADMIN"),
        ACCEPT_TRANSFER,
        "acceptResponsibilityTransfer",
        json!({ "transferId": t }),
    )
    .await;
    // Acerta was responsible: it keeps reading the service its record names.
    for (caller, sees) in [
        (Some(("ucm", "STAFF")), true),
        (Some(("acerta", "STAFF")), true),
        (Some(("unizo", "STAFF")), true),
        (Some(("xerius", "ORG_ADMIN")), false),
        (Some(("ifapme", "STAFF")), false),
        (Some(("inasti", "MODERATOR")), true),
        (Some(("inasti", "PLATFORM_ADMIN")), true),
        (None, false),
    ] {
        let q = "query($id: ID!) { node(id: $id) { id } jointServices { totalCount } }";
        let body = match caller {
            Some((org, role)) => {
                app.graphql_as(&app.login_as(org, role), q, json!({ "id": service }))
                    .await
            }
            None => app.graphql(q, json!({ "id": service })).await,
        };
        if caller.is_none() {
            assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
            continue;
        }
        assert_eq!(
            body["data"]["node"]["id"] == service,
            sees,
            "{caller:?}: {body}"
        );
        assert_eq!(
            body["data"]["jointServices"]["totalCount"],
            json!(u64::from(sees)),
            "{caller:?}"
        );
    }
    // Acerta reads, but manages no more.
    let body = call(
        &app,
        Some(("acerta", "STAFF")),
        SET_STATUS,
        json!({ "serviceId": service, "status": "ACTIVE" }),
    )
    .await;
    assert_eq!(outcome(&body, "setJointServiceStatus"), "FORBIDDEN");
}

/// The full matrix of who may act on a joint service, each on a fresh service that UNIZO
/// proposed and Acerta accepted, with IFAPME added as a venue.
#[tokio::test]
async fn every_caller_gets_the_expected_answer_for_each_joint_service_action() {
    let app = app().await;
    let callers: [(&str, Caller); 9] = [
        ("anonymous", None),
        ("responsible staff", Some(("acerta", "STAFF"))),
        ("responsible admin", Some(("acerta", "ORG_ADMIN"))),
        ("receiving staff", Some(("liantis", "STAFF"))),
        ("receiving admin", Some(("liantis", "ORG_ADMIN"))),
        ("participant admin", Some(("unizo", "ORG_ADMIN"))),
        ("other caisse admin", Some(("xerius", "ORG_ADMIN"))),
        ("inasti moderator", Some(("inasti", "MODERATOR"))),
        ("platform admin", Some(("inasti", "PLATFORM_ADMIN"))),
    ];
    type Input = fn(&Fixture) -> Value;
    // With a pending transfer to Liantis, except where a transfer is proposed.
    let actions: [(&str, &str, &str, Input, [&str; 9]); 6] = [
        (
            "add a participant",
            ADD_PARTICIPANT,
            "addJointServiceParticipant",
            |f| json!({ "serviceId": f.service, "organisationId": f.xerius, "role": "VENUE" }),
            [
                "UNAUTHENTICATED",
                "OK",
                "OK",
                "FORBIDDEN",
                "FORBIDDEN",
                "FORBIDDEN",
                "NOT_FOUND",
                "FORBIDDEN",
                "FORBIDDEN",
            ],
        ),
        (
            "remove a participant",
            REMOVE_PARTICIPANT,
            "removeJointServiceParticipant",
            |f| json!({ "serviceId": f.service, "organisationId": f.unizo }),
            [
                "UNAUTHENTICATED",
                "OK",
                "OK",
                "FORBIDDEN",
                "FORBIDDEN",
                "FORBIDDEN",
                "NOT_FOUND",
                "FORBIDDEN",
                "FORBIDDEN",
            ],
        ),
        (
            "set the status",
            SET_STATUS,
            "setJointServiceStatus",
            |f| json!({ "serviceId": f.service, "status": "ACTIVE" }),
            [
                "UNAUTHENTICATED",
                "OK",
                "OK",
                "FORBIDDEN",
                "FORBIDDEN",
                "FORBIDDEN",
                "NOT_FOUND",
                "FORBIDDEN",
                "FORBIDDEN",
            ],
        ),
        (
            "propose a transfer",
            PROPOSE_TRANSFER,
            "proposeResponsibilityTransfer",
            |f| json!({ "serviceId": f.service, "toCaisseId": f.xerius, "reason": "r" }),
            [
                "UNAUTHENTICATED",
                "FORBIDDEN",
                "OK",
                "NOT_FOUND",
                "NOT_FOUND",
                "FORBIDDEN",
                "NOT_FOUND",
                "FORBIDDEN",
                "FORBIDDEN",
            ],
        ),
        (
            "accept a transfer",
            ACCEPT_TRANSFER,
            "acceptResponsibilityTransfer",
            |f| json!({ "transferId": f.transfer }),
            [
                "UNAUTHENTICATED",
                "FORBIDDEN",
                "FORBIDDEN",
                "FORBIDDEN",
                "OK",
                "FORBIDDEN",
                "NOT_FOUND",
                "FORBIDDEN",
                "FORBIDDEN",
            ],
        ),
        (
            "cancel a transfer",
            CANCEL_TRANSFER,
            "cancelResponsibilityTransfer",
            |f| json!({ "transferId": f.transfer }),
            [
                "UNAUTHENTICATED",
                "FORBIDDEN",
                "OK",
                "FORBIDDEN",
                "OK",
                "FORBIDDEN",
                "NOT_FOUND",
                "FORBIDDEN",
                "FORBIDDEN",
            ],
        ),
    ];
    for (action, mutation, field, input, expected) in actions {
        for ((who, caller), want) in callers.iter().zip(expected) {
            let f = Fixture::new(&app, field != "proposeResponsibilityTransfer").await;
            let result = call(&app, *caller, mutation, input(&f)).await;
            assert_eq!(
                outcome(&result, field),
                want,
                "{who} may {action}? {result}"
            );
        }
    }
}

#[tokio::test]
async fn the_receiving_caisse_reads_the_service_once_a_transfer_names_it() {
    let app = app().await;
    let service = joint_service(&app, "unizo", "acerta").await;
    let ucm = app.login_as("ucm", "STAFF");
    let q = "query($id: ID!) { node(id: $id) { ... on JointService { id pendingTransfer { to { slug } } } } }";
    let before = app.graphql_as(&ucm, q, json!({ "id": service })).await;
    assert!(before["data"]["node"].is_null(), "{before}");
    let t = transfer(&app, "acerta", &service, "ucm").await;
    let during = app.graphql_as(&ucm, q, json!({ "id": service })).await;
    assert_eq!(
        during["data"]["node"]["pendingTransfer"]["to"]["slug"], "ucm",
        "{during}"
    );
    let staff = call(
        &app,
        Some(("ucm", "STAFF")),
        ACCEPT_TRANSFER,
        json!({ "transferId": t }),
    )
    .await;
    assert_eq!(outcome(&staff, "acceptResponsibilityTransfer"), "FORBIDDEN");
    let admin = call(
        &app,
        Some(("ucm", "ORG_ADMIN")),
        ACCEPT_TRANSFER,
        json!({ "transferId": t }),
    )
    .await;
    assert_eq!(outcome(&admin, "acceptResponsibilityTransfer"), "OK");
}

struct Fixture {
    service: String,
    transfer: String,
    xerius: String,
    unizo: String,
}

impl Fixture {
    /// A service UNIZO proposed and Acerta accepted, with a pending transfer to Liantis if asked.
    async fn new(app: &TestApp, with_transfer: bool) -> Self {
        let service = joint_service(app, "unizo", "acerta").await;
        let transfer = if with_transfer {
            transfer(app, "acerta", &service, "liantis").await
        } else {
            String::new()
        };
        Self {
            service,
            transfer,
            xerius: app.organisation_id("xerius").await,
            unizo: app.organisation_id("unizo").await,
        }
    }
}

/// Runs `query` as an admin of `org` and returns the body.
async fn as_admin(app: &TestApp, org: &str, query: &str, input: Value) -> Value {
    let token = app.login_as(org, "ORG_ADMIN");
    app.graphql_as(&token, query, json!({ "input": input }))
        .await
}

#[tokio::test]
async fn two_last_targets_accepting_at_once_answer_the_proposal_and_open_one_service() {
    let app = spawn_app().await.with_organisations().await;
    for round in 0..8 {
        let proposal = propose(&app, "unizo", &["acerta", "ucm"]).await;
        let answer = json!({ "proposalId": proposal, "accept": true });
        let (a, b) = tokio::join!(
            as_admin(&app, "acerta", RESPOND, answer.clone()),
            as_admin(&app, "ucm", RESPOND, answer.clone())
        );
        assert_eq!(outcome(&a, "respondToProposal"), "OK", "round {round}: {a}");
        assert_eq!(outcome(&b, "respondToProposal"), "OK", "round {round}: {b}");
        let read = app
            .graphql_as(
                &app.login_as("unizo", "STAFF"),
                "query($id: ID!) { node(id: $id) { ... on CollaborationProposal { status jointService { id participants { organisation { slug } } } } } }",
                json!({ "id": proposal }),
            )
            .await;
        let node = &read["data"]["node"];
        assert_eq!(node["status"], "ANSWERED", "round {round}: {read}");
        // One service, the same one named in both answers.
        let service = node["jointService"]["id"].clone();
        assert_eq!(
            a["data"]["respondToProposal"]["jointService"]["id"], service,
            "{a}"
        );
        assert_eq!(
            b["data"]["respondToProposal"]["jointService"]["id"], service,
            "{b}"
        );
        let withdrawn = app
            .graphql_as(
                &app.login_as("unizo", "STAFF"),
                WITHDRAW,
                json!({ "input": { "proposalId": proposal } }),
            )
            .await;
        assert_ne!(outcome(&withdrawn, "withdrawProposal"), "OK", "{withdrawn}");
    }
}

#[tokio::test]
async fn a_service_is_never_ended_by_a_caisse_that_just_handed_it_over() {
    let app = spawn_app().await.with_organisations().await;
    for round in 0..8 {
        let service = joint_service(&app, "unizo", "acerta").await;
        let planned = as_admin(
            &app,
            "acerta",
            SET_STATUS,
            json!({ "serviceId": service, "status": "ACTIVE" }),
        )
        .await;
        assert_eq!(
            outcome(&planned, "setJointServiceStatus"),
            "OK",
            "{planned}"
        );
        let t = transfer(&app, "acerta", &service, "ucm").await;
        let (ended, accepted) = tokio::join!(
            as_admin(
                &app,
                "acerta",
                SET_STATUS,
                json!({ "serviceId": service, "status": "ENDED" })
            ),
            as_admin(&app, "ucm", ACCEPT_TRANSFER, json!({ "transferId": t }))
        );
        let ended = outcome(&ended, "setJointServiceStatus") == "OK";
        let accepted = outcome(&accepted, "acceptResponsibilityTransfer") == "OK";
        assert!(
            ended != accepted,
            "round {round}: exactly one wins (ended {ended}, accepted {accepted})"
        );
        let holder = responsible(&app, &service, None).await;
        let record = record(&app, &service).await.len();
        if accepted {
            assert_eq!(holder.as_deref(), Some("ucm"));
            assert_eq!(record, 2);
        } else {
            assert_eq!(holder.as_deref(), Some("acerta"));
            assert_eq!(record, 1);
        }
    }
}
