//! A year of the mission to look at: each caisse's register for last year (most of them
//! compliant, two not, so that the overview shows both), the funding parameters of the
//! mission's years, and one report submitted. Loaded once: nothing is added when last year's
//! register holds anything.

use chrono::{Datelike, NaiveDate};

use super::collaborations::person;
use crate::{ServiceError, activity_reports, funding, service_offerings};
use commons_domain::evaluation::{IndicatorDraft, IndicatorUnit, QualityCriterion};
use commons_domain::identity::Role;
use commons_domain::lang::Lang;
use commons_domain::legal_frame::FIRST_YEAR;
use commons_domain::money::Eur;
use commons_domain::service_offering::OfferingDraft;
use commons_domain::tool::{DeliveryMode, Scope, ServiceCategory as C};

/// (caisse, French title, categories, people reached, first and last month).
type DemoOffering = (&'static str, &'static str, &'static [C], i64, (u32, u32));

const OFFERINGS: &[DemoOffering] = &[
    (
        "acerta",
        "Campagne « Ça va, l'indépendant ? » et webinaires",
        &[C::AwarenessPromotion],
        5_400,
        (2, 11),
    ),
    (
        "acerta",
        "Orientation vers l'aide psychologique de première ligne",
        &[C::OrientationSupport],
        610,
        (1, 12),
    ),
    (
        "acerta",
        "Self-scan bien-être en ligne",
        &[C::EarlyDetection],
        2_950,
        (3, 12),
    ),
    (
        "liantis",
        "Welzijnscampagne en infosessies voor starters",
        &[C::AwarenessPromotion],
        3_800,
        (1, 10),
    ),
    (
        "liantis",
        "Doorverwijzing naar psychologische hulp",
        &[C::OrientationSupport],
        450,
        (1, 12),
    ),
    (
        "liantis",
        "Lerende netwerken voor zelfstandigen",
        &[C::SecondaryPrevention],
        220,
        (9, 12),
    ),
    (
        "ucm",
        "Sensibilisation au stress des indépendants",
        &[C::AwarenessPromotion],
        2_100,
        (1, 12),
    ),
    (
        "ucm",
        "Permanence d'orientation",
        &[C::OrientationSupport],
        380,
        (1, 12),
    ),
    (
        "ucm",
        "Formation des conseillers à la détection du mal-être",
        &[C::FrontlineTraining],
        45,
        (5, 6),
    ),
    (
        "xerius",
        "Webinars mentaal welzijn",
        &[C::AwarenessPromotion],
        2_700,
        (2, 11),
    ),
    (
        "xerius",
        "Doorverwijzing en opvolging",
        &[C::OrientationSupport, C::EarlyDetection],
        520,
        (1, 12),
    ),
    (
        "partena",
        "Ateliers « Gérer son stress d'entrepreneur »",
        &[C::AwarenessPromotion],
        1_900,
        (3, 11),
    ),
    (
        "partena",
        "Orientation et suivi",
        &[C::OrientationSupport],
        300,
        (1, 12),
    ),
    (
        "partena",
        "Groupes de pairs pour indépendants en difficulté",
        &[C::SecondaryPrevention],
        140,
        (4, 12),
    ),
    // Securex offers the two mandatory categories but no optional one.
    (
        "securex",
        "Campagne bien-être",
        &[C::AwarenessPromotion],
        1_500,
        (1, 12),
    ),
    (
        "securex",
        "Orientation",
        &[C::OrientationSupport],
        260,
        (1, 12),
    ),
    (
        "group-s",
        "Sensibilisation et newsletter bien-être",
        &[C::AwarenessPromotion],
        1_200,
        (1, 12),
    ),
    (
        "group-s",
        "Orientation vers le réseau d'aide",
        &[C::OrientationSupport],
        190,
        (1, 12),
    ),
    (
        "group-s",
        "Check-up mental en ligne",
        &[C::EarlyDetection],
        700,
        (6, 12),
    ),
    (
        "avixi",
        "Infosessies veerkracht",
        &[C::AwarenessPromotion],
        640,
        (2, 10),
    ),
    (
        "avixi",
        "Doorverwijzing",
        &[C::OrientationSupport],
        90,
        (1, 12),
    ),
    (
        "avixi",
        "Vorming voor dossierbeheerders",
        &[C::FrontlineTraining],
        12,
        (10, 10),
    ),
    // The Hulpkas has begun with awareness only.
    (
        "hulpkas",
        "Sensibilisering",
        &[C::AwarenessPromotion],
        300,
        (4, 12),
    ),
];

/// The envelope of each year: 4 000 000.00 EUR for 2024, then indexed (illustrative 2 %).
const ENVELOPES_CENTS: &[(i32, i64)] = &[
    (2024, 400_000_000),
    (2025, 408_000_000),
    (2026, 416_160_000),
    (2027, 424_483_200),
];
const FIXED_PER_CAISSE_CENTS: i64 = 15_000_000;

pub async fn load(
    ctx: &crate::Context,
    admin: &commons_domain::identity::Actor,
) -> Result<usize, ServiceError> {
    let this_year = ctx.now().year();
    for (year, envelope) in ENVELOPES_CENTS {
        if *year > this_year + 1
            || commons_store::funding::in_force(&ctx.db, *year)
                .await?
                .is_some()
        {
            continue;
        }
        funding::set_parameters(
            ctx,
            Some(admin),
            funding::ParametersInput {
                year: *year,
                envelope: Eur::from_cents(*envelope).unwrap_or_default(),
                fixed_per_caisse: Eur::from_cents(FIXED_PER_CAISSE_CENTS).unwrap_or_default(),
                weights: Vec::new(),
            },
        )
        .await?;
    }
    let year = this_year - 1;
    if year < FIRST_YEAR {
        return Ok(0);
    }
    let acerta = crate::organisations::by_slug(ctx, "acerta")
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !commons_store::service_offerings::of_year(&ctx.db, Some(acerta.id), year, true)
        .await?
        .is_empty()
    {
        return Ok(0);
    }
    for y in [year, this_year] {
        crate::evaluations::set_indicators(ctx, Some(admin), y, indicators()).await?;
    }
    let mut recorded = record_offerings(ctx, year, 100).await?;
    let acerta_staff = person(ctx, "acerta", Role::Staff).await?;
    let value = |code: &str, category, value| crate::evaluations::ValueInput {
        code: code.to_owned(),
        category,
        value: Some(value),
    };
    crate::evaluations::set_values(
        ctx,
        Some(&acerta_staff),
        year,
        vec![
            value("satisfaction", C::AwarenessPromotion, 81),
            value("satisfaction", C::OrientationSupport, 88),
            value("satisfaction", C::EarlyDetection, 76),
            value("days-to-first-contact", C::OrientationSupport, 6),
            value("partners", C::OrientationSupport, 4),
            value("scientific-basis", C::EarlyDetection, 1),
        ],
    )
    .await?;
    let acerta_admin = person(ctx, "acerta", Role::OrgAdmin).await?;
    activity_reports::submit(
        ctx,
        Some(&acerta_admin),
        year,
        "Une année de mise en place : campagne de sensibilisation, orientation structurée vers la première ligne psychologique et un self-scan en ligne. Nous partageons le self-scan avec les autres caisses.",
    )
    .await?;
    recorded += evaluated_year(ctx, admin, this_year - 2).await?;
    Ok(recorded)
}

/// Records every caisse's offerings of `year`, its people reached at `percent` % of the
/// demo's figures.
async fn record_offerings(
    ctx: &crate::Context,
    year: i32,
    percent: i64,
) -> Result<usize, ServiceError> {
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d);
    let last_of = |m: u32| {
        day(m + 1, 1)
            .and_then(|d| d.pred_opt())
            .or_else(|| day(12, 31))
    };
    let mut recorded = 0;
    for (slug, title, categories, people, (from, to)) in OFFERINGS {
        let staff = person(ctx, slug, Role::Staff).await?;
        service_offerings::record(
            ctx,
            Some(&staff),
            OfferingDraft {
                year,
                titles: vec![(Lang::Fr, (*title).to_owned())],
                descriptions: Vec::new(),
                categories: categories.to_vec(),
                tool_ids: Vec::new(),
                starts_on: day(*from, 1),
                ends_on: last_of(*to),
                delivery_modes: vec![DeliveryMode::Group, DeliveryMode::Individual],
                scopes: vec![Scope::Regional],
                regions: Vec::new(),
                people_reached: people * percent / 100,
            },
        )
        .await?;
        recorded += 1;
    }
    Ok(recorded)
}

