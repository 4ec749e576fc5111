//! Signing in to the pages through an OpenID Connect provider: the authorization code flow
//! with PKCE (S256), `state` and `nonce`. The provider is found by its discovery document,
//! read when the first person signs in (the service starts while the provider is down) and
//! kept; its keys are read again when an ID token names a key not yet known, at most once a
//! minute. The ID token must be signed with an asymmetric key of the provider, for this
//! client, by this issuer, with the nonce of this sign-in; its `org` and `roles` claims are
//! read as an API token's are.

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

use crate::config::OidcConfig;
use commons_domain::identity::Identity;

/// The largest answer read from the provider (discovery, keys, token).
const MAX_RESPONSE_BYTES: usize = 1 << 20;
/// Keys are read again for an unknown `kid` at most this often.
const KEYS_REFRESH: Duration = Duration::from_secs(60);
/// Clock skew tolerated on the ID token's times.
const LEEWAY_SECONDS: u64 = 60;

#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("the identity provider cannot be reached: {0}")]
    Unreachable(String),
    #[error("the identity provider answered what Commons cannot use: {0}")]
    Protocol(String),
    #[error("the identity provider's answer is refused: {0}")]
    Refused(String),
}

#[derive(Clone, Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
}

struct Provider {
    discovery: Discovery,
    keys: JwkSet,
    keys_read: Instant,
}

pub struct Oidc {
    config: OidcConfig,
    redirect_uri: String,
    http: oidc_http::Client,
    provider: Mutex<Option<Provider>>,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc")
            .field("issuer", &self.config.issuer)
            .field("client_id", &self.config.client_id)
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

/// What a sign-in under way keeps in the browser (an `HttpOnly` cookie scoped to `/sign-in`)
/// until the provider sends the person back: the `state` to compare, the `nonce` the ID token
/// must carry, the PKCE verifier.
pub struct Pending {
    pub state: String,
    pub nonce: String,
    verifier: String,
}

fn random() -> String {
    commons_service::web_sessions::random_token()
}

impl Default for Pending {
    fn default() -> Self {
        Self::new()
    }
}

impl Pending {
    pub fn new() -> Self {
        Self {
            state: random(),
            nonce: random(),
            verifier: random(),
        }
    }

    pub fn cookie_value(&self) -> String {
        format!("{}.{}.{}", self.state, self.nonce, self.verifier)
    }

    pub fn from_cookie(value: &str) -> Option<Self> {
        let mut parts = value.split('.');
        let (state, nonce, verifier) = (parts.next()?, parts.next()?, parts.next()?);
        let valid = |s: &str| {
            s.len() == 43
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        (parts.next().is_none() && valid(state) && valid(nonce) && valid(verifier)).then(|| Self {
            state: state.to_owned(),
            nonce: nonce.to_owned(),
            verifier: verifier.to_owned(),
        })
    }

    fn challenge(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.verifier.as_bytes()))
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: String,
}

#[derive(Deserialize)]
struct IdClaims {
    sub: String,
    nonce: Option<String>,
    org: Option<String>,
    #[serde(default)]
    roles: Option<serde_json::Value>,
    name: Option<String>,
    email: Option<String>,
    #[serde(default)]
    email_verified: Option<bool>,
}

fn asymmetric(alg: Algorithm) -> bool {
    !matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512)
}

impl Oidc {
    pub fn new(config: &OidcConfig, public_url: &str) -> Result<Self, OidcError> {
        let http = oidc_http::Client::builder()
            .timeout(Duration::from_millis(config.timeout_ms.max(1)))
            .redirect(oidc_http::redirect::Policy::none())
            .build()
            .map_err(|e| OidcError::Protocol(format!("no HTTP client: {e}")))?;
        Ok(Self {
            config: config.clone(),
            redirect_uri: format!("{}/sign-in/callback", public_url.trim_end_matches('/')),
            http,
            provider: Mutex::new(None),
        })
    }

