//! The pages' settings (`[web]` in the service's configuration).

use secrecy::SecretString;
use serde::Deserialize;

/// The web pages served beside the API on the same address.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct WebConfig {
    /// The pages at `/`; off leaves the address to the API alone.
    pub enabled: bool,
    /// How long a sign-in lasts, in hours.
    pub session_hours: u64,
    /// `Secure` on the pages' cookies; by default when the service listens beyond loopback.
    pub secure_cookies: Option<bool>,
    /// Sign-in through an OpenID Connect provider; the development sign-in is off then.
    pub oidc: Option<OidcConfig>,
}

/// The OpenID Connect provider people sign in with (authorization code flow with PKCE).
#[derive(Clone, Debug, Deserialize)]
pub struct OidcConfig {
    /// The issuer: its discovery document is `<issuer>/.well-known/openid-configuration`.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: SecretString,
    /// Asked besides `openid`; the ID token must carry `org` and `roles` as API tokens do.
    #[serde(default = "default_oidc_scopes")]
    pub scopes: String,
    /// Each call to the provider (discovery, keys, token) must answer within this.
    #[serde(default = "default_oidc_timeout_ms")]
    pub timeout_ms: u64,
}

fn default_oidc_scopes() -> String {
    "profile email".into()
}

fn default_oidc_timeout_ms() -> u64 {
    10_000
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            session_hours: 12,
            secure_cookies: None,
            oidc: None,
        }
    }
}
