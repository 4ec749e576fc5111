//! Demo data: the caisses of the sector, a few partner organisations and INASTI, with
//! affiliate counts of a plausible size, and a dozen tools at every stage of review. Loading
//! it twice changes nothing. The enterprise numbers and counts are illustrative, not the
//! organisations' real figures.

mod collaborations;
mod peer_learning;
mod tools;
mod yearly_account;

use std::collections::BTreeSet;

use crate::ServiceError;
use crate::affiliate_counts;
use crate::organisations::{self, Registration};
use commons_domain::enterprise_number::EnterpriseNumber;
use commons_domain::identity::{Actor, Role};
use commons_domain::lang::Lang;
use commons_domain::organisation::OrganisationKind;

struct DemoOrganisation {
    slug: &'static str,
    kind: OrganisationKind,
    names: &'static [(Lang, &'static str)],
    website: &'static str,
    /// Affiliates *à titre principal* on 31 December 2023 and 2024.
    affiliates: Option<(i64, i64)>,
}

const ORGANISATIONS: &[DemoOrganisation] = &[
    DemoOrganisation {
        slug: "acerta",
        kind: OrganisationKind::Caisse,
        names: &[
            (Lang::Fr, "Acerta Caisse d'assurances sociales"),
            (Lang::Nl, "Acerta Sociaal Verzekeringsfonds"),
        ],
        website: "https://www.acerta.be",
        affiliates: Some((268_400, 274_900)),
    },
    DemoOrganisation {
        slug: "liantis",
        kind: OrganisationKind::Caisse,
        names: &[
            (Lang::Nl, "Liantis Sociaal Verzekeringsfonds"),
            (Lang::Fr, "Liantis Caisse d'assurances sociales"),
        ],
        website: "https://www.liantis.be",
        affiliates: Some((243_100, 249_800)),
    },
    DemoOrganisation {
        slug: "ucm",
        kind: OrganisationKind::Caisse,
        names: &[
            (Lang::Fr, "UCM Caisse d'assurances sociales"),
            (Lang::De, "UCM Sozialversicherungskasse"),
        ],
        website: "https://www.ucm.be",
        affiliates: Some((104_700, 107_300)),
    },
    DemoOrganisation {
        slug: "xerius",
        kind: OrganisationKind::Caisse,
        names: &[
            (Lang::Nl, "Xerius Sociaal Verzekeringsfonds"),
            (Lang::Fr, "Xerius Caisse d'assurances sociales"),
        ],
        website: "https://www.xerius.be",
        affiliates: Some((255_600, 262_000)),
    },
    DemoOrganisation {
        slug: "partena",
        kind: OrganisationKind::Caisse,
        names: &[
            (
                Lang::Fr,
                "Partena Professional Caisse d'assurances sociales",
            ),
            (Lang::Nl, "Partena Professional Sociaal Verzekeringsfonds"),
        ],
        website: "https://www.partena-professional.be",
        affiliates: Some((221_900, 226_400)),
    },
    DemoOrganisation {
        slug: "securex",
        kind: OrganisationKind::Caisse,
        names: &[
            (Lang::Nl, "Securex Sociaal Verzekeringsfonds"),
            (Lang::Fr, "Securex Caisse d'assurances sociales"),
        ],
        website: "https://www.securex.be",
        affiliates: Some((93_200, 95_100)),
    },
    DemoOrganisation {
        slug: "group-s",
        kind: OrganisationKind::Caisse,
        names: &[
            (Lang::Fr, "Group S Caisse d'assurances sociales"),
            (Lang::Nl, "Group S Sociaal Verzekeringsfonds"),
        ],
        website: "https://www.groups.be",
        affiliates: Some((76_800, 78_500)),
    },
    DemoOrganisation {
        slug: "avixi",
        kind: OrganisationKind::Caisse,
        names: &[
            (Lang::Nl, "Avixi Sociaal Verzekeringsfonds"),
            (Lang::Fr, "Avixi Caisse d'assurances sociales"),
        ],
        website: "https://www.avixi.be",
        affiliates: Some((41_300, 43_000)),
    },
    DemoOrganisation {
        slug: "hulpkas",
        kind: OrganisationKind::Caisse,
        names: &[
            (
                Lang::Fr,
                "Caisse nationale auxiliaire d'assurances sociales pour travailleurs indépendants",
            ),
            (
                Lang::Nl,
                "Nationale Hulpkas voor de sociale verzekeringen der zelfstandigen",
            ),
            (
                Lang::De,
                "Nationale Hilfskasse der Sozialversicherungen für Selbständige",
            ),
        ],
        website: "https://www.inasti.be",
        affiliates: Some((11_900, 12_300)),
    },
    DemoOrganisation {
        slug: "unizo",
        kind: OrganisationKind::Partner,
        names: &[(Lang::Nl, "UNIZO – Unie van Zelfstandige Ondernemers")],
        website: "https://www.unizo.be",
        affiliates: None,
    },
    DemoOrganisation {
        slug: "un-pass-dans-limpasse",
        kind: OrganisationKind::Partner,
        names: &[(
            Lang::Fr,
            "Un pass dans l'impasse – soutien psychologique aux indépendants",
        )],
        website: "https://www.unpassdanslimpasse.be",
        affiliates: None,
    },
    DemoOrganisation {
        slug: "ifapme",
        kind: OrganisationKind::Partner,
        names: &[
            (
                Lang::Fr,
                "IFAPME – Institut wallon de formation en alternance et des indépendants",
            ),
            (
                Lang::En,
                "IFAPME – Walloon training institute for the self-employed and SMEs",
            ),
        ],
        website: "https://www.ifapme.be",
        affiliates: None,
    },
    // The general management committee for the self-employed: it reads INASTI's published
    // evaluations and advises the Minister on them.
    DemoOrganisation {
        slug: "cgg",
        kind: OrganisationKind::Committee,
        names: &[
            (
                Lang::Fr,
                "Comité général de gestion pour le statut social des travailleurs indépendants",
            ),
            (
                Lang::Nl,
                "Algemeen Beheerscomité voor het sociaal statuut der zelfstandigen",
            ),
            (
                Lang::De,
                "Allgemeiner Verwaltungsausschuss für das Sozialstatut der Selbständigen",
            ),
        ],
        website: "https://www.inasti.be",
        affiliates: None,
    },
];

