//! Affiliate counts are INASTI's data: platform admins set each caisse's principal affiliates on
//! 31 December of a year that has ended (of which primo-starters and helping spouses), many
//! caisses at once or from a CSV file. A call is all or nothing; every figure is kept in the
//! history with who set it and when, and audited.

use std::collections::{BTreeSet, HashMap};

use chrono::Datelike;
use serde_json::json;

use crate::{Context, ServiceError, ServiceResult, authorise};
use commons_domain::identity::Actor;
use commons_domain::organisation::{
    self as org, AffiliateCount, MAX_AFFILIATE_COUNTS_PER_CALL, OrganisationKind,
};
use commons_domain::policy::{Action, Resource};
use commons_domain::validation::{FieldError, FieldErrorCode, Validator};
use commons_store::{audit, begin_write};

/// An import file holds at most this many bytes.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024;

/// One caisse's figures as a platform admin enters them.
#[derive(Clone, Debug)]
pub struct Figures {
    pub organisation_id: i64,
    pub principal: i64,
    pub primo_starters: i64,
    pub helping_spouses: i64,
}

/// Sets the figures of many caisses on 31 December of `year`; returns them as recorded.
pub async fn set(
    ctx: &Context,
    actor: Option<&Actor>,
    year: i32,
    figures: Vec<Figures>,
) -> ServiceResult<Vec<AffiliateCount>> {
    let actor = authorise(actor, Action::SetAffiliateCount, Resource::Platform)?;
    let now = ctx.now();
    let mut v = Validator::new();
    if figures.is_empty() {
        v.push(FieldError::new(
            &["counts"],
            FieldErrorCode::Required,
            "give at least one caisse's figures",
        ));
    }
    if figures.len() > MAX_AFFILIATE_COUNTS_PER_CALL {
        v.push(FieldError::new(
            &["counts"],
            FieldErrorCode::TooLong,
            format!("at most {MAX_AFFILIATE_COUNTS_PER_CALL} caisses in one call"),
        ));
        return Err(v.finish().err().unwrap_or_default().into());
    }
    let ids: Vec<i64> = figures.iter().map(|f| f.organisation_id).collect();
    let known: HashMap<i64, OrganisationKind> =
        commons_store::organisations::find_by_ids(&ctx.db, &ids)
            .await?
            .into_iter()
            .map(|o| (o.id, o.kind))
            .collect();
    let mut seen = BTreeSet::new();
    for (i, f) in figures.iter().enumerate() {
        let index = i.to_string();
        let at = ["counts", index.as_str(), "organisationId"];
        match known.get(&f.organisation_id) {
            None => v.push(FieldError::new(
                &at,
                FieldErrorCode::NotFound,
                "no such organisation",
            )),
            Some(kind) if *kind != OrganisationKind::Caisse => {
                v.push(FieldError::new(
                    &at,
                    FieldErrorCode::NotAllowed,
                    "only caisses have affiliate counts",
                ));
            }
            Some(_) => {}
        }
        if !seen.insert(f.organisation_id) {
            v.push(FieldError::new(
                &at,
                FieldErrorCode::Duplicate,
                "this caisse is named twice",
            ));
        }
        if let Err(errors) = org::validate_affiliate_count(
            &["counts", &index],
            year,
            (f.principal, f.primo_starters, f.helping_spouses),
            now.year(),
        ) {
            for e in errors {
                // The year is one for the whole call: say it once, on the call's own field.
                if e.field.last().is_some_and(|f| f == "year") {
                    if i == 0 {
                        v.push(FieldError {
                            field: vec!["year".into()],
                            ..e
                        });
                    }
                } else {
                    v.push(e);
                }
            }
        }
    }
    v.finish()?;

    let records: Vec<AffiliateCount> = figures
        .iter()
        .map(|f| AffiliateCount {
            organisation_id: f.organisation_id,
            year,
            count: f.principal,
            primo_starters: f.primo_starters,
            helping_spouses: f.helping_spouses,
            recorded_by: Some(actor.user_id),
            recorded_at: now,
        })
        .collect();
    let txn = begin_write(&ctx.db).await?;
    for record in &records {
        commons_store::organisations::upsert_affiliate_count(&txn, record).await?;
        audit::record(
            &txn,
            audit::Change {
                actor: Some(actor),
                action: "organisation.affiliate_count_set",
                subject_type: "organisation",
                subject_id: record.organisation_id,
                details: json!({
                    "year": year,
                    "principal": record.count,
                    "primoStarters": record.primo_starters,
                    "helpingSpouses": record.helping_spouses,
                }),
            },
            now,
        )
        .await?;
    }
    ctx.commit(txn).await?;
    Ok(records)
}

