//! Sessions of the web pages: started at sign-in, read on every page, ended at sign-out. The
//! browser holds a random secret; the database holds only its SHA-256, so a copy of the table
//! signs nobody in. A session carries the identity a token would (organisation, roles), and
//! is checked against the records on every page like a token is.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::{Context, ServiceResult};
use commons_domain::identity::Identity;
use commons_store::web_sessions::{self, StoredSession};

/// A secret as the cookie carries it: 32 random bytes, base64url.
const SECRET_CHARS: usize = 43;

/// A signed-in browser: who it is, and the token each of its forms carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub identity: Identity,
    pub csrf_token: String,
}

/// 32 random bytes, base64url without padding.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn key(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Signs `identity` in for `lifetime`: the identity must name a known organisation and roles
/// that fit it (checked as a token's would be). Returns the cookie's secret and the session.
pub async fn start(
    ctx: &Context,
    identity: Identity,
    lifetime: std::time::Duration,
) -> ServiceResult<(String, Session)> {
    let actor = super::identity::resolve_actor(ctx, &identity).await?;
    // Signing in is when a provider's verified address is taken (again), even unchanged.
    if let (Some(email), true) = (&identity.email, identity.email_verified) {
        super::mail::from_claim(ctx, actor.user_id, email).await?;
    }
    let now = ctx.now();
    // Expired sessions go when a new one comes, so the table holds the live ones only.
    web_sessions::delete_expired(&ctx.db, now).await?;
    let secret = random_token();
    let lifetime = chrono::Duration::from_std(lifetime).unwrap_or(chrono::Duration::hours(12));
    let stored = StoredSession {
        identity,
        csrf_token: random_token(),
        expires_at: now + lifetime,
    };
    web_sessions::insert(&ctx.db, &key(&secret), &stored, now).await?;
    Ok((
        secret,
        Session {
            identity: stored.identity,
            csrf_token: stored.csrf_token,
        },
    ))
}

/// The live session a cookie's secret opens, if any.
pub async fn find(ctx: &Context, secret: &str) -> ServiceResult<Option<Session>> {
    if secret.len() != SECRET_CHARS {
        return Ok(None);
    }
    Ok(web_sessions::find_live(&ctx.db, &key(secret), ctx.now())
        .await?
        .map(|s| Session {
            identity: s.identity,
            csrf_token: s.csrf_token,
        }))
}

/// Signs the browser out: its session is gone on every replica at once.
pub async fn end(ctx: &Context, secret: &str) -> ServiceResult<()> {
    if secret.len() == SECRET_CHARS {
        web_sessions::delete(&ctx.db, &key(secret)).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_has_the_length_the_cookie_is_checked_against() {
        let token = random_token();
        assert_eq!(token.len(), SECRET_CHARS);
        assert_ne!(token, random_token());
        assert_eq!(key(&token).len(), 64);
    }
}
