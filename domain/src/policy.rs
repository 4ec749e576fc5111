//! Who may do what to which resource: one place, plain functions, tested as a matrix.
//! Every service asks `can` before acting; nothing else decides access.

use super::collaboration::{ProposalParty, ServiceRelation, TransferSide};
use super::identity::{Actor, Role};
use super::organisation::OrganisationKind;
use super::tool::{Lifecycle, Tool, Visibility};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    RegisterOrganisation,
    /// Names, website, contact e-mail.
    EditOrganisationProfile,
    /// The enterprise number identifies the organisation legally: INASTI keeps it right.
    EditEnterpriseNumber,
    SetAffiliateCount,
    /// Contact e-mail and affiliate counts are for the network, not the public.
    ReadOrganisationDetails,
    CreateTool,
    /// Edit, submit for review, archive: the owner's work.
    EditTool,
    /// Approve, request changes, reject, withdraw.
    DecideOnTool,
    ReadModerationQueue,
    ProposeCollaboration,
    /// Proposals are read by their parties and INASTI.
    ReadProposal,
    RespondToProposal,
    WithdrawProposal,
    PostProposalMessage,
    /// Joint services are read by the caisses on their record, participants and INASTI.
    ReadJointService,
    /// Participants and status: the responsible caisse's work.
    ManageJointService,
    ProposeTransfer,
    AcceptTransfer,
    CancelTransfer,
    /// The responsibility record of one caisse (`Organisation`) or of all (`Platform`).
    ExportResponsibilityRecord,
    /// The concept table that widens searches across languages (`Catalogue`).
    ReadSearchSynonyms,
    EditSearchSynonyms,
    /// A year's mandatory categories (`Platform`); the frame is read by anyone.
    SetLegalFrame,
    /// The audit events every write records (`Platform`).
    ReadAuditLog,
    /// A caisse's affiliate counts: its own people and INASTI's officers.
    ReadAffiliateCounts,
    /// Say one's organisation uses another's published tool (`Tool`).
    AdoptTool,
    /// Review another organisation's published tool (`Tool`).
    ReviewTool,
    /// Hide an abusive review (`Catalogue`).
    HideReview,
    /// Hide a reported message of a proposal's thread (`Catalogue`).
    HideProposalMessage,
    /// Report a tool, a review or a proposal message one can read (`Catalogue`): any
    /// signed-in person.
    ReportContent,
    /// See the open reports and resolve them (`Catalogue`).
    ResolveReports,
    /// Appeal a decision that went against one's organisation (`Appellant`).
    AppealDecision,
    /// Uphold or overturn an appeal (`Appeal`); see the open appeals (`Catalogue`).
    DecideAppeal,
    /// Offer a translation of another organisation's published tool (`Tool`).
    OfferTranslation,
    /// Create, edit and archive INASTI's collections (`Catalogue`).
    ManageCollections,
    /// A caisse's register of offerings, compliance and activity reports (`Organisation`).
    ReadYearlyAccount,
    /// Record, update and withdraw offerings in a caisse's register (`Organisation`).
    RecordServiceOffering,
    /// Start a joint service as its responsible caisse (`Collaborations`).
    StartJointService,
    SubmitActivityReport,
    /// Accept or return a submitted report (`Platform`).
    ReviewActivityReport,
    /// Every caisse's year at a glance, and its CSV (`Platform`).
    ReadActivityOverview,
    SetFundingParameters,
    /// The funding allocation (`Platform`): every signed-in organisation.
    ReadFunding,
    /// A year's quality indicators (`Platform`); they are read by anyone.
    SetIndicators,
    /// Report the values of the year's indicators in one's caisse's draft (`Organisation`).
    ReportIndicatorValues,
    /// Record INASTI's evaluation of an accepted report (`Platform`).
    RecordEvaluation,
    /// Approve an evaluation another moderator recorded (`Evaluation`).
    ApproveEvaluation,
    /// A caisse's evaluations (`Organisation`): INASTI's officers; the caisse its approved ones.
    ReadEvaluation,
    /// Publish a year's evaluation once every caisse's is approved (`Platform`).
    PublishYearEvaluation,
    /// Published year evaluations, their CSV and the three-year view (`Platform`): INASTI's
    /// officers and the CGG.
    ReadYearEvaluation,
    /// Record the CGG's advice on a published year evaluation (`Platform`).
    RecordCggAdvice,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    Platform,
    Organisation {
        id: i64,
        kind: OrganisationKind,
    },
    /// The catalogue as a whole: where tools are created and reviewed.
    Catalogue,
    /// A moderation decision, by the organisation it went against (a tool's owner, a review's
    /// author).
    Appellant {
        organisation_id: i64,
    },
    /// An appeal: who took the decision appealed, whose tool it is about, and who appealed.
    Appeal {
        decided_by: i64,
        owner_id: i64,
        owner_is_inasti: bool,
        appellant_id: i64,
    },
    /// A tool, by its owner organisation.
    Tool {
        owner_id: i64,
    },
    /// One revision of a tool, by the tool's owner organisation and the revision's author.
    Revision {
        owner_id: i64,
        author_id: i64,
        /// INASTI's own guides and notes are reviewed by another INASTI moderator.
        owner_is_inasti: bool,
    },
    /// Where collaborations are proposed.
    Collaborations,
    /// A proposal, by how the caller's organisation stands to it.
    Proposal {
        party: ProposalParty,
    },
    /// A joint service, by how the caller's organisation stands to it.
    JointService {
        relation: ServiceRelation,
    },
    /// A transfer of responsibility, by the caller's side of it.
    Transfer {
        side: TransferSide,
    },
    /// INASTI's evaluation of a caisse's year, by who recorded it.
    Evaluation {
        recorded_by: i64,
    },
}

