//! The pages' GraphQL operations. Each lives in a `.graphql` file of its own under
//! `operations/` (with the fragments it uses: graphql_client sends a file whole, and the
//! schema's complexity — which the caller's budget is charged — counts every operation of a
//! document, run or not), is checked against `schema.graphql` when this crate compiles (a field that does not exist, a
//! variable of the wrong type, a selection on a scalar: the build fails), and comes with
//! generated types for its variables and its answer, so a page reads the answer as Rust.
//! The schema-drift test keeps `schema.graphql` the schema the code serves.

use graphql_client::GraphQLQuery;
use serde::Serialize;

use super::forms::UserErrorData;

/// The schema the operations are checked against: named here so that a change to it rebuilds
/// this crate (graphql_client's derive tracks the operation files, not the schema).
const _SCHEMA: &str = include_str!("../../schema.graphql");

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

/// An enum's value from its GraphQL name, as a form posts it. It does not validate: a name the
/// schema does not know becomes the generated enum's `Other`, which the API refuses; a form that
/// should say so next to its field checks the name against the known values first.
pub(super) fn from_wire<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
}

/// A mutation whose payload carries `userErrors { field code message }`: those errors, the
/// same type whichever mutation answered.
pub(super) trait UserErrors {
    fn user_errors(self) -> Vec<UserErrorData>;
}

/// A payload's `userErrors` as the pages' one type, whichever operation's copy they came in.
macro_rules! user_errors_of {
    ($payload:expr) => {
        $payload
            .user_errors
            .into_iter()
            .map(|e| $crate::forms::UserErrorData {
                field: e.field,
                code: e.code,
                message: e.message,
            })
            .collect::<Vec<_>>()
    };
}
pub(super) use user_errors_of;

