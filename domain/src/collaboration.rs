//! Collaborations: proposals from partners (or caisses) to caisses, and the joint services that
//! come of them. The rules here are pure: the service layer loads, asks, and writes what they say.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};

use super::lang::{Lang, LocalisedText};
use super::organisation::OrganisationKind;
use super::tool::ServiceCategory;
use super::validation::{self, FieldError, FieldErrorCode, Validator};

pub const TITLE_MAX_CHARS: usize = 200;
pub const DESCRIPTION_MAX_CHARS: usize = 5_000;
pub const SHORT_TEXT_MAX_CHARS: usize = 2_000;
pub const REGION_MAX_CHARS: usize = 200;
pub const MAX_TARGETS: usize = 20;
pub const MAX_LINKED_TOOLS: usize = 20;
/// A proposal is a question, not a standing offer: it must be answered within a year.
pub const MAX_REPLY_DAYS: i64 = 366;
/// A thread is short by design; longer talks belong elsewhere.
pub const MAX_MESSAGES: u64 = 200;

named_enum!(
    /// What an organisation does in a joint service besides the responsible caisse.
    ParticipantRole {
        CoOrganiser = "CO_ORGANISER",
        ContentProvider = "CONTENT_PROVIDER",
        Trainer = "TRAINER",
        Venue = "VENUE",
        Other = "OTHER",
    }
);

named_enum!(
    /// What is stored of a proposal's course; expiry follows from the clock (see [`Proposal::status`]).
    ProposalState {
        Open = "OPEN",
        Answered = "ANSWERED",
        Withdrawn = "WITHDRAWN",
    }
);

named_enum!(
    /// Where a proposal stands, as callers see it.
    ProposalStatus {
        /// Waiting for at least one target's answer.
        Open = "OPEN",
        /// Every target has answered.
        Answered = "ANSWERED",
        Withdrawn = "WITHDRAWN",
        /// The reply-by date passed with answers still missing.
        Expired = "EXPIRED",
    }
);

named_enum!(ResponseStatus {
    Pending = "PENDING",
    Accepted = "ACCEPTED",
    Declined = "DECLINED",
});

named_enum!(ServiceStatus {
    Planned = "PLANNED",
    Active = "ACTIVE",
    Ended = "ENDED",
});

named_enum!(TransferStatus {
    Pending = "PENDING",
    Accepted = "ACCEPTED",
    Cancelled = "CANCELLED",
});

/// What a proposer asks of caisses, as written.
#[derive(Clone, Debug, Default)]
pub struct ProposalDraft {
    pub titles: Vec<(Lang, String)>,
    pub descriptions: Vec<(Lang, String)>,
    pub categories: Vec<ServiceCategory>,
    pub contribution: String,
    pub proposer_role: Option<ParticipantRole>,
    pub region: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub tool_ids: Vec<i64>,
    pub target_ids: Vec<i64>,
    pub reply_by: Option<DateTime<Utc>>,
}

/// A proposal's content once checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProposalContent {
    pub title: LocalisedText,
    pub description: LocalisedText,
    pub categories: BTreeSet<ServiceCategory>,
    pub contribution: String,
    pub proposer_role: ParticipantRole,
    pub region: String,
    pub period: Period,
    pub tool_ids: Vec<i64>,
    pub reply_by: DateTime<Utc>,
}

/// When a service runs: from a first day, to a last day if it is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