pub fn can(actor: Option<&Actor>, action: Action, resource: Resource) -> bool {
    let Some(actor) = actor else {
        return false;
    };
    let platform_admin = actor.has(Role::PlatformAdmin);
    match (action, resource) {
        (Action::RegisterOrganisation, Resource::Platform) => platform_admin,
        (Action::EditOrganisationProfile, Resource::Organisation { id, .. }) => {
            platform_admin || (actor.has(Role::OrgAdmin) && actor.belongs_to(id))
        }
        (Action::EditEnterpriseNumber, Resource::Organisation { .. }) => platform_admin,
        // Affiliate counts set each caisse's funding: INASTI's data, never the caisse's own.
        (Action::SetAffiliateCount, Resource::Organisation { kind, .. }) => {
            kind == OrganisationKind::Caisse && platform_admin
        }
        (Action::SetAffiliateCount, Resource::Platform) => platform_admin,
        (Action::ReadOrganisationDetails, Resource::Organisation { .. }) => true,
        (Action::CreateTool, Resource::Catalogue) => match actor.organisation_kind {
            OrganisationKind::Caisse | OrganisationKind::Partner => works_there(actor),
            // INASTI publishes its own guides and notes for the caisses.
            OrganisationKind::Inasti => works_there(actor) || actor.has(Role::Moderator),
            OrganisationKind::Committee => false,
        },
        (Action::EditTool, Resource::Tool { owner_id }) => {
            actor.belongs_to(owner_id)
                && (works_there(actor)
                    || (actor.organisation_kind == OrganisationKind::Inasti
                        && actor.has(Role::Moderator)))
        }
        // Four eyes: never on one's own revision, never on a tool of one's own organisation —
        // except INASTI's own content, which another INASTI moderator reviews.
        (
            Action::DecideOnTool,
            Resource::Revision {
                owner_id,
                author_id,
                owner_is_inasti,
            },
        ) => {
            actor.has(Role::Moderator)
                && (owner_is_inasti || !actor.belongs_to(owner_id))
                && actor.user_id != author_id
        }
        (
            Action::AdoptTool | Action::ReviewTool | Action::OfferTranslation,
            Resource::Tool { owner_id },
        ) => !actor.belongs_to(owner_id) && works_there(actor),
        (
            Action::HideReview | Action::HideProposalMessage | Action::ManageCollections,
            Resource::Catalogue,
        ) => actor.has(Role::Moderator),
        (Action::ReadModerationQueue | Action::ResolveReports, Resource::Catalogue) => {
            actor.has(Role::Moderator)
        }
        (Action::ReportContent, Resource::Catalogue) => true,
        (Action::AppealDecision, Resource::Appellant { organisation_id }) => {
            actor.belongs_to(organisation_id) && works_there(actor)
        }
        (Action::DecideAppeal, Resource::Catalogue) => actor.has(Role::Moderator),
        // Four eyes again: never the moderator who decided, nor the person who appealed, nor
        // one of the tool's organisation (but on INASTI's own content, which another INASTI
        // moderator decides). Only INASTI has moderators: an appeal of INASTI's own (its
        // review hidden) is decided by another INASTI moderator too.
        (
            Action::DecideAppeal,
            Resource::Appeal {
                decided_by,
                owner_id,
                owner_is_inasti,
                appellant_id,
            },
        ) => {
            actor.has(Role::Moderator)
                && actor.user_id != decided_by
                && actor.user_id != appellant_id
                && (owner_is_inasti || !actor.belongs_to(owner_id))
        }
        (Action::ProposeCollaboration, Resource::Collaborations) => {
            matches!(
                actor.organisation_kind,
                OrganisationKind::Caisse | OrganisationKind::Partner
            ) && works_there(actor)
        }
        (Action::ReadProposal, Resource::Proposal { party }) => {
            party != ProposalParty::Outsider || inasti(actor)
        }
        (Action::RespondToProposal, Resource::Proposal { party }) => {
            party == ProposalParty::Target && works_there(actor)
        }
        (Action::WithdrawProposal, Resource::Proposal { party }) => {
            party == ProposalParty::Proposer && works_there(actor)
        }
        (Action::PostProposalMessage, Resource::Proposal { party }) => {
            party != ProposalParty::Outsider && works_there(actor)
        }
        (Action::ReadJointService, Resource::JointService { relation }) => {
            relation != ServiceRelation::Outsider || inasti(actor)
        }
        (Action::ManageJointService, Resource::JointService { relation }) => {
            relation == ServiceRelation::Responsible && works_there(actor)
        }
        // Responsibility is a caisse's commitment: its admins give and take it.
        (Action::ProposeTransfer, Resource::JointService { relation }) => {
            relation == ServiceRelation::Responsible && actor.has(Role::OrgAdmin)
        }
        (Action::AcceptTransfer, Resource::Transfer { side }) => {
            side == TransferSide::Receiving && actor.has(Role::OrgAdmin)
        }
        (Action::CancelTransfer, Resource::Transfer { side }) => {
            side != TransferSide::Outsider && actor.has(Role::OrgAdmin)
        }
        (Action::ExportResponsibilityRecord, Resource::Platform) => inasti_officer(actor),
        (Action::ReadSearchSynonyms, Resource::Catalogue) => inasti_officer(actor),
        (Action::EditSearchSynonyms, Resource::Catalogue) => actor.has(Role::Moderator),
        (Action::SetLegalFrame, Resource::Platform) => platform_admin,
        (Action::ReadAuditLog, Resource::Platform) => platform_admin || actor.has(Role::Auditor),
        (Action::ReadAffiliateCounts, Resource::Organisation { id, kind }) => {
            kind == OrganisationKind::Caisse && (actor.belongs_to(id) || inasti_officer(actor))
        }
        // The yearly account is between a caisse and INASTI.
        (Action::ReadYearlyAccount, Resource::Organisation { id, kind }) => {
            kind == OrganisationKind::Caisse && (actor.belongs_to(id) || inasti_officer(actor))
        }
        (Action::RecordServiceOffering, Resource::Organisation { id, kind }) => {
            kind == OrganisationKind::Caisse && actor.belongs_to(id) && works_there(actor)
        }
        (Action::StartJointService, Resource::Collaborations) => {
            actor.organisation_kind == OrganisationKind::Caisse && works_there(actor)
        }
        // The report speaks for the caisse: its admins submit it.
        (Action::SubmitActivityReport, Resource::Organisation { id, kind }) => {
            kind == OrganisationKind::Caisse && actor.belongs_to(id) && actor.has(Role::OrgAdmin)
        }
        (Action::ReviewActivityReport, Resource::Platform) => actor.has(Role::Moderator),
        (Action::ReadActivityOverview, Resource::Platform) => inasti_officer(actor),
        (Action::SetFundingParameters, Resource::Platform) => platform_admin,
        (Action::ReadFunding, Resource::Platform) => true,
        (Action::SetIndicators | Action::PublishYearEvaluation, Resource::Platform) => {
            platform_admin
        }
        (Action::ReportIndicatorValues, Resource::Organisation { id, kind }) => {
            kind == OrganisationKind::Caisse && actor.belongs_to(id) && works_there(actor)
        }
        (Action::RecordEvaluation, Resource::Platform) => actor.has(Role::Moderator),
        // Four eyes: the evaluation is approved by a moderator other than the one who wrote it.
        (Action::ApproveEvaluation, Resource::Evaluation { recorded_by }) => {
            actor.has(Role::Moderator) && actor.user_id != recorded_by
        }
        (Action::ReadEvaluation, Resource::Organisation { id, kind }) => {
            kind == OrganisationKind::Caisse && (actor.belongs_to(id) || inasti_officer(actor))
        }
        (Action::ReadYearEvaluation, Resource::Platform) => {
            inasti_officer(actor) || actor.has(Role::CggMember)
        }
        (Action::RecordCggAdvice, Resource::Platform) => actor.has(Role::CggMember),
        (Action::ExportResponsibilityRecord, Resource::Organisation { id, kind }) => {
            kind == OrganisationKind::Caisse
                && (inasti_officer(actor) || (actor.has(Role::OrgAdmin) && actor.belongs_to(id)))
        }
        _ => false,
    }
}

