//! Collaborations in the spirit of the pilot projects: a listening line run by a caisse with a
//! psychologists' network, peer-learning networks a Flemish caisse took over from another (a
//! transfer in its record), a training offer still waiting for answers, and a withdrawn one.

use chrono::{Duration, NaiveDate};

use super::tools::demo_actor;
use crate::{ServiceError, collaborations, joint_services};
use commons_domain::collaboration::{ParticipantRole, ProposalDraft, ServiceStatus};
use commons_domain::identity::{Actor, Role};
use commons_domain::lang::Lang;
use commons_domain::organisation::Organisation;
use commons_domain::policy::CollaborationScope;
use commons_domain::tool::ServiceCategory as C;

async fn organisation(ctx: &crate::Context, slug: &str) -> Result<Organisation, ServiceError> {
    crate::organisations::by_slug(ctx, slug)
        .await?
        .ok_or(ServiceError::NotFound)
}

pub(super) async fn person(
    ctx: &crate::Context,
    slug: &str,
    role: Role,
) -> Result<Actor, ServiceError> {
    let org = organisation(ctx, slug).await?;
    let label = match role {
        Role::OrgAdmin => "admin",
        _ => "staff",
    };
    demo_actor(ctx, &org, role, &format!("Demo {label} of {slug}")).await
}

