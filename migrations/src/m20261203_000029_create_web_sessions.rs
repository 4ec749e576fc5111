use sea_orm_migration::{prelude::*, schema::*};

/// Sessions of people signed in to the web pages. The cookie holds a random secret; the row is
/// keyed by its SHA-256, so reading the table gives nobody a session. Every replica reads the
/// same rows: no replica holds a session another needs.
#[derive(DeriveIden)]
enum WebSessions {
    Table,
    Id,
    Subject,
    OrganisationSlug,
    Roles,
    Name,
    Email,
    CsrfToken,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WebSessions::Table)
                    .col(string_len(WebSessions::Id, 64).primary_key())
                    .col(string_len(WebSessions::Subject, 255))
                    .col(string_len(WebSessions::OrganisationSlug, 64))
                    // The roles, space-separated as in a token's `roles` claim.
                    .col(string_len(WebSessions::Roles, 255))
                    .col(string_len_null(WebSessions::Name, 255))
                    .col(string_len_null(WebSessions::Email, 255))
                    .col(string_len(WebSessions::CsrfToken, 64))
                    .col(timestamp_with_time_zone(WebSessions::CreatedAt))
                    .col(timestamp_with_time_zone(WebSessions::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("web_sessions_expires_at")
                    .table(WebSessions::Table)
                    .col(WebSessions::ExpiresAt)
                    .to_owned(),
            )
            .await
    }
}
