use sea_orm_migration::{prelude::*, schema::*};

use crate::{Users, restrict};

/// Notifications by e-mail. A person's address (one; from the identity provider's verified
/// claim or entered and confirmed), their delivery per kind of notification, and the outbox of
/// messages: each queued once (a unique key per notification, digest week or confirmation),
/// sent with retries and backoff by whichever replica holds the mail duty.
#[derive(DeriveIden)]
enum MailAddresses {
    Table,
    UserId,
    Address,
    Source,
    Lang,
    ConfirmedAt,
    ConfirmationTokenHash,
    ConfirmationSentAt,
    SuppressedAt,
    SuppressedReason,
    DigestSentAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MailPreferences {
    Table,
    UserId,
    Kind,
    Delivery,
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    Id,
    UserId,
    Address,
    Purpose,
    DedupeKey,
    Subject,
    BodyText,
    UnsubscribeUrl,
    Status,
    Attempts,
    NextAttemptAt,
    LastError,
    CreatedAt,
    SentAt,
}

/// How far the mail duty has read the notifications: when its last reading began (it reads
/// again a margin before, queuing idempotently, for what committed late).
#[derive(DeriveIden)]
enum MailCursor {
    Table,
    Name,
    ReadAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use MailAddresses as A;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(big_integer(A::UserId).primary_key())
                    .col(string_len(A::Address, 254))
                    .col(string_len(A::Source, 16))
                    .col(string_len(A::Lang, 2))
                    .col(timestamp_with_time_zone_null(A::ConfirmedAt))
                    .col(string_len_null(A::ConfirmationTokenHash, 64))
                    .col(timestamp_with_time_zone_null(A::ConfirmationSentAt))
                    .col(timestamp_with_time_zone_null(A::SuppressedAt))
                    .col(text_null(A::SuppressedReason))
                    .col(timestamp_with_time_zone_null(A::DigestSentAt))
                    .col(timestamp_with_time_zone(A::UpdatedAt))
                    .foreign_key(&mut restrict(
                        (A::Table, A::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        use MailPreferences as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(big_integer(P::UserId))
                    .col(string_len(P::Kind, 32))
                    .col(string_len(P::Delivery, 16))
                    .primary_key(Index::create().col(P::UserId).col(P::Kind))
                    .foreign_key(&mut restrict(
                        (P::Table, P::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        use MailOutbox as O;
        manager
            .create_table(
                Table::create()
                    .table(O::Table)
                    .col(big_pk_auto(O::Id))
                    .col(big_integer(O::UserId))
                    .col(string_len(O::Address, 254))
                    .col(string_len(O::Purpose, 16))
                    .col(string_len(O::DedupeKey, 80).unique_key())
                    .col(text(O::Subject))
                    .col(text(O::BodyText))
                    .col(text_null(O::UnsubscribeUrl))
                    .col(string_len(O::Status, 16))
                    .col(integer(O::Attempts))
                    .col(timestamp_with_time_zone(O::NextAttemptAt))
                    .col(text_null(O::LastError))
                    .col(timestamp_with_time_zone(O::CreatedAt))
                    .col(timestamp_with_time_zone_null(O::SentAt))
                    .foreign_key(&mut restrict(
                        (O::Table, O::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // What is due, oldest first; a person's messages of the last day, for their bound.
        db.execute_unprepared(
            "CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE status = 'PENDING'",
        )
        .await?;
        db.execute_unprepared("CREATE INDEX mail_outbox_by_user ON mail_outbox (user_id, sent_at)")
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MailCursor::Table)
                    .col(string_len(MailCursor::Name, 32).primary_key())
                    .col(timestamp_with_time_zone(MailCursor::ReadAt))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