/// Staff or admin: someone who acts for their organisation.
fn works_there(actor: &Actor) -> bool {
    actor.has(Role::Staff) || actor.has(Role::OrgAdmin)
}

fn inasti(actor: &Actor) -> bool {
    actor.organisation_kind == OrganisationKind::Inasti
}

/// INASTI's moderators, platform admins and auditors: those who audit.
fn inasti_officer(actor: &Actor) -> bool {
    actor.has(Role::Moderator) || actor.has(Role::PlatformAdmin) || actor.has(Role::Auditor)
}

/// Which revision of a tool a caller is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shown {
    /// The newest revision, published or not: for the owner and moderators.
    Latest,
    /// The live published revision: for everyone else allowed to see it.
    Published,
}

/// What a caller may see of the catalogue. Every path that returns tools — fields, lists, the
/// moderation log, search, files — derives its filter from this one value, so that they
/// cannot disagree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ToolScope {
    pub organisation_id: Option<i64>,
    pub moderator: bool,
}

impl ToolScope {
    pub fn of(actor: Option<&Actor>) -> Self {
        Self {
            organisation_id: actor.map(|a| a.organisation_id),
            moderator: actor.is_some_and(|a| a.has(Role::Moderator)),
        }
    }

    /// Visibilities of published tools of other organisations this caller may read.
    pub fn published_visibilities(&self) -> &'static [Visibility] {
        if self.organisation_id.is_some() {
            &[Visibility::Public, Visibility::Network]
        } else {
            &[Visibility::Public]
        }
    }

    /// The revision this caller is shown of the tool, or `None` when the tool is not theirs
    /// to see at all.
    pub fn shown(&self, tool: &Tool) -> Option<Shown> {
        if self.organisation_id == Some(tool.owner_id) {
            return Some(Shown::Latest);
        }
        // A tool kept to its organisation never leaves it, not even for moderators.
        if self.moderator && tool.latest_visibility != Visibility::Organisation {
            return Some(Shown::Latest);
        }
        let live = tool.published_revision.is_some() && tool.lifecycle != Lifecycle::Withdrawn;
        match tool.published_visibility {
            Some(v) if live && self.published_visibilities().contains(&v) => Some(Shown::Published),
            _ => None,
        }
    }
}