/// `UserErrors` for mutations, each named by its module and its payload's field.
macro_rules! user_errors {
    ($($module:ident . $field:ident;)*) => {$(
        impl UserErrors for $module::ResponseData {
            fn user_errors(self) -> Vec<UserErrorData> {
                user_errors_of!(self.$field)
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
    SearchTools in "src/operations/search_tools.graphql";
    SignInOrganisations in "src/operations/sign_in_organisations.graphql";
    Notifications in "src/operations/notifications.graphql";
    MarkAllRead in "src/operations/mark_all_read.graphql";
    ConfirmMailAddress in "src/operations/confirm_mail_address.graphql";
    UnsubscribeMail in "src/operations/unsubscribe_mail.graphql";
    SetMailAddress in "src/operations/set_mail_address.graphql";
    SetMailPreferences in "src/operations/set_mail_preferences.graphql";
    NotificationAdded in "src/operations/notification_added.graphql";
    ToolPage in "src/operations/tool_page.graphql";
    CompareRevisions in "src/operations/compare_revisions.graphql";
    ModerationQueue in "src/operations/moderation_queue.graphql";
    SubmitActivityReport in "src/operations/submit_activity_report.graphql";
    ReviewActivityReport in "src/operations/review_activity_report.graphql";
    Caisses in "src/operations/caisses.graphql";
    CollaborationList in "src/operations/collaboration_list.graphql";
    Subject in "src/operations/subject.graphql";
    Proposal in "src/operations/proposal.graphql";
    ProposeCollaboration in "src/operations/propose_collaboration.graphql";
    PostProposalMessage in "src/operations/post_proposal_message.graphql";
    RespondToProposal in "src/operations/respond_to_proposal.graphql";
    WithdrawProposal in "src/operations/withdraw_proposal.graphql";
    JointService in "src/operations/joint_service.graphql";
    ProposeResponsibilityTransfer in "src/operations/propose_responsibility_transfer.graphql";
    AcceptResponsibilityTransfer in "src/operations/accept_responsibility_transfer.graphql";
    CancelResponsibilityTransfer in "src/operations/cancel_responsibility_transfer.graphql";
    OrganisationProfile in "src/operations/organisation_profile.graphql";
    OrganisationServices in "src/operations/organisation_services.graphql";
    ActivityReport in "src/operations/activity_report.graphql";
    FundingAllocation in "src/operations/funding_allocation.graphql";
    ToolLatest in "src/operations/tool_latest.graphql";
    CreateTool in "src/operations/create_tool.graphql";
    UpdateTool in "src/operations/update_tool.graphql";
    SubmitTool in "src/operations/submit_tool.graphql";
    ConfirmToolCurrent in "src/operations/confirm_tool_current.graphql";
    DecideOnTool in "src/operations/decide_on_tool.graphql";
    AddAttachment in "src/operations/add_attachment.graphql";
    AdoptTool in "src/operations/adopt_tool.graphql";
    WithdrawAdoption in "src/operations/withdraw_adoption.graphql";
    ReviewTool in "src/operations/review_tool.graphql";
    ReportContent in "src/operations/report_content.graphql";
    ResolveContentReport in "src/operations/resolve_content_report.graphql";
    AppealDecision in "src/operations/appeal_decision.graphql";
    DecideAppeal in "src/operations/decide_appeal.graphql";
    SetTranslationsWanted in "src/operations/set_translations_wanted.graphql";
    OfferTranslation in "src/operations/offer_translation.graphql";
    AnswerTranslationOffer in "src/operations/answer_translation_offer.graphql";
    TranslationsWanted in "src/operations/translations_wanted.graphql";
    SetIndicatorValues in "src/operations/set_indicator_values.graphql";
    RecordEvaluation in "src/operations/record_evaluation.graphql";
    ApproveEvaluation in "src/operations/approve_evaluation.graphql";
    PublishYearEvaluation in "src/operations/publish_year_evaluation.graphql";
    RecordCggAdvice in "src/operations/record_cgg_advice.graphql";
    YearEvaluation in "src/operations/year_evaluation.graphql";
    EvaluationProgress in "src/operations/evaluation_progress.graphql";
    EvaluationTrend in "src/operations/evaluation_trend.graphql";
}

user_errors! {
    set_mail_address.set_mail_address;
    set_mail_preferences.set_mail_preferences;
    submit_activity_report.submit_activity_report;
    review_activity_report.review_activity_report;
    post_proposal_message.post_proposal_message;
    respond_to_proposal.respond_to_proposal;
    withdraw_proposal.withdraw_proposal;
    propose_responsibility_transfer.propose_responsibility_transfer;
    accept_responsibility_transfer.accept_responsibility_transfer;
    cancel_responsibility_transfer.cancel_responsibility_transfer;
    submit_tool.submit_tool;
    confirm_tool_current.confirm_tool_current;
    decide_on_tool.decide_on_tool;
    add_attachment.add_attachment;
    adopt_tool.adopt_tool;
    withdraw_adoption.withdraw_adoption;
    review_tool.review_tool;
    report_content.report_content;
    resolve_content_report.resolve_content_report;
    appeal_decision.appeal_decision;
    decide_appeal.decide_appeal;
    set_translations_wanted.set_translations_wanted;
    offer_translation.offer_translation;
    answer_translation_offer.answer_translation_offer;
    set_indicator_values.set_indicator_values;
    record_evaluation.record_evaluation;
    approve_evaluation.approve_evaluation;
    publish_year_evaluation.publish_year_evaluation;
    record_cgg_advice.record_cgg_advice;
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]

    #[test]
    fn each_file_holds_one_operation() {
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/src/operations");
        let mut files = 0;
        for entry in std::fs::read_dir(folder).expect("the operations folder") {
            let path = entry.expect("an entry").path();
            let text = std::fs::read_to_string(&path).expect("a readable file");
            let operations = text
                .lines()
                .filter(|l| {
                    ["query ", "mutation ", "subscription "]
                        .iter()
                        .any(|k| l.starts_with(k))
                })
                .count();
            assert_eq!(operations, 1, "{}", path.display());
            files += 1;
        }
        assert!(files >= 30, "{files} operation files");
    }
}
