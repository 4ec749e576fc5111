use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entity::{affiliate_count, affiliate_count_change, organisation};
use commons_domain::enterprise_number::EnterpriseNumber;
use commons_domain::lang::{Lang, LocalisedText};
use commons_domain::organisation::{AffiliateCount, Organisation, OrganisationKind};

fn to_domain(m: organisation::Model) -> Result<Organisation, DbErr> {
    let kind = m
        .kind
        .parse::<OrganisationKind>()
        .map_err(|e| DbErr::Type(format!("organisation {}: {e}", m.id)))?;
    let names = [
        (Lang::Fr, m.name_fr),
        (Lang::Nl, m.name_nl),
        (Lang::De, m.name_de),
        (Lang::En, m.name_en),
    ]
    .into_iter()
    .filter_map(|(lang, name)| name.map(|n| (lang, n)))
    .collect();
    Ok(Organisation {
        id: m.id,
        slug: m.slug,
        kind,
        names,
        enterprise_number: EnterpriseNumber::from_stored(m.enterprise_number),
        website: m.website,
        contact_email: m.contact_email,
        created_at: m.created_at,
        updated_at: m.updated_at,
        version: m.version,
    })
}

fn set_names(am: &mut organisation::ActiveModel, names: &LocalisedText) {
    am.name_fr = Set(names.exact(Lang::Fr).map(str::to_owned));
    am.name_nl = Set(names.exact(Lang::Nl).map(str::to_owned));
    am.name_de = Set(names.exact(Lang::De).map(str::to_owned));
    am.name_en = Set(names.exact(Lang::En).map(str::to_owned));
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<Organisation>, DbErr> {
    organisation::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

pub async fn find_by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<Organisation>, DbErr> {
    organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<Organisation>, DbErr> {
    organisation::Entity::find()
        .filter(organisation::Column::Slug.eq(slug))
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

pub async fn find_by_enterprise_number(
    db: &impl ConnectionTrait,
    number: &EnterpriseNumber,
) -> Result<Option<Organisation>, DbErr> {
    organisation::Entity::find()
        .filter(organisation::Column::EnterpriseNumber.eq(number.digits()))
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

/// One page of organisations in slug order, after the given slug; `limit` rows at most.
pub async fn list(
    db: &impl ConnectionTrait,
    kind: Option<OrganisationKind>,
    after_slug: Option<&str>,
    limit: u64,
) -> Result<Vec<Organisation>, DbErr> {
    let mut query = organisation::Entity::find().order_by_asc(organisation::Column::Slug);
    if let Some(kind) = kind {
        query = query.filter(organisation::Column::Kind.eq(kind.as_str()));
    }
    if let Some(after) = after_slug {
        query = query.filter(organisation::Column::Slug.gt(after));
    }
    query
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

pub async fn count(
    db: &impl ConnectionTrait,
    kind: Option<OrganisationKind>,
) -> Result<u64, DbErr> {
    let mut query = organisation::Entity::find();
    if let Some(kind) = kind {
        query = query.filter(organisation::Column::Kind.eq(kind.as_str()));
    }
    query.count(db).await
}

pub struct NewOrganisation<'a> {
    pub slug: &'a str,
    pub kind: OrganisationKind,
    pub names: &'a LocalisedText,
    pub enterprise_number: &'a EnterpriseNumber,
    pub website: Option<&'a str>,
    pub contact_email: Option<&'a str>,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewOrganisation<'_>,
    now: DateTime<Utc>,
) -> Result<Organisation, DbErr> {
    let mut am = organisation::ActiveModel {
        slug: Set(new.slug.to_owned()),
        kind: Set(new.kind.as_str().to_owned()),
        enterprise_number: Set(new.enterprise_number.digits().to_owned()),
        website: Set(new.website.map(str::to_owned)),
        contact_email: Set(new.contact_email.map(str::to_owned)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    set_names(&mut am, new.names);
    to_domain(am.insert(db).await?)
}

/// Writes the organisation's editable profile as it now is.
/// Writes the profile if the stored one is still at `org.version`, raising the version;
/// `None` when another change got there first (one conditional write, so that of two admins
/// editing at once one wins and the other is told, on SQLite and on PostgreSQL alike).
pub async fn update_profile(
    db: &impl ConnectionTrait,
    org: &Organisation,
    now: DateTime<Utc>,
) -> Result<Option<Organisation>, DbErr> {
    let names = |lang: Lang| org.names.exact(lang).map(str::to_owned);
    let written = organisation::Entity::update_many()
        .col_expr(
            organisation::Column::EnterpriseNumber,
            Expr::value(org.enterprise_number.digits().to_owned()),
        )
        .col_expr(
            organisation::Column::Website,
            Expr::value(org.website.clone()),
        )
        .col_expr(
            organisation::Column::ContactEmail,
            Expr::value(org.contact_email.clone()),
        )
        .col_expr(organisation::Column::NameFr, Expr::value(names(Lang::Fr)))
        .col_expr(organisation::Column::NameNl, Expr::value(names(Lang::Nl)))
        .col_expr(organisation::Column::NameDe, Expr::value(names(Lang::De)))
        .col_expr(organisation::Column::NameEn, Expr::value(names(Lang::En)))
        .col_expr(organisation::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            organisation::Column::Version,
            Expr::col(organisation::Column::Version).add(1),
        )
        .filter(organisation::Column::Id.eq(org.id))
        .filter(organisation::Column::Version.eq(org.version))
        .exec(db)
        .await?;
    if written.rows_affected == 0 {
        return Ok(None);
    }
    organisation::Entity::find_by_id(org.id)
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

fn count_from(m: affiliate_count::Model) -> AffiliateCount {
    AffiliateCount {
        organisation_id: m.organisation_id,
        year: m.year,
        count: m.count,
        primo_starters: m.primo_starters,
        helping_spouses: m.helping_spouses,
        recorded_by: m.recorded_by,
        recorded_at: m.recorded_at,
    }
}

/// The figures in force, one per year, oldest first.
pub async fn affiliate_counts(
    db: &impl ConnectionTrait,
    organisation_id: i64,
) -> Result<Vec<AffiliateCount>, DbErr> {
    Ok(affiliate_count::Entity::find()
        .filter(affiliate_count::Column::OrganisationId.eq(organisation_id))
        .order_by_asc(affiliate_count::Column::Year)
        .all(db)
        .await?
        .into_iter()
        .map(count_from)
        .collect())
}

/// Every caisse's figure on 31 December of `year`.
pub async fn affiliate_counts_of_year(
    db: &impl ConnectionTrait,
    year: i32,
) -> Result<Vec<AffiliateCount>, DbErr> {
    Ok(affiliate_count::Entity::find()
        .filter(affiliate_count::Column::Year.eq(year))
        .order_by_asc(affiliate_count::Column::OrganisationId)
        .all(db)
        .await?
        .into_iter()
        .map(count_from)
        .collect())
}

/// Every change ever made to the caisse's figures, newest first.
pub async fn affiliate_count_history(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    limit: u64,
) -> Result<Vec<AffiliateCount>, DbErr> {
    Ok(affiliate_count_change::Entity::find()
        .filter(affiliate_count_change::Column::OrganisationId.eq(organisation_id))
        .order_by_desc(affiliate_count_change::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|m| AffiliateCount {
            organisation_id: m.organisation_id,
            year: m.year,
            count: m.count,
            primo_starters: m.primo_starters,
            helping_spouses: m.helping_spouses,
            recorded_by: m.recorded_by,
            recorded_at: m.recorded_at,
        })
        .collect())
}

/// Records the figure for a year, replacing an earlier figure for the same year; the change is
/// kept in the history.
pub async fn upsert_affiliate_count(
    db: &impl ConnectionTrait,
    count: &AffiliateCount,
) -> Result<(), DbErr> {
    let am = affiliate_count::ActiveModel {
        organisation_id: Set(count.organisation_id),
        year: Set(count.year),
        count: Set(count.count),
        primo_starters: Set(count.primo_starters),
        helping_spouses: Set(count.helping_spouses),
        recorded_by: Set(count.recorded_by),
        recorded_at: Set(count.recorded_at),
    };
    affiliate_count::Entity::insert(am)
        .on_conflict(
            OnConflict::columns([
                affiliate_count::Column::OrganisationId,
                affiliate_count::Column::Year,
            ])
            .update_columns([
                affiliate_count::Column::Count,
                affiliate_count::Column::PrimoStarters,
                affiliate_count::Column::HelpingSpouses,
                affiliate_count::Column::RecordedBy,
                affiliate_count::Column::RecordedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    affiliate_count_change::ActiveModel {
        organisation_id: Set(count.organisation_id),
        year: Set(count.year),
        count: Set(count.count),
        primo_starters: Set(count.primo_starters),
        helping_spouses: Set(count.helping_spouses),
        recorded_by: Set(count.recorded_by),
        recorded_at: Set(count.recorded_at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
