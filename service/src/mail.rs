//! Notifications by e-mail. A person's address comes from the identity provider's verified
//! `email` claim, or is entered and confirmed by a link sent to it before anything else is.
//! Each person chooses per kind of notification: at once, in a weekly digest (the default), or
//! not by mail. The mail duty (one replica at a time, see [`crate::duties`]) reads the new
//! notifications and queues what is due in the mail outbox — once per notification, digest
//! week or confirmation, under a unique key — then sends what is due through SMTP with retries
//! and backoff; a permanent refusal (a bounce) suppresses the address until it is confirmed
//! again. Without an SMTP relay configured, messages are written to the log instead.
//!
//! The words of a message are the pages': the service asks a [`MailWords`] (the web crate's
//! translations, set by the binary) to write them, in the person's language.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::{Context, ServiceError, ServiceResult, signed_in, tools};
use commons_domain::identity::{Actor, Role};
use commons_domain::lang::Lang;
use commons_domain::mail::{
    self as rules, AddressSource, Delivery, MailAddress, Preferences, Purpose,
};
use commons_domain::notification::{Notification, NotificationKind};
use commons_store::mail::{Envelope, NewAddress, Outcome};
use commons_store::{audit, begin_write};

const SUBJECT: &str = "mail_address";
/// The notifications read again before the last reading, for what committed late.
const READ_MARGIN_MINUTES: i64 = 10;
/// Addresses confirmed per person and day at most: a confirmation link is mail to whomever
/// the person names.
const CONFIRMATIONS_PER_DAY: u64 = 3;
/// How long a confirmation link holds.
const CONFIRMATION_HOURS: i64 = 48;
/// How long a message sent or failed stays in the outbox.
const KEPT_DAYS: i64 = 30;
/// How long a sender holds a message it is sending before another may take it again.
const CLAIM_SECONDS: i64 = 300;

/// One notification as a message tells it.
#[derive(Clone, Debug)]
pub struct MailItem {
    pub kind: NotificationKind,
    pub details: serde_json::Value,
    /// The tool it is about, as the person may read it, in their language when it has it.
    pub tool_title: Option<String>,
    pub at: DateTime<Utc>,
}

/// What a message says, before its words.
#[derive(Clone, Debug)]
pub enum Letter<'a> {
    Notification {
        item: &'a MailItem,
        /// Where the person's notifications are.
        link: &'a str,
        unsubscribe: &'a str,
    },
    Digest {
        items: &'a [MailItem],
        /// Notifications of the week beyond those listed.
        more: u64,
        link: &'a str,
        unsubscribe: &'a str,
    },
    Confirmation {
        link: &'a str,
    },
}

/// The words of a message in a language: (subject, plain text).
pub trait MailWords: Send + Sync {
    fn write(&self, lang: Lang, letter: &Letter<'_>) -> (String, String);
}

/// Words for a binary without the pages (tests of the service alone): English, plain.
struct PlainWords;

impl MailWords for PlainWords {
    fn write(&self, _lang: Lang, letter: &Letter<'_>) -> (String, String) {
        match letter {
            Letter::Notification { item, link, .. } => (
                format!("Commons: {}", item.kind),
                format!("{}\n\n{link}\n", item.kind),
            ),
            Letter::Digest { items, link, .. } => (
                format!("Commons: {} notifications", items.len()),
                format!("{link}\n"),
            ),
            Letter::Confirmation { link } => {
                ("Commons: confirm your address".into(), format!("{link}\n"))
            }
        }
    }
}

/// Where mail goes.
#[derive(Clone)]
pub enum Transport {
    /// Written to the log (the embedded default, without a relay).
    Log,
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

/// The SMTP relay, as configured.
#[derive(Clone, Debug)]
pub struct Relay {
    pub host: String,
    pub port: u16,
    /// `none`, `starttls` or `tls` (implicit TLS, port 465).
    pub tls: String,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    pub timeout: Duration,
}

impl Transport {
    pub fn smtp(relay: &Relay) -> Result<Self, String> {
        let builder = match relay.tls.as_str() {
            "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&relay.host),
            "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&relay.host)
                .map_err(|e| e.to_string())?,
            "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&relay.host)
                .map_err(|e| e.to_string())?,
            other => return Err(format!("mail.tls is none, starttls or tls, not {other}")),
        };
        let mut builder = builder.port(relay.port).timeout(Some(relay.timeout));
        if let (Some(user), Some(password)) = (&relay.username, &relay.password) {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                password.expose_secret().to_owned(),
            ));
        }
        Ok(Transport::Smtp(builder.build()))
    }
}