/// Checks a draft on its own; whether the targets are caisses and the tools visible needs the
/// database and is the service's to check. Returns the content and the distinct targets.
pub fn validate_proposal(
    draft: ProposalDraft,
    now: DateTime<Utc>,
) -> Result<(ProposalContent, Vec<i64>), Vec<FieldError>> {
    let mut v = Validator::new();
    let title = validation::localised_text(&mut v, "titles", &draft.titles, TITLE_MAX_CHARS);
    let description = validation::localised_text(
        &mut v,
        "descriptions",
        &draft.descriptions,
        DESCRIPTION_MAX_CHARS,
    );
    let categories = categories(&mut v, &draft.categories);
    let contribution = v.check(validation::required_text(
        &["contribution"],
        &draft.contribution,
        SHORT_TEXT_MAX_CHARS,
    ));
    let region = v.check(validation::required_text(
        &["region"],
        &draft.region,
        REGION_MAX_CHARS,
    ));
    let period = period(&mut v, draft.starts_on, draft.ends_on);
    let tool_ids = distinct_ids(&mut v, "toolIds", &draft.tool_ids, MAX_LINKED_TOOLS, false);
    let targets = distinct_ids(&mut v, "targetIds", &draft.target_ids, MAX_TARGETS, true);
    let reply_by = match draft.reply_by {
        None => {
            v.push(FieldError::new(
                &["replyBy"],
                FieldErrorCode::Required,
                "say by when the caisses should answer",
            ));
            None
        }
        Some(t) if t <= now => {
            v.push(FieldError::new(
                &["replyBy"],
                FieldErrorCode::OutOfRange,
                "the reply-by date must be in the future",
            ));
            None
        }
        Some(t) if t > now + chrono::Duration::days(MAX_REPLY_DAYS) => {
            v.push(FieldError::new(
                &["replyBy"],
                FieldErrorCode::OutOfRange,
                format!("the reply-by date must be within {MAX_REPLY_DAYS} days"),
            ));
            None
        }
        Some(t) => Some(t),
    };
    let errors = v.finish();
    match (
        errors,
        title,
        description,
        categories,
        contribution,
        region,
        period,
        tool_ids,
        targets,
        reply_by,
    ) {
        (
            Ok(()),
            Some(title),
            Some(description),
            Some(categories),
            Some(contribution),
            Some(region),
            Some(period),
            Some(tool_ids),
            Some(targets),
            Some(reply_by),
        ) => Ok((
            ProposalContent {
                title,
                description,
                categories,
                contribution,
                proposer_role: draft.proposer_role.unwrap_or(ParticipantRole::CoOrganiser),
                region,
                period,
                tool_ids,
                reply_by,
            },
            targets,
        )),
        (Err(errors), ..) => Err(errors),
        // Every `None` above pushed an error, so `finish` failed; kept total for the compiler.
        _ => Err(vec![FieldError::new(
            &[],
            FieldErrorCode::Required,
            "the proposal is incomplete",
        )]),
    }
}

fn categories(v: &mut Validator, items: &[ServiceCategory]) -> Option<BTreeSet<ServiceCategory>> {
    if items.is_empty() {
        v.push(FieldError::new(
            &["categories"],
            FieldErrorCode::Required,
            "name at least one service category",
        ));
        return None;
    }
    Some(items.iter().copied().collect())
}

/// Checks a period; shared by proposals and joint services.
pub fn period(
    v: &mut Validator,
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
) -> Option<Period> {
    let Some(starts_on) = starts_on else {
        v.push(FieldError::new(
            &["startsOn"],
            FieldErrorCode::Required,
            "say when the service starts",
        ));
        return None;
    };
    if let Some(end) = ends_on
        && end < starts_on
    {
        v.push(FieldError::new(
            &["endsOn"],
            FieldErrorCode::OutOfRange,
            "the service cannot end before it starts",
        ));
        return None;
    }
    Some(Period { starts_on, ends_on })
}

fn distinct_ids(
    v: &mut Validator,
    field: &str,
    ids: &[i64],
    max: usize,
    required: bool,
) -> Option<Vec<i64>> {
    if required && ids.is_empty() {
        v.push(FieldError::new(
            &[field],
            FieldErrorCode::Required,
            "name at least one caisse",
        ));
        return None;
    }
    if ids.len() > max {
        v.push(FieldError::new(
            &[field],
            FieldErrorCode::TooLong,
            format!("name at most {max}"),
        ));
        return None;
    }
    let mut seen = BTreeSet::new();
    let mut ok = true;
    for (i, id) in ids.iter().enumerate() {
        if !seen.insert(*id) {
            v.push(FieldError::new(
                &[field, &i.to_string()],
                FieldErrorCode::Duplicate,
                "named twice",
            ));
            ok = false;
        }
    }
    ok.then(|| ids.to_vec())
}

/// One caisse a proposal is addressed to, and its answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProposalTarget {
    pub caisse_id: i64,
    pub response: ResponseStatus,
    pub message: Option<String>,
    pub responded_at: Option<DateTime<Utc>>,
    pub responded_by: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub id: i64,
    pub proposer_id: i64,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub content: ProposalContent,
    pub state: ProposalState,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawal_reason: Option<String>,
    pub targets: Vec<ProposalTarget>,
    /// The joint service the first acceptance created.
    pub joint_service_id: Option<i64>,
}

