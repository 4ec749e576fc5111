use sea_orm_migration::prelude::*;

use crate::Organisations;

/// INASTI exists from the first start: platform admins and moderators belong to it, and it is
/// the one organisation nobody can register. Its profile is editable like any other.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let now = Expr::current_timestamp();
        let mut insert = Query::insert();
        insert
            .into_table(Organisations::Table)
            .columns([
                Organisations::Slug,
                Organisations::Kind,
                Organisations::NameFr,
                Organisations::NameNl,
                Organisations::NameDe,
                Organisations::NameEn,
                Organisations::EnterpriseNumber,
                Organisations::Website,
                Organisations::CreatedAt,
                Organisations::UpdatedAt,
            ])
            .values([
                "inasti".into(),
                "INASTI".into(),
                "Institut national d'assurances sociales pour travailleurs indépendants".into(),
                "Rijksinstituut voor de sociale verzekeringen der zelfstandigen".into(),
                "Landesinstitut der Sozialversicherungen für Selbständige".into(),
                "National Institute for the Social Security of the Self-employed".into(),
                "0208005612".into(),
                "https://www.inasti.be".into(),
                now.clone(),
                now,
            ])
            .map_err(|e| DbErr::Migration(e.to_string()))?;
        manager.execute(insert).await
    }
}
