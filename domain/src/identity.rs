use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use super::organisation::OrganisationKind;

/// What a person may do within their organisation, as their token says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Staff,
    OrgAdmin,
    Moderator,
    PlatformAdmin,
    /// INASTI's external audit service: reads what the audit needs, never writes.
    Auditor,
    /// A member of the CGG: reads the published evaluations and records the committee's advice.
    CggMember,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Staff,
        Role::OrgAdmin,
        Role::Moderator,
        Role::PlatformAdmin,
        Role::Auditor,
        Role::CggMember,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Staff => "STAFF",
            Role::OrgAdmin => "ORG_ADMIN",
            Role::Moderator => "MODERATOR",
            Role::PlatformAdmin => "PLATFORM_ADMIN",
            Role::Auditor => "AUDITOR",
            Role::CggMember => "CGG_MEMBER",
        }
    }

    /// Moderators, platform admins and auditors are INASTI's; CGG members the committee's,
    /// which has nobody else (it publishes and adopts nothing); staff and admins exist in
    /// every other organisation.
    pub fn fits(self, kind: OrganisationKind) -> bool {
        match self {
            Role::CggMember => kind == OrganisationKind::Committee,
            Role::Staff | Role::OrgAdmin => kind != OrganisationKind::Committee,
            Role::Moderator | Role::PlatformAdmin | Role::Auditor => {
                kind == OrganisationKind::Inasti
            }
        }
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown role {s}"))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A signed-in person acting for their organisation. Anonymous callers have no Actor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub organisation_id: i64,
    pub organisation_kind: OrganisationKind,
    pub roles: BTreeSet<Role>,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn belongs_to(&self, organisation_id: i64) -> bool {
        self.organisation_id == organisation_id
    }
}

/// A person known to Commons, recorded on their first authenticated request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub organisation_id: i64,
    pub subject: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Who a verified token says the caller is, before Commons has checked it against its records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub subject: String,
    pub organisation_slug: String,
    pub roles: Vec<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    /// The provider vouches for `email` (`email_verified`): mail may go to it unconfirmed.
    pub email_verified: bool,
}
