//! The pages' GraphQL operations. Each lives in a `.graphql` file under `operations/`, is
//! checked against `schema.graphql` when this crate compiles (a field that does not exist, a
//! variable of the wrong type, a selection on a scalar: the build fails), and comes with
//! generated types for its variables and its answer, so a page reads the answer as Rust.
//! The schema-drift test keeps `schema.graphql` the schema the code serves.

use graphql_client::GraphQLQuery;
use serde::Serialize;

use super::forms::UserErrorData;

// GraphQL's scalars as the pages read them: the wire's text, formatted by the page.
type Date = String;
type DateTime = String;
type Money = String;
/// A file travels beside the operation (see `pages::execute`); its variable is null.
type Upload = serde_json::Value;
/// The domain's own language type, whose wire form is GraphQL's `Lang`.
pub(super) use commons_domain::lang::Lang;

/// An enum's GraphQL name (`PUBLISHED`), as translation keys and links use it.
pub(super) fn wire<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

/// A generated `pageInfo` as the pages' one type for it.
macro_rules! page_info {
    ($page_info:expr) => {{
        let p = $page_info;
        $crate::pages::PageInfoData {
            has_next_page: p.has_next_page,
            end_cursor: p.end_cursor,
        }
    }};
}
pub(super) use page_info;

/// An enum's value from its GraphQL name, as a form posts it.
pub(super) fn from_wire<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
}

/// A mutation whose payload carries `userErrors { field code message }`: those errors, the
/// same type whichever mutation answered.
pub(super) trait UserErrors {
    fn user_errors(self) -> Vec<UserErrorData>;
}

/// `UserErrors` for mutations, each named by its module and its payload's field.
macro_rules! user_errors {
    ($($module:ident . $field:ident;)*) => {$(
        impl UserErrors for $module::ResponseData {
            fn user_errors(self) -> Vec<UserErrorData> {
                self.$field
                    .user_errors
                    .into_iter()
                    .map(|e| UserErrorData {
                        field: e.field,
                        code: e.code,
                        message: e.message,
                    })
                    .collect()
            }
        }
    )*};
}

/// `From` each operation's copy of a fragment (graphql_client generates one per operation)
/// to the pages' one type for it, field by field.
macro_rules! from_fragment {
    ($target:ident $fields:tt <= $($source:ty),* $(,)?) => {
        $($crate::operations::from_fragment!(@one $target, $source, $fields);)*
    };
    (@one $target:ident, $source:ty, { $($field:ident),* }) => {
        impl From<$source> for $target {
            fn from(f: $source) -> Self {
                Self { $($field: f.$field),* }
            }
        }
    };
}
pub(super) use from_fragment;

/// One operation per line: its type, from the file that holds it.
macro_rules! operations {
    ($($name:ident in $file:tt;)*) => {$(
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../schema.graphql",
            query_path = $file,
            extern_enums("Lang"),
            skip_serializing_none,
            response_derives = "Debug",
            variables_derives = "Debug"
        )]
        pub(super) struct $name;
    )*};
}

operations! {
    Header in "src/operations/header.graphql";
    SearchTools in "src/operations/search.graphql";
    SignInOrganisations in "src/operations/sign_in.graphql";
    Notifications in "src/operations/notifications.graphql";
    MarkAllRead in "src/operations/notifications.graphql";
    NotificationAdded in "src/operations/notifications.graphql";
    ToolPage in "src/operations/tool_page.graphql";
    CompareRevisions in "src/operations/tool_page.graphql";
    ModerationQueue in "src/operations/moderation.graphql";
    SubmitActivityReport in "src/operations/activity_report.graphql";
    ReviewActivityReport in "src/operations/activity_report.graphql";
    Caisses in "src/operations/collaborations.graphql";
    CollaborationList in "src/operations/collaborations.graphql";
    Subject in "src/operations/collaborations.graphql";
    Proposal in "src/operations/collaborations.graphql";
    ProposeCollaboration in "src/operations/collaborations.graphql";
    PostProposalMessage in "src/operations/collaborations.graphql";
    RespondToProposal in "src/operations/collaborations.graphql";
    WithdrawProposal in "src/operations/collaborations.graphql";
    JointService in "src/operations/collaborations.graphql";
    ProposeResponsibilityTransfer in "src/operations/collaborations.graphql";
    AcceptResponsibilityTransfer in "src/operations/collaborations.graphql";
    CancelResponsibilityTransfer in "src/operations/collaborations.graphql";
    OrganisationProfile in "src/operations/organisation.graphql";
    OrganisationServices in "src/operations/organisation.graphql";
    ActivityReport in "src/operations/organisation.graphql";
    FundingAllocation in "src/operations/organisation.graphql";
    ToolLatest in "src/operations/editing.graphql";
    CreateTool in "src/operations/editing.graphql";
    UpdateTool in "src/operations/editing.graphql";
    SubmitTool in "src/operations/editing.graphql";
    DecideOnTool in "src/operations/editing.graphql";
    AddAttachment in "src/operations/editing.graphql";
    AdoptTool in "src/operations/peer_learning.graphql";
    WithdrawAdoption in "src/operations/peer_learning.graphql";
    ReviewTool in "src/operations/peer_learning.graphql";
}

user_errors! {
    submit_activity_report.submit_activity_report;
    review_activity_report.review_activity_report;
    propose_collaboration.propose_collaboration;
    post_proposal_message.post_proposal_message;
    respond_to_proposal.respond_to_proposal;
    withdraw_proposal.withdraw_proposal;
    propose_responsibility_transfer.propose_responsibility_transfer;
    accept_responsibility_transfer.accept_responsibility_transfer;
    cancel_responsibility_transfer.cancel_responsibility_transfer;
    submit_tool.submit_tool;
    decide_on_tool.decide_on_tool;
    add_attachment.add_attachment;
    adopt_tool.adopt_tool;
    withdraw_adoption.withdraw_adoption;
    review_tool.review_tool;
}
