//! Forward-only migrations shared by SQLite and PostgreSQL. One file per change, named
//! `mYYYYMMDD_NNNNNN_<verb>_<table>.rs`; a migration once released is never edited.

pub use sea_orm_migration::prelude::*;

mod m20261126_000001_create_organisations;
mod m20261126_000002_create_users;
mod m20261126_000003_create_affiliate_counts;
mod m20261126_000004_create_audit_events;
mod m20261126_000005_create_outbox;
mod m20261126_000006_seed_organisations;
mod m20261126_000007_create_tools;
mod m20261126_000008_create_tool_revisions;
mod m20261126_000009_create_tool_translations;
mod m20261126_000010_create_moderation_decisions;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_create_organisations::Migration),
            Box::new(m20261126_000002_create_users::Migration),
            Box::new(m20261126_000003_create_affiliate_counts::Migration),
            Box::new(m20261126_000004_create_audit_events::Migration),
            Box::new(m20261126_000005_create_outbox::Migration),
            Box::new(m20261126_000006_seed_organisations::Migration),
            Box::new(m20261126_000007_create_tools::Migration),
            Box::new(m20261126_000008_create_tool_revisions::Migration),
            Box::new(m20261126_000009_create_tool_translations::Migration),
            Box::new(m20261126_000010_create_moderation_decisions::Migration),
        ]
    }
}

/// Identifiers shared by several migrations.
#[derive(DeriveIden)]
pub(crate) enum Organisations {
    Table,
    Id,
    Slug,
    Kind,
    NameFr,
    NameNl,
    NameDe,
    NameEn,
    EnterpriseNumber,
    Website,
    ContactEmail,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum Users {
    Table,
    Id,
}