/// The approved weights of the demo's published year, per caisse in `OFFERINGS` order.
const WEIGHTS: [&str; 9] = ["1.1", "1.05", "1", "1", "0.95", "0.9", "1", "1.05", "0.9"];

/// A year gone through the whole evaluation, so that the CGG has something to read: every
/// caisse's offerings and report, accepted, evaluated by one moderator and approved by another,
/// and the year published (its weights carried into the next year's funding).
async fn evaluated_year(
    ctx: &crate::Context,
    admin: &commons_domain::identity::Actor,
    year: i32,
) -> Result<usize, ServiceError> {
    if year < FIRST_YEAR
        || commons_store::evaluations::published(&ctx.db, year)
            .await?
            .is_some()
    {
        return Ok(0);
    }
    let recorded = record_offerings(ctx, year, 70).await?;
    let first = person(ctx, "inasti", Role::Moderator).await?;
    let second = second_moderator(ctx).await?;
    let mut slugs: Vec<&str> = OFFERINGS.iter().map(|o| o.0).collect();
    slugs.dedup();
    for (i, slug) in slugs.iter().enumerate() {
        let caisse_admin = person(ctx, slug, Role::OrgAdmin).await?;
        let view = activity_reports::submit(
            ctx,
            Some(&caisse_admin),
            year,
            "La première année de la mission : mise en place des services et des partenariats.",
        )
        .await?;
        let report = view.report.ok_or(ServiceError::NotFound)?;
        activity_reports::review(ctx, Some(&first), report.id, true, None).await?;
        let scores = QualityCriterion::ALL
            .iter()
            .enumerate()
            .map(|(k, c)| (*c, 2 + ((i + k) % 4) as i64))
            .collect();
        let evaluation = crate::evaluations::record(
            ctx,
            Some(&first),
            crate::evaluations::EvaluationInput {
                report_id: report.id,
                scores,
                text: "Des services qui répondent à la demande ; la coopération avec d'autres acteurs reste à développer.".to_owned(),
                weight: WEIGHTS.get(i).copied().unwrap_or("1").to_owned(),
            },
        )
        .await?;
        crate::evaluations::approve(ctx, Some(&second), evaluation.id, evaluation.version).await?;
    }
    crate::evaluations::publish(ctx, Some(admin), year).await?;
    Ok(recorded)
}