async fn ids(ctx: &crate::Context, slugs: &[&str]) -> Result<Vec<i64>, ServiceError> {
    let mut out = Vec::new();
    for slug in slugs {
        out.push(organisation(ctx, slug).await?.id);
    }
    Ok(out)
}

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Loads the demo collaborations once: nothing is added when any proposal exists.
pub async fn load(ctx: &crate::Context) -> Result<usize, ServiceError> {
    let everything = CollaborationScope {
        organisation_id: None,
        everything: true,
    };
    let existing =
        commons_store::collaborations::count(&ctx.db, &everything, &Default::default(), ctx.now())
            .await?;
    if existing > 0 {
        return Ok(0);
    }
    let reply_by = ctx.now() + Duration::days(30);

    // 1. A psychologists' network proposes a listening line to two Walloon caisses; both
    //    accept: UCM first (responsible), Partena joins.
    let pass = person(ctx, "un-pass-dans-limpasse", Role::Staff).await?;
    let pass_tools = commons_store::tools::ids_of_owner(&ctx.db, pass.organisation_id).await?;
    let line = collaborations::propose(
        ctx,
        Some(&pass),
        ProposalDraft {
            titles: vec![
                (Lang::Fr, "Ligne d'écoute et orientation psychologique pour indépendants".into()),
                (Lang::Nl, "Luisterlijn en psychologische doorverwijzing voor zelfstandigen".into()),
            ],
            descriptions: vec![(
                Lang::Fr,
                "Une ligne téléphonique tenue par des psychologues formés aux réalités des indépendants, avec jusqu'à huit séances gratuites et une orientation vers le réseau de soins. La caisse informe ses affiliés et reste responsable du service.".into(),
            )],
            categories: vec![C::OrientationSupport, C::SecondaryPrevention],
            contribution: "Psychologues, permanence téléphonique, supervision clinique".into(),
            proposer_role: Some(ParticipantRole::ContentProvider),
            region: "Wallonie et Bruxelles".into(),
            starts_on: day(2026, 1, 5),
            ends_on: day(2027, 12, 31),
            tool_ids: pass_tools.into_iter().take(1).collect(),
            target_ids: ids(ctx, &["ucm", "partena"]).await?,
            reply_by: Some(reply_by),
        },
    )
    .await?;
    let ucm = person(ctx, "ucm", Role::Staff).await?;
    collaborations::post_message(
        ctx,
        Some(&ucm),
        line.id,
        "Pouvez-vous assurer une permanence le samedi matin ? Beaucoup de nos affiliés sont commerçants.",
    )
    .await?;
    collaborations::post_message(
        ctx,
        Some(&pass),
        line.id,
        "Oui, de 9 h à 13 h, avec deux psychologues.",
    )
    .await?;
    let accepted = collaborations::respond(
        ctx,
        Some(&ucm),
        line.id,
        true,
        Some("Nous prenons la responsabilité du service."),
    )
    .await?;
    let partena = person(ctx, "partena", Role::Staff).await?;
    collaborations::respond(ctx, Some(&partena), line.id, true, None).await?;
    if let Some(service) = accepted.joint_service {
        joint_services::set_status(ctx, Some(&ucm), service.id, ServiceStatus::Active).await?;
    }

    // 2. UNIZO proposes peer-learning networks; Xerius accepts, Acerta declines. A year on,
    //    Liantis takes the coordination over: the record shows the transfer.
    let unizo = person(ctx, "unizo", Role::Staff).await?;
    let unizo_tools = commons_store::tools::ids_of_owner(&ctx.db, unizo.organisation_id).await?;
    let networks = collaborations::propose(
        ctx,
        Some(&unizo),
        ProposalDraft {
            titles: vec![(Lang::Nl, "Samen sterker ondernemen – lerende netwerken".into())],
            descriptions: vec![(
                Lang::Nl,
                "Lerende netwerken van acht tot twaalf zelfstandigen uit dezelfde sector, begeleid door een coach, die maandelijks samenkomen rond werkdruk, veerkracht en het combineren van zaak en gezin.".into(),
            )],
            categories: vec![C::AwarenessPromotion, C::FrontlineTraining],
            contribution: "Coaches, sectornetwerken en lokale vergaderruimtes".into(),
            proposer_role: Some(ParticipantRole::Trainer),
            region: "Vlaanderen".into(),
            starts_on: day(2025, 9, 1),
            ends_on: None,
            tool_ids: unizo_tools.into_iter().take(1).collect(),
            target_ids: ids(ctx, &["xerius", "acerta"]).await?,
            reply_by: Some(reply_by),
        },
    )
    .await?;
    let xerius = person(ctx, "xerius", Role::Staff).await?;
    let accepted = collaborations::respond(ctx, Some(&xerius), networks.id, true, None).await?;
    let acerta = person(ctx, "acerta", Role::Staff).await?;
    collaborations::respond(
        ctx,
        Some(&acerta),
        networks.id,
        false,
        Some("Wij bieden al lerende netwerken aan via Zelfstandige zonder stress."),
    )
    .await?;
    if let Some(service) = accepted.joint_service {
        joint_services::set_status(ctx, Some(&xerius), service.id, ServiceStatus::Active).await?;
        let xerius_admin = person(ctx, "xerius", Role::OrgAdmin).await?;
        let liantis = ids(ctx, &["liantis"]).await?;
        let transfer = joint_services::propose_transfer(
            ctx,
            Some(&xerius_admin),
            service.id,
            liantis[0],
            "Liantis coördineert de lerende netwerken in Vlaanderen vanaf het nieuwe werkjaar.",
        )
        .await?;
        let liantis_admin = person(ctx, "liantis", Role::OrgAdmin).await?;
        joint_services::accept_transfer(ctx, Some(&liantis_admin), transfer.id).await?;
        joint_services::add_participant(
            ctx,
            Some(&liantis_admin),
            service.id,
            xerius_admin.organisation_id,
            ParticipantRole::CoOrganiser,
        )
        .await?;
    }

    // 3. IFAPME offers frontline training; the caisses have not answered yet.
    let ifapme = person(ctx, "ifapme", Role::Staff).await?;
    collaborations::propose(
        ctx,
        Some(&ifapme),
        ProposalDraft {
            titles: vec![(
                Lang::Fr,
                "Icarius : former les conseillers de première ligne à repérer l'épuisement".into(),
            )],
            descriptions: vec![(
                Lang::Fr,
                "Deux journées de formation pour les gestionnaires de dossiers des caisses : signaux d'alerte, premier entretien, orientation vers l'aide adaptée.".into(),
            )],
            categories: vec![C::FrontlineTraining, C::EarlyDetection],
            contribution: "Formateurs, programme et certificat".into(),
            proposer_role: Some(ParticipantRole::Trainer),
            region: "Wallonie".into(),
            starts_on: day(2027, 2, 1),
            ends_on: day(2027, 6, 30),
            tool_ids: vec![],
            target_ids: ids(ctx, &["securex", "group-s"]).await?,
            reply_by: Some(reply_by),
        },
    )
    .await?;

    // 4. A caisse proposes to another, then withdraws.
    let shared = collaborations::propose(
        ctx,
        Some(&acerta),
        ProposalDraft {
            titles: vec![(Lang::Nl, "Gedeelde stresstest voor helpende echtgenoten".into())],
            descriptions: vec![(
                Lang::Nl,
                "De stresstest van Zelfstandige zonder stress, aangepast aan helpende echtgenoten en samen aangeboden.".into(),
            )],
            categories: vec![C::EarlyDetection],
            contribution: "De stresstest en de verwerking van de resultaten".into(),
            proposer_role: None,
            region: "België".into(),
            starts_on: day(2026, 10, 1),
            ends_on: None,
            tool_ids: vec![],
            target_ids: ids(ctx, &["hulpkas"]).await?,
            reply_by: Some(reply_by),
        },
    )
    .await?;
    collaborations::withdraw(
        ctx,
        Some(&acerta),
        shared.id,
        Some("Wordt opgenomen in het project met Liantis."),
    )
    .await?;
    Ok(4)
}