/// Mail, as this deployment sends it.
#[derive(Clone)]
pub struct Mail {
    pub transport: Transport,
    pub from: String,
    /// The address the links in messages start with.
    pub public_url: String,
    /// Signs unsubscribe links.
    pub secret: Arc<[u8]>,
    pub per_person_per_day: u32,
    pub per_run: u32,
    pub digest_items: u32,
    pub max_attempts: u32,
    pub words: Arc<dyn MailWords>,
}

impl Default for Mail {
    fn default() -> Self {
        Self {
            transport: Transport::Log,
            from: "Commons <commons@localhost>".into(),
            public_url: "http://localhost:8080".into(),
            secret: Arc::from(uuid::Uuid::new_v4().as_bytes().as_slice()),
            per_person_per_day: 20,
            per_run: 200,
            digest_items: 20,
            max_attempts: 8,
            words: Arc::new(PlainWords),
        }
    }
}

/// Whether this names a sender: an address, or a name and an address.
pub fn mailbox_ok(value: &str) -> bool {
    value.parse::<Mailbox>().is_ok()
}

/// A person's mail settings as they read them.
#[derive(Clone, Debug)]
pub struct Settings {
    pub address: Option<MailAddress>,
    pub preferences: Preferences,
}

pub async fn settings(ctx: &Context, actor: Option<&Actor>) -> ServiceResult<Settings> {
    let actor = signed_in(actor)?;
    Ok(Settings {
        address: commons_store::mail::address_of(&ctx.db, actor.user_id).await?,
        preferences: commons_store::mail::preferences(&ctx.db, actor.user_id).await?,
    })
}

fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The person enters an address: kept unconfirmed, and a link to confirm it is sent to it
/// (nothing else is until then). At most three a day.
pub async fn set_address(
    ctx: &Context,
    actor: Option<&Actor>,
    address: &str,
    lang: Lang,
) -> ServiceResult<Settings> {
    let actor = signed_in(actor)?;
    let address = rules::validate_address(address)?;
    let now = ctx.now();
    let token = {
        let bytes: [u8; 32] = rand::random();
        URL_SAFE_NO_PAD.encode(bytes)
    };
    let hash = token_hash(&token);
    let link = format!(
        "{}/mail/confirm?token={token}",
        ctx.mail.public_url.trim_end_matches('/')
    );
    let (subject, body) = ctx
        .mail
        .words
        .write(lang, &Letter::Confirmation { link: &link });
    let txn = begin_write(&ctx.db).await?;
    commons_store::users::lock(&txn, actor.user_id).await?;
    let sent = commons_store::mail::confirmations_since(
        &txn,
        actor.user_id,
        now - chrono::Duration::days(1),
    )
    .await?;
    if sent >= CONFIRMATIONS_PER_DAY {
        return Err(ServiceError::RateLimited(format!(
            "at most {CONFIRMATIONS_PER_DAY} addresses a day; try again tomorrow"
        )));
    }
    commons_store::mail::set_address(
        &txn,
        NewAddress {
            user_id: actor.user_id,
            address: &address,
            source: AddressSource::Entered,
            lang,
            confirmed: false,
            token_hash: Some(&hash),
        },
        now,
    )
    .await?;
    commons_store::mail::queue(
        &txn,
        Envelope {
            user_id: actor.user_id,
            address: &address,
            purpose: Purpose::Confirmation,
            key: &format!("c:{}", &hash[..32]),
            subject: &subject,
            body_text: &body,
            unsubscribe_url: None,
        },
        now,
    )
    .await?;
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "mail.address_entered",
            subject_type: SUBJECT,
            subject_id: actor.user_id,
            // The address itself stays out of the audit log: it is the person's.
            details: json!({ "source": "ENTERED" }),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    settings(ctx, Some(actor)).await
}