/// The second INASTI moderator of the demo: the four eyes of its evaluations.
async fn second_moderator(
    ctx: &crate::Context,
) -> Result<commons_domain::identity::Actor, ServiceError> {
    let inasti = crate::organisations::by_slug(ctx, "inasti")
        .await?
        .ok_or(ServiceError::NotFound)?;
    let user = commons_store::users::record(
        &ctx.db,
        inasti.id,
        "demo-inasti-moderator-2",
        Some("Demo second moderator of inasti"),
        None,
        ctx.now(),
    )
    .await?;
    Ok(commons_domain::identity::Actor {
        user_id: user.id,
        organisation_id: inasti.id,
        organisation_kind: inasti.kind,
        roles: std::collections::BTreeSet::from([Role::Moderator]),
    })
}

/// An illustrative set of quality indicators, one or more under four of the five criteria.
fn indicators() -> Vec<IndicatorDraft> {
    let names = |fr: &str, nl: &str, de: &str, en: &str| {
        vec![
            (Lang::Fr, fr.to_owned()),
            (Lang::Nl, nl.to_owned()),
            (Lang::De, de.to_owned()),
            (Lang::En, en.to_owned()),
        ]
    };
    vec![
        IndicatorDraft {
            code: "satisfaction".into(),
            criterion: QualityCriterion::Quality,
            names: names(
                "Participants satisfaits (%)",
                "Tevreden deelnemers (%)",
                "Zufriedene Teilnehmende (%)",
                "Satisfied participants (%)",
            ),
            unit: IndicatorUnit::Percentage,
            categories: vec![
                C::AwarenessPromotion,
                C::OrientationSupport,
                C::EarlyDetection,
            ],
            required: true,
        },
        IndicatorDraft {
            code: "days-to-first-contact".into(),
            criterion: QualityCriterion::DemandDriven,
            names: names(
                "Jours entre la demande et le premier contact",
                "Dagen tussen de vraag en het eerste contact",
                "Tage zwischen Anfrage und erstem Kontakt",
                "Days from the request to the first contact",
            ),
            unit: IndicatorUnit::Count,
            categories: vec![C::OrientationSupport],
            required: true,
        },
        IndicatorDraft {
            code: "partners".into(),
            criterion: QualityCriterion::Cooperation,
            names: names(
                "Partenaires associés",
                "Betrokken partners",
                "Beteiligte Partner",
                "Partners involved",
            ),
            unit: IndicatorUnit::Count,
            categories: C::ALL.to_vec(),
            required: false,
        },
        IndicatorDraft {
            code: "scientific-basis".into(),
            criterion: QualityCriterion::Quality,
            names: names(
                "Fondé sur une méthode validée scientifiquement",
                "Gebaseerd op een wetenschappelijk gevalideerde methode",
                "Auf einer wissenschaftlich validierten Methode beruhend",
                "Based on a scientifically validated method",
            ),
            unit: IndicatorUnit::YesNo,
            categories: vec![C::EarlyDetection, C::SecondaryPrevention],
            required: false,
        },
    ]
}
