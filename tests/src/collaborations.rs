//! Helpers for tests of collaborations: proposals, joint services and transfers brought about
//! through the API.

use serde_json::{Value, json};

use crate::TestApp;
use crate::tools::ok;

pub const PROPOSE: &str =
    "mutation($input: ProposeCollaborationInput!) { proposeCollaboration(input: $input) {
  proposal { id status proposerRole replyBy targets { caisse { slug } response } tools { id } }
  userErrors { field code message } } }";
pub const RESPOND: &str =
    "mutation($input: RespondToProposalInput!) { respondToProposal(input: $input) {
  proposal { id status targets { caisse { slug } response message } }
  jointService { id status responsibleCaisse { slug } participants { organisation { slug } role } }
  userErrors { field code message } } }";
pub const WITHDRAW: &str =
    "mutation($input: WithdrawProposalInput!) { withdrawProposal(input: $input) {
  proposal { id status withdrawalReason } userErrors { field code message } } }";
pub const POST: &str =
    "mutation($input: PostProposalMessageInput!) { postProposalMessage(input: $input) {
  message { body organisation { slug } } userErrors { field code message } } }";
pub const ADD_PARTICIPANT: &str = "mutation($input: AddJointServiceParticipantInput!) { addJointServiceParticipant(input: $input) {
  jointService { id participants { organisation { slug } role } } userErrors { field code message } } }";
pub const REMOVE_PARTICIPANT: &str = "mutation($input: RemoveJointServiceParticipantInput!) { removeJointServiceParticipant(input: $input) {
  jointService { id participants { organisation { slug } role } } userErrors { field code message } } }";
pub const SET_STATUS: &str =
    "mutation($input: SetJointServiceStatusInput!) { setJointServiceStatus(input: $input) {
  jointService { id status } userErrors { field code message } } }";
pub const PROPOSE_TRANSFER: &str = "mutation($input: ProposeResponsibilityTransferInput!) { proposeResponsibilityTransfer(input: $input) {
  transfer { id status from { slug } to { slug } } userErrors { field code message } } }";
pub const ACCEPT_TRANSFER: &str = "mutation($input: AcceptResponsibilityTransferInput!) { acceptResponsibilityTransfer(input: $input) {
  transfer { id status jointService { responsibleCaisse { slug } } } userErrors { field code message } } }";
pub const CANCEL_TRANSFER: &str = "mutation($input: CancelResponsibilityTransferInput!) { cancelResponsibilityTransfer(input: $input) {
  transfer { id status cancellationReason } userErrors { field code message } } }";

/// A reply-by moment `seconds` from now, RFC 3339.
pub fn in_seconds(seconds: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::seconds(seconds)).to_rfc3339()
}

/// A valid proposal input to these caisses (global IDs).
pub fn proposal_input(targets: &[String]) -> Value {
    json!({
        "titles": [{ "lang": "FR", "text": "Ateliers de prévention du burn-out" }],
        "descriptions": [{ "lang": "FR", "text": "Six ateliers en petits groupes, animés par des psychologues." }],
        "categories": ["SECONDARY_PREVENTION"],
        "contribution": "Animateurs et supports",
        "proposerRole": "TRAINER",
        "region": "Wallonie",
        "startsOn": "2027-01-10",
        "endsOn": "2027-06-30",
        "targetIds": targets,
        "replyBy": in_seconds(30 * 86_400),
    })
}

/// A proposal from a person of `from` to the caisses named by slug; returns its global ID.
pub async fn propose(app: &TestApp, from: &str, to: &[&str]) -> String {
    let mut targets = Vec::new();
    for slug in to {
        targets.push(app.organisation_id(slug).await);
    }
    let token = app.login_as(from, "STAFF");
    let payload = ok(
        app,
        &token,
        PROPOSE,
        "proposeCollaboration",
        proposal_input(&targets),
    )
    .await;
    payload["proposal"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// A target caisse answers; returns the payload.
pub async fn respond(app: &TestApp, caisse: &str, proposal: &str, accept: bool) -> Value {
    let token = app.login_as(caisse, "STAFF");
    ok(
        app,
        &token,
        RESPOND,
        "respondToProposal",
        json!({ "proposalId": proposal, "accept": accept }),
    )
    .await
}

/// A joint service proposed by `partner` and accepted by `caisse`, now responsible for it.
pub async fn joint_service(app: &TestApp, partner: &str, caisse: &str) -> String {
    let proposal = propose(app, partner, &[caisse]).await;
    let answered = respond(app, caisse, &proposal, true).await;
    answered["jointService"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// A pending transfer of `service` from its responsible caisse to `to`; returns its ID.
pub async fn transfer(app: &TestApp, from: &str, service: &str, to: &str) -> String {
    let token = app.login_as(from, "ORG_ADMIN");
    let to = app.organisation_id(to).await;
    let payload = ok(
        app,
        &token,
        PROPOSE_TRANSFER,
        "proposeResponsibilityTransfer",
        json!({ "serviceId": service, "toCaisseId": to, "reason": "reorganisation of the region" }),
    )
    .await;
    payload["transfer"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The slug of the caisse responsible for `service` at `at` (now when `None`), as INASTI reads it.
pub async fn responsible(app: &TestApp, service: &str, at: Option<&str>) -> Option<String> {
    let token = app.login_as("inasti", "MODERATOR");
    let body = app
        .graphql_as(
            &token,
            "query($id: ID!, $at: DateTime) { node(id: $id) { ... on JointService { responsibleCaisse(at: $at) { slug } } } }",
            json!({ "id": service, "at": at }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["node"]["responsibleCaisse"]["slug"]
        .as_str()
        .map(str::to_owned)
}

/// The record of `service` as INASTI reads it: entries with sequence, caisse, times, hashes.
pub async fn record(app: &TestApp, service: &str) -> Vec<Value> {
    let token = app.login_as("inasti", "MODERATOR");
    let body = app
        .graphql_as(
            &token,
            "query($id: ID!) { node(id: $id) { ... on JointService { responsibilityRecord(first: 100) {
               totalCount edges { node { sequence caisse { slug kind } effectiveFrom recordedAt reason previousHash hash } } } } } }",
            json!({ "id": service }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["node"]["responsibilityRecord"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|e| e["node"].clone())
        .collect()
}

pub const VERIFY: &str = "query($id: ID!) { verifyResponsibilityRecord(serviceId: $id) {
  intact entryCount problem firstInvalidEntry { sequence caisse { slug } } } }";

/// Lets a test alter the record as a forger with database access would: the append-only
/// trigger is dropped (SQLite) or disabled (PostgreSQL).
pub async fn disable_append_only(app: &TestApp) {
    use sea_orm::{ConnectionTrait, DbBackend};
    let statement = match app.services.db.get_database_backend() {
        DbBackend::Postgres => {
            "ALTER TABLE responsibility_entries DISABLE TRIGGER responsibility_entries_append_only"
        }
        _ => "DROP TRIGGER responsibility_entries_no_update",
    };
    app.services
        .db
        .execute_unprepared(statement)
        .await
        .expect("the trigger is set aside");
}