/// Reads an import file: a header row `caisse,principal,primo_starters,helping_spouses`, then
/// one row per caisse, the caisse named by its slug or its enterprise number. Errors name the
/// line and the column, under `csv`.
pub async fn import(
    ctx: &Context,
    actor: Option<&Actor>,
    year: i32,
    csv_text: &str,
) -> ServiceResult<Vec<AffiliateCount>> {
    authorise(actor, Action::SetAffiliateCount, Resource::Platform)?;
    if csv_text.len() > MAX_IMPORT_BYTES {
        return Err(FieldError::new(
            &["csv"],
            FieldErrorCode::TooLong,
            format!("an import holds at most {MAX_IMPORT_BYTES} bytes"),
        )
        .into());
    }
    let rows = parse_import(csv_text)?;
    let mut v = Validator::new();
    let mut figures = Vec::with_capacity(rows.len());
    let lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
    for row in rows {
        let found = match row
            .caisse
            .parse::<commons_domain::enterprise_number::EnterpriseNumber>()
        {
            Ok(number) => {
                commons_store::organisations::find_by_enterprise_number(&ctx.db, &number).await?
            }
            Err(_) => commons_store::organisations::find_by_slug(&ctx.db, &row.caisse).await?,
        };
        match found {
            Some(o) => figures.push(Figures {
                organisation_id: o.id,
                principal: row.principal,
                primo_starters: row.primo_starters,
                helping_spouses: row.helping_spouses,
            }),
            None => v.push(FieldError::new(
                &["csv", &format!("line {}", row.line), "caisse"],
                FieldErrorCode::NotFound,
                format!(
                    "no organisation with slug or enterprise number {:?}",
                    row.caisse
                ),
            )),
        }
    }
    v.finish()?;
    set(ctx, actor, year, figures).await.map_err(|e| match e {
        // Point a row's error at its line rather than its place in the call.
        ServiceError::Invalid(errors) => ServiceError::Invalid(
            errors
                .into_iter()
                .map(|mut e| {
                    if e.field.first().is_some_and(|f| f == "counts")
                        && let Some(i) = e.field.get(1).and_then(|i| i.parse::<usize>().ok())
                    {
                        let column = e.field.get(2).cloned().unwrap_or_default();
                        let line = lines.get(i).copied().unwrap_or(i + 2);
                        e.field = vec!["csv".into(), format!("line {line}"), column];
                    }
                    e
                })
                .collect(),
        ),
        other => other,
    })
}

struct ImportRow {
    line: usize,
    caisse: String,
    principal: i64,
    primo_starters: i64,
    helping_spouses: i64,
}

const IMPORT_COLUMNS: [&str; 4] = ["caisse", "principal", "primo_starters", "helping_spouses"];

fn parse_import(text: &str) -> Result<Vec<ImportRow>, ServiceError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header_error = || {
        FieldError::new(
            &["csv", "line 1"],
            FieldErrorCode::InvalidFormat,
            format!(
                "the first row names the columns: {}",
                IMPORT_COLUMNS.join(",")
            ),
        )
    };
    let headers = reader.headers().map_err(|_| header_error())?;
    if headers.iter().collect::<Vec<_>>() != IMPORT_COLUMNS {
        return Err(header_error().into());
    }
    let mut v = Validator::new();
    let mut rows = Vec::new();
    for record in reader.records() {
        let line = match &record {
            Ok(r) => r.position().map_or(0, |p| p.line() as usize),
            Err(e) => e.position().map_or(0, |p| p.line() as usize),
        };
        let at = format!("line {line}");
        if rows.len() >= MAX_AFFILIATE_COUNTS_PER_CALL {
            return Err(FieldError::new(
                &["csv"],
                FieldErrorCode::TooLong,
                format!("at most {MAX_AFFILIATE_COUNTS_PER_CALL} caisses in one import"),
            )
            .into());
        }
        let record = match record {
            Ok(r) if r.len() == IMPORT_COLUMNS.len() => r,
            _ => {
                v.push(FieldError::new(
                    &["csv", &at],
                    FieldErrorCode::InvalidFormat,
                    format!("a row has {} cells", IMPORT_COLUMNS.len()),
                ));
                continue;
            }
        };
        let mut number = |column: usize| -> Option<i64> {
            let cell = record.get(column).unwrap_or_default();
            match cell.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    v.push(FieldError::new(
                        &["csv", &at, IMPORT_COLUMNS[column]],
                        FieldErrorCode::InvalidFormat,
                        "a whole number",
                    ));
                    None
                }
            }
        };
        let (principal, primo, spouses) = (number(1), number(2), number(3));
        if let (Some(principal), Some(primo_starters), Some(helping_spouses)) =
            (principal, primo, spouses)
        {
            rows.push(ImportRow {
                line,
                caisse: record.get(0).unwrap_or_default().to_owned(),
                principal,
                primo_starters,
                helping_spouses,
            });
        }
    }
    v.finish()?;
    Ok(rows)
}