/// Which of a tool's revisions a caller may read. Each revision is read under its own
/// visibility, not today's: a revision published while the tool was `NETWORK` stays a network
/// revision after a later one makes the tool `PUBLIC`, and a draft kept to its organisation
/// stays there after a later one is submitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RevisionAccess {
    /// The owner: every revision.
    All,
    /// A moderator: every revision that was not kept to its organisation.
    NotKeptToOrganisation,
    /// Everyone else: revisions that were published, with a visibility the caller may read.
    Published(&'static [Visibility]),
}

impl RevisionAccess {
    pub fn reads(self, visibility: Visibility, published: bool) -> bool {
        match self {
            RevisionAccess::All => true,
            RevisionAccess::NotKeptToOrganisation => visibility != Visibility::Organisation,
            RevisionAccess::Published(visibilities) => {
                published && visibilities.contains(&visibility)
            }
        }
    }
}

impl ToolScope {
    /// The revisions of a tool this caller may read, once they may see the tool at all.
    pub fn revision_access(&self, tool: &Tool) -> Option<RevisionAccess> {
        if self.organisation_id == Some(tool.owner_id) {
            return Some(RevisionAccess::All);
        }
        match self.shown(tool)? {
            Shown::Latest => Some(RevisionAccess::NotKeptToOrganisation),
            Shown::Published => Some(RevisionAccess::Published(self.published_visibilities())),
        }
    }
}

/// What a caller may see of collaborations: the proposals and joint services their organisation
/// is a party to, or all of them for INASTI. Lists filter with it; single reads ask `can` with
/// the caller's party, which says the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CollaborationScope {
    pub organisation_id: Option<i64>,
    pub everything: bool,
}

