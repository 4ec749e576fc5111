//! GraphQL enums and small shared types, mirroring the domain's own.

use async_graphql::{
    Enum, InputObject, InputValueError, InputValueResult, Scalar, ScalarType, SimpleObject, Value,
};

use commons_domain::{
    appeal, collaboration, content_report, evaluation, identity, lang, mail, notification,
    organisation, tool,
};

/// Declares a GraphQL enum that mirrors a domain enum variant for variant, with conversions
/// both ways; async-graphql names the values in SCREAMING_SNAKE_CASE, as the domain stores them.
macro_rules! mirror_enum {
    ($(#[$meta:meta])* $name:ident => $domain:ty { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
        pub enum $name { $($variant),+ }

        impl From<$name> for $domain {
            fn from(x: $name) -> Self {
                type D = $domain;
                match x { $($name::$variant => D::$variant),+ }
            }
        }

        impl From<$domain> for $name {
            fn from(x: $domain) -> Self {
                type D = $domain;
                match x { $(D::$variant => $name::$variant),+ }
            }
        }
    };
}

mirror_enum!(Lang => lang::Lang { Fr, Nl, De, En });
mirror_enum!(OrganisationKind => organisation::OrganisationKind { Caisse, Partner, Inasti, Committee });
mirror_enum!(Role => identity::Role { Staff, OrgAdmin, Moderator, PlatformAdmin, Auditor, CggMember });
mirror_enum!(
    /// The five quality criteria of the law: demand-driven; individual or peer interaction at
    /// local, regional or national level; the professional and private context; cooperation
    /// with other actors; quality (accessibility, a low financial barrier, a scientific basis,
    /// efficient use of means, client satisfaction).
    QualityCriterion => evaluation::QualityCriterion {
        DemandDriven, Interaction, Context, Cooperation, Quality,
    }
);
mirror_enum!(
    /// What an indicator's value counts: `COUNT` a whole number from 0 to the configured
    /// maximum, `PERCENTAGE` a whole percentage, `SCORE` 1 to 5, `YES_NO` 1 or 0.
    IndicatorUnit => evaluation::IndicatorUnit { Count, Percentage, Score, YesNo }
);
mirror_enum!(
    /// `PROPOSED` by one INASTI moderator, `APPROVED` by another.
    EvaluationStatus => evaluation::EvaluationStatus { Proposed, Approved }
);

mirror_enum!(ToolKind => tool::ToolKind {
    SelfScan, WorkshopFormat, TrainingModule, ELearning, CoachingProgramme, PeerGroup, Guide,
    SurveyBarometer, Conference, Other,
});
mirror_enum!(
    /// The service categories of the law: awareness and promotion and orientation are mandatory
    /// for every caisse, the others optional.
    ServiceCategory => tool::ServiceCategory {
        AwarenessPromotion, OrientationSupport, EarlyDetection, SecondaryPrevention, FrontlineTraining,
    }
);
mirror_enum!(Audience => tool::Audience { AllSelfEmployed, CaisseStaff, PrimoStarters, HelpingSpouses, SecondaryActivity, Sectors });
mirror_enum!(DeliveryMode => tool::DeliveryMode { Individual, Group, PeerNetwork });
mirror_enum!(DeliveryFormat => tool::DeliveryFormat { Online, InPerson, Hybrid });
mirror_enum!(Scope => tool::Scope { Local, Regional, National });
mirror_enum!(
    /// Who may read a tool once published: anyone, the signed-in network, or the owner only.
    Visibility => tool::Visibility { Public, Network, Organisation }
);
mirror_enum!(RevisionStatus => tool::RevisionStatus { Draft, InReview, ChangesRequested, Rejected, Published, Superseded });
mirror_enum!(ToolStatus => tool::ToolStatus { Draft, InReview, ChangesRequested, Rejected, Published, Archived, Withdrawn });
mirror_enum!(
    /// What a moderator did, as the moderation log records it.
    ModerationAction => tool::Decision { Approve, RequestChanges, Reject, Withdraw, HideReview, MarkOutdated, AppealUpheld, AppealOverturned, DismissReports }
);
mirror_enum!(
    /// How a moderator decides an appeal: the decision stands (`UPHELD`), or it is undone and
    /// what it took away restored (`OVERTURNED`).
    AppealOutcome => appeal::AppealOutcome { Upheld, Overturned }
);
mirror_enum!(
    /// Why something is reported.
    ReportReason => content_report::ReportReason { Inaccurate, Outdated, Harmful, PersonalData, Copyright, Other }
);
mirror_enum!(
    /// How a moderator resolves a report: `DISMISS` changes nothing; the others act on the item
    /// (`WITHDRAW_TOOL` and `MARK_OUTDATED` on a tool, `HIDE_REVIEW` on a review,
    /// `HIDE_MESSAGE` on a proposal message). Either closes every open report of the item.
    ReportOutcome => content_report::ReportOutcome { Dismiss, WithdrawTool, MarkOutdated, HideReview, HideMessage }
);
mirror_enum!(
    /// What is reported.
    ReportedKind => content_report::ReportedKind { Tool, Review, ProposalMessage }
);

mirror_enum!(
    /// What an organisation does in a joint service besides the responsible caisse.
    ParticipantRole => collaboration::ParticipantRole { CoOrganiser, ContentProvider, Trainer, Venue, Other }
);
mirror_enum!(ProposalStatus => collaboration::ProposalStatus { Open, Answered, Withdrawn, Expired });
mirror_enum!(
    /// A target caisse's answer to a proposal.
    ProposalResponse => collaboration::ResponseStatus { Pending, Accepted, Declined }
);
mirror_enum!(JointServiceStatus => collaboration::ServiceStatus { Planned, Active, Ended });
mirror_enum!(TransferStatus => collaboration::TransferStatus { Pending, Accepted, Cancelled });

/// A calendar day, ISO 8601 (`2026-09-01`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date(pub chrono::NaiveDate);

#[Scalar]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| InputValueError::custom("a date is written YYYY-MM-DD")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// A moderator's decision on a revision in review.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ReviewDecision {
    Approve,
    RequestChanges,
    Reject,
}

