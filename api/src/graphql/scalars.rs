//! GraphQL enums and small shared types, mirroring the domain's own.

use async_graphql::{Enum, InputObject, SimpleObject};

use crate::domain::{identity, lang, organisation};

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "Lang")]
pub enum Lang {
    Fr,
    Nl,
    De,
    En,
}

impl From<Lang> for lang::Lang {
    fn from(l: Lang) -> Self {
        match l {
            Lang::Fr => lang::Lang::Fr,
            Lang::Nl => lang::Lang::Nl,
            Lang::De => lang::Lang::De,
            Lang::En => lang::Lang::En,
        }
    }
}

impl From<lang::Lang> for Lang {
    fn from(l: lang::Lang) -> Self {
        match l {
            lang::Lang::Fr => Lang::Fr,
            lang::Lang::Nl => Lang::Nl,
            lang::Lang::De => Lang::De,
            lang::Lang::En => Lang::En,
        }
    }
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "OrganisationKind")]
pub enum OrganisationKind {
    Caisse,
    Partner,
    Inasti,
}

impl From<OrganisationKind> for organisation::OrganisationKind {
    fn from(k: OrganisationKind) -> Self {
        match k {
            OrganisationKind::Caisse => organisation::OrganisationKind::Caisse,
            OrganisationKind::Partner => organisation::OrganisationKind::Partner,
            OrganisationKind::Inasti => organisation::OrganisationKind::Inasti,
        }
    }
}

impl From<organisation::OrganisationKind> for OrganisationKind {
    fn from(k: organisation::OrganisationKind) -> Self {
        match k {
            organisation::OrganisationKind::Caisse => OrganisationKind::Caisse,
            organisation::OrganisationKind::Partner => OrganisationKind::Partner,
            organisation::OrganisationKind::Inasti => OrganisationKind::Inasti,
        }
    }
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "Role")]
pub enum Role {
    Staff,
    OrgAdmin,
    Moderator,
    PlatformAdmin,
}

impl From<identity::Role> for Role {
    fn from(r: identity::Role) -> Self {
        match r {
            identity::Role::Staff => Role::Staff,
            identity::Role::OrgAdmin => Role::OrgAdmin,
            identity::Role::Moderator => Role::Moderator,
            identity::Role::PlatformAdmin => Role::PlatformAdmin,
        }
    }
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
