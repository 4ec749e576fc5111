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
mod m20261126_000011_create_collaboration_proposals;
mod m20261126_000012_create_joint_services;
mod m20261126_000013_create_responsibility_entries;
mod m20261126_000014_create_responsibility_transfers;
mod m20261126_000015_create_attachments;
mod m20261130_000016_create_search_synonyms;
mod m20261201_000017_add_organisation_version;
mod m20261201_000018_create_legal_frames;
mod m20261201_000019_create_service_offerings;
mod m20261201_000020_add_affiliate_count_breakdown;
mod m20261201_000021_create_funding_parameters;
mod m20261201_000022_create_activity_reports;
mod m20261201_000023_create_adoptions;
mod m20261201_000024_create_reviews;
mod m20261201_000025_create_collections;
mod m20261201_000026_create_follows;
mod m20261201_000027_create_notifications;
mod m20261202_000028_create_replicas_and_duties;
mod m20261203_000029_create_web_sessions;
mod m20261207_000030_add_tool_review;
mod m20261207_000031_create_content_reports;
mod m20261207_000032_create_appeals;
mod m20261207_000033_create_translation_offers;
mod m20261207_000034_add_message_reports;
mod m20261207_000035_create_mail;
mod m20261207_000036_create_evaluations;

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
            Box::new(m20261126_000011_create_collaboration_proposals::Migration),
            Box::new(m20261126_000012_create_joint_services::Migration),
            Box::new(m20261126_000013_create_responsibility_entries::Migration),
            Box::new(m20261126_000014_create_responsibility_transfers::Migration),
            Box::new(m20261126_000015_create_attachments::Migration),
            Box::new(m20261130_000016_create_search_synonyms::Migration),
            Box::new(m20261201_000017_add_organisation_version::Migration),
            Box::new(m20261201_000018_create_legal_frames::Migration),
            Box::new(m20261201_000019_create_service_offerings::Migration),
            Box::new(m20261201_000020_add_affiliate_count_breakdown::Migration),
            Box::new(m20261201_000021_create_funding_parameters::Migration),
            Box::new(m20261201_000022_create_activity_reports::Migration),
            Box::new(m20261201_000023_create_adoptions::Migration),
            Box::new(m20261201_000024_create_reviews::Migration),
            Box::new(m20261201_000025_create_collections::Migration),
            Box::new(m20261201_000026_create_follows::Migration),
            Box::new(m20261201_000027_create_notifications::Migration),
            Box::new(m20261202_000028_create_replicas_and_duties::Migration),
            Box::new(m20261203_000029_create_web_sessions::Migration),
            Box::new(m20261207_000030_add_tool_review::Migration),
            Box::new(m20261207_000031_create_content_reports::Migration),
            Box::new(m20261207_000032_create_appeals::Migration),
            Box::new(m20261207_000033_create_translation_offers::Migration),
            Box::new(m20261207_000034_add_message_reports::Migration),
            Box::new(m20261207_000035_create_mail::Migration),
            Box::new(m20261207_000036_create_evaluations::Migration),
        ]
    }
}

/// A foreign key whose target cannot be deleted while referenced: Commons keeps history.
pub(crate) fn restrict(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
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