/// The callers whose development tokens `serve --demo` prints.
pub const DEMO_CALLERS: &[(&str, Role, &str)] = &[
    ("acerta", Role::Staff, "caisse staff"),
    ("acerta", Role::OrgAdmin, "caisse admin"),
    (
        "liantis",
        Role::OrgAdmin,
        "caisse admin (responsible for a joint service)",
    ),
    ("unizo", Role::Staff, "partner staff"),
    ("inasti", Role::Moderator, "INASTI moderator"),
    ("inasti", Role::PlatformAdmin, "platform admin"),
    ("inasti", Role::Auditor, "INASTI auditor"),
    ("cgg", Role::CggMember, "member of the CGG"),
];

/// A valid, illustrative enterprise number, distinct for each demo organisation.
fn enterprise_number(index: usize) -> String {
    let body = 4_100_000 + 7_919 * index as u64;
    let number = format!("{body:08}{:02}", EnterpriseNumber::check_digits(body));
    number
}

pub struct Loaded {
    pub registered: usize,
    pub already_there: usize,
    pub tools: usize,
    pub collaborations: usize,
    pub offerings: usize,
}

/// Loads the demo organisations, tools and collaborations.
pub async fn load(ctx: &crate::Context) -> Result<Loaded, ServiceError> {
    let mut loaded = load_organisations(ctx).await?;
    loaded.tools = tools::load(ctx).await?;
    loaded.collaborations = collaborations::load(ctx).await?;
    loaded.offerings = yearly_account::load(ctx, &loader_actor(ctx).await?).await?;
    peer_learning::load(ctx).await?;
    Ok(loaded)
}

/// Loads the demo organisations through the same services as the API, as a platform admin of
/// INASTI, so that they get audit events and outbox rows like any other change.
pub async fn load_organisations(ctx: &crate::Context) -> Result<Loaded, ServiceError> {
    let actor = loader_actor(ctx).await?;
    let mut loaded = Loaded {
        registered: 0,
        already_there: 0,
        tools: 0,
        collaborations: 0,
        offerings: 0,
    };
    for (index, demo) in ORGANISATIONS.iter().enumerate() {
        let organisation = match organisations::by_slug(ctx, demo.slug).await? {
            Some(existing) => {
                loaded.already_there += 1;
                existing
            }
            None => {
                let registration = Registration {
                    slug: demo.slug.to_owned(),
                    kind: demo.kind,
                    names: demo
                        .names
                        .iter()
                        .map(|(l, n)| (*l, (*n).to_owned()))
                        .collect(),
                    enterprise_number: enterprise_number(index),
                    website: Some(demo.website.to_owned()),
                    contact_email: Some(format!("bien-etre@{}.example", demo.slug)),
                };
                loaded.registered += 1;
                organisations::register(ctx, Some(&actor), registration).await?
            }
        };
        if let Some((y2023, y2024)) = demo.affiliates {
            // 2025 grows by 2 %; about 6 % are primo-starters and 1.5 % helping spouses.
            let y2025 = y2024 * 102 / 100;
            for (year, count) in [(2023, y2023), (2024, y2024), (2025, y2025)] {
                if year >= chrono::Datelike::year(&ctx.now()) {
                    continue;
                }
                let known =
                    commons_store::organisations::affiliate_counts(&ctx.db, organisation.id)
                        .await?;
                if known.iter().any(|c| c.year == year) {
                    continue;
                }
                affiliate_counts::set(
                    ctx,
                    Some(&actor),
                    year,
                    vec![affiliate_counts::Figures {
                        organisation_id: organisation.id,
                        principal: count,
                        primo_starters: count * 6 / 100,
                        helping_spouses: count * 15 / 1_000,
                    }],
                )
                .await?;
            }
        }
    }
    Ok(loaded)
}

/// INASTI's demo loader, a platform admin.
async fn loader_actor(ctx: &crate::Context) -> Result<Actor, ServiceError> {
    let inasti = commons_store::organisations::find_by_slug(&ctx.db, "inasti")
        .await?
        .ok_or(ServiceError::NotFound)?;
    let loader = commons_store::users::record(
        &ctx.db,
        inasti.id,
        "commons-demo",
        Some("Commons demo loader"),
        None,
        ctx.now(),
    )
    .await?;
    Ok(Actor {
        user_id: loader.id,
        organisation_id: inasti.id,
        organisation_kind: OrganisationKind::Inasti,
        roles: BTreeSet::from([Role::PlatformAdmin]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_enterprise_numbers_are_valid_and_distinct() {
        let numbers: BTreeSet<String> = (0..ORGANISATIONS.len()).map(enterprise_number).collect();
        assert_eq!(numbers.len(), ORGANISATIONS.len());
        for n in &numbers {
            assert!(n.parse::<EnterpriseNumber>().is_ok(), "{n}");
        }
    }
}
