//! The yearly account as CSV files for INASTI: the overview of every caisse's year and the
//! funding allocation. Each opens with a header row; text cells a spreadsheet would take for
//! a formula are neutralised (see [`crate::export::inert`]); amounts are exact decimals.

use crate::export::inert;
use commons_domain::funding::Allocation;
use commons_domain::lang::Lang;
use commons_domain::organisation::Organisation;
use commons_domain::tool::ServiceCategory;
use commons_service::activity_reports::OverviewRow;

fn name(o: &Organisation) -> String {
    inert(
        o.names
            .get(Some(Lang::Fr))
            .map(|(_, n)| n.to_owned())
            .unwrap_or_default(),
    )
}

fn finish(writer: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, csv::Error> {
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

pub fn overview_csv(rows: &[OverviewRow]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "caisse_slug",
        "caisse_name",
        "enterprise_number",
        "compliant",
        "mandatory_missing",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    header.extend(
        ServiceCategory::ALL
            .iter()
            .map(|c| format!("offerings_{}", c.as_str().to_lowercase())),
    );
    header.extend(
        ["people_reached", "report_status", "funding_eur"]
            .iter()
            .map(|s| (*s).to_owned()),
    );
    writer.write_record(&header)?;
    for row in rows {
        let mut record = vec![
            inert(row.caisse.slug.clone()),
            name(&row.caisse),
            row.caisse.enterprise_number.to_string(),
            row.compliance.compliant.to_string(),
            row.compliance
                .mandatory_missing
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        ];
        for category in ServiceCategory::ALL {
            let count = row
                .compliance
                .by_category
                .iter()
                .find(|(c, _, _)| c == category)
                .map_or(0, |(_, _, behind)| behind.len());
            record.push(count.to_string());
        }
        record.push(row.people_reached.to_string());
        record.push(row.report_status.map_or("DRAFT", |s| s.as_str()).to_owned());
        record.push(row.funding.map(|f| f.to_string()).unwrap_or_default());
        writer.write_record(&record)?;
    }
    finish(writer)
}

pub fn funding_csv(
    allocation: &Allocation,
    caisses: &std::collections::HashMap<i64, Organisation>,
) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "year",
        "caisse_slug",
        "caisse_name",
        "enterprise_number",
        "affiliates",
        "weight",
        "fixed_eur",
        "variable_eur",
        "total_eur",
    ])?;
    for share in &allocation.shares {
        let Some(caisse) = caisses.get(&share.caisse_id) else {
            continue;
        };
        writer.write_record([
            allocation.year.to_string(),
            inert(caisse.slug.clone()),
            name(caisse),
            caisse.enterprise_number.to_string(),
            share.affiliates.map(|a| a.to_string()).unwrap_or_default(),
            share.weight.to_string(),
            share.fixed.to_string(),
            share.variable.to_string(),
            share.total.to_string(),
        ])?;
    }
    finish(writer)
}

/// Per organisation with published tools: its tools, and how many are written in each of FR,
/// NL, DE and EN (a tool may be in several).
pub fn language_coverage_csv(
    rows: &[commons_service::tools::LanguageCoverage],
) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "organisation_slug".to_owned(),
        "organisation_name".to_owned(),
        "published_tools".to_owned(),
    ];
    header.extend(Lang::ALL.iter().map(|l| format!("tools_{}", l.code())));
    writer.write_record(&header)?;
    for row in rows {
        let mut record = vec![
            inert(row.organisation.slug.clone()),
            name(&row.organisation),
            row.published.to_string(),
        ];
        record.extend(row.tools.iter().map(|(_, n)| n.to_string()));
        writer.write_record(&record)?;
    }
    finish(writer)
}

/// A published year's evaluation, one row per caisse: its figures as published, its scores
/// and the approved weight.
pub fn evaluation_csv(
    figures: &commons_domain::evaluation::YearEvaluationFigures,
) -> Result<Vec<u8>, csv::Error> {
    use commons_domain::evaluation::QualityCriterion;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "year",
        "caisse_slug",
        "caisse_name",
        "compliant",
        "offerings",
        "people_reached",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    header.extend(
        QualityCriterion::ALL
            .iter()
            .map(|c| format!("score_{}", c.as_str().to_lowercase())),
    );
    header.extend(
        [
            "mean_score",
            "weight",
            "tools_published",
            "adoptions_given",
            "adoptions_received",
            "proposals_received",
            "proposals_accepted",
            "joint_services_responsible",
            "joint_services_participating",
            "indicators",
            "report_sha256",
        ]
        .iter()
        .map(|s| (*s).to_owned()),
    );
    writer.write_record(&header)?;
    for c in &figures.caisses {
        let mut record = vec![
            figures.year.to_string(),
            inert(c.caisse_slug.clone()),
            inert(c.caisse_name.clone()),
            c.compliant.to_string(),
            c.offerings.to_string(),
            c.people_reached.to_string(),
        ];
        for criterion in QualityCriterion::ALL {
            record.push(
                c.scores
                    .get(criterion.as_str())
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
            );
        }
        record.extend([
            c.mean_score.clone(),
            c.weight.clone(),
            c.tools_published.to_string(),
            c.adoptions_given.to_string(),
            c.adoptions_received.to_string(),
            c.proposals_received.to_string(),
            c.proposals_accepted.to_string(),
            c.joint_services_responsible.to_string(),
            c.joint_services_participating.to_string(),
            inert(
                c.indicators
                    .iter()
                    .map(|i| format!("{}/{}={}", i.code, i.category, i.value))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            c.report_sha256.clone(),
        ]);
        writer.write_record(&record)?;
    }
    finish(writer)
}

/// Three years as published, one row per caisse and year (a year not published has no rows).
pub fn trend_csv(
    window: &[(
        i32,
        Option<(
            commons_domain::evaluation::YearEvaluation,
            commons_domain::evaluation::YearEvaluationFigures,
        )>,
    )],
) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "year",
        "caisse_slug",
        "caisse_name",
        "compliant",
        "offerings",
        "people_reached",
        "mean_score",
        "weight",
        "year_sha256",
    ])?;
    for (year, published) in window {
        let Some((p, f)) = published else { continue };
        for c in &f.caisses {
            writer.write_record([
                year.to_string(),
                inert(c.caisse_slug.clone()),
                inert(c.caisse_name.clone()),
                c.compliant.to_string(),
                c.offerings.to_string(),
                c.people_reached.to_string(),
                c.mean_score.clone(),
                c.weight.clone(),
                p.snapshot_sha256.clone(),
            ])?;
        }
    }
    finish(writer)
}
