//! Peer learning to look at: a featured collection INASTI curates, caisses that use each
//! other's published tools (one adapted into a tool of its own), and a few reviews. Loaded once:
//! nothing is added when a collection exists.

use super::collaborations::person;
use crate::{ServiceError, adoptions, collections, reviews};
use commons_domain::adoption::{AdoptionMode, is_live};
use commons_domain::identity::Role;
use commons_domain::lang::Lang;

pub async fn load(ctx: &crate::Context) -> Result<usize, ServiceError> {
    if commons_store::collections::count(&ctx.db, false).await? > 0 {
        return Ok(0);
    }
    let mut published = Vec::new();
    for slug in [
        "acerta",
        "liantis",
        "ucm",
        "xerius",
        "partena",
        "unizo",
        "un-pass-dans-limpasse",
        "ifapme",
    ] {
        let Some(org) = crate::organisations::by_slug(ctx, slug).await? else {
            continue;
        };
        let ids = commons_store::tools::ids_of_owner(&ctx.db, org.id).await?;
        for t in commons_store::tools::find_many(&ctx.db, &ids).await? {
            if is_live(&t) {
                published.push((slug, t.id));
            }
        }
    }
    if published.is_empty() {
        return Ok(0);
    }
    published.sort_by_key(|(_, id)| *id);
    let moderator = person(ctx, "inasti", Role::Moderator).await?;
    collections::create(
        ctx,
        Some(&moderator),
        collections::Draft {
            titles: vec![
                (Lang::Fr, "Prévenir le burn-out des indépendants".into()),
                (Lang::Nl, "Burn-out bij zelfstandigen voorkomen".into()),
            ],
            descriptions: vec![(
                Lang::Fr,
                "Des outils éprouvés par les caisses pour repérer l'épuisement tôt et orienter vers l'aide.".into(),
            )],
            tool_ids: published.iter().take(5).map(|(_, id)| *id).collect(),
            featured: true,
        },
    )
    .await?;
    let mut made = 1;
    // Each published tool is used by a caisse that does not own it; some are reviewed.
    for (i, (owner, tool)) in published.iter().enumerate() {
        let user = if *owner == "ucm" { "acerta" } else { "ucm" };
        let staff = person(ctx, user, Role::Staff).await?;
        adoptions::adopt(
            ctx,
            Some(&staff),
            adoptions::Terms {
                tool_id: *tool,
                mode: AdoptionMode::AsIs,
                derived_tool_id: None,
                note: None,
            },
        )
        .await?;
        made += 1;
        if i % 2 == 0 {
            let reviewer = if *owner == "liantis" {
                "xerius"
            } else {
                "liantis"
            };
            let staff = person(ctx, reviewer, Role::Staff).await?;
            let comment =
                "Utilisé avec nos gestionnaires de dossiers : clair et facile à présenter.";
            reviews::review(
                ctx,
                Some(&staff),
                *tool,
                4 + (i % 2) as i32,
                Some(comment),
                Lang::Fr,
            )
            .await?;
            made += 1;
        }
    }
    Ok(made)
}