/// How the caller's organisation stands to a proposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProposalParty {
    Proposer,
    Target,
    Outsider,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProposalError {
    #[error("the proposal was withdrawn")]
    Withdrawn,
    #[error("the proposal expired on {0}")]
    Expired(DateTime<Utc>),
    #[error("your caisse has already answered this proposal")]
    AlreadyAnswered,
    #[error("every caisse has answered; there is nothing left to withdraw")]
    Answered,
    #[error("the thread is full ({MAX_MESSAGES} messages)")]
    ThreadFull,
}

impl Proposal {
    pub fn status(&self, now: DateTime<Utc>) -> ProposalStatus {
        match self.state {
            ProposalState::Withdrawn => ProposalStatus::Withdrawn,
            ProposalState::Answered => ProposalStatus::Answered,
            ProposalState::Open if now >= self.content.reply_by => ProposalStatus::Expired,
            ProposalState::Open => ProposalStatus::Open,
        }
    }

    pub fn party(&self, organisation_id: Option<i64>) -> ProposalParty {
        match organisation_id {
            Some(o) if o == self.proposer_id => ProposalParty::Proposer,
            Some(o) if self.targets.iter().any(|t| t.caisse_id == o) => ProposalParty::Target,
            _ => ProposalParty::Outsider,
        }
    }

    fn still_open(&self, now: DateTime<Utc>) -> Result<(), ProposalError> {
        match self.status(now) {
            ProposalStatus::Withdrawn => Err(ProposalError::Withdrawn),
            ProposalStatus::Expired => Err(ProposalError::Expired(self.content.reply_by)),
            ProposalStatus::Open | ProposalStatus::Answered => Ok(()),
        }
    }

    /// A target caisse answers. Returns the proposal's state afterwards: answered once no
    /// target is pending.
    pub fn respond(
        &self,
        caisse_id: i64,
        now: DateTime<Utc>,
    ) -> Result<ProposalState, ProposalError> {
        self.still_open(now)?;
        let target = self.targets.iter().find(|t| t.caisse_id == caisse_id);
        if target.is_none_or(|t| t.response != ResponseStatus::Pending) {
            return Err(ProposalError::AlreadyAnswered);
        }
        let others_pending = self
            .targets
            .iter()
            .any(|t| t.caisse_id != caisse_id && t.response == ResponseStatus::Pending);
        Ok(if others_pending {
            ProposalState::Open
        } else {
            ProposalState::Answered
        })
    }

    pub fn withdraw(&self, now: DateTime<Utc>) -> Result<(), ProposalError> {
        self.still_open(now)?;
        if self.state == ProposalState::Answered {
            return Err(ProposalError::Answered);
        }
        Ok(())
    }

    pub fn post_message(&self, now: DateTime<Utc>, messages: u64) -> Result<(), ProposalError> {
        self.still_open(now)?;
        if messages >= MAX_MESSAGES {
            return Err(ProposalError::ThreadFull);
        }
        Ok(())
    }
}

/// One message of a proposal's thread.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProposalMessage {
    pub id: i64,
    pub proposal_id: i64,
    pub author_id: i64,
    pub organisation_id: i64,
    pub body: String,
    pub posted_at: DateTime<Utc>,
    /// Hidden by a moderator on a report: its words are for its organisation and moderators.
    pub hidden: Option<crate::review::Hidden>,
}

impl ProposalMessage {
    /// Whether the caller reads the message's words: all of the thread's readers while it is
    /// shown; once hidden, its own organisation and the moderators.
    pub fn readable_by(&self, actor: Option<&crate::identity::Actor>) -> bool {
        self.hidden.is_none()
            || actor.is_some_and(|a| {
                a.organisation_id == self.organisation_id || a.has(crate::identity::Role::Moderator)
            })
    }
}

/// Which side of proposals a caller lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Proposals the caller's organisation made.
    Sent,
    /// Proposals addressed to the caller's caisse.
    Received,
}

/// Narrows a list of proposals: statuses are alternatives, fields combine.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProposalFilter {
    pub statuses: Vec<ProposalStatus>,
    pub direction: Option<Direction>,
}