/// A confirmation link followed: the address it was sent to is confirmed (and no longer
/// suppressed). Whether the token named a pending address.
pub async fn confirm(ctx: &Context, token: &str) -> ServiceResult<bool> {
    if token.is_empty() || token.len() > 64 {
        return Ok(false);
    }
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    let confirmed = commons_store::mail::confirm(
        &txn,
        &token_hash(token),
        now - chrono::Duration::hours(CONFIRMATION_HOURS),
        now,
    )
    .await?;
    if let Some(user_id) = confirmed {
        audit::record(
            &txn,
            audit::Change {
                actor: None,
                action: "mail.address_confirmed",
                subject_type: SUBJECT,
                subject_id: user_id,
                details: json!({}),
            },
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(confirmed.is_some())
}

/// The identity provider vouches for the address (a verified `email` claim): it is the
/// person's, confirmed, unless they entered one of their own. A suppressed claim address stays
/// suppressed until it is confirmed again.
pub async fn from_claim(ctx: &Context, user_id: i64, email: &str) -> ServiceResult<()> {
    let Ok(address) = rules::validate_address(email) else {
        return Ok(());
    };
    let known = commons_store::mail::address_of(&ctx.db, user_id).await?;
    let keep = match &known {
        Some(a) if a.source == AddressSource::Entered => true,
        Some(a) => a.address == address,
        None => false,
    };
    if keep {
        return Ok(());
    }
    let lang = known.map_or(Lang::Fr, |a| a.lang);
    commons_store::mail::set_address(
        &ctx.db,
        NewAddress {
            user_id,
            address: &address,
            source: AddressSource::Claim,
            lang,
            confirmed: true,
            token_hash: None,
        },
        ctx.now(),
    )
    .await?;
    Ok(())
}

/// The person's choices: a delivery per kind named (the others keep theirs), and the language
/// mail is written in.
pub async fn set_preferences(
    ctx: &Context,
    actor: Option<&Actor>,
    chosen: &[(NotificationKind, Delivery)],
    lang: Option<Lang>,
) -> ServiceResult<Settings> {
    let actor = signed_in(actor)?;
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    for (kind, delivery) in chosen {
        commons_store::mail::set_preference(&txn, actor.user_id, *kind, *delivery).await?;
    }
    if let Some(lang) = lang {
        commons_store::mail::set_lang(&txn, actor.user_id, lang, now).await?;
    }
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "mail.preferences_set",
            subject_type: SUBJECT,
            subject_id: actor.user_id,
            details: json!({
                "chosen": chosen.iter().map(|(k, d)| json!([k.as_str(), d.as_str()])).collect::<Vec<_>>(),
                "lang": lang.map(|l| l.code()),
            }),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    settings(ctx, Some(actor)).await
}

type HmacSha256 = Hmac<Sha256>;

/// The key of mail links, derived from a deployment's secret so that the secret itself (which
/// may also sign tokens) signs nothing of mail's.
pub fn link_key(secret: &[u8]) -> Arc<[u8]> {
    let mut mac = HmacSha256::new_from_slice(secret).unwrap_or_else(|_| unreachable_hmac());
    mac.update(b"commons mail links v1");
    let key: Vec<u8> = mac.finalize().into_bytes().to_vec();
    Arc::from(key)
}

/// A one-click unsubscribe token: the person and the kind (or every kind, for a digest),
/// signed.
fn unsubscribe_token(secret: &[u8], user_id: i64, kind: Option<NotificationKind>) -> String {
    let what = format!("{user_id}.{}", kind.map_or("ALL", NotificationKind::as_str));
    let mut mac = HmacSha256::new_from_slice(secret).unwrap_or_else(|_| unreachable_hmac());
    mac.update(what.as_bytes());
    let sig = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{what}.{sig}")
}

/// HMAC takes a key of any length; this is never reached.
fn unreachable_hmac() -> HmacSha256 {
    #[allow(clippy::expect_used)]
    HmacSha256::new_from_slice(b"commons").expect("HMAC takes any key length")
}

/// What an unsubscribe token stops: (person, kind or every kind).
fn read_unsubscribe(secret: &[u8], token: &str) -> Option<(i64, Option<NotificationKind>)> {
    let (what, sig) = token.rsplit_once('.')?;
    let (user, kind) = what.split_once('.')?;
    let user: i64 = user.parse().ok()?;
    let kind = match kind {
        "ALL" => None,
        k => Some(k.parse::<NotificationKind>().ok()?),
    };
    let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
    let mut mac = HmacSha256::new_from_slice(secret).ok()?;
    mac.update(what.as_bytes());
    mac.verify_slice(&sig).ok()?;
    Some((user, kind))
}

/// A one-click unsubscribe (RFC 8058): the kind the message was about, or every kind for a
/// digest, is no longer sent by mail. Whether the token was good.
pub async fn unsubscribe(ctx: &Context, token: &str) -> ServiceResult<bool> {
    if token.len() > 200 {
        return Ok(false);
    }
    let Some((user_id, kind)) = read_unsubscribe(&ctx.mail.secret, token) else {
        return Ok(false);
    };
    // A message's kind; for a digest, what the digest gathers (the kinds heard of weekly).
    let kinds: Vec<NotificationKind> = match kind {
        Some(k) => vec![k],
        None => commons_store::mail::preferences(&ctx.db, user_id)
            .await?
            .all()
            .into_iter()
            .filter(|(_, d)| *d == Delivery::Weekly)
            .map(|(k, _)| k)
            .collect(),
    };
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    for kind in &kinds {
        commons_store::mail::set_preference(&txn, user_id, *kind, Delivery::None).await?;
    }
    audit::record(
        &txn,
        audit::Change {
            actor: None,
            action: "mail.unsubscribed",
            subject_type: SUBJECT,
            subject_id: user_id,
            details: json!({ "kinds": kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>() }),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

/// The words a message gives of each notification: its tool's title as the person may read
/// it.
async fn items(
    ctx: &Context,
    user_id: i64,
    lang: Lang,
    notifications: &[Notification],
) -> ServiceResult<Vec<MailItem>> {
    let reader = reader(ctx, user_id).await?;
    let tool_ids: Vec<i64> = notifications.iter().filter_map(|n| n.tool_id).collect();
    let tools = tools::get_many(ctx, reader.as_ref(), &tool_ids).await?;
    let title = |id: i64| -> Option<String> {
        let seen = tools.iter().flatten().find(|t| t.tool.id == id)?;
        let translations = &seen.revision.content.translations;
        translations
            .iter()
            .find(|t| t.lang == lang)
            .or_else(|| translations.first())
            .map(|t| t.title.clone())
    };
    Ok(notifications
        .iter()
        .map(|n| MailItem {
            kind: n.kind,
            details: n.details.clone(),
            tool_title: n.tool_id.and_then(title),
            at: n.created_at,
        })
        .collect())
}

/// The person as a reader of tools: a member of their organisation (roles are in tokens, not
/// kept; a staff member's reading is the narrowest a member has).
async fn reader(ctx: &Context, user_id: i64) -> ServiceResult<Option<Actor>> {
    let Some(user) = commons_store::users::find_by_id(&ctx.db, user_id).await? else {
        return Ok(None);
    };
    let Some(org) = commons_store::organisations::find_by_id(&ctx.db, user.organisation_id).await?
    else {
        return Ok(None);
    };
    Ok(Some(Actor {
        user_id,
        organisation_id: org.id,
        organisation_kind: org.kind,
        roles: [Role::Staff].into_iter().collect(),
    }))
}

fn notifications_link(mail: &Mail) -> String {
    format!("{}/notifications", mail.public_url.trim_end_matches('/'))
}

fn unsubscribe_link(mail: &Mail, user_id: i64, kind: Option<NotificationKind>) -> String {
    format!(
        "{}/mail/unsubscribe?token={}",
        mail.public_url.trim_end_matches('/'),
        unsubscribe_token(&mail.secret, user_id, kind)
    )
}

/// Queues a message for each new notification whose person chose to hear of its kind at
/// once; the number queued. Reads the notifications a page at a time from a margin before its
/// last reading (queuing is idempotent), at most `per_run` newly queued; a run cut short goes
/// on from where it stopped.
pub async fn queue_immediate(ctx: &Context) -> ServiceResult<u64> {
    const PAGE: u64 = 500;
    let now = ctx.now();
    let margin = chrono::Duration::minutes(READ_MARGIN_MINUTES);
    let since = commons_store::mail::cursor(&ctx.db, "immediate")
        .await?
        .unwrap_or(now)
        - margin;
    let mut queued = 0;
    let mut after_id = None;
    let mut read_to = now;
    'pages: loop {
        let fresh =
            commons_store::mail::notifications_since(&ctx.db, since, after_id, PAGE).await?;
        let mut users: Vec<i64> = fresh.iter().map(|n| n.user_id).collect();
        users.sort_unstable();
        users.dedup();
        let wanted = commons_store::mail::immediate_for(&ctx.db, &users).await?;
        let addresses = commons_store::mail::addresses_of(&ctx.db, &users).await?;
        for n in &fresh {
            after_id = Some(n.id);
            if queued >= u64::from(ctx.mail.per_run) {
                // The next run reads again from this notification (the margin is taken off).
                read_to = n.created_at + margin;
                break 'pages;
            }
            if !wanted.contains(&(n.user_id, n.kind)) {
                continue;
            }
            // Only what happened since the address was confirmed: mail starts from there.
            let Some(address) = addresses.iter().find(|a| {
                a.user_id == n.user_id
                    && a.deliverable()
                    && a.confirmed_at.is_some_and(|at| at <= n.created_at)
            }) else {
                continue;
            };
            let key = format!("n:{}", n.id);
            if commons_store::mail::queued(&ctx.db, &key).await? {
                continue;
            }
            let listed = items(ctx, n.user_id, address.lang, std::slice::from_ref(n)).await?;
            let Some(item) = listed.first() else {
                continue;
            };
            let (link, unsubscribe) = (
                notifications_link(&ctx.mail),
                unsubscribe_link(&ctx.mail, n.user_id, Some(n.kind)),
            );
            let letter = Letter::Notification {
                item,
                link: &link,
                unsubscribe: &unsubscribe,
            };
            let purpose = Purpose::Notification;
            if queue_written(ctx, address, purpose, &key, &letter, &unsubscribe, now).await? {
                queued += 1;
            }
        }
        if (fresh.len() as u64) < PAGE {
            break;
        }
    }
    commons_store::mail::set_cursor(&ctx.db, "immediate", read_to).await?;
    Ok(queued)
}

/// Writes a notification or a digest in the address's language and queues it under `key`, with
/// its unsubscribe link; whether it was queued now (not under that key before).
async fn queue_written(
    ctx: &Context,
    address: &MailAddress,
    purpose: Purpose,
    key: &str,
    letter: &Letter<'_>,
    unsubscribe: &str,
    now: DateTime<Utc>,
) -> ServiceResult<bool> {
    let (subject, body) = ctx.mail.words.write(address.lang, letter);
    let envelope = Envelope {
        user_id: address.user_id,
        address: &address.address,
        purpose,
        key,
        subject: &subject,
        body_text: &body,
        unsubscribe_url: Some(unsubscribe),
    };
    Ok(commons_store::mail::queue(&ctx.db, envelope, now).await?)
}

/// Queues the weekly digest of each person whose week is over: their notifications of the week
/// of the kinds they hear of weekly, at most `digest_items` listed with how many more; none
/// when there were none. The number queued.
pub async fn queue_digests(ctx: &Context) -> ServiceResult<u64> {
    let now = ctx.now();
    let week = chrono::Duration::days(7);
    let due =
        commons_store::mail::digests_due(&ctx.db, now - week, u64::from(ctx.mail.per_run)).await?;
    let mut queued = 0;
    for address in due {
        // From the last digest, or from the confirmation when later (mail starts there), to a
        // margin before now (what commits late is in the next one).
        let from = match (address.digest_sent_at, address.confirmed_at) {
            (Some(sent), Some(confirmed)) => sent.max(confirmed),
            (sent, confirmed) => sent.or(confirmed).unwrap_or(now - week),
        };
        let until = now - chrono::Duration::minutes(READ_MARGIN_MINUTES);
        let preferences = commons_store::mail::preferences(&ctx.db, address.user_id).await?;
        let weekly: Vec<NotificationKind> = preferences
            .all()
            .into_iter()
            .filter(|(_, d)| *d == Delivery::Weekly)
            .map(|(k, _)| k)
            .collect();
        let (listed, total) = commons_store::mail::notifications_of(
            &ctx.db,
            address.user_id,
            &weekly,
            from,
            until,
            u64::from(ctx.mail.digest_items),
        )
        .await?;
        if !listed.is_empty() {
            let shown = items(ctx, address.user_id, address.lang, &listed).await?;
            let (link, unsubscribe) = (
                notifications_link(&ctx.mail),
                unsubscribe_link(&ctx.mail, address.user_id, None),
            );
            let letter = Letter::Digest {
                items: &shown,
                more: total.saturating_sub(shown.len() as u64),
                link: &link,
                unsubscribe: &unsubscribe,
            };
            let key = format!("d:{}:{}", address.user_id, from.timestamp());
            let purpose = Purpose::Digest;
            if queue_written(ctx, &address, purpose, &key, &letter, &unsubscribe, now).await? {
                queued += 1;
            }
        }
        commons_store::mail::digest_done(&ctx.db, address.user_id, until).await?;
    }
    Ok(queued)
}

/// What a delivery attempt came to.
enum Delivered {
    Yes,
    /// Refused for now (a 4xx, a connection that failed): try again later.
    Later(String),
    /// Refused for good. `bounce`: the mailbox itself was refused (550, 551, 553), so the
    /// address is suppressed; any other refusal (the relay's credentials, its policy, the size)
    /// is the relay's, and the address is left alone.
    Never {
        error: String,
        bounce: bool,
    },
}

/// The replies that say the mailbox itself is refused: no such user, not local, a name not
/// allowed (RFC 5321, 4.2.3).
const BOUNCES: [u16; 3] = [550, 551, 553];

async fn deliver(mail: &Mail, to: &str, q: &commons_store::mail::Queued) -> Delivered {
    let parsed = (|| -> Result<Message, String> {
        let from: Mailbox = mail.from.parse().map_err(|e| format!("mail.from: {e}"))?;
        let to: Mailbox = to.parse().map_err(|e| format!("the address: {e}"))?;
        // One identity per queued message, the same on every attempt: a relay that saw it
        // already (a sender that died before marking it sent) can tell.
        let host = url::Url::parse(&mail.public_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "commons.localhost".into());
        let mut builder = Message::builder()
            .message_id(Some(format!("<mail-{}@{host}>", q.id)))
            .from(from)
            .to(to)
            .subject(q.subject.clone())
            .header(ContentType::TEXT_PLAIN);
        if let Some(url) = &q.unsubscribe_url {
            builder = builder
                .header(ListUnsubscribe(format!("<{url}>")))
                .header(ListUnsubscribePost);
        }
        builder.body(q.body_text.clone()).map_err(|e| e.to_string())
    })();
    let message = match parsed {
        Ok(m) => m,
        Err(error) => {
            return Delivered::Never {
                error,
                bounce: false,
            };
        }
    };
    match &mail.transport {
        Transport::Log => {
            // The embedded default: the operator's log is the mailbox (a confirmation's link
            // is followed from there).
            tracing::info!(to = %to, subject = %q.subject, body = %q.body_text, "mail (no relay configured: logged, not sent)");
            Delivered::Yes
        }
        Transport::Smtp(smtp) => match smtp.send(message).await {
            Ok(_) => Delivered::Yes,
            Err(e) if e.is_permanent() => Delivered::Never {
                bounce: e.status().is_some_and(|c| BOUNCES.contains(&u16::from(c))),
                error: e.to_string(),
            },
            Err(e) => Delivered::Later(e.to_string()),
        },
    }
}

/// `List-Unsubscribe` (RFC 2369): where one click stops this kind of message.
#[derive(Clone, Debug)]
struct ListUnsubscribe(String);

impl lettre::message::header::Header for ListUnsubscribe {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }

    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): the link takes a POST.
#[derive(Clone, Debug)]
struct ListUnsubscribePost;

impl lettre::message::header::Header for ListUnsubscribePost {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(
            Self::name(),
            "List-Unsubscribe=One-Click".to_owned(),
        )
    }
}

/// Sends what is due, at most `per_run`, each person at most `per_person_per_day` a day (the
/// rest waits); the number sent.
pub async fn send_due(ctx: &Context) -> ServiceResult<u64> {
    let now = ctx.now();
    commons_store::mail::release_stale(&ctx.db, now).await?;
    let due = commons_store::mail::due(&ctx.db, now, u64::from(ctx.mail.per_run)).await?;
    let mut sent = 0;
    for q in due {
        let now = ctx.now();
        let claim_until = now + chrono::Duration::seconds(CLAIM_SECONDS);
        if !commons_store::mail::claim(&ctx.db, q.id, claim_until).await? {
            continue;
        }
        let today =
            commons_store::mail::sent_since(&ctx.db, q.user_id, now - chrono::Duration::days(1))
                .await?;
        if today >= u64::from(ctx.mail.per_person_per_day) {
            // Due again when the oldest message of the last 24 hours leaves the window.
            let oldest = commons_store::mail::oldest_sent_since(
                &ctx.db,
                q.user_id,
                now - chrono::Duration::days(1),
            )
            .await?;
            let later = oldest.map_or(now + chrono::Duration::hours(1), |at| {
                at + chrono::Duration::days(1)
            });
            commons_store::mail::settle(&ctx.db, q.id, Outcome::Deferred { at: later }, now)
                .await?;
            continue;
        }
        if q.attempts as u32 >= ctx.mail.max_attempts {
            let error = "tried too often (a sender stopped while sending it)";
            commons_store::mail::settle(&ctx.db, q.id, Outcome::Failed { error }, now).await?;
            continue;
        }
        // Only to a deliverable address (a confirmation: to the one it confirms, as entered).
        let address = commons_store::mail::address_of(&ctx.db, q.user_id).await?;
        let current = address.as_ref().is_some_and(|a| {
            a.address == q.address
                && a.suppressed_at.is_none()
                && (q.purpose == Purpose::Confirmation || a.confirmed_at.is_some())
        });
        if !current {
            let error = "the address changed, or mail to it stopped";
            commons_store::mail::settle(&ctx.db, q.id, Outcome::Failed { error }, now).await?;
            continue;
        }
        match deliver(&ctx.mail, &q.address, &q).await {
            Delivered::Yes => {
                commons_store::mail::settle(&ctx.db, q.id, Outcome::Sent, ctx.now()).await?;
                sent += 1;
            }
            Delivered::Later(error) if (q.attempts as u32 + 1) < ctx.mail.max_attempts => {
                let at = ctx.now() + rules::backoff(q.attempts as u32);
                tracing::info!(id = q.id, %error, "mail refused for now; tried again later");
                commons_store::mail::settle(
                    &ctx.db,
                    q.id,
                    Outcome::Retry { at, error: &error },
                    now,
                )
                .await?;
            }
            Delivered::Never {
                error,
                bounce: true,
            } => {
                tracing::warn!(id = q.id, %error, "the mailbox was refused; mail to the address stops until it is confirmed again");
                let txn = begin_write(&ctx.db).await?;
                commons_store::mail::settle(&txn, q.id, Outcome::Failed { error: &error }, now)
                    .await?;
                commons_store::mail::suppress(&txn, q.user_id, &q.address, &error, now).await?;
                audit::record(
                    &txn,
                    audit::Change {
                        actor: None,
                        action: "mail.address_suppressed",
                        subject_type: SUBJECT,
                        subject_id: q.user_id,
                        details: json!({ "message": q.id }),
                    },
                    now,
                )
                .await?;
                txn.commit().await?;
            }
            // The relay's refusal, or tries spent: this message fails, the address stays.
            Delivered::Later(error) | Delivered::Never { error, .. } => {
                tracing::warn!(id = q.id, %error, "mail refused; this message is given up");
                commons_store::mail::settle(&ctx.db, q.id, Outcome::Failed { error: &error }, now)
                    .await?;
            }
        }
    }
    Ok(sent)
}

/// One run of the mail duty: new notifications queued, digests of weeks ended queued, what is
/// due sent. What it did, for the log.
pub async fn run(ctx: &Context) -> ServiceResult<String> {
    let immediate = queue_immediate(ctx).await?;
    let digests = queue_digests(ctx).await?;
    let sent = send_due(ctx).await?;
    // What went or failed a month ago leaves the outbox, its words (and links) with it.
    commons_store::mail::prune(&ctx.db, ctx.now() - chrono::Duration::days(KEPT_DAYS)).await?;
    Ok(format!(
        "{immediate} notifications and {digests} digests queued, {sent} sent"
    ))
}

/// Whether the token is this deployment's and names a person (for the page that asks before
/// the click).
pub fn unsubscribe_valid(ctx: &Context, token: &str) -> bool {
    token.len() <= 200 && read_unsubscribe(&ctx.mail.secret, token).is_some()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn an_unsubscribe_token_names_its_person_and_kind_and_cannot_be_forged() {
        let secret = b"a secret of this deployment";
        let token = unsubscribe_token(secret, 42, Some(NotificationKind::ToolDecision));
        assert_eq!(
            read_unsubscribe(secret, &token),
            Some((42, Some(NotificationKind::ToolDecision)))
        );
        let all = unsubscribe_token(secret, 42, None);
        assert_eq!(read_unsubscribe(secret, &all), Some((42, None)));
        // Another person, another kind, another deployment: refused.
        let forged = token.replacen("42.", "43.", 1);
        assert_eq!(read_unsubscribe(secret, &forged), None);
        assert_eq!(read_unsubscribe(b"another secret", &token), None);
        assert_eq!(read_unsubscribe(secret, "42.ALL"), None);
        assert_eq!(read_unsubscribe(secret, ""), None);
    }
}
