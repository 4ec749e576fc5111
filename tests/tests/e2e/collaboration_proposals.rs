//! Collaboration proposals: a partner (or a caisse) proposes to caisses, each target answers
//! once, the proposer may withdraw, the proposal expires past its reply-by date, and the parties
//! talk in a thread. Read by the parties and INASTI only.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::collaborations::{
    POST, PROPOSE, RESPOND, WITHDRAW, in_seconds, proposal_input, propose, respond,
};
use commons_tests::tools::{outcome, published_tool};
use commons_tests::{Caller, TestApp, error_code, global_id, spawn_app};
use serde_json::{Value, json};

async fn app() -> TestApp {
    spawn_app().await.with_organisations().await
}

async fn ids(app: &TestApp, slugs: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for s in slugs {
        out.push(app.organisation_id(s).await);
    }
    out
}

async fn proposals_seen_by(app: &TestApp, token: Option<&str>) -> Value {
    let q = "{ collaborationProposals { totalCount edges { node { id } } } }";
    match token {
        Some(t) => app.graphql_as(t, q, json!({})).await,
        None => app.graphql(q, json!({})).await,
    }
}

async fn count_proposals(app: &TestApp) -> u64 {
    let inasti = app.login_as("inasti", "MODERATOR");
    let body = proposals_seen_by(app, Some(&inasti)).await;
    body["data"]["collaborationProposals"]["totalCount"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn a_partner_proposes_to_caisses_who_each_see_it_pending() {
    let app = app().await;
    let targets = ids(&app, &["acerta", "ucm"]).await;
    let token = app.login_as("unizo", "STAFF");
    let body = app
        .graphql_as(
            &token,
            PROPOSE,
            json!({ "input": proposal_input(&targets) }),
        )
        .await;
    assert_eq!(outcome(&body, "proposeCollaboration"), "OK", "{body}");
    let p = &body["data"]["proposeCollaboration"]["proposal"];
    assert_eq!(p["status"], "OPEN");
    assert_eq!(p["proposerRole"], "TRAINER");
    let targets: Vec<(&str, &str)> = p["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["caisse"]["slug"].as_str().unwrap(),
                t["response"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(targets, [("acerta", "PENDING"), ("ucm", "PENDING")]);
}

#[tokio::test]
async fn the_first_acceptance_creates_the_joint_service_with_the_accepting_caisse_responsible() {
    let app = app().await;
    let proposal = propose(&app, "unizo", &["acerta", "ucm"]).await;
    let answered = respond(&app, "ucm", &proposal, true).await;
    let service = &answered["jointService"];
    assert_eq!(service["responsibleCaisse"]["slug"], "ucm");
    assert_eq!(service["status"], "PLANNED");
    assert_eq!(
        service["participants"],
        json!([{ "organisation": { "slug": "unizo" }, "role": "TRAINER" }])
    );
    assert_eq!(
        answered["proposal"]["status"], "OPEN",
        "acerta has not answered"
    );

    // A later acceptance joins the same service; the responsible caisse stays the first.
    let second = respond(&app, "acerta", &proposal, true).await;
    assert_eq!(second["jointService"]["id"], service["id"]);
    assert_eq!(second["jointService"]["responsibleCaisse"]["slug"], "ucm");
    assert_eq!(
        second["jointService"]["participants"],
        json!([
            { "organisation": { "slug": "unizo" }, "role": "TRAINER" },
            { "organisation": { "slug": "acerta" }, "role": "CO_ORGANISER" },
        ])
    );
    assert_eq!(second["proposal"]["status"], "ANSWERED");
}

#[tokio::test]
async fn declining_creates_nothing_and_the_last_answer_closes_the_proposal() {
    let app = app().await;
    let proposal = propose(&app, "unizo", &["acerta"]).await;
    let token = app.login_as("acerta", "STAFF");
    let body = app
        .graphql_as(
            &token,
            RESPOND,
            json!({ "input": { "proposalId": proposal, "accept": false, "message": "Pas cette année." } }),
        )
        .await;
    assert_eq!(outcome(&body, "respondToProposal"), "OK", "{body}");
    let payload = &body["data"]["respondToProposal"];
    assert!(payload["jointService"].is_null());
    assert_eq!(payload["proposal"]["status"], "ANSWERED");
    assert_eq!(payload["proposal"]["targets"][0]["response"], "DECLINED");
    assert_eq!(
        payload["proposal"]["targets"][0]["message"],
        "Pas cette année."
    );
}

#[tokio::test]
async fn answering_twice_is_refused_and_changes_nothing() {
    let app = app().await;
    let proposal = propose(&app, "unizo", &["acerta", "ucm"]).await;
    respond(&app, "acerta", &proposal, false).await;
    let token = app.login_as("acerta", "ORG_ADMIN");
    let again = app
        .graphql_as(
            &token,
            RESPOND,
            json!({ "input": { "proposalId": proposal, "accept": true } }),
        )
        .await;
    assert_eq!(outcome(&again, "respondToProposal"), "INVALID_STATE");
    let inasti = app.login_as("inasti", "MODERATOR");
    let body = app
        .graphql_as(
            &inasti,
            "query($id: ID!) { node(id: $id) { ... on CollaborationProposal { jointService { id } targets { caisse { slug } response } } } }",
            json!({ "id": proposal }),
        )
        .await;
    assert!(body["data"]["node"]["jointService"].is_null(), "{body}");
    assert_eq!(body["data"]["node"]["targets"][0]["response"], "DECLINED");
}

#[tokio::test]
async fn responding_after_withdrawal_is_refused() {
    let app = app().await;
    let proposal = propose(&app, "unizo", &["acerta"]).await;
    let unizo = app.login_as("unizo", "STAFF");
    let body = app
        .graphql_as(
            &unizo,
            WITHDRAW,
            json!({ "input": { "proposalId": proposal, "reason": "Le projet est reporté." } }),
        )
        .await;
    assert_eq!(outcome(&body, "withdrawProposal"), "OK", "{body}");
    assert_eq!(
        body["data"]["withdrawProposal"]["proposal"]["status"],
        "WITHDRAWN"
    );
    let acerta = app.login_as("acerta", "STAFF");
    let late = app
        .graphql_as(
            &acerta,
            RESPOND,
            json!({ "input": { "proposalId": proposal, "accept": true } }),
        )
        .await;
    assert_eq!(outcome(&late, "respondToProposal"), "INVALID_STATE");
    let again = app
        .graphql_as(
            &unizo,
            WITHDRAW,
            json!({ "input": { "proposalId": proposal } }),
        )
        .await;
    assert_eq!(outcome(&again, "withdrawProposal"), "INVALID_STATE");
}

#[tokio::test]
async fn a_proposal_expires_at_its_reply_by_date() {
    let app = app().await;
    let targets = ids(&app, &["acerta"]).await;
    let mut input = proposal_input(&targets);
    input["replyBy"] = json!(in_seconds(2));
    let unizo = app.login_as("unizo", "STAFF");
    let body = app
        .graphql_as(&unizo, PROPOSE, json!({ "input": input }))
        .await;
    let proposal = body["data"]["proposeCollaboration"]["proposal"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The reply-by date passes on the service's clock, not the test's.
    app.services
        .clock
        .set(Some(chrono::Utc::now() + chrono::Duration::seconds(3)));
    let acerta = app.login_as("acerta", "STAFF");
    let late = app
        .graphql_as(
            &acerta,
            RESPOND,
            json!({ "input": { "proposalId": proposal, "accept": true } }),
        )
        .await;
    assert_eq!(outcome(&late, "respondToProposal"), "INVALID_STATE");
    let expired = app
        .graphql_as(
            &acerta,
            "{ collaborationProposals(filter: { statuses: [EXPIRED] }) { totalCount edges { node { status } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        expired["data"]["collaborationProposals"]["totalCount"], 1,
        "{expired}"
    );
    let withdraw = app
        .graphql_as(
            &unizo,
            WITHDRAW,
            json!({ "input": { "proposalId": proposal } }),
        )
        .await;
    assert_eq!(outcome(&withdraw, "withdrawProposal"), "INVALID_STATE");
}

#[tokio::test]
async fn a_reply_by_date_in_the_past_is_refused_and_nothing_is_written() {
    let app = app().await;
    let targets = ids(&app, &["acerta"]).await;
    let mut input = proposal_input(&targets);
    input["replyBy"] = json!(in_seconds(-60));
    let unizo = app.login_as("unizo", "STAFF");
    let body = app
        .graphql_as(&unizo, PROPOSE, json!({ "input": input }))
        .await;
    assert_eq!(outcome(&body, "proposeCollaboration"), "OUT_OF_RANGE");
    assert_eq!(
        body["data"]["proposeCollaboration"]["userErrors"][0]["field"],
        json!(["replyBy"])
    );
    assert_eq!(count_proposals(&app).await, 0);
}

#[tokio::test]
async fn proposals_go_to_existing_caisses_other_than_the_proposer() {
    let app = app().await;
    let token = app.login_as("acerta", "STAFF");
    let targets = vec![
        app.organisation_id("ifapme").await,
        app.organisation_id("inasti").await,
        app.organisation_id("acerta").await,
        global_id("Organisation", 9_999),
        app.organisation_id("ucm").await,
    ];
    let body = app
        .graphql_as(
            &token,
            PROPOSE,
            json!({ "input": proposal_input(&targets) }),
        )
        .await;
    let errors: Vec<(String, String)> = body["data"]["proposeCollaboration"]["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_array().unwrap()[1]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("0", "NOT_ALLOWED"),
        ("1", "NOT_ALLOWED"),
        ("2", "NOT_ALLOWED"),
        ("3", "NOT_FOUND"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    assert_eq!(errors, expected, "{body}");
    assert_eq!(count_proposals(&app).await, 0);
}

#[tokio::test]
async fn every_mistake_of_a_proposal_is_reported_at_once() {
    let app = app().await;
    let token = app.login_as("unizo", "STAFF");
    let acerta = app.organisation_id("acerta").await;
    let input = json!({
        "titles": [], "descriptions": [{ "lang": "FR", "text": " " }], "categories": [],
        "contribution": "", "region": "x".repeat(201), "startsOn": "2027-06-01", "endsOn": "2027-01-01",
        "targetIds": [acerta, acerta], "replyBy": in_seconds(400 * 86_400),
    });
    let body = app
        .graphql_as(&token, PROPOSE, json!({ "input": input }))
        .await;
    let fields: Vec<String> = body["data"]["proposeCollaboration"]["userErrors"]
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
            format!("{}:{}", path.join("."), e["code"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        fields,
        [
            "titles:REQUIRED",
            "descriptions.0.text:REQUIRED",
            "categories:REQUIRED",
            "contribution:REQUIRED",
            "region:TOO_LONG",
            "endsOn:OUT_OF_RANGE",
            "targetIds.1:DUPLICATE",
            "replyBy:OUT_OF_RANGE",
        ],
        "{body}"
    );
    let bad_date = app
        .graphql_as(
            &token,
            PROPOSE,
            json!({ "input": { "titles": [], "descriptions": [], "categories": [], "contribution": "",
              "region": "", "startsOn": "1 June", "targetIds": [], "replyBy": in_seconds(60) } }),
        )
        .await;
    assert_eq!(error_code(&bad_date), Some("BAD_USER_INPUT"), "{bad_date}");
}

#[tokio::test]
async fn linked_tools_must_be_tools_the_proposer_may_see() {
    let app = app().await;
    let public = published_tool(&app, "ucm", "Auto-test public", "PUBLIC").await;
    let private = commons_tests::tools::draft_tool(&app, "ucm", "Brouillon", "PUBLIC").await;
    let targets = ids(&app, &["acerta"]).await;
    let mut input = proposal_input(&targets);
    input["toolIds"] = json!([public, private]);
    let token = app.login_as("unizo", "STAFF");
    let body = app
        .graphql_as(&token, PROPOSE, json!({ "input": input }))
        .await;
    assert_eq!(
        body["data"]["proposeCollaboration"]["userErrors"][0]["field"],
        json!(["toolIds", "1"]),
        "{body}"
    );
    input["toolIds"] = json!([public]);
    let body = app
        .graphql_as(&token, PROPOSE, json!({ "input": input }))
        .await;
    assert_eq!(outcome(&body, "proposeCollaboration"), "OK", "{body}");
    assert_eq!(
        body["data"]["proposeCollaboration"]["proposal"]["tools"][0]["id"],
        public
    );
}

#[tokio::test]
async fn proposals_are_read_by_the_proposer_the_targets_and_inasti_only() {
    let app = app().await;
    let proposal = propose(&app, "unizo", &["acerta", "ucm"]).await;
    let callers: [(&str, Caller, bool); 8] = [
        ("anonymous", None, false),
        ("proposer staff", Some(("unizo", "STAFF")), true),
        ("target staff", Some(("acerta", "STAFF")), true),
        ("target admin", Some(("ucm", "ORG_ADMIN")), true),
        ("other caisse", Some(("xerius", "ORG_ADMIN")), false),
        ("other partner", Some(("ifapme", "STAFF")), false),
        ("inasti moderator", Some(("inasti", "MODERATOR")), true),
        ("platform admin", Some(("inasti", "PLATFORM_ADMIN")), true),
    ];
    for (who, caller, sees) in callers {
        let token = caller.map(|(org, role)| app.login_as(org, role));
        let q = "query($id: ID!) { node(id: $id) { id } }";
        let node = match &token {
            Some(t) => app.graphql_as(t, q, json!({ "id": proposal })).await,
            None => app.graphql(q, json!({ "id": proposal })).await,
        };
        assert_eq!(
            node["data"]["node"]["id"] == proposal,
            sees,
            "{who}: {node}"
        );
        let list = proposals_seen_by(&app, token.as_deref()).await;
        if token.is_none() {
            assert_eq!(error_code(&list), Some("UNAUTHENTICATED"), "{who}");
        } else {
            let total = list["data"]["collaborationProposals"]["totalCount"].clone();
            assert_eq!(total, json!(u64::from(sees)), "{who}: {list}");
        }
    }
}

#[tokio::test]
async fn lists_filter_by_direction_and_status() {
    let app = app().await;
    let sent = propose(&app, "acerta", &["ucm"]).await;
    let received = propose(&app, "unizo", &["acerta"]).await;
    respond(&app, "acerta", &received, false).await;
    let token = app.login_as("acerta", "STAFF");
    let list = |filter: Value| {
        let app = &app;
        let token = token.clone();
        async move {
            let body = app
                .graphql_as(
                    &token,
                    "query($f: CollaborationProposalFilter) { collaborationProposals(filter: $f) { edges { node { id } } } }",
                    json!({ "f": filter }),
                )
                .await;
            body["data"]["collaborationProposals"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        list(json!({ "direction": "SENT" })).await,
        std::slice::from_ref(&sent)
    );
    assert_eq!(
        list(json!({ "direction": "RECEIVED" })).await,
        std::slice::from_ref(&received)
    );
    assert_eq!(list(json!({ "statuses": ["ANSWERED"] })).await, [received]);
    assert_eq!(list(json!({ "statuses": ["OPEN"] })).await, [sent]);
    assert!(list(json!({ "statuses": ["WITHDRAWN"] })).await.is_empty());
}

#[tokio::test]
async fn the_thread_belongs_to_the_proposer_and_the_targets() {
    let app = app().await;
    let proposal = propose(&app, "unizo", &["acerta"]).await;
    let post = |org: &'static str, role: &'static str, body: &'static str| {
        let app = &app;
        let proposal = proposal.clone();
        async move {
            let token = app.login_as(org, role);
            let r = app
                .graphql_as(
                    &token,
                    POST,
                    json!({ "input": { "proposalId": proposal, "body": body } }),
                )
                .await;
            outcome(&r, "postProposalMessage")
        }
    };
    assert_eq!(
        post("acerta", "STAFF", "Quel public visez-vous ?").await,
        "OK"
    );
    assert_eq!(post("unizo", "STAFF", "Les commerçants.").await, "OK");
    assert_eq!(post("ucm", "STAFF", "Et nous ?").await, "NOT_FOUND");
    assert_eq!(post("inasti", "MODERATOR", "Bonjour").await, "FORBIDDEN");
    assert_eq!(post("acerta", "STAFF", "   ").await, "REQUIRED");
    let inasti = app.login_as("inasti", "MODERATOR");
    let thread = app
        .graphql_as(
            &inasti,
            "query($id: ID!) { node(id: $id) { ... on CollaborationProposal { messages { totalCount edges { node { body organisation { slug } author { subject } } } } } } }",
            json!({ "id": proposal }),
        )
        .await;
    let messages = &thread["data"]["node"]["messages"];
    assert_eq!(messages["totalCount"], 2, "{thread}");
    assert_eq!(
        messages["edges"][0]["node"]["body"],
        "Quel public visez-vous ?"
    );
    assert_eq!(
        messages["edges"][1]["node"]["organisation"]["slug"],
        "unizo"
    );
}

/// The full matrix of who may do what to a proposal, each call on a fresh proposal from UNIZO
/// to Acerta and UCM.
#[tokio::test]
async fn every_caller_gets_the_expected_answer_for_each_proposal_action() {
    let app = app().await;
    let callers: [(&str, Caller); 9] = [
        ("anonymous", None),
        ("proposer staff", Some(("unizo", "STAFF"))),
        ("proposer admin", Some(("unizo", "ORG_ADMIN"))),
        ("target staff", Some(("acerta", "STAFF"))),
        ("target admin", Some(("ucm", "ORG_ADMIN"))),
        ("other caisse", Some(("xerius", "STAFF"))),
        ("other partner", Some(("ifapme", "STAFF"))),
        ("inasti moderator", Some(("inasti", "MODERATOR"))),
        ("platform admin", Some(("inasti", "PLATFORM_ADMIN"))),
    ];
    // (action, mutation, field, input builder, expected per caller in the order above)
    type Input = fn(&str) -> Value;
    let actions: [(&str, &str, &str, Input, [&str; 9]); 4] = [
        (
            "respond",
            RESPOND,
            "respondToProposal",
            |p| json!({ "proposalId": p, "accept": true }),
            [
                "UNAUTHENTICATED",
                "FORBIDDEN",
                "FORBIDDEN",
                "OK",
                "OK",
                "NOT_FOUND",
                "NOT_FOUND",
                "FORBIDDEN",
                "FORBIDDEN",
            ],
        ),
        (
            "withdraw",
            WITHDRAW,
            "withdrawProposal",
            |p| json!({ "proposalId": p }),
            [
                "UNAUTHENTICATED",
                "OK",
                "OK",
                "FORBIDDEN",
                "FORBIDDEN",
                "NOT_FOUND",
                "NOT_FOUND",
                "FORBIDDEN",
                "FORBIDDEN",
            ],
        ),
        (
            "post a message",
            POST,
            "postProposalMessage",
            |p| json!({ "proposalId": p, "body": "Bonjour" }),
            [
                "UNAUTHENTICATED",
                "OK",
                "OK",
                "OK",
                "OK",
                "NOT_FOUND",
                "NOT_FOUND",
                "FORBIDDEN",
                "FORBIDDEN",
            ],
        ),
        (
            "propose",
            PROPOSE,
            "proposeCollaboration",
            |_| Value::Null,
            [
                "UNAUTHENTICATED",
                "OK",
                "OK",
                "OK",
                "OK",
                "OK",
                "OK",
                "FORBIDDEN",
                "FORBIDDEN",
            ],
        ),
    ];
    let targets = ids(&app, &["acerta", "ucm"]).await;
    for (action, mutation, field, input, expected) in actions {
        for ((who, caller), want) in callers.iter().zip(expected) {
            let proposal = propose(&app, "unizo", &["acerta", "ucm"]).await;
            let mut body = input(&proposal);
            if body.is_null() {
                // Proposing to Acerta and UCM; a caisse among the targets proposes to the others.
                let mine = caller.map(|(o, _)| o);
                let others: Vec<String> = ["acerta", "ucm", "xerius"]
                    .iter()
                    .zip(
                        targets
                            .iter()
                            .cloned()
                            .chain([app.organisation_id("xerius").await]),
                    )
                    .filter(|(slug, _)| Some(**slug) != mine)
                    .map(|(_, id)| id)
                    .collect();
                body = proposal_input(&others);
            }
            let token = caller.map(|(org, role)| app.login_as(org, role));
            let variables = json!({ "input": body });
            let result = match &token {
                Some(t) => app.graphql_as(t, mutation, variables).await,
                None => app.graphql(mutation, variables).await,
            };
            assert_eq!(
                outcome(&result, field),
                want,
                "{who} may {action}? {result}"
            );
        }
    }
}