    async fn read<T: DeserializeOwned>(
        &self,
        request: oidc_http::RequestBuilder,
        what: &str,
    ) -> Result<T, OidcError> {
        let mut response = request
            .send()
            .await
            .map_err(|e| OidcError::Unreachable(format!("{what}: {e}")))?;
        let status = response.status();
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| OidcError::Unreachable(format!("{what}: {e}")))?
        {
            if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(OidcError::Protocol(format!("{what} is larger than 1 MiB")));
            }
            body.extend_from_slice(&chunk);
        }
        if !status.is_success() {
            return Err(OidcError::Refused(format!(
                "{what} answered {status}: {}",
                String::from_utf8_lossy(&body[..body.len().min(300)])
            )));
        }
        serde_json::from_slice(&body).map_err(|e| OidcError::Protocol(format!("{what}: {e}")))
    }

    /// The provider's endpoints, read once; its keys, read again when `refresh` asks and
    /// they were read more than a minute ago.
    async fn provider(&self, refresh_keys: bool) -> Result<(Discovery, JwkSet), OidcError> {
        let mut held = self.provider.lock().await;
        if held.is_none() {
            let url = format!(
                "{}/.well-known/openid-configuration",
                self.config.issuer.trim_end_matches('/')
            );
            let discovery: Discovery = self
                .read(self.http.get(&url), "the discovery document")
                .await?;
            if discovery.issuer.trim_end_matches('/') != self.config.issuer.trim_end_matches('/') {
                return Err(OidcError::Protocol(format!(
                    "the discovery document names the issuer {}, not {}",
                    discovery.issuer, self.config.issuer
                )));
            }
            let keys: JwkSet = self
                .read(self.http.get(&discovery.jwks_uri), "the provider's keys")
                .await?;
            *held = Some(Provider {
                discovery,
                keys,
                keys_read: Instant::now(),
            });
        } else if let Some(provider) = held.as_mut()
            && refresh_keys
            && provider.keys_read.elapsed() > KEYS_REFRESH
        {
            provider.keys = self
                .read(
                    self.http.get(&provider.discovery.jwks_uri),
                    "the provider's keys",
                )
                .await?;
            provider.keys_read = Instant::now();
        }
        let provider = held
            .as_ref()
            .ok_or_else(|| OidcError::Protocol("no provider".into()))?;
        Ok((provider.discovery.clone(), provider.keys.clone()))
    }

    /// Where to send the browser to sign in.
    pub async fn authorization_url(&self, pending: &Pending) -> Result<String, OidcError> {
        let (discovery, _) = self.provider(false).await?;
        let scope = format!("openid {}", self.config.scopes.trim());
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.config.client_id)
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("scope", scope.trim())
            .append_pair("state", &pending.state)
            .append_pair("nonce", &pending.nonce)
            .append_pair("code_challenge", &pending.challenge())
            .append_pair("code_challenge_method", "S256")
            .finish();
        let separator = if discovery.authorization_endpoint.contains('?') {
            '&'
        } else {
            '?'
        };
        Ok(format!(
            "{}{separator}{query}",
            discovery.authorization_endpoint
        ))
    }

    /// Trades the code the provider sent back for an ID token and reads who signed in.
    pub async fn finish(&self, code: &str, pending: &Pending) -> Result<Identity, OidcError> {
        let (discovery, _) = self.provider(false).await?;
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "authorization_code")
            .append_pair("code", code)
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("code_verifier", &pending.verifier)
            .finish();
        // client_secret_basic: each part form-encoded first (RFC 6749, 2.3.1).
        let encode =
            |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let basic = STANDARD.encode(format!(
            "{}:{}",
            encode(&self.config.client_id),
            encode(self.config.client_secret.expose_secret())
        ));
        let request = self
            .http
            .post(&discovery.token_endpoint)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .header("authorization", format!("Basic {basic}"))
            .body(form);
        let token: TokenResponse = self.read(request, "the token endpoint").await?;
        self.verify(&token.id_token, &pending.nonce).await
    }

    async fn verify(&self, id_token: &str, nonce: &str) -> Result<Identity, OidcError> {
        let header = jsonwebtoken::decode_header(id_token)
            .map_err(|e| OidcError::Refused(format!("the ID token does not read: {e}")))?;
        if !asymmetric(header.alg) {
            return Err(OidcError::Refused(format!(
                "the ID token is signed with {:?}, not a provider's key",
                header.alg
            )));
        }
        let (mut discovery, mut keys) = self.provider(false).await?;
        let find = |keys: &JwkSet| match &header.kid {
            Some(kid) => keys.find(kid).cloned(),
            None => (keys.keys.len() == 1).then(|| keys.keys[0].clone()),
        };
        let jwk = match find(&keys) {
            Some(jwk) => jwk,
            None => {
                (discovery, keys) = self.provider(true).await?;
                find(&keys).ok_or_else(|| {
                    OidcError::Refused(
                        "the ID token names a key the provider does not publish".into(),
                    )
                })?
            }
        };
        let key = DecodingKey::from_jwk(&jwk)
            .map_err(|e| OidcError::Protocol(format!("the provider's key: {e}")))?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&discovery.issuer]);
        validation.set_audience(&[&self.config.client_id]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY_SECONDS;
        let claims = jsonwebtoken::decode::<IdClaims>(id_token, &key, &validation)
            .map_err(|e| OidcError::Refused(format!("the ID token: {e}")))?
            .claims;
        if !claims
            .nonce
            .as_deref()
            .is_some_and(|n| super::visit::same_token(n, nonce))
        {
            return Err(OidcError::Refused(
                "the ID token is not for this sign-in (nonce)".into(),
            ));
        }
        let organisation_slug = claims
            .org
            .filter(|o| !o.is_empty())
            .ok_or_else(|| OidcError::Refused("the ID token names no organisation (org)".into()))?;
        let roles = match claims.roles {
            Some(serde_json::Value::Array(list)) => list
                .into_iter()
                .filter_map(|r| r.as_str().map(str::to_owned))
                .collect(),
            Some(serde_json::Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
            _ => Vec::new(),
        };
        Ok(Identity {
            subject: claims.sub,
            organisation_slug,
            roles,
            name: claims.name,
            email: claims.email,
            email_verified: claims.email_verified == Some(true),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_sign_in_survives_its_cookie_and_nothing_else_does() {
        let pending = Pending::new();
        let back = Pending::from_cookie(&pending.cookie_value()).unwrap();
        assert_eq!(back.state, pending.state);
        assert_eq!(back.challenge(), pending.challenge());
        assert!(Pending::from_cookie("a.b.c").is_none());
        assert!(Pending::from_cookie(&format!("{}.x", pending.cookie_value())).is_none());
    }

    #[test]
    fn the_challenge_is_the_verifiers_sha256() {
        // RFC 7636, appendix B.
        let pending = Pending {
            state: String::new(),
            nonce: String::new(),
            verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into(),
        };
        assert_eq!(
            pending.challenge(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
