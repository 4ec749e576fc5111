//! Following and notifications: what a person follows, and what they are told. A notification is
//! written in the transaction of the change that causes it, to the people it concerns; a person
//! is never told of something they may not read.

use chrono::{DateTime, Utc};

named_enum!(
    /// What a person can follow.
    FollowTargetKind {
        Category = "CATEGORY",
        Organisation = "ORGANISATION",
        Tool = "TOOL",
        Collection = "COLLECTION",
    }
);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FollowTarget {
    pub kind: FollowTargetKind,
    /// The organisation, tool or collection; for a category its position in the law's list.
    pub id: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Follow {
    pub id: i64,
    pub user_id: i64,
    pub target: FollowTarget,
    pub created_at: DateTime<Utc>,
}

/// At most this many follows per person.
pub const MAX_FOLLOWS: u64 = 500;

named_enum!(
    /// Why a person is told.
    NotificationKind {
        /// A tool was published in something they follow.
        Publication = "PUBLICATION",
        /// A moderator decided on one of their organisation's tools.
        ToolDecision = "TOOL_DECISION",
        /// A proposal was addressed to their caisse.
        ProposalReceived = "PROPOSAL_RECEIVED",
        /// A proposal to their caisse awaits its answer within three days.
        ReplyDue = "REPLY_DUE",
        /// A caisse answered their organisation's proposal.
        ProposalAnswered = "PROPOSAL_ANSWERED",
        /// A message in a proposal their organisation is party to.
        ProposalMessage = "PROPOSAL_MESSAGE",
        /// A transfer of responsibility awaits their caisse.
        TransferAwaiting = "TRANSFER_AWAITING",
        /// Another organisation adopted one of their tools.
        ToolAdopted = "TOOL_ADOPTED",
        /// Another organisation reviewed one of their tools.
        ToolReviewed = "TOOL_REVIEWED",
        /// One of their organisation's published tools is soon due for review: confirm it is
        /// still valid, or edit it.
        ReviewDue = "REVIEW_DUE",
        /// A moderator resolved their report: dismissed, or acted on.
        ReportResolved = "REPORT_RESOLVED",
        /// A moderator decided their organisation's appeal: upheld, or overturned.
        AppealDecided = "APPEAL_DECIDED",
        /// Another organisation offered a translation of one of their tools.
        TranslationOffered = "TRANSLATION_OFFERED",
        /// The owner accepted or declined their organisation's translation.
        TranslationAnswered = "TRANSLATION_ANSWERED",
    }
);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    pub id: i64,
    pub user_id: i64,
    pub kind: NotificationKind,
    /// `tool`, `collaboration_proposal`, `responsibility_transfer`.
    pub subject_type: String,
    pub subject_id: i64,
    /// The tool it is about, if any: the reader must still be allowed to see it.
    pub tool_id: Option<i64>,
    pub details: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// What a change tells, before it is addressed to people.
#[derive(Clone, Debug)]
pub struct Notice {
    pub kind: NotificationKind,
    pub subject_type: &'static str,
    pub subject_id: i64,
    pub tool_id: Option<i64>,
    pub details: serde_json::Value,
}