/// Narrows a list of joint services.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceFilter {
    pub statuses: Vec<ServiceStatus>,
    pub responsible_caisse_id: Option<i64>,
}

/// An organisation taking part in a joint service, besides its responsible caisse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Participant {
    pub organisation_id: i64,
    pub role: ParticipantRole,
    pub added_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JointService {
    pub id: i64,
    pub proposal_id: Option<i64>,
    pub title: LocalisedText,
    pub description: LocalisedText,
    pub categories: BTreeSet<ServiceCategory>,
    pub tool_ids: Vec<i64>,
    pub period: Period,
    pub status: ServiceStatus,
    /// The caisse the last entry of the responsibility record names.
    pub responsible_caisse_id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub participants: Vec<Participant>,
}

/// How the caller's organisation stands to a joint service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceRelation {
    Responsible,
    Participant,
    /// Was responsible once: it keeps reading the service whose record names it.
    FormerlyResponsible,
    /// A pending transfer would make it responsible: it reads what it is asked to take over.
    Receiving,
    Outsider,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JointServiceError {
    #[error("the service has ended; it can no longer change")]
    Ended,
    #[error("a service goes from planned to active to ended, not from {from} to {to}")]
    StatusBackwards {
        from: ServiceStatus,
        to: ServiceStatus,
    },
    #[error("only caisses and partner organisations take part in joint services")]
    NotAParticipantKind,
    #[error("the responsible caisse is not one of its own participants")]
    ResponsibleAsParticipant,
    #[error("this organisation already takes part")]
    AlreadyParticipant,
    #[error("this organisation does not take part")]
    NotAParticipant,
    #[error("only a caisse can be responsible for a joint service")]
    NotACaisse,
    #[error("this caisse is already responsible")]
    AlreadyResponsible,
    #[error("a transfer is already waiting for an answer; cancel it first")]
    TransferPending,
    #[error("the transfer is {0}, no longer pending")]
    TransferClosed(TransferStatus),
}

impl JointService {
    pub fn relation(&self, organisation_id: Option<i64>, formerly: bool) -> ServiceRelation {
        match organisation_id {
            Some(o) if o == self.responsible_caisse_id => ServiceRelation::Responsible,
            Some(o) if self.participants.iter().any(|p| p.organisation_id == o) => {
                ServiceRelation::Participant
            }
            Some(_) if formerly => ServiceRelation::FormerlyResponsible,
            _ => ServiceRelation::Outsider,
        }
    }

    fn not_ended(&self) -> Result<(), JointServiceError> {
        if self.status == ServiceStatus::Ended {
            Err(JointServiceError::Ended)
        } else {
            Ok(())
        }
    }

    pub fn set_status(&self, to: ServiceStatus) -> Result<(), JointServiceError> {
        self.not_ended()?;
        if to <= self.status {
            return Err(JointServiceError::StatusBackwards {
                from: self.status,
                to,
            });
        }
        Ok(())
    }

    pub fn add_participant(
        &self,
        organisation_id: i64,
        kind: OrganisationKind,
    ) -> Result<(), JointServiceError> {
        self.not_ended()?;
        if kind == OrganisationKind::Inasti {
            return Err(JointServiceError::NotAParticipantKind);
        }
        if organisation_id == self.responsible_caisse_id {
            return Err(JointServiceError::ResponsibleAsParticipant);
        }
        if self
            .participants
            .iter()
            .any(|p| p.organisation_id == organisation_id)
        {
            return Err(JointServiceError::AlreadyParticipant);
        }
        Ok(())
    }

    pub fn remove_participant(&self, organisation_id: i64) -> Result<(), JointServiceError> {
        self.not_ended()?;
        if !self
            .participants
            .iter()
            .any(|p| p.organisation_id == organisation_id)
        {
            return Err(JointServiceError::NotAParticipant);
        }
        Ok(())
    }

    /// May responsibility pass to this organisation now?
    pub fn propose_transfer(
        &self,
        to: i64,
        kind: OrganisationKind,
        pending: bool,
    ) -> Result<(), JointServiceError> {
        self.not_ended()?;
        if kind != OrganisationKind::Caisse {
            return Err(JointServiceError::NotACaisse);
        }
        if to == self.responsible_caisse_id {
            return Err(JointServiceError::AlreadyResponsible);
        }
        if pending {
            return Err(JointServiceError::TransferPending);
        }
        Ok(())
    }
}

