//! What the caller may start, asked of the policy, so that a client (the pages) offers an
//! action only to those the API would let do it. Nothing here decides anything the policy does
//! not: each answer is `policy::can` on the resource at hand.

use commons_domain::identity::Actor;
use commons_domain::policy::{Action, Resource, can};

/// What the signed-in caller may begin, whatever the item.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ViewerCapabilities {
    pub share_tool: bool,
    pub propose_collaboration: bool,
    pub start_joint_service: bool,
    pub moderate: bool,
}

pub fn of_viewer(actor: &Actor) -> ViewerCapabilities {
    let a = Some(actor);
    ViewerCapabilities {
        share_tool: can(a, Action::CreateTool, Resource::Catalogue),
        propose_collaboration: can(a, Action::ProposeCollaboration, Resource::Collaborations),
        start_joint_service: can(a, Action::StartJointService, Resource::Collaborations),
        moderate: can(a, Action::ReadModerationQueue, Resource::Catalogue),
    }
}

/// What the caller may do with one tool, by its owner.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ToolCapabilities {
    /// Edit, submit, attach files: the owner's work.
    pub edit: bool,
    pub adopt: bool,
    pub review: bool,
}

/// What the caller may do with a caisse's activity report of a year, whatever its status:
/// submit it (its admins) or review it (INASTI's moderators).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReportCapabilities {
    pub submit: bool,
    pub review: bool,
}

pub fn on_report(
    actor: Option<&Actor>,
    caisse: &commons_domain::organisation::Organisation,
) -> ReportCapabilities {
    let organisation = Resource::Organisation {
        id: caisse.id,
        kind: caisse.kind,
    };
    ReportCapabilities {
        submit: can(actor, Action::SubmitActivityReport, organisation),
        review: can(actor, Action::ReviewActivityReport, Resource::Platform),
    }
}

pub fn on_tool(actor: Option<&Actor>, owner_id: i64) -> ToolCapabilities {
    let tool = Resource::Tool { owner_id };
    ToolCapabilities {
        edit: can(actor, Action::EditTool, tool),
        adopt: can(actor, Action::AdoptTool, tool),
        review: can(actor, Action::ReviewTool, tool),
    }
}