impl CollaborationScope {
    pub fn of(actor: Option<&Actor>) -> Self {
        Self {
            organisation_id: actor.map(|a| a.organisation_id),
            everything: actor.is_some_and(inasti),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    const ACERTA: i64 = 10;
    const UCM: i64 = 11;
    const UNIZO: i64 = 20;
    const INASTI: i64 = 1;

    fn actor(org: i64, kind: OrganisationKind, role: Role) -> Actor {
        Actor {
            user_id: 100,
            organisation_id: org,
            organisation_kind: kind,
            roles: BTreeSet::from([role]),
        }
    }

    /// The callers of the matrix, by name, so a failing row says who it was.
    fn callers() -> Vec<(&'static str, Option<Actor>)> {
        use OrganisationKind::*;
        vec![
            ("anonymous", None),
            ("acerta staff", Some(actor(ACERTA, Caisse, Role::Staff))),
            ("acerta admin", Some(actor(ACERTA, Caisse, Role::OrgAdmin))),
            ("ucm admin", Some(actor(UCM, Caisse, Role::OrgAdmin))),
            ("unizo staff", Some(actor(UNIZO, Partner, Role::Staff))),
            ("unizo admin", Some(actor(UNIZO, Partner, Role::OrgAdmin))),
            (
                "inasti moderator",
                Some(actor(INASTI, Inasti, Role::Moderator)),
            ),
            (
                "platform admin",
                Some(actor(INASTI, Inasti, Role::PlatformAdmin)),
            ),
            ("inasti auditor", Some(actor(INASTI, Inasti, Role::Auditor))),
        ]
    }

    fn check(action: Action, resource: Resource, allowed: &[&str]) {
        for (name, caller) in callers() {
            assert_eq!(
                can(caller.as_ref(), action, resource),
                allowed.contains(&name),
                "{name} on {action:?} {resource:?}"
            );
        }
    }

    const ACERTA_ORG: Resource = Resource::Organisation {
        id: ACERTA,
        kind: OrganisationKind::Caisse,
    };
    const UNIZO_ORG: Resource = Resource::Organisation {
        id: UNIZO,
        kind: OrganisationKind::Partner,
    };

    #[test]
    fn only_platform_admins_register_organisations() {
        check(
            Action::RegisterOrganisation,
            Resource::Platform,
            &["platform admin"],
        );
    }

    #[test]
    fn an_organisation_profile_is_edited_by_its_admins_and_platform_admins() {
        check(
            Action::EditOrganisationProfile,
            ACERTA_ORG,
            &["acerta admin", "platform admin"],
        );
        check(
            Action::EditOrganisationProfile,
            UNIZO_ORG,
            &["unizo admin", "platform admin"],
        );
    }

    #[test]
    fn only_platform_admins_change_an_enterprise_number() {
        check(
            Action::EditEnterpriseNumber,
            ACERTA_ORG,
            &["platform admin"],
        );
    }

    #[test]
    fn affiliate_counts_are_set_for_caisses_only_by_platform_admins() {
        check(Action::SetAffiliateCount, ACERTA_ORG, &["platform admin"]);
        check(Action::SetAffiliateCount, UNIZO_ORG, &[]);
        check(
            Action::SetAffiliateCount,
            Resource::Platform,
            &["platform admin"],
        );
    }

    #[test]
    fn the_yearly_account_is_between_a_caisse_and_inasti() {
        let officers = ["inasti moderator", "platform admin", "inasti auditor"];
        check(
            Action::ReadYearlyAccount,
            ACERTA_ORG,
            &[
                "acerta staff",
                "acerta admin",
                officers[0],
                officers[1],
                officers[2],
            ],
        );
        check(Action::ReadYearlyAccount, UNIZO_ORG, &[]);
        check(
            Action::RecordServiceOffering,
            ACERTA_ORG,
            &["acerta staff", "acerta admin"],
        );
        check(Action::RecordServiceOffering, UNIZO_ORG, &[]);
        check(Action::SubmitActivityReport, ACERTA_ORG, &["acerta admin"]);
        check(
            Action::ReviewActivityReport,
            Resource::Platform,
            &["inasti moderator"],
        );
        check(Action::ReadActivityOverview, Resource::Platform, &officers);
        check(
            Action::SetFundingParameters,
            Resource::Platform,
            &["platform admin"],
        );
        check(
            Action::ReadFunding,
            Resource::Platform,
            &[
                "acerta staff",
                "acerta admin",
                "ucm admin",
                "unizo staff",
                "unizo admin",
                officers[0],
                officers[1],
                officers[2],
            ],
        );
        check(
            Action::StartJointService,
            Resource::Collaborations,
            &["acerta staff", "acerta admin", "ucm admin"],
        );
    }

    #[test]
    fn organisation_details_are_for_signed_in_callers() {
        let everyone_signed_in = [
            "acerta staff",
            "acerta admin",
            "ucm admin",
            "unizo staff",
            "unizo admin",
            "inasti moderator",
            "platform admin",
            "inasti auditor",
        ];
        check(
            Action::ReadOrganisationDetails,
            ACERTA_ORG,
            &everyone_signed_in,
        );
    }

    const ACERTA_TOOL: Resource = Resource::Tool { owner_id: ACERTA };
    const ACERTA_REVISION: Resource = Resource::Revision {
        owner_id: ACERTA,
        author_id: 500,
        owner_is_inasti: false,
    };

    #[test]
    fn caisses_and_partners_create_tools() {
        check(
            Action::CreateTool,
            Resource::Catalogue,
            &[
                "acerta staff",
                "acerta admin",
                "ucm admin",
                "unizo staff",
                "unizo admin",
                "inasti moderator",
            ],
        );
    }

    #[test]
    fn a_tool_is_edited_by_its_owner_organisation() {
        check(
            Action::EditTool,
            ACERTA_TOOL,
            &["acerta staff", "acerta admin"],
        );
    }

    #[test]
    fn only_moderators_decide_and_never_on_their_own_work() {
        check(Action::DecideOnTool, ACERTA_REVISION, &["inasti moderator"]);
        // The same moderator may not decide on a revision they wrote themselves.
        let own = Resource::Revision {
            owner_id: ACERTA,
            author_id: 100,
            owner_is_inasti: false,
        };
        let moderator = actor(INASTI, OrganisationKind::Inasti, Role::Moderator);
        assert!(!can(
            Some(&Actor {
                user_id: 100,
                ..moderator.clone()
            }),
            Action::DecideOnTool,
            own
        ));
        // Nor on a tool of their own organisation, unless it is INASTI's own content, which
        // another INASTI moderator reviews (never its author).
        let caisse_moderator = actor(ACERTA, OrganisationKind::Caisse, Role::Moderator);
        let own_caisse_tool = Resource::Revision {
            owner_id: ACERTA,
            author_id: 555,
            owner_is_inasti: false,
        };
        assert!(!can(
            Some(&caisse_moderator),
            Action::DecideOnTool,
            own_caisse_tool
        ));
        let inasti_tool = Resource::Revision {
            owner_id: INASTI,
            author_id: 555,
            owner_is_inasti: true,
        };
        assert!(can(Some(&moderator), Action::DecideOnTool, inasti_tool));
        let written_by_them = Resource::Revision {
            owner_id: INASTI,
            author_id: 100,
            owner_is_inasti: true,
        };
        assert!(!can(
            Some(&moderator),
            Action::DecideOnTool,
            written_by_them
        ));
    }

    #[test]
    fn organisations_adopt_and_review_others_tools_and_moderators_curate() {
        check(
            Action::AdoptTool,
            ACERTA_TOOL,
            &["ucm admin", "unizo staff", "unizo admin"],
        );
        check(
            Action::ReviewTool,
            ACERTA_TOOL,
            &["ucm admin", "unizo staff", "unizo admin"],
        );
        check(
            Action::OfferTranslation,
            ACERTA_TOOL,
            &["ucm admin", "unizo staff", "unizo admin"],
        );
        check(
            Action::HideReview,
            Resource::Catalogue,
            &["inasti moderator"],
        );
        check(
            Action::HideProposalMessage,
            Resource::Catalogue,
            &["inasti moderator"],
        );
        check(
            Action::ManageCollections,
            Resource::Catalogue,
            &["inasti moderator"],
        );
    }

    #[test]
    fn anyone_signed_in_reports_and_moderators_resolve() {
        check(
            Action::ReportContent,
            Resource::Catalogue,
            &[
                "acerta staff",
                "acerta admin",
                "ucm admin",
                "unizo staff",
                "unizo admin",
                "inasti moderator",
                "platform admin",
                "inasti auditor",
            ],
        );
        check(
            Action::ResolveReports,
            Resource::Catalogue,
            &["inasti moderator"],
        );
    }

    #[test]
    fn the_organisation_a_decision_went_against_appeals_and_another_moderator_decides() {
        check(
            Action::AppealDecision,
            Resource::Appellant {
                organisation_id: ACERTA,
            },
            &["acerta staff", "acerta admin"],
        );
        let by_them = Resource::Appeal {
            decided_by: 100,
            owner_id: ACERTA,
            owner_is_inasti: false,
            appellant_id: 8,
        };
        check(Action::DecideAppeal, by_them, &[]);
        let by_another = Resource::Appeal {
            decided_by: 7,
            owner_id: ACERTA,
            owner_is_inasti: false,
            appellant_id: 8,
        };
        check(Action::DecideAppeal, by_another, &["inasti moderator"]);
        // A moderator never decides their own appeal.
        let their_own = Resource::Appeal {
            decided_by: 7,
            owner_id: ACERTA,
            owner_is_inasti: false,
            appellant_id: 100,
        };
        check(Action::DecideAppeal, their_own, &[]);
        check(
            Action::DecideAppeal,
            Resource::Catalogue,
            &["inasti moderator"],
        );
    }

    #[test]
    fn the_moderation_queue_is_for_moderators() {
        check(
            Action::ReadModerationQueue,
            Resource::Catalogue,
            &["inasti moderator"],
        );
    }

    fn tool(latest: Visibility, published: Option<Visibility>, lifecycle: Lifecycle) -> Tool {
        use crate::tool::{RevisionStatus, ToolStatus};
        let now = chrono::DateTime::UNIX_EPOCH;
        Tool {
            id: 1,
            owner_id: ACERTA,
            created_at: now,
            updated_at: now,
            lifecycle,
            status: ToolStatus::Draft,
            latest_revision: 2,
            latest_status: RevisionStatus::Draft,
            latest_visibility: latest,
            published_revision: published.map(|_| 1),
            published_visibility: published,
            submitted_at: None,
            reviewed_at: None,
        }
    }

    fn shown_to_each(t: &Tool) -> Vec<(&'static str, Option<Shown>)> {
        callers()
            .into_iter()
            .map(|(name, a)| (name, ToolScope::of(a.as_ref()).shown(t)))
            .collect()
    }

    #[test]
    fn unpublished_tools_are_for_the_owner_and_moderators() {
        use Shown::*;
        let t = tool(Visibility::Public, None, Lifecycle::Active);
        let expected = [
            ("anonymous", None),
            ("acerta staff", Some(Latest)),
            ("acerta admin", Some(Latest)),
            ("ucm admin", None),
            ("unizo staff", None),
            ("unizo admin", None),
            ("inasti moderator", Some(Latest)),
            ("platform admin", None),
            ("inasti auditor", None),
        ];
        assert_eq!(shown_to_each(&t), expected);
    }

    #[test]
    fn organisation_tools_never_leave_the_owner() {
        let t = tool(Visibility::Organisation, None, Lifecycle::Active);
        let seen: Vec<_> = shown_to_each(&t)
            .into_iter()
            .filter(|(_, s)| s.is_some())
            .map(|(n, _)| n)
            .collect();
        assert_eq!(seen, ["acerta staff", "acerta admin"]);
    }

    #[test]
    fn network_tools_are_for_signed_in_callers_and_public_ones_for_all() {
        let network = tool(
            Visibility::Network,
            Some(Visibility::Network),
            Lifecycle::Active,
        );
        let shown = shown_to_each(&network);
        assert_eq!(shown[0], ("anonymous", None));
        assert!(shown[1..].iter().all(|(_, s)| s.is_some()));
        assert_eq!(shown[3], ("ucm admin", Some(Shown::Published)));
        let public = tool(
            Visibility::Public,
            Some(Visibility::Public),
            Lifecycle::Archived,
        );
        assert!(shown_to_each(&public).iter().all(|(_, s)| s.is_some()));
    }

    #[test]
    fn withdrawn_tools_are_for_the_owner_and_moderators() {
        let t = tool(
            Visibility::Public,
            Some(Visibility::Public),
            Lifecycle::Withdrawn,
        );
        let seen: Vec<_> = shown_to_each(&t)
            .into_iter()
            .filter(|(_, s)| s.is_some())
            .map(|(n, _)| n)
            .collect();
        assert_eq!(seen, ["acerta staff", "acerta admin", "inasti moderator"]);
    }

    const STAFF_AND_ADMINS: &[&str] = &[
        "acerta staff",
        "acerta admin",
        "ucm admin",
        "unizo staff",
        "unizo admin",
    ];
    const ADMINS: &[&str] = &["acerta admin", "ucm admin", "unizo admin"];

    #[test]
    fn caisses_and_partners_propose_collaborations() {
        check(
            Action::ProposeCollaboration,
            Resource::Collaborations,
            STAFF_AND_ADMINS,
        );
    }

    #[test]
    fn proposals_are_for_their_parties_and_inasti() {
        use ProposalParty::*;
        let all = [
            STAFF_AND_ADMINS,
            &["inasti moderator", "platform admin", "inasti auditor"],
        ]
        .concat();
        for party in [Proposer, Target] {
            check(Action::ReadProposal, Resource::Proposal { party }, &all);
            check(
                Action::PostProposalMessage,
                Resource::Proposal { party },
                STAFF_AND_ADMINS,
            );
        }
        let outsider = Resource::Proposal { party: Outsider };
        check(
            Action::ReadProposal,
            outsider,
            &["inasti moderator", "platform admin", "inasti auditor"],
        );
        check(Action::PostProposalMessage, outsider, &[]);
    }

    #[test]
    fn targets_respond_and_proposers_withdraw() {
        use ProposalParty::*;
        for (action, party) in [
            (Action::RespondToProposal, Target),
            (Action::WithdrawProposal, Proposer),
        ] {
            check(action, Resource::Proposal { party }, STAFF_AND_ADMINS);
            for other in [Proposer, Target, Outsider]
                .into_iter()
                .filter(|p| *p != party)
            {
                check(action, Resource::Proposal { party: other }, &[]);
            }
        }
    }

    #[test]
    fn the_responsible_caisse_manages_its_joint_service_and_its_admins_transfer_it() {
        use ServiceRelation::*;
        let all = [
            STAFF_AND_ADMINS,
            &["inasti moderator", "platform admin", "inasti auditor"],
        ]
        .concat();
        for relation in [Responsible, Participant, FormerlyResponsible, Receiving] {
            check(
                Action::ReadJointService,
                Resource::JointService { relation },
                &all,
            );
        }
        check(
            Action::ReadJointService,
            Resource::JointService { relation: Outsider },
            &["inasti moderator", "platform admin", "inasti auditor"],
        );
        let responsible = Resource::JointService {
            relation: Responsible,
        };
        check(Action::ManageJointService, responsible, STAFF_AND_ADMINS);
        check(Action::ProposeTransfer, responsible, ADMINS);
        for relation in [Participant, FormerlyResponsible, Receiving, Outsider] {
            let r = Resource::JointService { relation };
            check(Action::ManageJointService, r, &[]);
            check(Action::ProposeTransfer, r, &[]);
        }
    }

    #[test]
    fn the_receiving_admin_accepts_and_either_side_cancels() {
        use TransferSide::*;
        check(
            Action::AcceptTransfer,
            Resource::Transfer { side: Receiving },
            ADMINS,
        );
        check(
            Action::AcceptTransfer,
            Resource::Transfer { side: Giving },
            &[],
        );
        check(
            Action::AcceptTransfer,
            Resource::Transfer { side: Outsider },
            &[],
        );
        for side in [Giving, Receiving] {
            check(Action::CancelTransfer, Resource::Transfer { side }, ADMINS);
        }
        check(
            Action::CancelTransfer,
            Resource::Transfer { side: Outsider },
            &[],
        );
    }

    #[test]
    fn inasti_officers_read_the_search_synonyms_and_moderators_edit_them() {
        check(
            Action::ReadSearchSynonyms,
            Resource::Catalogue,
            &["inasti moderator", "platform admin", "inasti auditor"],
        );
        check(
            Action::EditSearchSynonyms,
            Resource::Catalogue,
            &["inasti moderator"],
        );
    }

    #[test]
    fn a_caisse_reads_its_own_affiliate_counts_and_inasti_every_one() {
        check(
            Action::ReadAffiliateCounts,
            ACERTA_ORG,
            &[
                "acerta staff",
                "acerta admin",
                "inasti moderator",
                "platform admin",
                "inasti auditor",
            ],
        );
        check(Action::ReadAffiliateCounts, UNIZO_ORG, &[]);
    }

    #[test]
    fn auditors_and_platform_admins_read_the_audit_log() {
        check(
            Action::ReadAuditLog,
            Resource::Platform,
            &["platform admin", "inasti auditor"],
        );
    }

    #[test]
    fn platform_admins_set_the_legal_frame() {
        check(
            Action::SetLegalFrame,
            Resource::Platform,
            &["platform admin"],
        );
        check(Action::SetLegalFrame, Resource::Catalogue, &[]);
    }

    #[test]
    fn inasti_exports_every_record_and_a_caisse_admin_its_own() {
        check(
            Action::ExportResponsibilityRecord,
            Resource::Platform,
            &["inasti moderator", "platform admin", "inasti auditor"],
        );
        check(
            Action::ExportResponsibilityRecord,
            ACERTA_ORG,
            &[
                "acerta admin",
                "inasti moderator",
                "platform admin",
                "inasti auditor",
            ],
        );
        check(Action::ExportResponsibilityRecord, UNIZO_ORG, &[]);
    }

    #[test]
    fn actions_on_the_wrong_kind_of_resource_are_refused() {
        check(Action::RegisterOrganisation, ACERTA_ORG, &[]);
        check(Action::SetAffiliateCount, Resource::Catalogue, &[]);
        check(Action::SubmitActivityReport, Resource::Platform, &[]);
        check(Action::RecordServiceOffering, Resource::Platform, &[]);
    }
}