/// A proposed change of responsible caisse, effective only once the receiving caisse accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transfer {
    pub id: i64,
    pub joint_service_id: i64,
    pub from_caisse_id: i64,
    pub to_caisse_id: i64,
    pub reason: String,
    pub status: TransferStatus,
    pub proposed_by: i64,
    pub proposed_at: DateTime<Utc>,
    pub resolved_by: Option<i64>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub cancellation_reason: Option<String>,
}

/// How the caller's organisation stands to a transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferSide {
    Giving,
    Receiving,
    Outsider,
}

impl Transfer {
    pub fn side(&self, organisation_id: i64) -> TransferSide {
        if organisation_id == self.from_caisse_id {
            TransferSide::Giving
        } else if organisation_id == self.to_caisse_id {
            TransferSide::Receiving
        } else {
            TransferSide::Outsider
        }
    }

    pub fn still_pending(&self) -> Result<(), JointServiceError> {
        if self.status == TransferStatus::Pending {
            Ok(())
        } else {
            Err(JointServiceError::TransferClosed(self.status))
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn draft() -> ProposalDraft {
        ProposalDraft {
            titles: vec![(Lang::Fr, "Ateliers Icarius en Wallonie".into())],
            descriptions: vec![(Lang::Fr, "Six ateliers de prévention du burn-out.".into())],
            categories: vec![ServiceCategory::SecondaryPrevention],
            contribution: "Animation et supports".into(),
            proposer_role: None,
            region: "Wallonie".into(),
            starts_on: NaiveDate::from_ymd_opt(2026, 9, 1),
            ends_on: NaiveDate::from_ymd_opt(2027, 6, 30),
            tool_ids: vec![],
            target_ids: vec![10, 11],
            reply_by: Some(now() + chrono::Duration::days(30)),
        }
    }

    fn codes(result: Result<(ProposalContent, Vec<i64>), Vec<FieldError>>) -> Vec<String> {
        match result {
            Ok(_) => vec![],
            Err(errors) => errors
                .into_iter()
                .map(|e| format!("{}:{}", e.field.join("."), e.code.as_str()))
                .collect(),
        }
    }

    #[test]
    fn a_complete_draft_is_valid_and_the_proposer_co_organises_by_default() {
        let (content, targets) = validate_proposal(draft(), now()).unwrap_or_else(|e| {
            panic!("{e:?}");
        });
        assert_eq!(targets, vec![10, 11]);
        assert_eq!(content.proposer_role, ParticipantRole::CoOrganiser);
    }

    #[test]
    fn a_reply_by_date_in_the_past_is_refused() {
        let mut d = draft();
        d.reply_by = Some(now() - chrono::Duration::minutes(1));
        assert_eq!(
            codes(validate_proposal(d, now())),
            vec!["replyBy:OUT_OF_RANGE"]
        );
    }

    #[test]
    fn every_mistake_is_reported_at_once() {
        let d = ProposalDraft {
            target_ids: vec![10, 10],
            ends_on: NaiveDate::from_ymd_opt(2020, 1, 1),
            starts_on: NaiveDate::from_ymd_opt(2021, 1, 1),
            ..ProposalDraft::default()
        };
        assert_eq!(
            codes(validate_proposal(d, now())),
            vec![
                "titles:REQUIRED",
                "descriptions:REQUIRED",
                "categories:REQUIRED",
                "contribution:REQUIRED",
                "region:REQUIRED",
                "endsOn:OUT_OF_RANGE",
                "targetIds.1:DUPLICATE",
                "replyBy:REQUIRED",
            ]
        );
    }

    fn proposal(targets: &[(i64, ResponseStatus)]) -> Proposal {
        let (content, _) = validate_proposal(draft(), now()).unwrap_or_else(|e| panic!("{e:?}"));
        Proposal {
            id: 1,
            proposer_id: 20,
            created_by: 5,
            created_at: now(),
            content,
            state: ProposalState::Open,
            withdrawn_at: None,
            withdrawal_reason: None,
            targets: targets
                .iter()
                .map(|(id, r)| ProposalTarget {
                    caisse_id: *id,
                    response: *r,
                    message: None,
                    responded_at: None,
                    responded_by: None,
                })
                .collect(),
            joint_service_id: None,
        }
    }

    #[test]
    fn the_last_answer_closes_the_proposal() {
        use ResponseStatus::*;
        let p = proposal(&[(10, Accepted), (11, Pending)]);
        assert_eq!(p.respond(11, now()), Ok(ProposalState::Answered));
        let p = proposal(&[(10, Pending), (11, Pending)]);
        assert_eq!(p.respond(11, now()), Ok(ProposalState::Open));
    }

    #[test]
    fn a_caisse_answers_once_and_only_while_the_proposal_is_open() {
        use ResponseStatus::*;
        let p = proposal(&[(10, Declined), (11, Pending)]);
        assert_eq!(p.respond(10, now()), Err(ProposalError::AlreadyAnswered));
        let late = p.content.reply_by;
        assert_eq!(
            p.respond(11, late),
            Err(ProposalError::Expired(p.content.reply_by))
        );
        let mut withdrawn = p.clone();
        withdrawn.state = ProposalState::Withdrawn;
        assert_eq!(withdrawn.respond(11, now()), Err(ProposalError::Withdrawn));
        assert_eq!(withdrawn.status(now()), ProposalStatus::Withdrawn);
        assert_eq!(p.status(late), ProposalStatus::Expired);
    }

    #[test]
    fn an_answered_proposal_cannot_be_withdrawn() {
        let mut p = proposal(&[(10, ResponseStatus::Accepted)]);
        p.state = ProposalState::Answered;
        assert_eq!(p.withdraw(now()), Err(ProposalError::Answered));
    }

    fn service() -> JointService {
        JointService {
            id: 1,
            proposal_id: Some(1),
            title: LocalisedText::new(),
            description: LocalisedText::new(),
            categories: BTreeSet::new(),
            tool_ids: vec![],
            period: Period {
                starts_on: NaiveDate::MIN,
                ends_on: None,
            },
            status: ServiceStatus::Planned,
            responsible_caisse_id: 10,
            created_at: now(),
            updated_at: now(),
            participants: vec![Participant {
                organisation_id: 20,
                role: ParticipantRole::Trainer,
                added_at: now(),
            }],
        }
    }

    #[test]
    fn a_service_moves_forward_only() {
        let mut s = service();
        assert!(s.set_status(ServiceStatus::Active).is_ok());
        assert!(s.set_status(ServiceStatus::Planned).is_err());
        s.status = ServiceStatus::Active;
        assert!(s.set_status(ServiceStatus::Active).is_err());
        assert!(s.set_status(ServiceStatus::Ended).is_ok());
        s.status = ServiceStatus::Ended;
        assert_eq!(
            s.set_status(ServiceStatus::Ended),
            Err(JointServiceError::Ended)
        );
    }

    #[test]
    fn only_another_caisse_can_receive_responsibility() {
        let s = service();
        use OrganisationKind::*;
        assert_eq!(
            s.propose_transfer(20, Partner, false),
            Err(JointServiceError::NotACaisse)
        );
        assert_eq!(
            s.propose_transfer(1, Inasti, false),
            Err(JointServiceError::NotACaisse)
        );
        assert_eq!(
            s.propose_transfer(10, Caisse, false),
            Err(JointServiceError::AlreadyResponsible)
        );
        assert_eq!(
            s.propose_transfer(11, Caisse, true),
            Err(JointServiceError::TransferPending)
        );
        assert!(s.propose_transfer(11, Caisse, false).is_ok());
    }

    #[test]
    fn participants_are_caisses_or_partners_other_than_the_responsible_one() {
        let s = service();
        use OrganisationKind::*;
        assert_eq!(
            s.add_participant(1, Inasti),
            Err(JointServiceError::NotAParticipantKind)
        );
        assert_eq!(
            s.add_participant(10, Caisse),
            Err(JointServiceError::ResponsibleAsParticipant)
        );
        assert_eq!(
            s.add_participant(20, Partner),
            Err(JointServiceError::AlreadyParticipant)
        );
        assert!(s.add_participant(11, Caisse).is_ok());
        assert_eq!(
            s.remove_participant(11),
            Err(JointServiceError::NotAParticipant)
        );
        assert!(s.remove_participant(20).is_ok());
    }
}