impl From<ReviewDecision> for tool::Decision {
    fn from(d: ReviewDecision) -> Self {
        match d {
            ReviewDecision::Approve => tool::Decision::Approve,
            ReviewDecision::RequestChanges => tool::Decision::RequestChanges,
            ReviewDecision::Reject => tool::Decision::Reject,
        }
    }
}

/// Converts a list of GraphQL enum values to domain values.
pub fn to_domain<A: Copy + Into<B>, B>(items: &[A]) -> Vec<B> {
    items.iter().map(|&i| i.into()).collect()
}

/// Converts domain values to GraphQL enum values.
pub fn from_domain<'a, A: Copy + Into<B> + 'a, B>(
    items: impl IntoIterator<Item = &'a A>,
) -> Vec<B> {
    items.into_iter().map(|&i| i.into()).collect()
}

/// A localised text in `lang`, or in the first language it has; empty when it has none.
pub fn text_in(t: &lang::LocalisedText, lang: Option<Lang>) -> String {
    t.get(lang.map(Into::into))
        .map(|(_, s)| s.to_owned())
        .unwrap_or_default()
}

/// One translation of a text.
#[derive(SimpleObject, Clone, Debug)]
pub struct LocalisedString {
    pub lang: Lang,
    pub text: String,
}

impl LocalisedString {
    pub fn all(text: &lang::LocalisedText) -> Vec<LocalisedString> {
        text.iter()
            .map(|(l, t)| LocalisedString {
                lang: l.into(),
                text: t.to_owned(),
            })
            .collect()
    }
}

#[derive(InputObject, Clone, Debug)]
pub struct LocalisedStringInput {
    pub lang: Lang,
    pub text: String,
}

pub fn localised_input(items: Vec<LocalisedStringInput>) -> Vec<(lang::Lang, String)> {
    items.into_iter().map(|i| (i.lang.into(), i.text)).collect()
}

mirror_enum!(
    /// What a notification is about.
    NotificationKind => notification::NotificationKind {
        Publication, ToolDecision, ProposalReceived, ReplyDue, ProposalAnswered, ProposalMessage,
        TransferAwaiting, ToolAdopted, ToolReviewed, ReviewDue, ReportResolved, AppealDecided,
        TranslationOffered, TranslationAnswered,
    }
);
mirror_enum!(
    /// How a kind of notification reaches a person by e-mail: a message each soon after it
    /// happens (`IMMEDIATE`), gathered in one message a week (`WEEKLY`, the default), or not by
    /// e-mail (`NONE`; still on the site).
    MailDelivery => mail::Delivery { Immediate, Weekly, None }
);
mirror_enum!(
    /// Where an address comes from: the identity provider's verified `email` claim (`CLAIM`),
    /// or entered and confirmed by a link sent to it (`ENTERED`).
    MailAddressSource => mail::AddressSource { Claim, Entered }
);
