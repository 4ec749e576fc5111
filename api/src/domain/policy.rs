//! Who may do what to which resource: one place, plain functions, tested as a matrix.
//! Every service asks `can` before acting; nothing else decides access.

use super::identity::{Actor, Role};
use super::organisation::OrganisationKind;

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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    Platform,
    Organisation { id: i64, kind: OrganisationKind },
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
        (Action::SetAffiliateCount, Resource::Organisation { id, kind }) => {
            kind == OrganisationKind::Caisse
                && (platform_admin || (actor.has(Role::OrgAdmin) && actor.belongs_to(id)))
        }
        (Action::ReadOrganisationDetails, Resource::Organisation { .. }) => true,
        _ => false,
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
    fn affiliate_counts_are_set_for_caisses_only_by_their_admins_and_platform_admins() {
        check(
            Action::SetAffiliateCount,
            ACERTA_ORG,
            &["acerta admin", "platform admin"],
        );
        check(Action::SetAffiliateCount, UNIZO_ORG, &[]);
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
        ];
        check(
            Action::ReadOrganisationDetails,
            ACERTA_ORG,
            &everyone_signed_in,
        );
    }

    #[test]
    fn actions_on_the_wrong_kind_of_resource_are_refused() {
        check(Action::RegisterOrganisation, ACERTA_ORG, &[]);
        check(Action::SetAffiliateCount, Resource::Platform, &[]);
    }
}
