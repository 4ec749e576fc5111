//! `viewerCan` says what the API would do: for each item at each stage of its workflow and for
//! each caller, a capability that is true is a mutation that goes through, and one that is
//! false is a mutation that is refused. The pages show an action only on these.

use commons_tests::collaborations::{
    ACCEPT_TRANSFER, POST, RESPOND, SET_STATUS, WITHDRAW, joint_service, propose, transfer,
};
use commons_tests::tools::{DECIDE, SUBMIT, UPDATE, content, draft_tool, outcome};
use commons_tests::{TestApp, spawn_app};
use serde_json::{Value, json};

async fn can(app: &TestApp, who: (&str, &str), id: &str, fragment: &str) -> Value {
    let token = app.login_as(who.0, who.1);
    let body = app
        .graphql_as(
            &token,
            &format!("query($id: ID!) {{ node(id: $id) {{ {fragment} }} }}"),
            json!({ "id": id }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["node"]["viewerCan"].clone()
}

async fn tool_can(app: &TestApp, who: (&str, &str), id: &str) -> Value {
    can(
        app,
        who,
        id,
        "... on Tool { viewerCan { edit revise submit attach decide } }",
    )
    .await
}

async fn run(app: &TestApp, who: (&str, &str), mutation: &str, field: &str, input: Value) -> bool {
    let token = app.login_as(who.0, who.1);
    let body = app
        .graphql_as(&token, mutation, json!({ "input": input }))
        .await;
    outcome(&body, field) == "OK"
}

const STAFF: (&str, &str) = ("acerta", "STAFF");
const MODERATOR: (&str, &str) = ("inasti", "MODERATOR");

#[tokio::test]
async fn a_tools_capabilities_follow_its_workflow_and_agree_with_its_mutations() {
    let app = spawn_app().await.with_organisations().await;
    let id = draft_tool(&app, "acerta", "Atelier sur le stress", "PUBLIC").await;

    // A draft: its staff revise, submit and attach; nobody decides.
    let staff = tool_can(&app, STAFF, &id).await;
    assert_eq!(
        staff,
        json!({ "edit": true, "revise": true, "submit": true, "attach": true, "decide": false })
    );
    assert_eq!(tool_can(&app, MODERATOR, &id).await["decide"], false);
    let decide =
        |revision: i64| json!({ "toolId": id, "revision": revision, "decision": "APPROVE" });
    assert!(!run(&app, MODERATOR, DECIDE, "decideOnTool", decide(1)).await);
    assert!(
        run(
            &app,
            STAFF,
            SUBMIT,
            "submitTool",
            json!({ "toolId": id, "revision": 1 })
        )
        .await
    );

    // In review: the owner waits, a moderator decides.
    let staff = tool_can(&app, STAFF, &id).await;
    assert_eq!(
        staff,
        json!({ "edit": true, "revise": false, "submit": false, "attach": false, "decide": false })
    );
    let update =
        json!({ "toolId": id, "baseRevision": 1, "content": content("Atelier révisé", "PUBLIC") });
    assert!(!run(&app, STAFF, UPDATE, "updateTool", update.clone()).await);
    assert!(
        !run(
            &app,
            STAFF,
            SUBMIT,
            "submitTool",
            json!({ "toolId": id, "revision": 1 })
        )
        .await
    );
    assert_eq!(tool_can(&app, MODERATOR, &id).await["decide"], true);
    assert!(run(&app, MODERATOR, DECIDE, "decideOnTool", decide(1)).await);

    // Published: a new revision may be saved, nothing is left to submit or decide.
    let staff = tool_can(&app, STAFF, &id).await;
    assert_eq!(
        staff,
        json!({ "edit": true, "revise": true, "submit": false, "attach": false, "decide": false })
    );
    assert_eq!(tool_can(&app, MODERATOR, &id).await["decide"], false);
    assert!(
        !run(
            &app,
            STAFF,
            SUBMIT,
            "submitTool",
            json!({ "toolId": id, "revision": 1 })
        )
        .await
    );
    assert!(run(&app, STAFF, UPDATE, "updateTool", update).await);

    // Another caisse reads the published revision and may do none of the owner's work.
    let other = tool_can(&app, ("ucm", "STAFF"), &id).await;
    assert_eq!(
        other,
        json!({ "edit": false, "revise": false, "submit": false, "attach": false, "decide": false })
    );
}

#[tokio::test]
async fn a_proposals_capabilities_agree_with_what_its_parties_may_do() {
    let app = spawn_app().await.with_organisations().await;
    let proposal = propose(&app, "unizo", &["acerta", "ucm"]).await;
    let fragment = "... on CollaborationProposal { viewerCan { respond withdraw postMessage } }";
    let proposer = ("unizo", "STAFF");
    let target = ("acerta", "STAFF");
    let outsider = ("xerius", "STAFF");

    assert_eq!(
        can(&app, proposer, &proposal, fragment).await,
        json!({ "respond": false, "withdraw": true, "postMessage": true })
    );
    assert_eq!(
        can(&app, target, &proposal, fragment).await,
        json!({ "respond": true, "withdraw": false, "postMessage": true })
    );
    let answer = json!({ "proposalId": proposal, "accept": false, "message": "pas cette année" });
    assert!(!run(&app, proposer, RESPOND, "respondToProposal", answer.clone()).await);
    assert!(run(&app, target, RESPOND, "respondToProposal", answer.clone()).await);

    // Answered once: Acerta may not answer again; the proposer may still withdraw while UCM
    // has not answered.
    let after = can(&app, target, &proposal, fragment).await;
    assert_eq!(after["respond"], false);
    assert_eq!(
        can(&app, proposer, &proposal, fragment).await["withdraw"],
        true
    );
    assert!(!run(&app, target, RESPOND, "respondToProposal", answer).await);

    // An outsider does not read it at all: no capabilities to ask.
    let token = app.login_as(outsider.0, outsider.1);
    let hidden = app
        .graphql_as(
            &token,
            &format!("query($id: ID!) {{ node(id: $id) {{ {fragment} }} }}"),
            json!({ "id": proposal }),
        )
        .await;
    assert_eq!(hidden["data"]["node"], Value::Null, "{hidden}");

    // Withdrawn: nothing is left to do, and the thread is closed.
    let reason = json!({ "proposalId": proposal, "reason": "reprise l'an prochain" });
    assert!(run(&app, proposer, WITHDRAW, "withdrawProposal", reason).await);
    for who in [proposer, target] {
        assert_eq!(
            can(&app, who, &proposal, fragment).await,
            json!({ "respond": false, "withdraw": false, "postMessage": false })
        );
    }
    let message = json!({ "proposalId": proposal, "body": "encore là ?" });
    assert!(!run(&app, proposer, POST, "postProposalMessage", message).await);
}

#[tokio::test]
async fn a_transfers_acceptance_is_offered_only_while_the_service_runs() {
    let app = spawn_app().await.with_organisations().await;
    let service = joint_service(&app, "unizo", "acerta").await;
    let service_fragment = "... on JointService { viewerCan { manage proposeTransfer } }";
    assert_eq!(
        can(&app, ("acerta", "ORG_ADMIN"), &service, service_fragment).await,
        json!({ "manage": true, "proposeTransfer": true })
    );
    // Staff manage the service; only admins hand it over.
    assert_eq!(
        can(&app, ("acerta", "STAFF"), &service, service_fragment).await,
        json!({ "manage": true, "proposeTransfer": false })
    );
    let t = transfer(&app, "acerta", &service, "ucm").await;
    // One transfer waits at a time.
    assert_eq!(
        can(&app, ("acerta", "ORG_ADMIN"), &service, service_fragment).await["proposeTransfer"],
        false
    );
    let transfer_fragment = "... on ResponsibilityTransfer { viewerCan { accept cancel } }";
    assert_eq!(
        can(&app, ("ucm", "ORG_ADMIN"), &t, transfer_fragment).await,
        json!({ "accept": true, "cancel": true })
    );
    assert_eq!(
        can(&app, ("acerta", "ORG_ADMIN"), &t, transfer_fragment).await,
        json!({ "accept": false, "cancel": true })
    );

    // The service ends with the transfer still pending: responsibility passes to nobody.
    let end = json!({ "serviceId": service, "status": "ENDED" });
    assert!(
        run(
            &app,
            ("acerta", "STAFF"),
            SET_STATUS,
            "setJointServiceStatus",
            end
        )
        .await
    );
    assert_eq!(
        can(&app, ("ucm", "ORG_ADMIN"), &t, transfer_fragment).await,
        json!({ "accept": false, "cancel": true })
    );
    assert!(
        !run(
            &app,
            ("ucm", "ORG_ADMIN"),
            ACCEPT_TRANSFER,
            "acceptResponsibilityTransfer",
            json!({ "transferId": t })
        )
        .await
    );
    assert_eq!(
        can(&app, ("acerta", "ORG_ADMIN"), &service, service_fragment).await,
        json!({ "manage": false, "proposeTransfer": false })
    );
}
