use sea_orm_migration::{prelude::*, schema::*};

use crate::{Organisations, Users, restrict};

/// Translations by peers: a tool's organisation asks for translations into languages it lacks
/// (`translation_requests`); another organisation offers one (`translation_offers`), which the
/// owner accepts (a new revision, sent to moderation) or declines.
#[derive(DeriveIden)]
enum TranslationRequests {
    Table,
    ToolId,
    Lang,
    RequestedBy,
    RequestedAt,
}

#[derive(DeriveIden)]
enum TranslationOffers {
    Table,
    Id,
    ToolId,
    Lang,
    TranslatorOrganisationId,
    TranslatorId,
    Title,
    Summary,
    Body,
    CreatedAt,
    Status,
    Note,
    AnsweredBy,
    AnsweredAt,
    Revision,
}

#[derive(DeriveIden)]
enum Tools {
    Table,
    Id,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use TranslationRequests as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(big_integer(R::ToolId))
                    .col(string_len(R::Lang, 2))
                    .col(big_integer(R::RequestedBy))
                    .col(timestamp_with_time_zone(R::RequestedAt))
                    .primary_key(Index::create().col(R::ToolId).col(R::Lang))
                    .foreign_key(&mut restrict(
                        (R::Table, R::ToolId),
                        (Tools::Table, Tools::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (R::Table, R::RequestedBy),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("translation_requests_by_lang")
                    .table(R::Table)
                    .col(R::Lang)
                    .col(R::RequestedAt)
                    .to_owned(),
            )
            .await?;
        use TranslationOffers as O;
        manager
            .create_table(
                Table::create()
                    .table(O::Table)
                    .col(big_pk_auto(O::Id))
                    .col(big_integer(O::ToolId))
                    .col(string_len(O::Lang, 2))
                    .col(big_integer(O::TranslatorOrganisationId))
                    .col(big_integer(O::TranslatorId))
                    .col(text(O::Title))
                    .col(text(O::Summary))
                    .col(text(O::Body))
                    .col(timestamp_with_time_zone(O::CreatedAt))
                    .col(string_len(O::Status, 16))
                    .col(text_null(O::Note))
                    .col(big_integer_null(O::AnsweredBy))
                    .col(timestamp_with_time_zone_null(O::AnsweredAt))
                    .col(integer_null(O::Revision))
                    .foreign_key(&mut restrict(
                        (O::Table, O::ToolId),
                        (Tools::Table, Tools::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (O::Table, O::TranslatorOrganisationId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (O::Table, O::TranslatorId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // One open offer per organisation, tool and language.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX translation_offers_one_open \
                 ON translation_offers (tool_id, lang, translator_organisation_id) \
                 WHERE status = 'OPEN'",
            )
            .await?;
        Ok(())
    }
}
